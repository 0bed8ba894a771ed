/**
 * The plan as a pull-request comment: the summary first, then the problems, the
 * space tree as a Mermaid diagram, and one collapsible `<details>` per changed
 * entry. GitHub refuses comments over 65,536 characters, so the output always
 * stays under `maxLength`: what does not fit is left out with a note saying so.
 * Every text from the manifest or the live space is written through the escaper
 * for its context (src/text/markdown.ts): inline, HTML, inline code, diff line.
 */
import type { Diagnostic } from "../diagnostics.ts";
import {
  ACTION_SYMBOL,
  type ChangeAction,
  type Plan,
  type TreeNode,
  type UnmanagedRoom,
} from "../plan/model.ts";
import {
  changeLine,
  createdFieldLines,
  entryHeading,
  entryTitle,
  groupChanges,
  plural,
  refusalLine,
  summaryLine,
  type ChangeLine,
  type EntryGroup,
} from "./format.ts";
import { MERMAID_LEGEND, renderMermaidDiagrams } from "./mermaid.ts";
import { roomTableHeader, roomTableRow } from "./room-table.ts";
import { fenceFor, mdCode, mdCodeLine, mdHtml, mdInline } from "../text/markdown.ts";

export interface MarkdownOptions {
  title?: string;
  /** Hard limit on the length of the result (GitHub's comment limit is 65,536). */
  maxLength?: number;
  /** Where the details are when they do not fit, as trusted Markdown: `each change in detail is in …`. */
  detailsAt?: string;
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

interface Block {
  text: string;
  /** What the block is, counted in the note when it is left out (singular; `s` added). */
  what: string;
}

/** A section of the comment: a heading (or none) and its blocks, kept or left out block by block. */
interface Section {
  head: string;
  blocks: Block[];
  tail: string;
}

function diagnosticsSection(title: string, what: string, list: readonly Diagnostic[]): Section[] {
  if (list.length === 0) return [];
  const blocks = list.map((d) => ({ text: `${diagnosticLine(d)}\n`, what }));
  return [{ head: `### ${title}\n\n`, blocks, tail: "\n" }];
}

function treeSection(
  tree: TreeNode,
  i: number,
  htmlLabel: string,
  actions: Map<string, ChangeAction>,
): Section {
  const diagrams = renderMermaidDiagrams(tree, { prefix: `s${i}n`, actions });
  const text = diagrams
    .map(
      (d, j) =>
        `${diagrams.length > 1 ? `${j === 0 ? "" : "\n"}${mdCode(d.entry)}:\n\n` : ""}\`\`\`mermaid\n${d.source}\`\`\`\n`,
    )
    .join("");
  return {
    head: "",
    blocks: [
      {
        text: `<details><summary>Space tree of ${htmlLabel}</summary>\n\n${text}\n${MERMAID_LEGEND}\n\n</details>\n\n`,
        what: "space tree",
      },
    ],
    tail: "",
  };
}

function unmanagedSection(
  unmanaged: readonly UnmanagedRoom[],
  label: string,
  gap: string,
): Section[] {
  if (unmanaged.length === 0) return [];
  return [
    {
      head: `${gap}### Rooms the manifest${label} does not name\n\nThey are never deleted; \`--unlink-unmanaged\` unlinks them from the space.\n\n`,
      blocks: unmanaged.map((u) => {
        const roomName = u.name !== undefined ? ` ${mdInline(u.name)}` : "";
        return {
          text: `- ${code(u.room_id)}${roomName} in ${code(u.parent)}: ${u.unlink ? "**will be unlinked**" : "kept"}\n`,
          what: "unmanaged room",
        };
      }),
      tail: "\n",
    },
  ];
}

const sectionText = (s: Section): string => s.head + s.blocks.map((b) => b.text).join("") + s.tail;

function headOf(plan: Plan, title: string | undefined): string {
  const spaces = plan.based_on.map((b) => b.space).join(", ");
  const head: string[] = [
    `## ${mdInline(title ?? `spaceform plan: ${spaces}`)}`,
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
  return head.join("\n");
}

/**
 * The whole plan when it fits; otherwise the compact form: every changed room in
 * one table row, then as much of the rest (errors, warnings, space trees,
 * unmanaged rooms) as fits, whole blocks only, and a note naming what was left out
 * and where the details are.
 */
export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const max = options.maxLength ?? DEFAULT_MAX;
  const head = headOf(plan, options.title);
  const errors = diagnosticsSection(
    "Errors",
    "error",
    plan.diagnostics.filter((d) => d.severity === "error"),
  );
  const warnings = diagnosticsSection(
    "Warnings",
    "warning",
    plan.diagnostics.filter((d) => d.severity === "warning"),
  );
  // Each space's section shows its own changes and unmanaged rooms; changes of a space without a
  // tree (none in a plan built by combinePlans) still get a section after the others.
  const groups = groupChanges(plan);
  const names = [...new Set([...plan.spaces.map((s) => s.space), ...groups.map((g) => g.space)])];
  const qualify = names.length > 1;
  const full: Section[] = [...errors, ...warnings];
  const trees: Section[] = [];
  const unmanaged: Section[] = [];
  // A heading right after a `</details>` line would be swallowed by that HTML block.
  let gap = "";
  names.forEach((name, i) => {
    const s = plan.spaces.find((p) => p.space === name);
    // The same name in an HTML block (the <summary>) and in a Markdown heading.
    const label = qualify ? ` <b>${mdInline(name)}</b>` : "";
    if (s !== undefined) {
      const own = new Map<string, ChangeAction>();
      for (const g of groups) if (g.space === name) own.set(g.entry, g.action);
      const tree = treeSection(s.tree, i, `<b>${mdHtml(name)}</b>`, own);
      full.push(tree);
      trees.push(tree);
      gap = "";
    }
    const own = groups.filter((g) => g.space === name);
    if (own.length > 0) {
      full.push({
        head: `${gap}### Changes${qualify ? ` in${label}` : ""}\n\n`,
        blocks: own.map((g) => ({ text: entryDetails(g), what: "change" })),
        tail: "",
      });
      gap = "\n";
    }
    const u = unmanagedSection(s?.unmanaged ?? [], label, gap);
    if (u.length > 0) gap = "";
    full.push(...u);
    unmanaged.push(...u);
  });
  const whole = head + full.map(sectionText).join("");
  if (whole.length <= max) return whole;
  const detailsAt = options.detailsAt ?? "run `spaceform plan` for each change in detail";
  return compact({ head, groups, qualify, errors, warnings, trees, unmanaged }, max, detailsAt);
}

interface Parts {
  head: string;
  groups: EntryGroup[];
  qualify: boolean;
  errors: Section[];
  warnings: Section[];
  trees: Section[];
  unmanaged: Section[];
}

/** Room for the note on what was left out. */
const NOTE_RESERVE = 800;

function compact(parts: Parts, max: number, detailsAt: string): string {
  let budget = max - parts.head.length - NOTE_RESERVE;
  const left = new Map<string, number>();
  // The table first: every changed room, one short row each.
  const changed = parts.groups.length > 0;
  let table = changed ? `### Rooms changed\n\n${roomTableHeader(parts.qualify)}` : "";
  budget -= table.length + 2;
  let unlisted = 0;
  for (const g of parts.groups) {
    const row = roomTableRow(g, parts.qualify);
    if (unlisted === 0 && row.length <= budget) {
      table += row;
      budget -= row.length;
    } else unlisted += 1;
  }
  if (changed) table += "\n";
  // Then whole blocks by importance; one that does not fit is counted, and later ones still tried.
  const keep = (sections: Section[]): string =>
    sections
      .map((sec) => {
        let text = "";
        for (const b of sec.blocks) {
          const cost = b.text.length + (text === "" ? sec.head.length + sec.tail.length : 0);
          if (cost <= budget) {
            text += b.text;
            budget -= cost;
          } else left.set(b.what, (left.get(b.what) ?? 0) + 1);
        }
        return text === "" ? "" : sec.head + text + sec.tail;
      })
      .join("");
  const errors = keep(parts.errors);
  const warnings = keep(parts.warnings);
  const trees = keep(parts.trees);
  const unmanaged = keep(parts.unmanaged);
  const missing =
    unlisted > 0 ? `, except the last ${plural(unlisted, "room")}, which did not fit` : "";
  const leftOut =
    left.size > 0
      ? ` Also left out here: ${[...left].map(([what, n]) => plural(n, what)).join(", ")}.`
      : "";
  const listed = changed
    ? `. The table lists every changed room with its action and number of changes${missing}`
    : "";
  const note = `> [!NOTE]\n> This plan is too large to show in full here${listed}; ${detailsAt}.${leftOut}\n\n`;
  const out = parts.head + note + errors + warnings + table + trees + unmanaged;
  // Only a head longer than the limit (hundreds of manifests) gets here; cut, but say so.
  return out.length <= max ? out : `${out.slice(0, max - 2)}…\n`;
}
