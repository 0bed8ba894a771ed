/**
 * The plan as a pull-request comment: the summary first, then the problems, the
 * space tree as a Mermaid diagram, and one collapsible `<details>` per changed
 * entry. GitHub refuses comments over 65,536 characters, so the output always
 * stays under `maxLength`: what does not fit is left out with a note saying so.
 * Every text from the manifest or the live space is written through the escaper
 * for its context (src/text/markdown.ts): inline, HTML, inline code, diff line.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { ACTION_SYMBOL, type Plan } from "../plan/model.ts";
import {
  changeLine,
  createdFieldLines,
  entryHeading,
  entryTitle,
  groupChanges,
  refusalLine,
  summaryLine,
  type ChangeLine,
  type EntryGroup,
} from "./format.ts";
import { renderMermaid } from "./mermaid.ts";
import { fenceFor, mdCode, mdCodeLine, mdHtml, mdInline } from "../text/markdown.ts";

export interface MarkdownOptions {
  title?: string;
  /** Hard limit on the length of the result (GitHub's comment limit is 65,536). */
  maxLength?: number;
}

export const GITHUB_COMMENT_LIMIT = 65_536;
const DEFAULT_MAX = 65_000;

const code = mdCode;

function diffLines(l: ChangeLine, indent = ""): string[] {
  // `diff` blocks colour lines by their first character: + green, - red; updates use `!`.
  const mark = l.action === "create" ? "+" : l.action === "delete" ? "-" : "!";
  const out = [`${mark} ${indent}${mdCodeLine(l.label)}:${l.text === "" ? "" : ` ${l.text}`}`];
  for (const d of l.details ?? []) out.push(...diffLines(d, `${indent}    `));
  return out;
}

function diagnosticLine(d: Diagnostic): string {
  const icon = d.severity === "error" ? "❌" : "⚠️";
  const where = d.file ? `${code(`${d.file}${d.line ? `:${d.line}` : ""}`)} ` : "";
  const path = d.path ? `${code(d.path)}: ` : "";
  const hint = d.hint ? ` — ${mdInline(d.hint)}` : "";
  return `- ${icon} ${where}${path}${mdInline(d.message)} (${code(d.code)})${hint}`;
}

function entryDetails(g: EntryGroup): string {
  const markup = { plain: mdCodeLine, removed: mdCodeLine, added: mdCodeLine };
  const lines: string[] = [];
  if (g.created) for (const l of createdFieldLines(g.created, markup)) lines.push(...diffLines(l));
  for (const c of g.changes) {
    if (c !== g.created) lines.push(...diffLines(changeLine(c, markup)));
  }
  const { action, verb } = entryHeading(g);
  const others = g.changes.length - (g.created ? 1 : 0);
  const count = g.created
    ? `new${others > 0 ? `, ${others} more change${others === 1 ? "" : "s"}` : ""}`
    : `${others} change${others === 1 ? "" : "s"}`;
  // Each line is one change (newlines inside values are escaped); the fence is longer than any backtick run.
  const fence = fenceFor(lines.join("\n"));
  return [
    `<details><summary><code>${ACTION_SYMBOL[action]}</code> ${verb} <b>${mdHtml(entryTitle(g))}</b> (${count})</summary>`,
    "",
    `${fence}diff`,
    ...lines,
    fence,
    "",
    "</details>",
    "",
  ].join("\n");
}

export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const max = Math.min(options.maxLength ?? DEFAULT_MAX, GITHUB_COMMENT_LIMIT);
  const spaces = plan.based_on.map((b) => b.space).join(", ");
  const head: string[] = [
    `## ${mdInline(options.title ?? `spaceform plan: ${spaces}`)}`,
    "",
    `**${summaryLine(plan)}**`,
    "",
  ];
  const refusal = refusalLine(plan);
  if (refusal !== undefined) head.push("> [!CAUTION]", `> ${refusal}`, "");
  for (const b of plan.based_on) {
    head.push(
      `- ${code(b.space)} from ${code(b.manifest_file)} on ${code(b.server_name)} as ${code(b.user_id)}`,
    );
  }
  head.push("", "");

  // Optional blocks in order of importance; each is kept only if it still fits.
  const blocks: { text: string; what: string }[] = [];
  const errors = plan.diagnostics.filter((d) => d.severity === "error");
  const warnings = plan.diagnostics.filter((d) => d.severity === "warning");
  if (errors.length > 0) {
    blocks.push({ text: "### Errors\n\n", what: "errors" });
    for (const d of errors) blocks.push({ text: `${diagnosticLine(d)}\n`, what: "errors" });
    blocks.push({ text: "\n", what: "errors" });
  }
  if (warnings.length > 0) {
    blocks.push({ text: "### Warnings\n\n", what: "warnings" });
    for (const d of warnings) blocks.push({ text: `${diagnosticLine(d)}\n`, what: "warnings" });
    blocks.push({ text: "\n", what: "warnings" });
  }
  // Each space's section shows its own changes and unmanaged rooms; changes of a space without a
  // tree (none in a plan built by combinePlans) still get a section after the others.
  const groups = groupChanges(plan);
  const names = [...new Set([...plan.spaces.map((s) => s.space), ...groups.map((g) => g.space)])];
  const qualify = names.length > 1;
  // A heading right after a `</details>` line would be swallowed by that HTML block.
  let gap = "";
  names.forEach((name, i) => {
    const s = plan.spaces.find((p) => p.space === name);
    // The same name in an HTML block (the <summary>) and in a Markdown heading.
    const htmlLabel = `<b>${mdHtml(name)}</b>`;
    const label = `<b>${mdInline(name)}</b>`;
    if (s !== undefined) {
      blocks.push({
        text: `<details><summary>Space tree of ${htmlLabel}</summary>\n\n\`\`\`mermaid\n${renderMermaid(s.tree, `s${i}n`)}\`\`\`\n\n</details>\n\n`,
        what: "space tree",
      });
      gap = "";
    }
    const own = groups.filter((g) => g.space === name);
    if (own.length > 0) {
      blocks.push({
        text: `${gap}### Changes${qualify ? ` in ${label}` : ""}\n\n`,
        what: "changes",
      });
      for (const g of own) blocks.push({ text: entryDetails(g), what: "changes" });
      gap = "\n";
    }
    const unmanaged = s?.unmanaged ?? [];
    if (unmanaged.length > 0) {
      blocks.push({
        text: `${gap}### Rooms the manifest${qualify ? ` ${label}` : ""} does not name\n\nThey are never deleted; \`--unlink-unmanaged\` unlinks them from the space.\n\n`,
        what: "unmanaged rooms",
      });
      for (const u of unmanaged) {
        const roomName = u.name !== undefined ? ` ${mdInline(u.name)}` : "";
        blocks.push({
          text: `- ${code(u.room_id)}${roomName} in ${code(u.parent)}: ${u.unlink ? "**will be unlinked**" : "kept"}\n`,
          what: "unmanaged rooms",
        });
      }
      blocks.push({ text: "\n", what: "unmanaged rooms" });
      gap = "";
    }
  });

  let out = head.join("\n");
  const left = new Map<string, number>();
  const note = (counts: Map<string, number>): string =>
    `\n> [!NOTE]\n> Shortened to fit a GitHub comment: left out ${[...counts].map(([what, n]) => `${n} ${what} block${n === 1 ? "" : "s"}`).join(", ")}. Run \`spaceform plan\` or read the JSON plan for everything.\n`;
  const reserve = 400; // room for the note
  for (const b of blocks) {
    if (left.size === 0 && out.length + b.text.length <= max - reserve) out += b.text;
    else left.set(b.what, (left.get(b.what) ?? 0) + 1);
  }
  if (left.size > 0) out += note(left);
  return out.length <= max ? out : `${out.slice(0, max - 2)}…\n`;
}
