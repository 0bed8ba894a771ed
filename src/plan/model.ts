/**
 * The plan model: ONE versioned, serialisable JSON document. Every renderer
 * (terminal, Markdown, JSON, Mermaid) reads it, the applier executes it, and a
 * saved plan is this document written to a file. Documented in docs/plan-format.md.
 *
 * Two views of the same plan:
 * - `changes` are for people: `{address, action, before, after}`, what will differ.
 * - `steps` are for the applier: the ordered requests that make those changes happen.
 */
import type { Diagnostic } from "../diagnostics.ts";

export const PLAN_FORMAT_VERSION = 2;

/**
 * The actions, and the symbols every renderer prints for them. `replace` is a room upgrade:
 * the homeserver makes a new room and tombstones the old one (Terraform's `-/+`).
 */
export type ChangeAction = "create" | "update" | "delete" | "replace";
export const ACTION_SYMBOL: Record<ChangeAction, string> = {
  create: "+",
  update: "~",
  delete: "-",
  replace: "-/+",
};

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Change {
  /** Manifest name (file name without extension) this change belongs to. */
  space: string;
  /** Field path: `rooms.general.topic`, `rooms.general` (a whole room), `space.children.general`. */
  address: string;
  action: ChangeAction;
  /** Live value (null when absent). */
  before: Json;
  /** Desired value (null when it will be absent). */
  after: Json;
  /** Address of the manifest entry the change belongs to: `space`, `rooms.general`. */
  entry: string;
  /** The live room, when it exists already. */
  room_id?: string;
}

/** A room in a step: an existing one, or one created by an earlier `create_room` step of this plan. */
export type RoomRef = { room_id: string } | { created: string /* entry address */ };

export interface AvatarFile {
  /** Path relative to the manifest's folder, as written. */
  file: string;
  sha256: string;
  mimetype: string;
  size: number;
  width?: number;
  height?: number;
}

export type Step = (
  | {
      op: "create_room";
      /** Entry address; later steps refer to the room as `{created: entry}`. */
      entry: string;
      /** The `POST /createRoom` body (initial_state carries the marker event). */
      request: { [key: string]: Json };
      /** Uploaded first; its `m.room.avatar` goes into `initial_state`. */
      avatar_file?: AvatarFile;
    }
  | {
      op: "upgrade_room";
      /** Entry address; later steps refer to the new room as `{created: entry}`. */
      entry: string;
      /** The room that is replaced (`POST /rooms/{id}/upgrade`). */
      room: { room_id: string };
      new_version: string;
      /** Accounts that are creators of the new room besides the managing account (v12+). */
      additional_creators: string[];
    }
  | { op: "join"; room: RoomRef; via: string[] }
  | {
      op: "send_state";
      room: RoomRef;
      type: string;
      state_key: string;
      content: { [key: string]: Json };
    }
  | { op: "set_avatar"; room: RoomRef; avatar_file: AvatarFile }
  | { op: "create_alias"; alias: string; room: RoomRef }
  | { op: "delete_alias"; alias: string }
  | { op: "set_visibility"; room: RoomRef; visibility: "public" | "private" }
) & {
  /** Manifest name. */
  space: string;
  /** The change addresses this step realises, for progress and failure messages. */
  addresses: string[];
  /** One line for people: `create room rooms.general (#general:example.org)`. */
  description: string;
};

/** What a space plan was based on, so a saved plan can be refused once the world has moved. */
export interface BasedOn {
  space: string;
  manifest_file: string;
  manifest_sha256: string;
  server_name: string;
  user_id: string;
  /** sha256 over the canonical JSON of the live state the plan was computed from. */
  state_sha256: string;
}

/** The space tree as it will be after apply, for renderers (Markdown tree, Mermaid diagram). */
export interface TreeNode {
  entry: string;
  key: string;
  kind: "space" | "room";
  name?: string;
  alias?: string;
  room_id?: string;
  /** Worst action among this entry's changes, if any. */
  action?: ChangeAction;
  children: TreeNode[];
}

export interface UnmanagedRoom {
  space: string;
  room_id: string;
  name?: string;
  /** Entry address of the space it is a child of. */
  parent: string;
  /** True when this plan unlinks it (only with the explicit flag). */
  unlink: boolean;
}

export interface SpacePlan {
  space: string;
  based_on: BasedOn;
  changes: Change[];
  steps: Step[];
  diagnostics: Diagnostic[];
  tree: TreeNode;
  unmanaged: UnmanagedRoom[];
}

export interface Summary {
  create: number;
  update: number;
  delete: number;
  /** Rooms upgraded; present only when there is one, so plans without upgrades read as before. */
  replace?: number;
}

/**
 * The plan counted Terraform-style, by resource: `create` rooms and spaces made
 * new, `update` existing rooms and spaces with any change of their own (fields,
 * a new link into a space, joining), `delete` space links removed (spaceform
 * never deletes a room), `replace` rooms and spaces upgraded. `field_changes`: the
 * changes that are not a whole new room (a new room, with all its fields and its link,
 * is one resource) nor an upgrade itself.
 */
export interface ResourceSummary extends Summary {
  field_changes: number;
}

/**
 * One manifest entry's action as a whole: `create` only for a new room or space,
 * `delete` when all its changes remove links (an unmanaged room unlinked from this
 * space), `update` otherwise.
 */
export function entryAction(changes: readonly Change[]): ChangeAction {
  if (changes.some((c) => c.address === c.entry && c.action === "create")) return "create";
  if (changes.some((c) => c.address === c.entry && c.action === "replace")) return "replace";
  if (changes.length > 0 && changes.every((c) => c.action === "delete")) return "delete";
  return "update";
}

/** The planning options a plan was made with: a saved plan is checked against a fresh plan made with them. */
export interface PlanOptionsRecord {
  unlink_unmanaged: boolean;
  max_removals: number;
  max_upgrades: number;
}

export const DEFAULT_PLAN_OPTIONS_RECORD: PlanOptionsRecord = {
  unlink_unmanaged: false,
  max_removals: 5,
  max_upgrades: 10,
};

export interface Plan {
  format_version: typeof PLAN_FORMAT_VERSION;
  spaceform_version: string;
  created_at: string;
  options: PlanOptionsRecord;
  /** One entry per manifest; the concatenations below keep their order. */
  based_on: BasedOn[];
  changes: Change[];
  /** `changes` counted by action. */
  summary: Summary;
  /** Counted by resource; absent in plans saved by releases before it was added. */
  resource_summary?: ResourceSummary;
  steps: Step[];
  /** Policy violations, refusals (errors) and notes (warnings). */
  diagnostics: Diagnostic[];
  /** True when any diagnostic is an error: such a plan is shown but never applied. */
  refused: boolean;
  spaces: { space: string; tree: TreeNode; unmanaged: UnmanagedRoom[] }[];
}

export function summarize(changes: readonly Change[]): Summary {
  const s = { create: 0, update: 0, delete: 0, replace: 0 };
  for (const c of changes) s[c.action] += 1;
  return withoutZeroReplace(s);
}

/** `replace` is counted only when there is one, so plans without upgrades read as before. */
export function withoutZeroReplace<T extends Summary>(s: T): T {
  if (s.replace === 0) delete s.replace;
  return s;
}

/** The changes of each entry, keyed `space\u0000entry`, in plan order. */
export function changesByEntry(changes: readonly Change[]): Map<string, Change[]> {
  const out = new Map<string, Change[]>();
  for (const c of changes) {
    const k = `${c.space}\u0000${c.entry}`;
    const list = out.get(k);
    if (list) list.push(c);
    else out.set(k, [c]);
  }
  return out;
}

export function summarizeResources(changes: readonly Change[]): ResourceSummary {
  const s = { create: 0, update: 0, delete: 0, replace: 0, field_changes: 0 };
  for (const list of changesByEntry(changes).values()) {
    const created = list.some((c) => c.address === c.entry && c.action === "create");
    const replaced = list.some((c) => c.address === c.entry && c.action === "replace");
    if (created) s.create += 1;
    else if (replaced) s.replace += 1;
    else if (list.some((c) => c.action !== "delete")) s.update += 1;
    s.delete += list.filter((c) => c.action === "delete").length;
    s.field_changes += list.filter(
      (c) => !(c.address === c.entry && (c.action === "create" || c.action === "replace")),
    ).length;
  }
  return withoutZeroReplace(s);
}

export function combinePlans(
  parts: readonly SpacePlan[],
  meta: { version: string; now: Date; options?: PlanOptionsRecord },
): Plan {
  const changes = parts.flatMap((p) => p.changes);
  const diagnostics = parts.flatMap((p) => p.diagnostics);
  return {
    format_version: PLAN_FORMAT_VERSION,
    spaceform_version: meta.version,
    created_at: meta.now.toISOString(),
    options: meta.options ?? DEFAULT_PLAN_OPTIONS_RECORD,
    based_on: parts.map((p) => p.based_on),
    changes,
    summary: summarize(changes),
    resource_summary: summarizeResources(changes),
    steps: parts.flatMap((p) => p.steps),
    diagnostics,
    refused: diagnostics.some((d) => d.severity === "error"),
    spaces: parts.map((p) => ({ space: p.space, tree: p.tree, unmanaged: p.unmanaged })),
  };
}

export function hasChanges(plan: Plan): boolean {
  return plan.changes.length > 0;
}
