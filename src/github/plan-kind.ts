/**
 * The "kind" of a plan: the set of (space, address, action) it would change,
 * without the values. A pull request's plan comment records it; at merge time
 * apply re-plans and refuses when the new plan does something the reviewers
 * were not shown.
 *
 * The rule (docs/github.md, "Apply on merge"): the plan at merge time may only
 * contain changes whose (space, address, action) appeared in the reviewed plan.
 * Fewer is fine (a step already applied by an earlier, interrupted run, or made
 * by hand), and so are the remaining fields of a room the reviewed plan creates
 * (shownBy); more or different is refused. Values are not compared: a topic
 * edited out of band between review and merge gives the same `~ rooms.x.topic`
 * and is put back to the reviewed manifest's text, which is what was reviewed.
 */
import { createHash } from "node:crypto";
import { ACTION_SYMBOL, type Change } from "../plan/model.ts";

/** `~ de-rse:rooms.general.topic`, the form shown to people and stored in markers. */
export function kindKey(c: Pick<Change, "space" | "address" | "action">): string {
  return `${ACTION_SYMBOL[c.action]} ${c.space}:${c.address}`;
}

export interface PlanKind {
  /** Sorted, unique kind keys. */
  keys: string[];
  /** sha256 over the keys joined by newlines; identifies the kind when the list is too long to store. */
  digest: string;
}

export function planKind(changes: readonly Change[]): PlanKind {
  // Code-point order, so the digest does not depend on the runner's locale.
  const keys = [...new Set(changes.map(kindKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { keys, digest: kindDigest(keys) };
}

/** The digest of a sorted key list. */
export function kindDigest(keys: readonly string[]): string {
  return createHash("sha256").update(keys.join("\n")).digest("hex");
}

/** What a plan comment recorded: the kind (keys may be omitted when too many) and the commit planned. */
export interface ReviewedKind {
  digest: string;
  keys?: string[];
  /** The pull request's head commit the plan was made for. */
  head_sha: string;
  /** True when the reviewed plan was refused (it could never be applied). */
  refused: boolean;
}

export type KindVerdict =
  { ok: true; skipped: string[] } | { ok: false; unexpected: string[]; reason: string };

/** An entry's address at the start of a field path: `space`, `rooms.a`, `rooms.a.rooms.b`. */
const ENTRY_ADDRESS = /^(?:space|rooms\.[a-z0-9][a-z0-9_-]*(?:\.rooms\.[a-z0-9][a-z0-9_-]*)*)/;
/** A space's link to a child: `<parent>.children.<child key>`. */
const CHILD_LINK = /^(space|rooms\..+)\.children\.([a-z0-9][a-z0-9_-]*)$/;

/**
 * The entry whose creation includes the change at `address`: the entry it is a
 * field of, or, for a space's link to a child, the child (a new room is linked as
 * part of its creation). Undefined for an address of neither form.
 */
function creatingEntry(address: string): string | undefined {
  const link = CHILD_LINK.exec(address);
  if (link) {
    const [, parent = "", child = ""] = link;
    return parent === "space" ? `rooms.${child}` : `${parent}.rooms.${child}`;
  }
  const entry = ENTRY_ADDRESS.exec(address)?.[0];
  return entry !== undefined && address.startsWith(`${entry}.`) ? entry : undefined;
}

/**
 * Whether the reviewed kind shows `c`: its own key, or, for something a room the
 * reviewed plan creates does not have yet, that creation. An apply that stopped
 * halfway leaves such a room created but unfinished (its alias, its link, the power
 * levels of a creation cut short still to add), and the plan after it shows those as
 * `+` changes of their own; the reviewers saw them as part of `+ rooms.x`, with the
 * same manifest values. A live value that differs (`~`, an edit made by hand after
 * the room was made) and a removal (`-`) are never covered.
 */
function shownBy(reviewed: ReadonlySet<string>, c: Change): boolean {
  if (reviewed.has(kindKey(c))) return true;
  if (c.action !== "create") return false;
  const entry = creatingEntry(c.address);
  return entry !== undefined && reviewed.has(kindKey({ ...c, action: "create", address: entry }));
}

/**
 * Compares the plan made at merge time (its kind and its changes) with the reviewed one.
 * `skipped` lists reviewed changes that are no longer needed (for the report).
 */
export function compareKinds(
  reviewed: ReviewedKind,
  current: PlanKind,
  changes: readonly Change[],
): KindVerdict {
  if (reviewed.keys === undefined) {
    // Only the digest was stored (a plan too large for any record): the sets must be equal.
    if (reviewed.digest === current.digest) return { ok: true, skipped: [] };
    return {
      ok: false,
      unexpected: [],
      reason:
        "The plan now differs from the one shown on the pull request (the reviewed plan was too large to store change by change, so only an identical plan is accepted).",
    };
  }
  const reviewedSet = new Set(reviewed.keys);
  const unexpected = [
    ...new Set(changes.filter((c) => !shownBy(reviewedSet, c)).map(kindKey)),
  ].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (unexpected.length > 0) {
    return {
      ok: false,
      unexpected,
      reason: `The plan now contains ${unexpected.length} change${unexpected.length === 1 ? "" : "s"} that the pull request's plan did not show.`,
    };
  }
  const currentSet = new Set(current.keys);
  return { ok: true, skipped: reviewed.keys.filter((k) => !currentSet.has(k)) };
}
