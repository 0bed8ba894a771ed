/**
 * The plan as Markdown for comments, the job summary and drift issues: the
 * shared renderer (summary, diagnostics, Mermaid tree with changed rooms
 * highlighted, collapsible changes), held under a length the caller chooses so
 * the markers and footers the glue adds keep the body under GitHub's limit.
 * A plan too large for a comment keeps a table of every changed room there, and
 * its details go to the job summary, which holds up to 1 MiB.
 */
import type { Plan } from "../plan/model.ts";
import { renderMarkdown } from "../render/markdown.ts";

export interface RenderOptions {
  title?: string;
  /** Upper bound for the returned text, in characters. */
  maxLength: number;
  /** Where the details are when they do not fit (trusted Markdown). */
  detailsAt?: string;
}

/** GitHub refuses a step's job summary over 1 MiB (in bytes). */
export const STEP_SUMMARY_LIMIT = 1_048_576;

export function renderPlanMarkdown(plan: Plan, options: RenderOptions): string {
  const text = renderMarkdown(plan, options);
  return text.endsWith("\n") ? text : `${text}\n`;
}

/** Name of the artifact the plan workflow uploads: the plan in JSON and in full as Markdown. */
export const PLAN_ARTIFACT = "spaceform-plan";

/** What a comment too small for the details says about where they are. */
export function detailsInJobSummary(runUrl: string | undefined, inArtifact = false): string {
  const artifact = inArtifact
    ? runUrl
      ? ` and in full in the [\`${PLAN_ARTIFACT}\` artifact](${runUrl}#artifacts) (Markdown and JSON)`
      : ` and in full in its \`${PLAN_ARTIFACT}\` artifact (Markdown and JSON)`
    : "";
  return runUrl
    ? `each change in detail is in the job summary of the [workflow run](${runUrl})${artifact}`
    : `each change in detail is in the job summary of the workflow run${artifact}`;
}

/** The whole plan as Markdown, never shortened (for the artifact). */
export function renderPlanInFull(plan: Plan, title: string): string {
  return renderPlanMarkdown(plan, { title, maxLength: Number.MAX_SAFE_INTEGER });
}

/**
 * The plan for the job summary: in full when it fits in `room` bytes (UTF-8: a
 * name in another script takes more than one byte a character), else shortened.
 */
export function renderPlanForSummary(plan: Plan, title: string, room: number): string {
  let max = room;
  for (;;) {
    const text = renderPlanMarkdown(plan, { title, maxLength: max });
    const bytes = Buffer.byteLength(text);
    if (bytes <= room || max < 1_000) return text;
    max = Math.floor((max * room) / bytes) - 1_000;
  }
}
