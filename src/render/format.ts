/**
 * What the text and Markdown renderers share: the order changes are shown in,
 * how a value is written, and how a change becomes lines. Both read only the Plan
 * document, so the terminal and the pull-request comment cannot disagree.
 */
import { diffWords } from "diff";
import {
  changesByEntry,
  entryAction,
  summarizeResources,
  type Change,
  type ChangeAction,
  type Json,
  type Plan,
  type ResourceSummary,
  type TreeNode,
} from "../plan/model.ts";

/** The changes of one manifest entry, in tree order. */
export interface EntryGroup {
  space: string;
  entry: string;
  /** The tree node of the entry, when the entry is in the tree. */
  node?: TreeNode;
  /** The entry's action as a whole (entryAction): create only for a new room. */
  action: ChangeAction;
  /** The entry is created as a whole (a change whose address is the entry itself). */
  created?: Change;
  changes: Change[];
}

function walk(node: TreeNode, out: TreeNode[]): void {
  out.push(node);
  for (const child of node.children) walk(child, out);
}

/** Changes grouped by entry: entries in tree order, then any others in plan order. */
export function groupChanges(plan: Plan): EntryGroup[] {
  const groups: EntryGroup[] = [];
  const seen = new Set<string>();
  const key = (space: string, entry: string): string => `${space}\u0000${entry}`;
  const bySpaceEntry = changesByEntry(plan.changes);
  const push = (space: string, entry: string, node?: TreeNode): void => {
    const k = key(space, entry);
    const changes = bySpaceEntry.get(k);
    if (!changes || seen.has(k)) return;
    seen.add(k);
    const created = changes.find((c) => c.address === entry && c.action === "create");
    groups.push({
      space,
      entry,
      ...(node ? { node } : {}),
      action: entryAction(changes),
      ...(created ? { created } : {}),
      changes,
    });
  };
  for (const s of plan.spaces) {
    const nodes: TreeNode[] = [];
    walk(s.tree, nodes);
    for (const n of nodes) push(s.space, n.entry, n);
  }
  for (const c of plan.changes) push(c.space, c.entry);
  return groups;
}

/** `rooms.general.topic` under `rooms.general` → `topic`; other addresses stay whole. */
export function relativeAddress(address: string, entry: string): string {
  if (address.startsWith(`${entry}.`)) return address.slice(entry.length + 1);
  return address;
}

function isPlaceholder(v: Json): v is { $room: string } {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    typeof v["$room"] === "string"
  );
}

/** A sha256 in a change: the first 12 hex digits tell images apart; the JSON plan has all 64. */
function shortHash(h: string): string {
  return h.length > 12 ? `${h.slice(0, 12)}…` : h;
}

/** A value as people read it (raw: the renderer escapes it): JSON, with a room created by this plan written `(new room <entry>)`. */
export function formatValue(v: Json): string {
  if (v === null) return "(none)";
  if (isPlaceholder(v)) return `(new room ${v.$room})`;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(", ")}]`;
  if (typeof v === "object") {
    return `{${Object.entries(v)
      .map(
        ([k, val]) =>
          `${k}: ${k === "sha256" && typeof val === "string" ? shortHash(val) : formatValue(val)}`,
      )
      .join(", ")}}`;
  }
  return JSON.stringify(v);
}

/** A map of numbers (power-level `users`, `events`): shown key by key. */
function numberMap(v: Json): Record<string, number> | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const out: Record<string, number> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== "number") return undefined;
    out[k] = val;
  }
  return out;
}

/**
 * How a renderer writes the values of a change: each function receives raw
 * (untrusted) text and returns it escaped for its medium (src/text/), marked
 * up where the word diff adds or removes words.
 */
export interface Markup {
  plain(s: string): string;
  removed(s: string): string;
  added(s: string): string;
}

/** One line of a change, below its entry: symbol, label, and text. */
export interface ChangeLine {
  action: ChangeAction;
  /** Raw: the renderer escapes it. */
  label: string;
  /** Already written through the renderer's Markup (escaped for its medium). */
  text: string;
  /** Sub-lines (a map's changed keys). */
  details?: ChangeLine[];
}

const LONG_TEXT = 60;

/** A long string changed in place: a word diff reads better than two paragraphs. */
function wordDiff(before: string, after: string, m: Markup): string {
  return diffWords(before, after)
    .map((part) =>
      part.added
        ? m.added(`{+${part.value}+}`)
        : part.removed
          ? m.removed(`[-${part.value}-]`)
          : m.plain(part.value),
    )
    .join("");
}

export function changeLine(c: Change, m: Markup): ChangeLine {
  const label = relativeAddress(c.address, c.entry);
  if (c.action === "delete")
    return { action: "delete", label, text: m.plain(formatValue(c.before)) };
  if (c.before === null) return { action: c.action, label, text: m.plain(formatValue(c.after)) };
  if (
    typeof c.before === "string" &&
    typeof c.after === "string" &&
    (c.before.length > LONG_TEXT || c.after.length > LONG_TEXT)
  ) {
    return { action: c.action, label, text: wordDiff(c.before, c.after, m) };
  }
  const before = numberMap(c.before);
  const after = numberMap(c.after);
  if (before && after) {
    const details: ChangeLine[] = [];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) {
      const b = before[k];
      const a = after[k];
      if (b === a) continue;
      if (b === undefined) details.push({ action: "create", label: k, text: m.plain(String(a)) });
      else if (a === undefined)
        details.push({ action: "delete", label: k, text: m.plain(String(b)) });
      else details.push({ action: "update", label: k, text: m.plain(`${b} -> ${a}`) });
    }
    return { action: c.action, label, text: "", details };
  }
  return {
    action: c.action,
    label,
    text: m.plain(`${formatValue(c.before)} -> ${formatValue(c.after)}`),
  };
}

/** The fields of a whole new room, one line each. */
export function createdFieldLines(c: Change, m: Markup): ChangeLine[] {
  const after = c.after;
  if (after === null || typeof after !== "object" || Array.isArray(after)) return [];
  return Object.entries(after).map(([label, v]) => ({
    action: "create" as const,
    label,
    text: m.plain(formatValue(v)),
  }));
}

/** The heading of an entry's block: a new room is created; in an existing one, fields are updated (or only links deleted). */
export function entryHeading(g: EntryGroup): { action: ChangeAction; verb: string } {
  return { action: g.action, verb: HEADING_VERB[g.action] };
}

const HEADING_VERB: Record<ChangeAction, string> = {
  create: "create",
  update: "update",
  delete: "delete in",
  replace: "replace",
};

export function entryTitle(g: EntryGroup): string {
  const alias = g.node?.alias !== undefined ? ` (${g.node.alias})` : "";
  const room = g.node?.room_id !== undefined ? ` ${g.node.room_id}` : "";
  const kind = g.node?.kind === "space" && g.entry !== "space" ? "space " : "";
  return `${kind}${g.entry}${alias}${room}`;
}

/** The plan counted by resource; plans saved before `resource_summary` existed are counted here. */
export function resourceSummary(plan: Plan): ResourceSummary {
  return plan.resource_summary ?? summarizeResources(plan.changes);
}

export const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`;

/** Terraform-style: `Plan: 0 to create, 2 to update, 0 to delete (3 field changes).` */
export function summaryLine(plan: Plan): string {
  const s = resourceSummary(plan);
  if (plan.changes.length === 0) return "No changes. The live space matches the manifest.";
  const fields = s.field_changes > 0 ? ` (${plural(s.field_changes, "field change")})` : "";
  const replace = s.replace !== undefined && s.replace > 0 ? `, ${s.replace} to replace` : "";
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete${replace}${fields}.`;
}

export function refusalLine(plan: Plan): string | undefined {
  if (!plan.refused) return undefined;
  const n = plan.diagnostics.filter((d) => d.severity === "error").length;
  return `This plan is refused (${n} error${n === 1 ? "" : "s"}): apply will not run it. Fix the errors and plan again.`;
}
