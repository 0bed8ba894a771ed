/**
 * `spaceform github check-plan-kind`: at merge time, before apply, compare the
 * new plan with the one the merged pull request showed (the rule is in
 * plan-kind.ts and docs/github.md). The reviewed plan is read only from the
 * record spaceform signed on the second line of its own plan comment
 * (plan-record.ts). Refusing is the safe default whenever the reviewed plan
 * cannot be established.
 */
import type { Plan } from "../plan/model.ts";
import type { GitHubApi } from "./api.ts";
import { findMarkedComment, mergedPullFor } from "./comments.ts";
import { PLAN_MARKER } from "./markers.ts";
import { compareKinds, planKind } from "./plan-kind.ts";
import { readPlanRecord } from "./plan-record.ts";

export type KindCheck =
  | { ok: true; message: string; pullRequest?: number; skipped: string[] }
  | { ok: false; message: string; pullRequest?: number; unexpected: string[] };

const FRESH_REVIEW =
  "Nothing was applied. Open a pull request that touches the manifest so a fresh plan is shown and reviewed; merging it applies that plan.";

export async function checkPlanKind(
  api: GitHubApi,
  input: {
    plan: Plan;
    sha: string;
    commentAuthor: string;
    /** MATRIX_ACCESS_TOKEN, the key of the plan record (GitHubContext.planKey). */
    planKey: string | undefined;
  },
): Promise<KindCheck> {
  const current = planKind(input.plan.changes);
  if (current.keys.length === 0) {
    return {
      ok: true,
      message: "The plan has no changes; there is nothing to check.",
      skipped: [],
    };
  }
  const short = input.sha.slice(0, 12);
  const pr = await mergedPullFor(api, input.sha);
  if (!pr) {
    return {
      ok: false,
      unexpected: current.keys,
      message: `Commit ${short} did not come from a merged pull request, so no plan was reviewed for it. ${FRESH_REVIEW}`,
    };
  }
  const refuse = (message: string, unexpected: string[] = []): KindCheck => ({
    ok: false,
    pullRequest: pr.number,
    unexpected,
    message: `${message} ${FRESH_REVIEW}`,
  });
  const comment = await findMarkedComment(api, pr.number, PLAN_MARKER, input.commentAuthor);
  if (!comment) {
    return refuse(
      `Pull request #${pr.number} has no spaceform plan comment by ${input.commentAuthor}. ` +
        "(For a pull request from a fork, a maintainer runs the Plan workflow by hand with its number before merging.)",
    );
  }
  if (input.planKey === undefined) {
    return refuse(
      "The plan record cannot be checked: MATRIX_ACCESS_TOKEN, its key, is not in the environment.",
    );
  }
  const reading = readPlanRecord(comment.body, pr.number, input.planKey);
  if (!reading.ok) {
    return refuse(
      `The plan comment on #${pr.number} (${comment.url}) carries no valid plan record: ${reading.reason}.`,
    );
  }
  const reviewed = reading.record;
  if (reviewed.head_sha !== pr.headSha) {
    return refuse(
      `The last plan on #${pr.number} was made for commit ${reviewed.head_sha.slice(0, 12)}, ` +
        `but the pull request was merged at ${pr.headSha.slice(0, 12)}, which was never planned.`,
    );
  }
  if (reviewed.refused) {
    return refuse(
      `The plan shown on #${pr.number} was refused, so applying anything now would not be what was reviewed.`,
    );
  }
  const verdict = compareKinds(reviewed, current, input.plan.changes);
  if (!verdict.ok) return refuse(verdict.reason, verdict.unexpected);
  const skippedNote =
    verdict.skipped.length > 0
      ? ` ${verdict.skipped.length} reviewed change${verdict.skipped.length === 1 ? " is" : "s are"} no longer needed.`
      : "";
  return {
    ok: true,
    pullRequest: pr.number,
    skipped: verdict.skipped,
    message: `The plan matches the one reviewed on #${pr.number} (${current.keys.length} change${current.keys.length === 1 ? "" : "s"}).${skippedNote}`,
  };
}
