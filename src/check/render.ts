/**
 * A check report for its reader: the terminal (text), a script (JSON: `{room_id, rules: [{rule,
 * ok, message}]}`) and GitHub (a Markdown checkbox list, for the request comment). Room names
 * and messages that quote them are untrusted: escaped for each medium (src/text/).
 */
import { mdInline } from "../text/markdown.ts";
import { safeJson } from "../text/json.ts";
import { term } from "../text/terminal.ts";
import type { CheckReport } from "./evaluate.ts";

const MARK = { pass: "✓", warn: "!", fail: "✗", unknown: "?" } as const;
const WORD = { pass: "pass", warn: "warn", fail: "FAIL", unknown: "not checked" } as const;

export function renderCheckText(reports: readonly CheckReport[]): string {
  return reports
    .map((r) => {
      const title = `${term(r.asked)}${r.room_id !== null && r.room_id !== r.asked ? ` (${term(r.room_id)})` : ""}${r.name !== undefined ? `: ${term(r.name)}` : ""}`;
      const lines = [`Room ${title}`];
      for (const note of r.notes) lines.push(`  ${term(note)}`);
      for (const rule of r.rules) {
        lines.push(
          `  ${MARK[rule.status]} ${WORD[rule.status]}  ${rule.rule}: ${term(rule.message)}`,
        );
        if (!rule.ok || rule.status === "warn") {
          if (rule.fix !== undefined) lines.push(`      what to do: ${term(rule.fix)}`);
        }
      }
      lines.push(`  ${verdict(r)}`);
      return lines.join("\n");
    })
    .join("\n\n")
    .concat("\n");
}

function verdict(r: CheckReport): string {
  if (r.ok) return "Every house rule holds.";
  if (r.rules.length === 0) return "Nothing was checked.";
  const open = r.rules.filter((x) => !x.ok).length;
  return `${open} of ${r.rules.length} house rules ${open === 1 ? "does" : "do"} not hold or could not be checked.`;
}

/** One object per room; one room alone is printed as its object. */
export function renderCheckJson(reports: readonly CheckReport[]): string {
  const objects = reports.map((r) => ({
    room_id: r.room_id,
    room: r.asked,
    ok: r.ok,
    rules: r.rules.map((x) => ({
      rule: x.rule,
      ok: x.ok,
      status: x.status,
      message: x.message,
      ...(x.fix !== undefined ? { fix: x.fix } : {}),
    })),
    notes: r.notes,
  }));
  return `${safeJson(objects.length === 1 ? objects[0] : objects)}\n`;
}

/** The rules as a GitHub task list: checked when a rule holds, with the fix under each failure. */
export function renderCheckMarkdown(report: CheckReport): string {
  const lines: string[] = [];
  for (const rule of report.rules) {
    const box = rule.ok ? "[x]" : "[ ]";
    const label =
      rule.status === "warn" ? " (recommended)" : rule.status === "unknown" ? " (not checked)" : "";
    lines.push(`- ${box} **${rule.rule}**${label}: ${mdInline(rule.message)}`);
    if ((!rule.ok || rule.status === "warn") && rule.fix !== undefined) {
      lines.push(`  - What to do: ${mdInline(rule.fix)}`);
    }
  }
  return lines.join("\n");
}
