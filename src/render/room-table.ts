/**
 * The compact form of a plan's changes for a comment too small for the details:
 * one table row per changed room or space (its entry address, its action as a
 * whole and its number of changes), so that no room is ever left out silently.
 */
import type { EntryGroup } from "./format.ts";
import { mdCode } from "../text/markdown.ts";

/** Inline code in a table cell: GFM ends the cell at a `|` even inside code, unless escaped. */
function cellCode(s: string): string {
  return mdCode(s).replace(/\|/g, "\\|");
}

export function roomTableHeader(qualify: boolean): string {
  return qualify
    ? "| space | entry | action | changes |\n|---|---|---|---|\n"
    : "| entry | action | changes |\n|---|---|---|\n";
}

/** `| rooms.general | create | new |`; an existing room counts its changes. */
export function roomTableRow(g: EntryGroup, qualify: boolean): string {
  const others = g.changes.length - (g.created ? 1 : 0);
  const count = g.created ? (others > 0 ? `new, ${others} more` : "new") : String(others);
  const space = qualify ? `${cellCode(g.space)} | ` : "";
  return `| ${space}${cellCode(g.entry)} | ${g.action} | ${count} |\n`;
}
