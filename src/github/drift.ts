/**
 * `spaceform github drift`: the scheduled drift check's outcome as ONE issue.
 * - drift (plan exit 2): open the issue, or replace the open one's body with the
 *   new plan; a comment is added only when the set of drifted changes differs
 *   from last time, so a daily run does not notify anyone about the same drift.
 * - refused drift (plan exit 1 with a refused plan: someone turned encryption on,
 *   demoted the managing account, removed the last moderator): the worst drift, so
 *   it is drift too: the issue is opened or updated with the refusal reasons first,
 *   saying that apply cannot repair it by itself.
 * - no drift (exit 0): close the open issue with a comment saying so.
 * - error (exit 1 without a refused plan): leave the issue alone; the job fails.
 */
import type { Plan } from "../plan/model.ts";
import type { GitHubApi, Issue } from "./api.ts";
import { GITHUB_BODY_LIMIT } from "./comments.ts";
import { appendStepSummary, type GitHubContext } from "./context.ts";
import {
  DRIFT_MARKER,
  kindMarker,
  MAX_KIND_MARKER_CHARS,
  parseKindMarker,
  startsWithMarker,
} from "./markers.ts";
import { planKind } from "./plan-kind.ts";
import {
  detailsInJobSummary,
  renderPlanForSummary,
  renderPlanMarkdown,
  STEP_SUMMARY_LIMIT,
} from "./render.ts";

export const DEFAULT_DRIFT_LABEL = "drift";
export const DRIFT_TITLE = "Drift: the live space differs from the manifests";

export type DriftResult =
  | { action: "opened" | "updated" | "unchanged"; issue: Issue }
  | { action: "closed"; issue: Issue }
  | { action: "none" }
  | { action: "error" };

export interface DriftInput {
  /**
   * `spaceform plan --detailed-exitcode`'s exit code: 0 no drift, 2 drift, 1 with a
   * refused plan: refused drift; anything else: error.
   */
  exitCode: number;
  /** Required for exit code 2; with exit code 1, a refused plan makes it drift. */
  plan?: Plan;
  label: string;
  /** Only issues by this author count as the drift issue. */
  author: string;
  now?: Date;
  /** The drift pull request that adopts the live values, when the check opened or updated one. */
  driftPull?: { number: number; url: string; adopted: number };
}

/** What a refused drift plan means, before its errors: apply cannot repair this alone. */
export function refusalNote(plan: Plan): string {
  const n = plan.diagnostics.filter((d) => d.severity === "error").length;
  return (
    `⛔ **The plan is refused (${n} error${n === 1 ? "" : "s"}, listed first below): apply cannot repair this by itself.** ` +
    "Someone changed the live space in a way spaceform will not undo or cannot undo (for example encryption turned on, the managing account demoted, the last moderator removed). " +
    "A room admin has to fix the live space, or the manifests have to be changed to accept it; until then every apply is refused."
  );
}

/** Which check found the drift, by the event that started the workflow. */
function checkName(eventName: string | undefined): string {
  if (eventName === "schedule") return "The scheduled check";
  if (eventName === "workflow_dispatch") return "The check run by hand";
  return "The drift check";
}

function driftBody(
  plan: Plan,
  ctx: Pick<GitHubContext, "runUrl" | "eventName">,
  now: Date,
  driftPull: DriftInput["driftPull"],
): string {
  const run = ctx.runUrl ? ` ([workflow run](${ctx.runUrl}))` : "";
  return [
    DRIFT_MARKER,
    // The sha is meaningless for drift; the kind tells whether the drift changed since the last run.
    kindMarker({ ...planKind(plan.changes), head_sha: "", refused: plan.refused }),
    ...(plan.refused ? [refusalNote(plan), ""] : []),
    `${checkName(ctx.eventName)} on ${now.toISOString()}${run} found that the live space no longer matches the manifests on the default branch. ` +
      "To keep the changes made out of band, write them into the manifests in a pull request. To undo them, open a pull request that touches the manifests " +
      "(a comment line is enough): its plan shows what apply will put back, and merging applies it. This issue is updated by each check and closed when the drift is gone.",
    "",
    ...(driftPull
      ? [
          `**To keep them:** pull request #${driftPull.number} (${driftPull.url}) writes the live values of ${driftPull.adopted} drifted field${driftPull.adopted === 1 ? "" : "s"} into the manifests; review and merge it.`,
          "",
        ]
      : []),
    renderPlanMarkdown(plan, {
      title: "Drift",
      maxLength: GITHUB_BODY_LIMIT - MAX_KIND_MARKER_CHARS - 2_000,
      detailsAt: detailsInJobSummary(ctx.runUrl),
    }).trimEnd(),
    "",
  ].join("\n");
}

export async function reportDrift(
  api: GitHubApi,
  ctx: Pick<GitHubContext, "runUrl" | "stepSummary" | "eventName">,
  input: DriftInput,
): Promise<DriftResult> {
  const now = input.now ?? new Date();
  const refused = input.exitCode === 1 && input.plan?.refused === true;
  if (input.exitCode !== 0 && input.exitCode !== 2 && !refused) {
    appendStepSummary(
      ctx,
      `### ❌ Drift check failed\n\nThe plan could not be made (exit code ${input.exitCode}); see the log. The drift issue was left as it is.\n`,
    );
    return { action: "error" };
  }
  const open = (await api.listOpenIssues(input.label)).filter(
    (i) => i.author === input.author && startsWithMarker(i.body, DRIFT_MARKER),
  );
  // Oldest first: if two ever exist, keep using the one people have been following.
  const existing = open.sort((a, b) => a.number - b.number)[0];

  if (input.exitCode === 0) {
    if (!existing) {
      appendStepSummary(ctx, "### ✅ No drift\n\nThe live space matches the manifests.\n");
      return { action: "none" };
    }
    const run = ctx.runUrl ? ` ([workflow run](${ctx.runUrl}))` : "";
    await api.createIssueComment(
      existing.number,
      `✅ The drift is gone: the check on ${now.toISOString()}${run} found the live space matching the manifests again. Closing.`,
    );
    const closed = await api.updateIssue(existing.number, { state: "closed" });
    appendStepSummary(ctx, `### ✅ No drift\n\nThe drift is gone; closed ${closed.url}.\n`);
    return { action: "closed", issue: closed };
  }

  if (!input.plan) throw new Error("reportDrift: drift needs the plan");
  const body = driftBody(input.plan, ctx, now, input.driftPull);
  appendStepSummary(
    ctx,
    `${input.plan.refused ? `${refusalNote(input.plan)}\n\n` : ""}${renderPlanForSummary(input.plan, "⚠️ Drift", STEP_SUMMARY_LIMIT - 10_000)}`,
  );
  if (!existing) {
    const issue = await api.createIssue({ title: DRIFT_TITLE, body, labels: [input.label] });
    appendStepSummary(ctx, `\nOpened ${issue.url}\n`);
    return { action: "opened", issue };
  }
  const before = parseKindMarker(existing.body);
  const after = planKind(input.plan.changes);
  const issue = await api.updateIssue(existing.number, { body });
  if (before?.digest === after.digest && before.refused === input.plan.refused) {
    appendStepSummary(ctx, `\nSame drift as before; updated ${issue.url}\n`);
    return { action: "unchanged", issue };
  }
  const run = ctx.runUrl ? ` ([workflow run](${ctx.runUrl}))` : "";
  await api.createIssueComment(
    existing.number,
    input.plan.refused
      ? `The drift changed${run}: the plan is now refused, and apply cannot repair it by itself. The issue description lists why.`
      : `The drift changed${run}: now ${after.keys.length} change${after.keys.length === 1 ? "" : "s"}. The issue description shows the current plan.`,
  );
  appendStepSummary(ctx, `\nThe drift changed; updated ${issue.url}\n`);
  return { action: "updated", issue };
}
