/**
 * The plan as Markdown for comments, the job summary and drift issues.
 *
 * Until the shared Markdown renderer (src/render/) lands, a compact fallback
 * lists the changes and diagnostics; the glue only ever calls this one function,
 * so switching is a one-line change here.
 */
import { ACTION_SYMBOL, type Plan } from "../plan/model.ts";

export interface RenderOptions {
  title?: string;
  /** Upper bound for the returned text, in characters. */
  maxLength: number;
}

export function renderPlanMarkdown(plan: Plan, options: RenderOptions): string {
  const lines: string[] = [];
  if (options.title) lines.push(`### ${options.title}`, "");
  const s = plan.summary;
  lines.push(
    plan.changes.length === 0
      ? "**No changes.** The live space matches the manifest."
      : `**Plan:** ${s.create} to create, ${s.update} to update, ${s.delete} to delete.`,
  );
  if (plan.refused)
    lines.push("", "**This plan is refused and will not be applied** (see the errors below).");
  if (plan.diagnostics.length > 0) {
    lines.push("");
    for (const d of plan.diagnostics) {
      const where = d.file ? `\`${d.file}${d.line ? `:${d.line}` : ""}\` ` : "";
      lines.push(
        `- ${d.severity === "error" ? "**error**" : "warning"}: ${where}${d.path ? `\`${d.path}\`: ` : ""}${d.message}`,
      );
    }
  }
  if (plan.changes.length > 0) {
    lines.push("", "<details><summary>Changes</summary>", "", "```diff");
    const body: string[] = [];
    for (const c of plan.changes) body.push(`${ACTION_SYMBOL[c.action]} ${c.space}: ${c.address}`);
    lines.push(...body, "```", "", "</details>");
  }
  const text = lines.join("\n") + "\n";
  if (text.length <= options.maxLength) return text;
  const note =
    "\n\n_The plan is too long to show here; see the workflow run's log for all of it._\n";
  return text.slice(0, Math.max(0, options.maxLength - note.length)) + note;
}
