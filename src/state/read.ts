/**
 * Reads the live state a plan needs, with as few round trips as the homeserver allows.
 *
 * 1. whoami (skipped when the caller knows the account already), every alias the
 *    manifests mention, and one filtered `/sync` that lists the account's invites
 *    (with their stripped state) and the joined rooms carrying spaceform's marker:
 *    all at the same time.
 * 2. The rooms to read: each root space (by `id`, else alias, else marker), every
 *    room named by `id` or alias, every room with a marker of these manifests.
 *    Each is read with one `GET /state`, at most `concurrency` at a time; every space
 *    read adds its `m.space.child` rooms to the queue, so the whole tree is walked
 *    without waiting for one level to finish before the next starts.
 * 3. The directory listing of the rooms whose entry declares `publish`.
 *
 * Why `/state` per room rather than one `/sync` with the state of every joined
 * room: see docs/benchmarks.md (measured on Synapse with 50 and 300 rooms).
 *
 * A room that cannot be read (not a member, unknown) becomes an `unreadable` room,
 * never an exception; a failure of the homeserver or the connection still throws,
 * since planning from half a picture could propose to recreate what exists.
 * The output is sorted (rooms by id, state by type and key) so that its
 * fingerprint is stable.
 */
import { allEntries, type Entry, type Manifest } from "../manifest/model.ts";
import type { MatrixGateway } from "../matrix/gateway.ts";
import { isRoomId, qualifyAlias, type RoomId, type UserId } from "../matrix/ids.ts";
import {
  MARKER_EVENT_TYPE,
  type LiveRoom,
  type LiveState,
  type Membership,
  type StateEvent,
} from "./model.ts";

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
  /**
   * How invites and marked rooms are found: one filtered `/sync` (default), or
   * `/joined_rooms` plus one marker lookup per joined room. The gateway's
   * capabilities decide when it lacks `syncRooms`.
   */
  discovery?: "sync" | "per-room";
}

export const DEFAULT_CONCURRENCY = 8;

const MEMBERSHIPS: readonly Membership[] = ["join", "invite", "leave", "ban", "knock"];

/** The filter for step 1: nothing but marker events of joined rooms, and invites. */
export const DISCOVERY_FILTER = {
  presence: { not_types: ["*"] },
  account_data: { not_types: ["*"] },
  room: {
    state: { types: [MARKER_EVENT_TYPE], lazy_load_members: false },
    // A marker sent after creation can sit in the timeline rather than the state section.
    timeline: { limit: 1, types: [MARKER_EVENT_TYPE] },
    ephemeral: { not_types: ["*"] },
    account_data: { not_types: ["*"] },
  },
};

export async function readLiveState(
  gateway: MatrixGateway,
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
  const [aliases, discovered] = await Promise.all([
    resolveAliases(gateway, aliasesWritten, who.server_name, options),
    discover(gateway, new Set(list.map((m) => m.name)), options),
  ]);

  // Rooms the entries stand for by id, alias or marker: the roots of the walk.
  const start = new Set<RoomId>();
  for (const { entry } of entries) {
    if (entry.id !== undefined) start.add(entry.id);
    const target = canonicalTarget(entry, aliases, who.server_name);
    if (target) start.add(target);
  }
  for (const id of discovered.marked.keys()) start.add(id);

  const rooms = await walk(gateway, [...start], who.user_id, discovered.invites, options);

  if ((options.visibility ?? "declared") !== "none") {
    const wanted =
      options.visibility === "all"
        ? [...rooms.keys()]
        : entries
            .filter(({ entry }) => entry.publish !== undefined)
            .flatMap(({ m, entry }) =>
              roomsOfEntry(m, entry, aliases, discovered, who.server_name),
            );
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
  gateway: MatrixGateway,
  root: string,
  options: Omit<ReadOptions, "visibility" | "discovery"> = {},
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
  const invites =
    rootId === null ? new Map<RoomId, StateEvent[]>() : await listInvites(gateway, options);
  const rooms = await walk(gateway, rootId ? [rootId] : [], who.user_id, invites, options);
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
  gateway: MatrixGateway,
  options: ReadOptions,
): Promise<{ user_id: UserId; server_name: string }> {
  if (options.userId !== undefined && options.serverName !== undefined) {
    return { user_id: options.userId as UserId, server_name: options.serverName };
  }
  return gateway.whoami();
}

async function resolveAliases(
  gateway: MatrixGateway,
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
  /** Joined rooms carrying a marker of one of the manifests: room → marker key. */
  marked: Map<RoomId, { manifest: string; key: string }>;
  /** Invites: room → the invite's stripped state. */
  invites: Map<RoomId, StateEvent[]>;
}

async function discover(
  gateway: MatrixGateway,
  manifestNames: ReadonlySet<string>,
  options: ReadOptions,
): Promise<Discovered> {
  const marked = new Map<RoomId, { manifest: string; key: string }>();
  const note = (roomId: RoomId, content: Record<string, unknown> | null | undefined): void => {
    const manifest = content?.["manifest"];
    const key = content?.["key"];
    if (typeof manifest === "string" && typeof key === "string" && manifestNames.has(manifest)) {
      marked.set(roomId, { manifest, key });
    }
  };

  if (gateway.syncRooms && options.discovery !== "per-room") {
    const { joined, invited } = await gateway.syncRooms(uncachedFilter(DISCOVERY_FILTER));
    for (const room of joined) {
      for (const e of room.state) {
        if (e.type === MARKER_EVENT_TYPE && e.state_key === "") note(room.room_id, e.content);
      }
    }
    return { marked, invites: new Map(invited.map((r) => [r.room_id, r.state])) };
  }

  const [joined, invites] = await Promise.all([
    gateway.joinedRooms(),
    listInvites(gateway, options),
  ]);
  const lookup = gateway.stateEvent?.bind(gateway);
  await mapLimit(joined, options.concurrency ?? DEFAULT_CONCURRENCY, async (roomId) => {
    if (lookup) {
      note(roomId, await lookup(roomId, MARKER_EVENT_TYPE, ""));
    } else {
      const state = await gateway.roomState(roomId);
      note(roomId, state.find((e) => e.type === MARKER_EVENT_TYPE && e.state_key === "")?.content);
    }
  });
  return { marked, invites };
}

/**
 * Synapse answers an initial `/sync` whose parameters equal a recent one's from a
 * cache (`sync_response_cache_duration`, 2 minutes by default): a plan right after
 * an apply would see the invites and markers of before it, and propose to create
 * again a room that has no alias. A sender nobody can be makes every request's
 * filter unique without changing what it selects.
 */
function uncachedFilter(filter: typeof DISCOVERY_FILTER): object {
  const nonce = `@spaceform-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}:invalid`;
  return { ...filter, presence: { ...filter.presence, not_senders: [nonce] } };
}

async function listInvites(
  gateway: MatrixGateway,
  options: ReadOptions,
): Promise<Map<RoomId, StateEvent[]>> {
  if (gateway.syncRooms && options.discovery !== "per-room") {
    // The same request as discovery, so that both strategies cost one /sync.
    const { invited } = await gateway.syncRooms(uncachedFilter(DISCOVERY_FILTER));
    return new Map(invited.map((r) => [r.room_id, r.state]));
  }
  const invited = await gateway.invitedRooms();
  return new Map(invited.map((r) => [r.room_id, r.state]));
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
  discovered: Discovered,
  serverName: string,
): RoomId[] {
  const out: RoomId[] = [];
  if (entry.id !== undefined) out.push(entry.id);
  const target = canonicalTarget(entry, aliases, serverName);
  if (target) out.push(target);
  for (const [roomId, marker] of discovered.marked) {
    if (marker.manifest === manifest.name && marker.key === entry.key) out.push(roomId);
  }
  return out;
}

/** Reads every start room and everything reachable from it through `m.space.child`. */
async function walk(
  gateway: MatrixGateway,
  start: readonly RoomId[],
  userId: UserId,
  invites: ReadonlyMap<RoomId, StateEvent[]>,
  options: ReadOptions,
): Promise<Map<RoomId, LiveRoom>> {
  const rooms = new Map<RoomId, LiveRoom>();
  await crawl(start, options.concurrency ?? DEFAULT_CONCURRENCY, async (roomId) => {
    const room = await readRoom(gateway, roomId, userId, invites.get(roomId));
    rooms.set(roomId, room);
    return childrenOf(room);
  });
  return rooms;
}

async function readRoom(
  gateway: MatrixGateway,
  roomId: RoomId,
  userId: UserId,
  invite: StateEvent[] | undefined,
): Promise<LiveRoom> {
  // An invite means the account has not joined: /state would only answer 403.
  if (invite !== undefined) {
    return { room_id: roomId, membership: "invite", state: clean(invite, userId) };
  }
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

/** Why a room is unreadable, for the errors that mean so; null for any other failure. */
function unreadableReason(err: unknown): string | null {
  const e = (err ?? {}) as { httpStatus?: unknown; errcode?: unknown };
  const code = typeof e.errcode === "string" ? e.errcode : `HTTP ${String(e.httpStatus)}`;
  if (e.httpStatus === 403)
    return `the managing account is not a member and has no invite (${code})`;
  if (e.httpStatus === 404) return `the homeserver does not know this room (${code})`;
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

/** Linked children of a space: `m.space.child` events whose `via` is a non-empty list. */
export function childrenOf(room: LiveRoom): RoomId[] {
  const create = room.state.find((e) => e.type === "m.room.create" && e.state_key === "");
  if (create?.content["type"] !== "m.space") return [];
  return room.state
    .filter(
      (e) =>
        e.type === "m.space.child" &&
        isRoomId(e.state_key) &&
        Array.isArray(e.content["via"]) &&
        e.content["via"].length > 0,
    )
    .map((e) => e.state_key as RoomId);
}

async function readVisibility(
  gateway: MatrixGateway,
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

/** `fn` over every item, at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/**
 * Visits every start item and every item `visit` returns, once each, at most
 * `limit` at a time. Unlike level-by-level reading, a child starts as soon as a
 * slot is free. The first failure rejects (the visits under way finish unobserved).
 */
export function crawl<T>(
  start: readonly T[],
  limit: number,
  visit: (item: T) => Promise<readonly T[]>,
): Promise<void> {
  const seen = new Set<T>(start);
  const queue = [...seen];
  let active = 0;
  let failed = false;
  return new Promise((resolve, reject) => {
    const pump = (): void => {
      if (failed) return;
      if (queue.length === 0 && active === 0) {
        resolve();
        return;
      }
      while (active < Math.max(1, limit) && queue.length > 0) {
        const item = queue.shift() as T;
        active++;
        visit(item).then(
          (more) => {
            active--;
            for (const m of more) {
              if (!seen.has(m)) {
                seen.add(m);
                queue.push(m);
              }
            }
            pump();
          },
          (err: unknown) => {
            failed = true;
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
      }
    };
    pump();
  });
}
