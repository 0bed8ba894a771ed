/**
 * The plan as Markdown for comments, the job summary and drift issues: the
 * shared renderer (summary, diagnostics, Mermaid tree with changed rooms
 * highlighted, collapsible changes), held under a length the caller chooses so
 * the markers and footers the glue adds keep the body under GitHub's limit.
 */
import type { Plan } from "../plan/model.ts";
import { renderMarkdown } from "../render/markdown.ts";

export interface RenderOptions {
  title?: string;
  /** Upper bound for the returned text, in characters. */
  maxLength: number;
}

export function renderPlanMarkdown(plan: Plan, options: RenderOptions): string {
  const text = renderMarkdown(plan, options);
  return text.endsWith("\n") ? text : `${text}\n`;
}
