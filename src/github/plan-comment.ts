/**
 * `spaceform github plan-comment`: the plan as ONE comment on the pull request,
 * updated in place on every push, and the same plan in the job summary.
 * The comment records the plan's kind and the commit it was made for, signed,
 * on its second line (plan-record.ts); apply checks it at merge time
 * (check-plan-kind.ts).
 */
import type { Plan } from "../plan/model.ts";
import type { GitHubApi, IssueComment } from "./api.ts";
import { UserError } from "../diagnostics.ts";
import { GITHUB_BODY_LIMIT, upsertComment } from "./comments.ts";
import { appendStepSummary, type GitHubContext } from "./context.ts";
import { PLAN_MARKER } from "./markers.ts";
import { planKind } from "./plan-kind.ts";
import { planCommentWithRecord } from "./plan-record.ts";
import {
  detailsInJobSummary,
  renderPlanForSummary,
  renderPlanMarkdown,
  STEP_SUMMARY_LIMIT,
} from "./render.ts";

export interface PlanCommentInput {
  plan: Plan;
  pullRequest: number;
  /** The pull request's head commit that was planned. */
  headSha: string;
  commentAuthor: string;
  /** The workflow uploads the plan as an artifact (`--markdown-out`), so the comment can point at it. */
  detailsInArtifact?: boolean;
}

/** Room left for the footer, so the body stays under GitHub's limit. */
const FOOTER = 2_000;

export function planCommentBody(
  input: Pick<PlanCommentInput, "plan" | "headSha" | "pullRequest" | "detailsInArtifact">,
  ctx: Pick<GitHubContext, "runUrl" | "planKey">,
): string {
  if (ctx.planKey === undefined) {
    throw new UserError(
      "github plan-comment needs MATRIX_ACCESS_TOKEN in its environment: the plan record that apply checks is signed with it (docs/github.md).",
    );
  }
  const kind = planKind(input.plan.changes);
  const record = { ...kind, head_sha: input.headSha, refused: input.plan.refused };
  // The record's length does not depend on the content (it holds the content's digest).
  const recordLength = planCommentWithRecord(record, input.pullRequest, "", ctx.planKey).length;
  const markdown = renderPlanMarkdown(input.plan, {
    title: "spaceform plan",
    maxLength: GITHUB_BODY_LIMIT - recordLength - FOOTER,
    detailsAt: detailsInJobSummary(ctx.runUrl, input.detailsInArtifact === true),
  });
  const run = ctx.runUrl ? ` · [workflow run](${ctx.runUrl})` : "";
  const content = [
    markdown.trimEnd(),
    "",
    "---",
    `<sub>Planned for commit ${input.headSha.slice(0, 12)}${run}. This comment is updated on every push. ` +
      "When the pull request is merged, apply plans again and goes ahead only if that plan contains no change missing from this one.</sub>",
    "",
  ].join("\n");
  return planCommentWithRecord(record, input.pullRequest, content, ctx.planKey);
}

export async function postPlanComment(
  api: GitHubApi,
  ctx: Pick<GitHubContext, "runUrl" | "stepSummary" | "planKey">,
  input: PlanCommentInput,
): Promise<{ comment: IssueComment; created: boolean }> {
  const body = planCommentBody(input, ctx);
  const result = await upsertComment(
    api,
    input.pullRequest,
    PLAN_MARKER,
    input.commentAuthor,
    body,
  );
  appendStepSummary(
    ctx,
    renderPlanForSummary(input.plan, "spaceform plan", STEP_SUMMARY_LIMIT - 10_000) +
      `\nPosted on pull request #${input.pullRequest}: ${result.comment.url}\n`,
  );
  return result;
}
