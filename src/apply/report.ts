/**
 * What an apply tells a person: one line per step as it finishes, a summary at
 * the end, and, when a step fails, which one, the Matrix error, what was done
 * before it and what to do next. Labels and errors can quote the live space or
 * the homeserver: each passes `term`, so it stays on its line.
 */
import { formatDiagnostic } from "../render/diagnostic.ts";
import { palette, type Palette } from "../render/palette.ts";
import { term } from "../text/terminal.ts";
import type { ApplyResult, ProgressEvent } from "./apply.ts";
import { stepLabel } from "./apply.ts";
import type { Plan, Summary } from "../plan/model.ts";

/** `[3/12] ~ rooms.general.topic … done` */
export function formatProgress(event: ProgressEvent, p: Palette = palette(false)): string {
  if (event.kind === "warning") return formatDiagnostic(event.diagnostic, p);
  const head = `[${event.index}/${event.total}] ${term(event.label)} …`;
  return event.outcome === "done"
    ? `${head} ${p.green("done")}\n`
    : `${head} ${p.red("failed")}\n    ${term(event.error)}\n`;
}

function counts(s: Summary): string {
  const replaced = s.replace !== undefined && s.replace > 0 ? `, ${s.replace} replaced` : "";
  return `${s.create} created, ${s.update} updated, ${s.delete} deleted${replaced}`;
}

/** `Apply complete: 2 created, 3 updated, 0 deleted, 14 requests.` */
export function formatApplySummary(result: ApplyResult, p: Palette = palette(false)): string {
  const requests = `${result.requests} request${result.requests === 1 ? "" : "s"}`;
  if (result.ok)
    return `${p.bold(p.green("Apply complete:"))} ${counts(result.summary)}, ${requests}.\n`;
  return `${p.bold(p.red("Apply stopped:"))} ${counts(result.summary)}, ${requests} before the failure.\n`;
}

/** The failure as a UserError message: the step, the Matrix error, what was done, what next. */
export function formatApplyFailure(plan: Plan, result: ApplyResult): string {
  const f = result.failure;
  if (!f) return "";
  const lines = [
    `apply stopped at step ${f.index} of ${plan.steps.length}: ${term(stepLabel(plan, f.step, false))} (${term(f.step.description)})`,
    `  error: ${term(f.error)}`,
  ];
  if (result.completed.length === 0) {
    lines.push("Nothing was changed before it.");
  } else {
    lines.push(
      `Done before it: ${result.completed.length} step${result.completed.length === 1 ? "" : "s"} (${counts(result.summary)}):`,
    );
    for (const s of result.completed) lines.push(`  ${term(stepLabel(plan, s))}`);
  }
  lines.push(
    `Nothing after it was attempted (${plan.steps.length - f.index} step${plan.steps.length - f.index === 1 ? "" : "s"} left).`,
    "Fix the cause and run apply again: it re-reads the live state and plans only what is still missing.",
  );
  return lines.join("\n");
}
