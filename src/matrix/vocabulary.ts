/**
 * The Matrix vocabulary spaceform speaks: the values of the state fields it manages,
 * which room versions support them, who the creators of a room are, what counts as a
 * space-child link, and spaceform's own marker and avatar-hash keys.
 *
 * Every stage imports these instead of writing its own copy: the manifest's JSON Schema
 * takes its enums from here (`npm run schema:generate`), the loader validates with them,
 * the planner plans with them and import reads live state with them.
 * Spec: https://spec.matrix.org/v1.19/client-server-api/#room-events
 */
import { isRoomId, serverOf } from "./ids.ts";

/** A state event as the vocabulary needs it (src/state/model.ts's StateEvent fits). */
export interface StateLike {
  type: string;
  state_key: string;
  content: Record<string, unknown>;
  sender?: string;
}
/** A room as the vocabulary needs it: its current state. */
export interface RoomLike {
  state: readonly StateLike[];
}

export type Content = Record<string, unknown>;

export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const isObject = (v: unknown): v is Content =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The content of a room's state event, or undefined when the room has none. */
export function contentOf(room: RoomLike, type: string, stateKey = ""): Content | undefined {
  return room.state.find((e) => e.type === type && e.state_key === stateKey)?.content;
}

/** `value` when it is one of `allowed`, else undefined. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return typeof value === "string" && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : undefined;
}

// ---- m.room.join_rules -----------------------------------------------------------

export const JOIN_RULES = ["public", "invite", "knock", "restricted", "knock_restricted"] as const;
export type JoinRule = (typeof JOIN_RULES)[number];

/** The first room version that supports each join rule (spec: room versions 7, 8, 10); others work everywhere. */
export const JOIN_RULE_MIN_VERSION: Readonly<Partial<Record<JoinRule, number>>> = {
  knock: 7,
  restricted: 8,
  knock_restricted: 10,
};

/** The join rules whose `allow` list admits members of other rooms. */
export function isRestrictedRule(rule: string | undefined): boolean {
  return rule === "restricted" || rule === "knock_restricted";
}

/**
 * The room version a join rule needs when `version` is too old for it, else undefined
 * (also for versions that are not numbers: unknown, so not refused).
 */
export function joinRuleNeedsVersion(rule: string, version: string): number | undefined {
  const min = JOIN_RULE_MIN_VERSION[rule as JoinRule];
  const n = roomVersionNumber(version);
  return min === undefined || n === null || n >= min ? undefined : min;
}

/** The `room_id`s of a join rule's `m.room_membership` allow conditions, in order. */
export function allowedRooms(joinRules: Content | undefined): unknown[] {
  const allow = joinRules?.["allow"];
  return (Array.isArray(allow) ? allow : [])
    .filter((a): a is Content => isObject(a) && a["type"] === "m.room_membership")
    .map((a) => a["room_id"]);
}

// ---- m.room.history_visibility, m.room.guest_access, m.room.encryption -----------

export const HISTORY_VISIBILITIES = ["world_readable", "shared", "invited", "joined"] as const;
export type HistoryVisibility = (typeof HISTORY_VISIBILITIES)[number];
/** What a room without an `m.room.history_visibility` event has. */
export const HISTORY_DEFAULT: HistoryVisibility = "shared";

export const GUEST_ACCESS = ["can_join", "forbidden"] as const;
export type GuestAccess = (typeof GUEST_ACCESS)[number];
/** What a room without an `m.room.guest_access` event has. */
export const GUEST_DEFAULT: GuestAccess = "forbidden";

export const MEGOLM = "m.megolm.v1.aes-sha2";

export function isEncrypted(room: RoomLike): boolean {
  return str(contentOf(room, "m.room.encryption")?.["algorithm"]) !== undefined;
}

// ---- m.room.create: versions and creators ----------------------------------------

/** Room version for rooms spaceform creates when the manifest declares none (Synapse's default since 1.157). */
export const DEFAULT_ROOM_VERSION = "11";

/** Room versions are strings; the numbered ones compare as numbers, others are unknown (null). */
export function roomVersionNumber(version: string): number | null {
  return /^\d+$/.test(version) ? Number(version) : null;
}

/** Room version 12 and later (MSC4289) give creators unlimited power and forbid them in `users`. */
export function creatorsHavePower(version: string): boolean {
  const n = roomVersionNumber(version);
  return n !== null && n >= 12;
}

/** A room's version; a create event without `room_version` means version 1 (spec). */
export function roomVersionOf(room: RoomLike): string {
  return str(contentOf(room, "m.room.create")?.["room_version"]) ?? "1";
}

/** The sender of `m.room.create`: the room's creator, in every room version. */
export function createSender(room: RoomLike): string | undefined {
  return room.state.find((e) => e.type === "m.room.create" && e.state_key === "")?.sender;
}

/** The creators with unlimited power: the create sender and `additional_creators` in v12+; none before. */
export function unlimitedCreators(room: RoomLike): string[] {
  if (!creatorsHavePower(roomVersionOf(room))) return [];
  const sender = createSender(room);
  const extra = contentOf(room, "m.room.create")?.["additional_creators"];
  const out = sender !== undefined ? [sender] : [];
  if (Array.isArray(extra)) for (const u of extra) if (typeof u === "string") out.push(u);
  return out;
}

// ---- m.room.tombstone: upgrades ---------------------------------------------------

/** The room that replaced this one (`m.room.tombstone`'s `replacement_room`), if it was upgraded. */
export function replacementOf(room: RoomLike): string | undefined {
  const replacement = str(contentOf(room, "m.room.tombstone")?.["replacement_room"]);
  return replacement !== undefined && isRoomId(replacement) ? replacement : undefined;
}

/** Who sent the room's `m.room.tombstone`. */
export function tombstoneSender(room: RoomLike): string | undefined {
  return room.state.find((e) => e.type === "m.room.tombstone" && e.state_key === "")?.sender;
}

/**
 * The room this one says it replaces: `m.room.create`'s `predecessor.room_id`, set by the
 * homeserver when a room is made by an upgrade (also in an invite's stripped state).
 */
export function predecessorOf(room: RoomLike): string | undefined {
  const predecessor = contentOf(room, "m.room.create")?.["predecessor"];
  const id = isObject(predecessor) ? str(predecessor["room_id"]) : undefined;
  return id !== undefined && isRoomId(id) ? id : undefined;
}

/**
 * The state `POST /rooms/{id}/upgrade` copies into the new room (Synapse 1.160, checked on the
 * local server): these types, and a space's `m.space.child` links unchanged. Not copied: custom
 * state (spaceform's marker), `m.space.parent`. Synapse also moves the room's local aliases (and
 * so `m.room.canonical_alias` names only them in the new room: movedCanonicalAlias) and its room
 * directory listing, and
 * drops the new room's creators from `users` in room version 12.
 */
export const UPGRADE_COPIED_STATE: readonly string[] = [
  "m.room.name",
  "m.room.topic",
  "m.room.avatar",
  "m.room.join_rules",
  "m.room.history_visibility",
  "m.room.guest_access",
  "m.room.encryption",
  "m.room.server_acl",
  "m.room.power_levels",
  "m.room.canonical_alias",
];

/**
 * The `m.room.canonical_alias` content Synapse (1.160, `_move_aliases_to_new_room`) gives the
 * new room of an upgrade: the old one's aliases on its own server only (it moves only those);
 * a non-empty `alt_aliases` list becomes the list of its local aliases, possibly empty.
 */
export function movedCanonicalAlias(content: Content, serverName: string): Content {
  const local = (a: unknown): a is string => typeof a === "string" && serverOf(a) === serverName;
  const out: Content = {};
  if (local(content["alias"])) out["alias"] = content["alias"];
  const alts = content["alt_aliases"];
  if (Array.isArray(alts) && alts.length > 0) out["alt_aliases"] = alts.filter(local);
  return out;
}

export function isSpace(room: RoomLike): boolean {
  return contentOf(room, "m.room.create")?.["type"] === "m.space";
}

// ---- m.space.child / m.space.parent ----------------------------------------------

/** The servers of a space-child or -parent event; undefined unless `via` lists at least one (then the link counts). */
export function validVia(content: Content | undefined): string[] | undefined {
  const via = content?.["via"];
  if (!Array.isArray(via)) return undefined;
  const servers = via.filter((v): v is string => typeof v === "string");
  return servers.length > 0 ? servers : undefined;
}

export interface ChildLink {
  room_id: string;
  content: Content;
}

/** A valid child link: `m.space.child` whose state key is a room id and whose `via` is non-empty. */
export function isChildLink(event: StateLike): boolean {
  return (
    event.type === "m.space.child" &&
    isRoomId(event.state_key) &&
    validVia(event.content) !== undefined
  );
}

/** The live child links of a room, by state key (code point order). */
export function childLinks(room: RoomLike): ChildLink[] {
  return room.state
    .filter(isChildLink)
    .map((e) => ({ room_id: e.state_key, content: e.content }))
    .sort((a, b) => (a.room_id < b.room_id ? -1 : a.room_id > b.room_id ? 1 : 0));
}

/** The rooms a space links as children (a room that is not a space has none). */
export function childrenOf(room: RoomLike): string[] {
  return isSpace(room) ? childLinks(room).map((l) => l.room_id) : [];
}

// ---- spaceform's own keys ----------------------------------------------------------

/** The marker spaceform puts into every room it creates, inside the creation request. */
export const MARKER_EVENT_TYPE = "dev.spaceform.entry";
export interface MarkerContent {
  /** Manifest name (file name without extension). */
  manifest: string;
  /** Entry key in that manifest (`space` for the root). */
  key: string;
}

/** A marker event's content, when it is one (both fields strings). */
export function markerFromContent(content: Content | null | undefined): MarkerContent | undefined {
  const manifest = content?.["manifest"];
  const key = content?.["key"];
  return typeof manifest === "string" && typeof key === "string" ? { manifest, key } : undefined;
}

/** The marker state event of a room, if it has one. */
export function stateMarkerOf(room: RoomLike): MarkerContent | undefined {
  return markerFromContent(contentOf(room, MARKER_EVENT_TYPE));
}

/**
 * The marker spaceform also writes into `m.room.create` (`creation_content`), the one event
 * a `createRoom` cut short by a crash always leaves behind.
 */
export function creationMarkerOf(room: RoomLike): MarkerContent | undefined {
  const create = contentOf(room, "m.room.create");
  const inner = create?.[MARKER_EVENT_TYPE];
  return isObject(inner) ? markerFromContent(inner) : undefined;
}

/** A room's marker: the state event (which follows renames), else the one in its create event. */
export function markerOf(room: RoomLike): MarkerContent | undefined {
  return stateMarkerOf(room) ?? creationMarkerOf(room);
}

/** The key in a live avatar's `info` where spaceform records the image's sha256. */
export const AVATAR_SHA256_KEY = "dev.spaceform.sha256";

/** The sha256 recorded with an `m.room.avatar` content, if any. */
export function avatarSha256(avatar: Content | undefined): string | undefined {
  const info = avatar?.["info"];
  return isObject(info) ? str(info[AVATAR_SHA256_KEY]) : undefined;
}
