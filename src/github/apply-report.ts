/**
 * `spaceform github apply-report`: the result of an apply on merge, in the job
 * summary and as a comment on the merged pull request (one per merge commit, so
 * a re-run of the workflow updates it instead of adding another).
 */
import type { Plan } from "../plan/model.ts";
import type { GitHubApi, IssueComment } from "./api.ts";
import { GITHUB_BODY_LIMIT, mergedPullFor, upsertComment } from "./comments.ts";
import { appendStepSummary, type GitHubContext } from "./context.ts";
import { applyMarker } from "./markers.ts";
import { renderPlanMarkdown } from "./render.ts";
import { mdCodeBlock } from "../text/markdown.ts";

export const APPLY_OUTCOMES = ["applied", "no-changes", "refused", "failed"] as const;
export type ApplyOutcome = (typeof APPLY_OUTCOMES)[number];

const HEADLINE: Record<ApplyOutcome, string> = {
  applied: "✅ spaceform apply: applied",
  "no-changes": "✅ spaceform apply: nothing to change",
  refused: "⛔ spaceform apply: refused, nothing was applied",
  failed: "❌ spaceform apply: failed",
};

/** The end of a log is where a failure is explained. */
const LOG_TAIL_LINES = 80;
const LOG_TAIL_CHARS = 12_000;

export interface ApplyReportInput {
  sha: string;
  outcome: ApplyOutcome;
  plan?: Plan;
  /** Output of the plan/check/apply steps, shown (its end) in the report. */
  log?: string;
  commentAuthor: string;
}

/**
 * The log is untrusted text (it quotes room names): it goes into a code block
 * whose fence it cannot close, with control characters shown escaped. A plan
 * marker or record inside it is inert: the gate reads only the first lines of
 * a plan comment, and this comment starts with the apply marker.
 */
function logTail(log: string): string {
  const lines = log.trimEnd().split("\n").slice(-LOG_TAIL_LINES).join("\n");
  const tail = lines.length > LOG_TAIL_CHARS ? lines.slice(-LOG_TAIL_CHARS) : lines;
  return mdCodeBlock(tail);
}

export function applyReportBody(
  input: ApplyReportInput,
  ctx: Pick<GitHubContext, "runUrl">,
): string {
  // A plan that is refused (a lock-out, a broken house rule) fails the plan step, but nothing
  // failed: apply never started, and re-running it is refused the same way.
  const refusedPlan = input.outcome === "failed" && input.plan?.refused === true;
  const outcome: ApplyOutcome = refusedPlan ? "refused" : input.outcome;
  const parts = [applyMarker(input.sha), `### ${HEADLINE[outcome]}`, ""];
  const run = ctx.runUrl ? ` ([workflow run](${ctx.runUrl}))` : "";
  parts.push(`Commit ${input.sha.slice(0, 12)}${run}.`, "");
  if (refusedPlan)
    parts.push(
      "The plan made at merge is refused (its errors are listed in the plan below), so apply did not start. Re-running the workflow is refused the same way: fix the errors in the manifests (a new pull request) or in the live space first.",
      "",
    );
  else if (outcome === "failed")
    parts.push(
      "The output below says what failed. If apply had started, the steps before the failure are done and stay done; re-running the workflow plans again and converges.",
      "",
    );
  if (input.log && input.log.trim() !== "") {
    parts.push(
      `<details${outcome === "applied" || outcome === "no-changes" ? "" : " open"}><summary>Output</summary>`,
      "",
      logTail(input.log),
      "",
      "</details>",
      "",
    );
  }
  if (input.plan) {
    const used = parts.join("\n").length;
    parts.push(
      "<details><summary>The plan</summary>",
      "",
      renderPlanMarkdown(input.plan, { maxLength: GITHUB_BODY_LIMIT - used - 1_000 }).trimEnd(),
      "",
      "</details>",
      "",
    );
  }
  return parts.join("\n");
}

export async function reportApply(
  api: GitHubApi,
  ctx: Pick<GitHubContext, "runUrl" | "stepSummary">,
  input: ApplyReportInput,
): Promise<{ pullRequest?: number; comment?: IssueComment }> {
  const body = applyReportBody(input, ctx);
  const pr = await mergedPullFor(api, input.sha);
  if (!pr) {
    appendStepSummary(
      ctx,
      `${body}\n_No merged pull request found for this commit; the report is only here._\n`,
    );
    return {};
  }
  const { comment } = await upsertComment(
    api,
    pr.number,
    applyMarker(input.sha),
    input.commentAuthor,
    body,
  );
  appendStepSummary(ctx, `${body}\nReported on pull request #${pr.number}: ${comment.url}\n`);
  return { pullRequest: pr.number, comment };
}
