/**
 * The plan's verdict on a pull request's head commit: the commit status
 * `spaceform plan`, which a branch rule can require. It is set by the trusted
 * run for every pull request (also those that change no manifest, so the
 * required check never waits), and when no plan can be made for the newest
 * commit the plan comment says so instead of showing an older plan as if it
 * were current.
 */
import type { Plan } from "../plan/model.ts";
import { refusalLine, summaryLine } from "../render/format.ts";
import type { CommitStatus, GitHubApi } from "./api.ts";
import { findMarkedComment } from "./comments.ts";
import type { GitHubContext } from "./context.ts";
import { PLAN_MARKER } from "./markers.ts";

export const PLAN_STATUS_CONTEXT = "spaceform plan";

export const NO_PLAN_RESULTS = [
  "unchanged",
  "invalid",
  "no-credentials",
  "failed",
  "refused",
] as const;
export type NoPlanResult = (typeof NO_PLAN_RESULTS)[number];

const NO_PLAN: Record<NoPlanResult, { state: CommitStatus["state"]; text: string }> = {
  unchanged: {
    state: "success",
    text: "No manifest changed: nothing to plan.",
  },
  invalid: {
    state: "failure",
    text: "The manifests are not valid (the Plan run's annotations show where): no plan was made.",
  },
  "no-credentials": {
    state: "failure",
    text: "No plan: the secrets MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN are not set for this workflow.",
  },
  failed: {
    state: "failure",
    text: "The plan could not be made: the workflow run's log says why.",
  },
  refused: {
    state: "failure",
    text: "The Plan run's hand-off was refused (the trusted run's log lists why): no plan was made.",
  },
};

/** The status of a plan that was made and commented. */
export function planStatus(plan: Plan): Pick<CommitStatus, "state" | "description"> {
  if (plan.refused) return { state: "failure", description: refusalLine(plan) ?? "Refused." };
  return { state: "success", description: summaryLine(plan) };
}

export async function setPlanStatus(
  api: GitHubApi,
  ctx: Pick<GitHubContext, "runUrl">,
  sha: string,
  status: Pick<CommitStatus, "state" | "description">,
): Promise<void> {
  await api.setCommitStatus(sha, {
    ...status,
    context: PLAN_STATUS_CONTEXT,
    ...(ctx.runUrl ? { targetUrl: ctx.runUrl } : {}),
  });
}

/** The body an outdated plan comment is replaced with: the marker, no plan record, the reason. */
export function outdatedCommentBody(
  result: NoPlanResult,
  headSha: string,
  runUrl: string | undefined,
): string {
  const run = runUrl ? ` ([workflow run](${runUrl}))` : "";
  return [
    PLAN_MARKER,
    "### ⚠️ spaceform plan: out of date",
    "",
    `${NO_PLAN[result].text} The plan shown here before was made for an older commit and no longer applies; ` +
      `it was removed so that nobody reviews it by mistake. The next push that plans cleanly posts a new one.`,
    "",
    `<sub>Commit ${headSha.slice(0, 12)}${run}. Apply on merge refuses a pull request without a current plan.</sub>`,
    "",
  ].join("\n");
}

/**
 * Reports a pull request for which no plan was made for its head: the commit
 * status (unless `status` is false), and an existing plan comment, made for an
 * older commit, replaced by an out-of-date notice. Without one nothing is
 * commented: a pull request that never changed a manifest gets no comment.
 */
export async function reportNoPlan(
  api: GitHubApi,
  ctx: Pick<GitHubContext, "runUrl">,
  input: {
    pullRequest: number;
    headSha: string;
    result: NoPlanResult;
    commentAuthor: string;
    status: boolean;
  },
): Promise<{ commentUpdated: boolean; text: string }> {
  const { state, text } = NO_PLAN[input.result];
  if (input.status) await setPlanStatus(api, ctx, input.headSha, { state, description: text });
  const existing = await findMarkedComment(
    api,
    input.pullRequest,
    PLAN_MARKER,
    input.commentAuthor,
  );
  if (existing === undefined) return { commentUpdated: false, text };
  await api.updateIssueComment(
    existing.id,
    outdatedCommentBody(input.result, input.headSha, ctx.runUrl),
  );
  return { commentUpdated: true, text };
}
