/**
 * Reads the current, resolved state of every room a plan needs: exactly what
 * `GET /rooms/{id}/state` returns, one request per room, a bounded number at a time.
 *
 * 1. whoami (skipped when the caller knows the account already) and every alias the
 *    manifests mention, in parallel; meanwhile one filtered `/sync` (no `since`)
 *    finds the account's invites (with their stripped state) and the joined rooms
 *    carrying spaceform's marker. That `/sync` is discovery only: its `state` section
 *    is the state before its timeline, not the current state, and misses events on a
 *    concurrent branch of a forked room DAG (docs/benchmarks.md), so no room's state
 *    is taken from it.
 * 2. The walk: from the rooms the entries name by `id` or alias (the root space
 *    among them) and the marked rooms, through every space's `m.space.child` links
 *    and every upgraded room's tombstone (to the room that replaced it), at most
 *    `concurrency` rooms at a time, one `GET /state` each (403 = unreadable, or an
 *    invite).
 * 3. The directory listing of the rooms whose entry declares `publish`.
 *
 * A room that cannot be read (not a member, unknown) becomes an `unreadable` room,
 * never an exception; a failure of the homeserver or the connection still throws,
 * since planning from half a picture could propose to recreate what exists.
 * The output is sorted (rooms by id, state by type and key) so that its
 * fingerprint is stable.
 */
import { allEntries, type Entry, type Manifest } from "../manifest/model.ts";
import { GatewayError, type LiveStateSource } from "../matrix/gateway.ts";
import { userIdOf } from "../matrix/responses.ts";
import { isRoomId, qualifyAlias, type RoomId, type UserId } from "../matrix/ids.ts";
import {
  MARKER_EVENT_TYPE,
  type LiveRoom,
  type LiveState,
  type Membership,
  type StateEvent,
} from "./model.ts";
import { childrenOf, markerOf, replacementOf } from "../matrix/vocabulary.ts";
import { crawl, mapLimit } from "../util/concurrency.ts";

export interface ReadOptions {
  /** The managing account, when known already (saves the whoami request). */
  userId?: string;
  serverName?: string;
  /** `GET /state` requests at the same time. */
  concurrency?: number;
  /**
   * Whose directory listing to read: rooms whose entry declares `publish`
   * (default), every readable room (import), or none.
   */
  visibility?: "declared" | "all" | "none";
}

/**
 * `GET /state` requests at once. 16, not 8: at 50 ms from the homeserver it halves the
 * rounds of a read (docs/benchmarks.md); Synapse does not rate-limit these reads.
 */
export const DEFAULT_CONCURRENCY = 16;
const MEMBERSHIPS: readonly Membership[] = ["join", "invite", "leave", "ban", "knock"];

const QUIET = {
  presence: { not_types: ["*"] },
  account_data: { not_types: ["*"] },
} as const;
const QUIET_ROOM = {
  ephemeral: { not_types: ["*"] },
  account_data: { not_types: ["*"] },
} as const;

/**
 * Discovery among the given rooms: their marker events (joined rooms) and the
 * stripped state of invites. No timeline: Synapse's cost of an initial `/sync`
 * grows with the rooms it covers and the timeline it returns, so the filter names
 * the rooms it asks about (measured in docs/benchmarks.md).
 */
export function discoveryFilter(rooms: readonly RoomId[]): object {
  return {
    ...QUIET,
    room: {
      ...QUIET_ROOM,
      rooms,
      // The marker event, and m.room.create, which carries the marker too: a createRoom cut
      // short by a crash leaves no more than the create event and the creator's join.
      state: { types: [MARKER_EVENT_TYPE, "m.room.create"], lazy_load_members: false },
      timeline: { limit: 0 },
    },
  };
}

/** Rooms named in one discovery `/sync`: keeps its filter, a query parameter, a few kB long. */
const DISCOVERY_CHUNK = 50;

export async function readLiveState(
  gateway: LiveStateSource,
  manifests: Manifest[] | Manifest,
  options: ReadOptions = {},
): Promise<LiveState> {
  const list = Array.isArray(manifests) ? manifests : [manifests];
  const entries = list.flatMap((m) => allEntries(m.space).map((entry) => ({ m, entry })));
  const who = await identify(gateway, options);

  const aliasesWritten = entries.flatMap(({ entry }) => [
    ...(entry.alias !== undefined ? [entry.alias] : []),
    ...(entry.alt_aliases ?? []),
    ...(entry.allow ?? []).filter((a) => !isRoomId(a)),
  ]);
  const aliases = await resolveAliases(gateway, aliasesWritten, who.server_name, options);

  // Rooms the entries stand for by id or alias: where the walk starts. Marked rooms
  // join it when discovery finds them.
  const start = new Set<RoomId>();
  for (const { entry } of entries) {
    if (entry.id !== undefined) start.add(entry.id);
    const target = canonicalTarget(entry, aliases, who.server_name);
    if (target) start.add(target);
  }
  const names = new Set(list.map((m) => m.name));
  const rooms = await walk(gateway, [...start], who.user_id, names, options);

  if ((options.visibility ?? "declared") !== "none") {
    const wanted =
      options.visibility === "all"
        ? [...rooms.keys()]
        : entries
            .filter(({ entry }) => entry.publish !== undefined)
            .flatMap(({ m, entry }) => roomsOfEntry(m, entry, aliases, rooms, who.server_name));
    await readVisibility(gateway, rooms, wanted, options);
  }

  return {
    server_name: who.server_name,
    user_id: who.user_id,
    rooms: [...rooms.values()].sort((a, b) => compare(a.room_id, b.room_id)),
    aliases: Object.fromEntries(Object.entries(aliases).sort(([a], [b]) => compare(a, b))),
  };
}

/**
 * The live state of one existing space tree, for `spaceform import`: the root by
 * room id or alias, everything reachable through `m.space.child`, and every
 * room's directory listing.
 */
export async function readSpaceTree(
  gateway: LiveStateSource,
  root: string,
  options: Omit<ReadOptions, "visibility"> = {},
): Promise<LiveState & { root: RoomId | null }> {
  const who = await identify(gateway, options);
  const aliases: Record<string, RoomId | null> = {};
  let rootId: RoomId | null;
  if (isRoomId(root)) {
    rootId = root;
  } else {
    const alias = qualifyAlias(root, who.server_name);
    rootId = (await gateway.resolveAlias(alias))?.room_id ?? null;
    aliases[alias] = rootId;
  }
  if (rootId === null) {
    return { root: null, server_name: who.server_name, user_id: who.user_id, rooms: [], aliases };
  }
  const rooms = await walk(gateway, [rootId], who.user_id, null, options);
  await readVisibility(gateway, rooms, [...rooms.keys()], options);
  return {
    root: rootId,
    server_name: who.server_name,
    user_id: who.user_id,
    rooms: [...rooms.values()].sort((a, b) => compare(a.room_id, b.room_id)),
    aliases,
  };
}

async function identify(
  gateway: LiveStateSource,
  options: ReadOptions,
): Promise<{ user_id: UserId; server_name: string }> {
  if (options.userId !== undefined && options.serverName !== undefined) {
    return {
      user_id: userIdOf("the known account", options.userId),
      server_name: options.serverName,
    };
  }
  return gateway.whoami();
}

async function resolveAliases(
  gateway: LiveStateSource,
  written: readonly string[],
  serverName: string,
  options: ReadOptions,
): Promise<Record<string, RoomId | null>> {
  const qualified = [...new Set(written.map((a) => qualifyAlias(a, serverName) as string))];
  const targets = await mapLimit(
    qualified,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (alias) => (await gateway.resolveAlias(alias))?.room_id ?? null,
  );
  return Object.fromEntries(qualified.map((alias, i) => [alias, targets[i] ?? null]));
}

interface Discovered {
  /** Joined rooms carrying a marker of one of the manifests. */
  marked: RoomId[];
  /** Invites: room → the invite's stripped state. */
  invites: Map<RoomId, StateEvent[]>;
}

/** Markers and invites among `ask`, one `/sync` per chunk of rooms. */
async function discover(
  gateway: LiveStateSource,
  ask: readonly RoomId[],
  manifestNames: ReadonlySet<string>,
): Promise<Discovered> {
  const marked: RoomId[] = [];
  const invites = new Map<RoomId, StateEvent[]>();
  const chunks: RoomId[][] = [];
  for (let i = 0; i < ask.length; i += DISCOVERY_CHUNK)
    chunks.push(ask.slice(i, i + DISCOVERY_CHUNK));
  for (const chunk of chunks) {
    const { joined, invited } = await gateway.syncRooms(discoveryFilter(chunk));
    for (const room of joined) {
      const marker = markerOf(room);
      if (marker !== undefined && manifestNames.has(marker.manifest)) marked.push(room.room_id);
    }
    for (const room of invited) invites.set(room.room_id, room.state);
  }
  return { marked, invites };
}

function canonicalTarget(
  entry: Entry,
  aliases: Record<string, RoomId | null>,
  serverName: string,
): RoomId | null {
  if (entry.alias === undefined) return null;
  return aliases[qualifyAlias(entry.alias, serverName)] ?? null;
}

function roomsOfEntry(
  manifest: Manifest,
  entry: Entry,
  aliases: Record<string, RoomId | null>,
  rooms: ReadonlyMap<RoomId, LiveRoom>,
  serverName: string,
): RoomId[] {
  const out: RoomId[] = [];
  if (entry.id !== undefined) out.push(entry.id);
  const target = canonicalTarget(entry, aliases, serverName);
  if (target) out.push(target);
  for (const room of rooms.values()) {
    const marker = markerOf(room);
    if (marker?.manifest === manifest.name && marker.key === entry.key) out.push(room.room_id);
  }
  return out;
}

/**
 * Reads every start room and everything reachable from it through `m.space.child` and
 * tombstones;
 * then asks discovery about the rooms the walk could not account for: joined rooms
 * it did not reach (they may carry a marker of `manifestNames`; null: markers are not
 * wanted) and rooms it could not read (they may be invites). Marked rooms are read
 * and walked in turn, until nothing new turns up.
 */
async function walk(
  gateway: LiveStateSource,
  start: readonly RoomId[],
  userId: UserId,
  manifestNames: ReadonlySet<string> | null,
  options: ReadOptions,
): Promise<Map<RoomId, LiveRoom>> {
  const rooms = new Map<RoomId, LiveRoom>();
  const joinedRooms = manifestNames === null ? Promise.resolve([]) : gateway.joinedRooms();
  joinedRooms.catch(() => undefined); // awaited below, after the walk
  const read = (ids: readonly RoomId[]): Promise<void> =>
    crawl(ids, options.concurrency ?? DEFAULT_CONCURRENCY, async (roomId) => {
      if (rooms.has(roomId)) return [];
      const room = await readRoom(gateway, roomId, userId);
      rooms.set(roomId, room);
      const successor = replacementOf(room);
      return [...childrenOf(room), ...(successor !== undefined ? [successor] : [])].filter(
        isRoomId,
      );
    });
  await read(start);
  const joined = await joinedRooms;
  const asked = new Set<RoomId>();
  for (;;) {
    const ask = [
      ...joined.filter((id) => !rooms.has(id)),
      ...[...rooms.values()].filter((r) => r.membership !== "join").map((r) => r.room_id),
    ].filter((id) => !asked.has(id));
    if (ask.length === 0) break;
    for (const id of ask) asked.add(id);
    const found = await discover(gateway, ask, manifestNames ?? new Set());
    for (const [id, stripped] of found.invites) {
      if (rooms.has(id)) rooms.set(id, invited(id, stripped, userId));
    }
    await read(found.marked);
  }
  return rooms;
}

async function readRoom(
  gateway: LiveStateSource,
  roomId: RoomId,
  userId: UserId,
): Promise<LiveRoom> {
  let state: StateEvent[];
  try {
    state = await gateway.roomState(roomId);
  } catch (err) {
    const reason = unreadableReason(err);
    if (reason === null) throw err;
    return { room_id: roomId, membership: "none", state: [], unreadable: reason };
  }
  const own = state.find((e) => e.type === "m.room.member" && e.state_key === userId);
  const membership = asMembership(own?.content["membership"]);
  if (membership !== "join") {
    // Synapse answers /state of a room the account left with the state of that
    // moment: stale, so not passed on as the room's state.
    return {
      room_id: roomId,
      membership,
      state: [],
      unreadable:
        membership === "none"
          ? "the managing account is not a member"
          : `the managing account is not a member (membership: ${membership})`,
    };
  }
  return { room_id: roomId, membership, state: clean(state, userId) };
}

function invited(roomId: RoomId, stripped: readonly StateEvent[], userId: UserId): LiveRoom {
  return { room_id: roomId, membership: "invite", state: clean(stripped, userId) };
}

/** Why a room is unreadable, for the errors that mean so; null for any other failure. */
function unreadableReason(err: unknown): string | null {
  if (!(err instanceof GatewayError)) return null;
  const code = err.errcode ?? `HTTP ${String(err.httpStatus)}`;
  if (err.httpStatus === 403)
    return `the managing account is not a member and has no invite (${code})`;
  if (err.httpStatus === 404) return `the homeserver does not know this room (${code})`;
  return null;
}

function asMembership(value: unknown): Membership {
  return MEMBERSHIPS.find((m) => m === value) ?? "none";
}

/** Without other people's member events, sorted by type and state key. */
function clean(state: readonly StateEvent[], userId: UserId): StateEvent[] {
  return state
    .filter((e) => e.type !== "m.room.member" || e.state_key === userId)
    .sort((a, b) => compare(a.type, b.type) || compare(a.state_key, b.state_key));
}

async function readVisibility(
  gateway: LiveStateSource,
  rooms: Map<RoomId, LiveRoom>,
  wanted: readonly RoomId[],
  options: ReadOptions,
): Promise<void> {
  const ids = [...new Set(wanted)].filter((id) => {
    const room = rooms.get(id);
    return room !== undefined && room.unreadable === undefined;
  });
  await mapLimit(ids, options.concurrency ?? DEFAULT_CONCURRENCY, async (id) => {
    const visibility = await gateway.directoryVisibility(id);
    const room = rooms.get(id);
    if (room) room.directory_visibility = visibility;
  });
}

/** Code-point order (never locale order), so output is the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
