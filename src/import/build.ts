/**
 * From live state to the entries of a manifest (pure, no I/O).
 *
 * Every value written is the value the planner will read back from the same
 * server, so that the imported manifest plans to zero changes. Where the live
 * value cannot be written faithfully (an alias that no longer points at the
 * room, an order string clients ignore, an unknown join rule), the field is left
 * out, which makes it unmanaged, and a note says why: nothing is dropped silently.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { UserError } from "../diagnostics.ts";
import { compareOrder, isMxcUrl, isRoomAlias, isValidOrder } from "../matrix/ids.ts";
import type { RoomId } from "../matrix/ids.ts";
import { effectivePowerLevels, POWER_LEVEL_FIELDS } from "../matrix/powerlevels.ts";
import type { LiveRoom, LiveState } from "../state/model.ts";
import { MARKER_EVENT_TYPE, stateEvent } from "../state/model.ts";
import { KeyAllocator } from "./keys.ts";

/** Field values in the order they are written. */
export type FieldValue = string | number | boolean | string[] | Record<string, unknown>;

export interface ImportedEntry {
  key: string;
  /** `space`, `rooms.general`, `rooms.chapters.rooms.berlin`. */
  address: string;
  room_id: RoomId;
  kind: "space" | "room";
  fields: [string, FieldValue][];
  /** Comments written above the entry, e.g. why a field was left unmanaged. */
  notes: string[];
  children: ImportedEntry[];
  /** Children of this space that could not be imported, with the reason. */
  omitted: OmittedRoom[];
}

export interface OmittedRoom {
  room_id: string;
  /** Name or alias, when anything tells it. */
  label?: string;
  reason: string;
}

/** An avatar saved by `--download-avatars`. */
export interface DownloadedAvatar {
  /** Path as written in the manifest, relative to it. */
  file: string;
  /** sha256 of the saved bytes, hex. */
  sha256: string;
}

export interface BuildOptions {
  /** Avatars already saved as files, by their `mxc://` URL. */
  avatarFiles?: Readonly<Record<string, DownloadedAvatar>>;
  /** What the space hierarchy says about rooms whose state could not be read. */
  roomHints?: Readonly<Record<string, { name?: string; canonical_alias?: string }>>;
}

export interface BuiltImport {
  root: ImportedEntry;
  /** Settings every room and subspace declares, most with the same value: written once as `defaults:`. */
  defaults: [string, FieldValue][];
  diagnostics: Diagnostic[];
  /** Rooms written as entries, root included. */
  entryCount: number;
}

/** The key the planner records in a live avatar's info for the image's sha256. */
export const AVATAR_SHA256_KEY = "dev.spaceform.sha256";

const JOIN_RULES = new Set(["public", "invite", "knock", "restricted", "knock_restricted"]);
const HISTORY_VISIBILITIES = new Set(["world_readable", "shared", "invited", "joined"]);
const GUEST_ACCESS = new Set(["can_join", "forbidden"]);

type Content = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function isObject(v: unknown): v is Content {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function content(room: LiveRoom, type: string, stateKey = ""): Content | undefined {
  return stateEvent(room, type, stateKey)?.content;
}

export function roomName(room: LiveRoom): string | undefined {
  const name = str(content(room, "m.room.name")?.["name"]);
  return name === "" ? undefined : name;
}

function canonicalAlias(room: LiveRoom): string | undefined {
  const alias = str(content(room, "m.room.canonical_alias")?.["alias"]);
  return alias !== undefined && isRoomAlias(alias) ? alias : undefined;
}

export function isSpace(room: LiveRoom): boolean {
  return content(room, "m.room.create")?.["type"] === "m.space";
}

/**
 * The plain-text `topic`, which is what spaceform compares. A topic only in the
 * rich `m.topic` form is reported by the caller and left unmanaged.
 */
function topicOf(room: LiveRoom): { topic?: string; richOnly: boolean } {
  const c = content(room, "m.room.topic");
  if (c === undefined) return { richOnly: false };
  const plain = str(c["topic"]);
  if (plain !== undefined)
    return plain === "" ? { richOnly: false } : { topic: plain, richOnly: false };
  return { richOnly: c["m.topic"] !== undefined };
}

/** Live `m.space.child` links of a space: only events with a non-empty `via` count (spec). */
function childLinks(space: LiveRoom): { room_id: string; content: Content }[] {
  return space.state
    .filter(
      (e) =>
        e.type === "m.space.child" &&
        e.state_key !== "" &&
        Array.isArray(e.content["via"]) &&
        e.content["via"].length > 0,
    )
    .map((e) => ({ room_id: e.state_key, content: e.content }));
}

interface Context {
  live: LiveState;
  byId: Map<string, LiveRoom>;
  keys: KeyAllocator;
  rootId: RoomId;
  /** Room id → address of the entry it was written as. */
  seen: Map<string, string>;
  /** Room id → the spaces of the tree that link it, for rooms linked from more than one. */
  multiParent: Map<string, string[]>;
  /** Rooms already warned about, so that each gets one warning. */
  warned: Set<string>;
  diagnostics: Diagnostic[];
  options: BuildOptions;
  entryCount: number;
}

function warn(ctx: Context, code: string, path: string, message: string, hint?: string): void {
  ctx.diagnostics.push({
    severity: "warning",
    code: `import.${code}`,
    message,
    path,
    ...(hint === undefined ? {} : { hint }),
  });
}

/** True unless the directory is known to point the alias elsewhere (or nowhere). */
function aliasPointsAt(ctx: Context, alias: string, room: LiveRoom): boolean {
  const target = ctx.live.aliases[alias];
  return target === undefined || target === room.room_id;
}

/** Aliases are written only when the directory still points them at this room; else the planner would try to recreate or steal them. */
function aliasFields(ctx: Context, room: LiveRoom, entry: ImportedEntry): void {
  const c = content(room, "m.room.canonical_alias");
  if (c === undefined) return;
  const pointsHere = (alias: string): boolean => aliasPointsAt(ctx, alias, room);
  const where = (alias: string): string => {
    const target = ctx.live.aliases[alias];
    return target === null || target === undefined
      ? "is not in the room directory"
      : `points at another room (${target})`;
  };
  const alias = str(c["alias"]);
  if (alias !== undefined && alias !== "") {
    if (!isRoomAlias(alias)) {
      entry.notes.push(`alias ${JSON.stringify(alias)} is not a valid alias: left unmanaged`);
      warn(
        ctx,
        "invalid-alias",
        entry.address,
        `the canonical alias ${JSON.stringify(alias)} is not a valid alias; left unmanaged`,
      );
      return;
    }
    if (!pointsHere(alias)) {
      entry.notes.push(`alias ${alias} ${where(alias)}: alias and alt_aliases left unmanaged`);
      warn(
        ctx,
        "stale-alias",
        entry.address,
        `the canonical alias ${alias} ${where(alias)}; alias and alt_aliases are left unmanaged`,
        "fix the room's aliases in a Matrix client, or declare them in the manifest and let apply fix them",
      );
      return;
    }
    entry.fields.push(["alias", alias]);
  }
  const alt = c["alt_aliases"];
  if (Array.isArray(alt) && alt.length > 0) {
    const all = alt.filter((a): a is string => typeof a === "string");
    const bad = all.filter((a) => !isRoomAlias(a) || !pointsHere(a));
    if (bad.length > 0 || all.length !== alt.length) {
      entry.notes.push(
        `alt_aliases ${bad.join(", ")} not in the directory for this room: left unmanaged`,
      );
      warn(
        ctx,
        "stale-alias",
        entry.address,
        `alt_aliases ${bad.join(", ")} do not point at this room; alt_aliases are left unmanaged`,
      );
    } else {
      entry.fields.push(["alt_aliases", [...new Set(all)]]);
    }
  }
}

function avatarField(ctx: Context, room: LiveRoom, entry: ImportedEntry): void {
  const c = content(room, "m.room.avatar");
  const url = str(c?.["url"]);
  if (url === undefined || url === "") return;
  if (!isMxcUrl(url)) {
    entry.notes.push(`avatar ${JSON.stringify(url)} is not an mxc:// URL: left unmanaged`);
    warn(
      ctx,
      "invalid-avatar",
      entry.address,
      `the avatar URL ${JSON.stringify(url)} is not an mxc:// URL; left unmanaged`,
    );
    return;
  }
  const saved = ctx.options.avatarFiles?.[url];
  if (saved === undefined) {
    entry.fields.push(["avatar", url]);
    return;
  }
  // The planner recognises a file avatar by the sha256 recorded in the live avatar's
  // info; without a matching record the file would be uploaded again on the next apply.
  const info = c?.["info"];
  const recorded = isObject(info) ? str(info[AVATAR_SHA256_KEY]) : undefined;
  if (recorded === saved.sha256) {
    entry.fields.push(["avatar", saved.file]);
  } else {
    entry.fields.push(["avatar", url]);
    entry.notes.push(
      `avatar saved as ${saved.file}; it stays an mxc:// URL here because the live avatar records no sha256, ` +
        `so writing the file would upload it again once (see docs/import.md)`,
    );
  }
}

function joinRuleFields(ctx: Context, room: LiveRoom, entry: ImportedEntry, parent?: RoomId): void {
  const c = content(room, "m.room.join_rules");
  if (c === undefined) return;
  const rule = str(c["join_rule"]);
  if (rule === undefined || !JOIN_RULES.has(rule)) {
    entry.notes.push(
      `join rule ${JSON.stringify(rule ?? null)} is not one spaceform manages: left unmanaged`,
    );
    warn(
      ctx,
      "unknown-join-rule",
      entry.address,
      `the join rule ${JSON.stringify(rule ?? null)} is not one spaceform manages; left unmanaged`,
    );
    return;
  }
  entry.fields.push(["join_rule", rule]);
  if (rule !== "restricted" && rule !== "knock_restricted") return;
  const allow = Array.isArray(c["allow"]) ? c["allow"] : [];
  const ids = allow
    .filter((a): a is Content => isObject(a) && a["type"] === "m.room_membership")
    .map((a) => str(a["room_id"]))
    .filter((id): id is string => id !== undefined);
  const unique = [...new Set(ids)];
  if (allow.length !== ids.length) {
    entry.notes.push(
      "allow conditions other than room membership are not managed and are dropped on the next change of the join rule",
    );
  }
  // Absent `allow` means "members of the parent space": shorter, and still true after a move.
  if (parent !== undefined && unique.length === 1 && unique[0] === parent) return;
  entry.fields.push(["allow", unique]);
}

function enumField(
  room: LiveRoom,
  type: string,
  key: string,
  allowed: Set<string>,
): string | undefined {
  const v = str(content(room, type)?.[key]);
  return v !== undefined && allowed.has(v) ? v : undefined;
}

/**
 * Power levels as the manifest declares them: the whole `users` and `events`
 * maps (a declared map is authoritative, so anything left out would be removed),
 * and the scalar thresholds only where they differ from Matrix's defaults.
 */
function powerLevelsField(ctx: Context, room: LiveRoom, entry: ImportedEntry): void {
  const c = content(room, "m.room.power_levels");
  if (c === undefined) {
    entry.notes.push("no m.room.power_levels event: power levels left unmanaged");
    return;
  }
  const pl = effectivePowerLevels(c);
  const out: Record<string, unknown> = {};
  out["users"] = Object.fromEntries(
    Object.entries(pl.users).sort(([a, la], [b, lb]) => lb - la || compareOrder(a, b)),
  );
  for (const field of POWER_LEVEL_FIELDS) {
    const raw = c[field];
    if (raw !== undefined && (typeof raw !== "number" || !Number.isInteger(raw))) {
      // A level stored as a string still compares by its number.
      warn(
        ctx,
        "odd-power-level",
        `${entry.address}.power_levels.${field}`,
        `power level ${field} is stored as ${JSON.stringify(raw)}; written as ${pl[field]}`,
      );
    }
  }
  if (Object.keys(pl.events).length > 0) {
    out["events"] = Object.fromEntries(
      Object.entries(pl.events).sort(([a], [b]) => compareOrder(a, b)),
    );
  }
  const defaults = effectivePowerLevels(undefined);
  for (const field of POWER_LEVEL_FIELDS) {
    if (pl[field] !== defaults[field]) out[field] = pl[field];
  }
  entry.fields.push(["power_levels", out]);
}

function childFields(ctx: Context, link: Content, entry: ImportedEntry): void {
  const suggested = link["suggested"];
  if (typeof suggested === "boolean") entry.fields.push(["suggested", suggested]);
  const order = link["order"];
  if (order === undefined) return;
  if (typeof order === "string" && isValidOrder(order)) {
    entry.fields.push(["order", order]);
  } else {
    entry.notes.push(
      `order ${JSON.stringify(order)} is not a valid order string (clients ignore it): left unmanaged`,
    );
    warn(
      ctx,
      "invalid-order",
      entry.address,
      `the space-child order ${JSON.stringify(order)} is not valid (clients ignore it); left unmanaged`,
    );
  }
}

function newEntry(ctx: Context, room: LiveRoom, key: string, address: string): ImportedEntry {
  ctx.entryCount += 1;
  ctx.seen.set(room.room_id, address);
  return {
    key,
    address,
    room_id: room.room_id,
    kind: isSpace(room) ? "space" : "room",
    fields: [["id", room.room_id]],
    notes: [],
    children: [],
    omitted: [],
  };
}

function fillEntry(
  ctx: Context,
  room: LiveRoom,
  entry: ImportedEntry,
  parent?: { id: RoomId; link: Content },
): void {
  aliasFields(ctx, room, entry);
  const name = roomName(room);
  if (name !== undefined) entry.fields.push(["name", name]);
  const topic = topicOf(room);
  if (topic.topic !== undefined) entry.fields.push(["topic", topic.topic]);
  if (topic.richOnly) {
    entry.notes.push("the topic has no plain-text `topic` field (only `m.topic`): left unmanaged");
    warn(
      ctx,
      "rich-topic",
      entry.address,
      "the topic has only the rich `m.topic` form, no plain `topic`; left unmanaged",
    );
  }
  avatarField(ctx, room, entry);
  if (parent !== undefined) childFields(ctx, parent.link, entry);
  joinRuleFields(ctx, room, entry, parent?.id);
  const hv = enumField(
    room,
    "m.room.history_visibility",
    "history_visibility",
    HISTORY_VISIBILITIES,
  );
  if (hv !== undefined) entry.fields.push(["history_visibility", hv]);
  const ga = enumField(room, "m.room.guest_access", "guest_access", GUEST_ACCESS);
  if (ga !== undefined) entry.fields.push(["guest_access", ga]);
  entry.fields.push([
    "encrypted",
    typeof content(room, "m.room.encryption")?.["algorithm"] === "string",
  ]);
  if (room.directory_visibility !== undefined) {
    entry.fields.push(["publish", room.directory_visibility === "public"]);
  }
  const version = content(room, "m.room.create")?.["room_version"];
  entry.fields.push(["room_version", typeof version === "string" ? version : "1"]);
  powerLevelsField(ctx, room, entry);
}

/** The linked room, or why it cannot become an entry. */
function usableRoom(ctx: Context, roomId: string): { room: LiveRoom } | { reason: string } {
  const room = ctx.byId.get(roomId);
  if (room === undefined) return { reason: "its state was not read" };
  if (room.unreadable !== undefined) return { reason: room.unreadable };
  if (room.membership === "invite") {
    return {
      reason: "the account is invited but has not joined: accept the invitation, then import again",
    };
  }
  if (room.membership !== "join") {
    const publicRoom = content(room, "m.room.join_rules")?.["join_rule"] === "public";
    return {
      reason:
        `the account is not a member (membership: ${room.membership})` +
        (publicRoom ? "; the room is public: join it, then import again" : ""),
    };
  }
  return { room };
}

function labelOf(ctx: Context, roomId: string): string | undefined {
  const room = ctx.byId.get(roomId);
  const hint = ctx.options.roomHints?.[roomId];
  const name = (room && roomName(room)) ?? hint?.name;
  const alias = (room && canonicalAlias(room)) ?? hint?.canonical_alias;
  if (name !== undefined && alias !== undefined) return `${name} (${alias})`;
  return name ?? alias;
}

/** Children in the order clients show them: valid `order` first by code point, then by label. */
function sortLinks(ctx: Context, links: { room_id: string; content: Content }[]) {
  const orderOf = (c: Content): string | undefined => {
    const o = c["order"];
    return typeof o === "string" && isValidOrder(o) ? o : undefined;
  };
  const label = (id: string): string => (labelOf(ctx, id) ?? "").toLowerCase();
  return [...links].sort((a, b) => {
    const oa = orderOf(a.content);
    const ob = orderOf(b.content);
    if (oa !== undefined && ob !== undefined)
      return compareOrder(oa, ob) || compareOrder(a.room_id, b.room_id);
    if (oa !== undefined) return -1;
    if (ob !== undefined) return 1;
    return compareOrder(label(a.room_id), label(b.room_id)) || compareOrder(a.room_id, b.room_id);
  });
}

/**
 * Rooms that several spaces of the tree link. A manifest puts each room in one
 * space, and the planner removes the other links of a managed room (a move); so
 * such rooms stay unmanaged, where no link is ever removed.
 */
function roomsWithSeveralParents(
  byId: Map<string, LiveRoom>,
  rootId: RoomId,
): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  const visited = new Set<string>([rootId]);
  const queue: string[] = [rootId];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    const space = byId.get(id);
    if (space === undefined || space.unreadable !== undefined || space.membership !== "join") {
      continue;
    }
    for (const link of childLinks(space)) {
      parents.set(link.room_id, [...(parents.get(link.room_id) ?? []), id]);
      const child = byId.get(link.room_id);
      if (child !== undefined && isSpace(child) && !visited.has(link.room_id)) {
        visited.add(link.room_id);
        queue.push(link.room_id);
      }
    }
  }
  return new Map([...parents].filter(([, p]) => p.length > 1));
}

function omit(
  ctx: Context,
  entry: ImportedEntry,
  roomId: string,
  reason: string,
  warning: { code: string; message: string; hint?: string },
): void {
  const label = labelOf(ctx, roomId);
  entry.omitted.push({ room_id: roomId, ...(label === undefined ? {} : { label }), reason });
  if (ctx.warned.has(roomId)) return;
  ctx.warned.add(roomId);
  warn(ctx, warning.code, entry.address, warning.message, warning.hint);
}

function addChildren(ctx: Context, space: LiveRoom, entry: ImportedEntry): void {
  for (const link of sortLinks(ctx, childLinks(space))) {
    const label = labelOf(ctx, link.room_id);
    const named = label === undefined ? link.room_id : `${label} ${link.room_id}`;
    if (link.room_id === ctx.rootId) {
      omit(ctx, entry, link.room_id, "the root space itself (a loop)", {
        code: "loop",
        message: `${entry.address} links the root space as its child; plan will propose removing that link`,
      });
      continue;
    }
    const parents = ctx.multiParent.get(link.room_id);
    if (parents !== undefined) {
      const names = parents.map((p) => labelOf(ctx, p) ?? p).join(", ");
      omit(
        ctx,
        entry,
        link.room_id,
        `linked from several spaces (${names}): left unmanaged, so no link is removed`,
        {
          code: "several-parents",
          message: `${named} is linked from several spaces (${names}); a manifest puts a room in one space, so it is left unmanaged`,
          hint: "to manage it, add it under one space; plan will then propose removing its other links",
        },
      );
      continue;
    }
    const already = ctx.seen.get(link.room_id);
    if (already !== undefined) {
      entry.omitted.push({
        room_id: link.room_id,
        ...(label === undefined ? {} : { label }),
        reason: `also a child here; written once, as ${already}`,
      });
      warn(
        ctx,
        "duplicate-child",
        entry.address,
        `${link.room_id} is a child of more than one space; it is written once, as ${already}`,
      );
      continue;
    }
    const usable = usableRoom(ctx, link.room_id);
    if ("reason" in usable) {
      const reason = usable.reason;
      entry.omitted.push({
        room_id: link.room_id,
        ...(label === undefined ? {} : { label }),
        reason,
      });
      warn(
        ctx,
        "unreadable-room",
        entry.address,
        `${label === undefined ? link.room_id : `${label} ${link.room_id}`} was not imported: ${reason}`,
        "it stays linked and unmanaged; plan lists it as an unmanaged room",
      );
      continue;
    }
    const room = usable.room;
    const marker = content(room, MARKER_EVENT_TYPE)?.["key"];
    // A key from an alias the manifest will not carry would mislead.
    const alias = canonicalAlias(room);
    const name = roomName(room);
    const key = ctx.keys.allocate({
      ...(typeof marker === "string" ? { marker } : {}),
      ...(alias !== undefined && aliasPointsAt(ctx, alias, room) ? { alias } : {}),
      ...(name === undefined ? {} : { name }),
    });
    const prefix = entry.address === "space" ? "" : `${entry.address}.`;
    const child = newEntry(ctx, room, key, `${prefix}rooms.${key}`);
    fillEntry(ctx, room, child, { id: space.room_id, link: link.content });
    entry.children.push(child);
    if (child.kind === "space") addChildren(ctx, room, child);
  }
}

/** Fields that may move into `defaults:` (names and aliases are per room; links are per parent). */
const DEFAULTABLE = [
  "join_rule",
  "history_visibility",
  "guest_access",
  "encrypted",
  "publish",
  "room_version",
];

function descendants(root: ImportedEntry): ImportedEntry[] {
  const out: ImportedEntry[] = [];
  const walk = (e: ImportedEntry): void => {
    for (const c of e.children) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

/** The value most entries share (the first seen on a tie), when at least two share it. */
function commonValue(values: readonly FieldValue[]): FieldValue | undefined {
  const counts = new Map<string, { value: FieldValue; n: number }>();
  for (const v of values) {
    const k = JSON.stringify(v);
    const c = counts.get(k);
    if (c === undefined) counts.set(k, { value: v, n: 1 });
    else c.n += 1;
  }
  let best: { value: FieldValue; n: number } | undefined;
  for (const c of counts.values()) if (best === undefined || c.n > best.n) best = c;
  return best !== undefined && best.n >= 2 ? best.value : undefined;
}

/**
 * Moves what the rooms share into `defaults:`, so that each room shows what sets
 * it apart (Synapse gives every room the same eight-line `events` map). Only a
 * field that EVERY room and subspace declares moves: a default reaches every room,
 * and one that lacked the field would otherwise become managed. Rooms keep their
 * own value where it differs; the loader merges power levels field by field.
 */
function factorDefaults(root: ImportedEntry): [string, FieldValue][] {
  const rooms = descendants(root);
  if (rooms.length < 2) return [];
  const get = (e: ImportedEntry, f: string): FieldValue | undefined =>
    e.fields.find(([name]) => name === f)?.[1];
  const defaults: [string, FieldValue][] = [];
  for (const field of DEFAULTABLE) {
    const values = rooms.map((e) => get(e, field));
    if (values.some((v) => v === undefined)) continue;
    const common = commonValue(values as FieldValue[]);
    if (common === undefined) continue;
    // A restricted rule without `allow` means "the parent space" in every room alike.
    defaults.push([field, common]);
    const key = JSON.stringify(common);
    for (const e of rooms)
      e.fields = e.fields.filter(([f, v]) => f !== field || JSON.stringify(v) !== key);
  }
  const events = rooms.map((e) => {
    const pl = get(e, "power_levels");
    return pl !== undefined && typeof pl === "object" && !Array.isArray(pl)
      ? (pl["events"] as FieldValue | undefined)
      : undefined;
  });
  if (events.every((v) => v !== undefined)) {
    const common = commonValue(events);
    if (common !== undefined) {
      defaults.push(["power_levels", { events: common }]);
      const key = JSON.stringify(common);
      for (const e of rooms) {
        const pl = get(e, "power_levels") as Record<string, unknown>;
        if (JSON.stringify(pl["events"]) === key) delete pl["events"];
      }
    }
  }
  return defaults;
}

/**
 * The entries for the space `rootId` and everything reachable from it through
 * `m.space.child` links. Throws a UserError when the root itself cannot be used.
 */
export function buildImport(
  live: LiveState,
  rootId: RoomId,
  options: BuildOptions = {},
): BuiltImport {
  const byId = new Map(live.rooms.map((r) => [r.room_id as string, r]));
  const root = byId.get(rootId);
  if (root === undefined)
    throw new UserError(`The space ${rootId} was not found in the live state.`);
  if (root.unreadable !== undefined) {
    throw new UserError(`Cannot read the space ${rootId}: ${root.unreadable}.`);
  }
  if (root.membership !== "join") {
    throw new UserError(
      `The account is not a member of the space ${rootId} (membership: ${root.membership}); join it first.`,
    );
  }
  if (!isSpace(root)) {
    throw new UserError(`${rootId} is a room, not a space: import takes a space.`);
  }
  const rootAlias = canonicalAlias(root);
  const ctx: Context = {
    live,
    byId,
    keys: new KeyAllocator(rootAlias),
    rootId,
    seen: new Map(),
    multiParent: roomsWithSeveralParents(byId, rootId),
    warned: new Set(),
    diagnostics: [],
    options,
    entryCount: 0,
  };
  const entry = newEntry(ctx, root, "space", "space");
  fillEntry(ctx, root, entry);
  addChildren(ctx, root, entry);
  const defaults = factorDefaults(entry);
  return { root: entry, defaults, diagnostics: ctx.diagnostics, entryCount: ctx.entryCount };
}
