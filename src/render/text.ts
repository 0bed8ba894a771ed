/**
 * The terminal rendering of a plan, Terraform-like: one block per entry with
 * `+ create`, `~ update`, `- delete`, the diagnostics, the unmanaged rooms and a
 * summary line. Colour only when asked (the CLI passes `colorEnabled()`).
 * Every text from the manifest or the live space passes `term` (src/text/terminal.ts):
 * it stays on its line and carries no control character.
 */
import { ACTION_SYMBOL, type ChangeAction, type Plan } from "../plan/model.ts";
import {
  changeLine,
  createdFieldLines,
  entryHeading,
  entryTitle,
  groupChanges,
  refusalLine,
  summaryLine,
  type ChangeLine,
} from "./format.ts";
import { formatDiagnostic } from "./diagnostic.ts";
import { palette, type Palette } from "./palette.ts";
import { term } from "../text/terminal.ts";

export interface TextOptions {
  color: boolean;
}

function paint(p: Palette, action: ChangeAction, s: string): string {
  return action === "create" ? p.green(s) : action === "delete" ? p.red(s) : p.yellow(s);
}

function lines(l: ChangeLine, indent: string, p: Palette): string[] {
  const head = `${indent}${paint(p, l.action, ACTION_SYMBOL[l.action])} ${term(l.label)}:${l.text === "" ? "" : ` ${l.text}`}`;
  const out = [head];
  for (const d of l.details ?? []) out.push(...lines(d, `${indent}    `, p));
  return out;
}

export function renderText(plan: Plan, options: TextOptions): string {
  const p = palette(options.color);
  const markup = {
    plain: term,
    removed: (s: string) => p.red(term(s)),
    added: (s: string) => p.green(term(s)),
  };
  const out: string[] = [];

  for (const b of plan.based_on) {
    out.push(
      p.bold(`Space ${term(b.space)}`) +
        p.dim(` (${term(b.manifest_file)}, on ${term(b.server_name)} as ${term(b.user_id)})`),
    );
  }
  out.push("");

  const groups = groupChanges(plan);
  if (groups.length > 0) {
    out.push("spaceform will perform these actions:", "");
    for (const g of groups) {
      const { action, verb } = entryHeading(g);
      const symbol = paint(p, action, ACTION_SYMBOL[action]);
      out.push(`${symbol} ${p.bold(`${verb} ${term(entryTitle(g))}`)}`);
      if (g.created)
        for (const l of createdFieldLines(g.created, markup)) out.push(...lines(l, "    ", p));
      for (const c of g.changes) {
        if (c === g.created) continue;
        out.push(...lines(changeLine(c, markup), "    ", p));
      }
      out.push("");
    }
  }

  const unmanaged = plan.spaces.flatMap((s) => s.unmanaged);
  if (unmanaged.length > 0) {
    out.push(p.bold("Rooms in the space that the manifest does not name (never deleted):"));
    for (const u of unmanaged) {
      const name = u.name !== undefined ? ` "${term(u.name)}"` : "";
      const what = u.unlink
        ? p.red("will be unlinked")
        : "kept linked (--unlink-unmanaged would unlink it)";
      out.push(`  ${term(u.room_id)}${name} in ${term(u.parent)}: ${what}`);
    }
    out.push("");
  }

  if (plan.diagnostics.length > 0) {
    for (const d of plan.diagnostics) out.push(formatDiagnostic(d, p).trimEnd());
    out.push("");
  }

  out.push(p.bold(summaryLine(plan)));
  const refusal = refusalLine(plan);
  if (refusal !== undefined) out.push(p.red(refusal));
  return `${out.join("\n")}\n`;
}
