/**
 * Reads the live state a plan needs, with as few round trips as the homeserver allows.
 *
 * 1. whoami (skipped when the caller knows the account already) and every alias the
 *    manifests mention, in parallel; meanwhile one filtered `/sync` (no `since`)
 *    brings the account's invites (with their stripped state), the joined rooms
 *    carrying spaceform's marker and, with the default strategy `sync`, the full
 *    state of every joined room.
 * 2. The walk: from the rooms the entries name by `id` or alias (the root space
 *    among them) and the marked rooms, through every space's `m.space.child` links,
 *    at most `concurrency` rooms at a time. A joined room's state comes from the
 *    `/sync`; any other room costs one `GET /state` (403 = unreadable, or an invite).
 *    With strategy `state`, every room costs one `GET /state`, and the walk starts
 *    before the `/sync` has answered.
 * 3. The directory listing of the rooms whose entry declares `publish`.
 *
 * Why `sync` by default: measured on Synapse with 50 and 300 rooms, see
 * docs/benchmarks.md. It costs two requests whatever the size of the space, and is
 * 2.3 times faster than `GET /state` per room (8 in parallel) once the homeserver
 * is 50 ms away; it is slower (by about half, measured) only when the account has
 * joined many more rooms outside the space than in it.
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
   * Where joined rooms' state comes from: the one `/sync` that also finds invites
   * and markers, asked for the full state of every joined room (default), or one
   * `GET /state` per room. See docs/benchmarks.md for the measurements. Without
   * `syncRooms` on the gateway, or with per-room discovery, always `state`.
   */
  strategy?: "state" | "sync";
  /**
   * How invites and marked rooms are found: one filtered `/sync` (default), or
   * `/joined_rooms` plus one marker lookup per joined room (implies strategy `state`).
   */
  discovery?: "sync" | "per-room";
}

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_STRATEGY = "sync";

function strategyOf(gateway: MatrixGateway, options: ReadOptions): "state" | "sync" {
  if (!gateway.syncRooms || options.discovery === "per-room") return "state";
  return options.strategy ?? DEFAULT_STRATEGY;
}

const MEMBERSHIPS: readonly Membership[] = ["join", "invite", "leave", "ban", "knock"];

const QUIET = {
  presence: { not_types: ["*"] },
  account_data: { not_types: ["*"] },
} as const;
const QUIET_ROOM = {
  ephemeral: { not_types: ["*"] },
  account_data: { not_types: ["*"] },
} as const;

/** Discovery for strategy `state`: nothing but marker events of joined rooms, and invites. */
export const DISCOVERY_FILTER = {
  ...QUIET,
  room: {
    ...QUIET_ROOM,
    state: { types: [MARKER_EVENT_TYPE], lazy_load_members: false },
    // A marker sent after creation can sit in the timeline rather than the state section.
    timeline: { limit: 1, types: [MARKER_EVENT_TYPE] },
  },
};

/**
 * Discovery and state for strategy `sync`: the full state of every joined room. Lazy
 * loading leaves out other people's member events (Synapse keeps the account's own,
 * and those of the timeline's one sender, which `clean` drops).
 */
export const FULL_STATE_FILTER = {
  ...QUIET,
  room: {
    ...QUIET_ROOM,
    state: { lazy_load_members: true },
    timeline: { limit: 1 },
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
  // Discovery runs while the aliases resolve and the walk starts from the rooms
  // already known: it is the slowest request, and most rooms do not wait for it.
  const discovery = discover(gateway, new Set(list.map((m) => m.name)), options);
  discovery.catch(() => undefined); // observed below; an alias failure must not leave it unhandled
  const aliases = await resolveAliases(gateway, aliasesWritten, who.server_name, options);

  // Rooms the entries stand for by id or alias: where the walk starts. Marked rooms
  // join it when discovery answers.
  const start = new Set<RoomId>();
  for (const { entry } of entries) {
    if (entry.id !== undefined) start.add(entry.id);
    const target = canonicalTarget(entry, aliases, who.server_name);
    if (target) start.add(target);
  }
  const rooms = await walk(gateway, [...start], who.user_id, discovery, options);
  const discovered = await discovery;

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
  if (rootId === null) {
    return { root: null, server_name: who.server_name, user_id: who.user_id, rooms: [], aliases };
  }
  const discovery = discover(gateway, new Set(), options);
  const rooms = await walk(gateway, [rootId], who.user_id, discovery, options);
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
  /** Joined rooms carrying a marker of one of the manifests: room → marker. */
  marked: Map<RoomId, { manifest: string; key: string }>;
  /** Invites: room → the invite's stripped state. */
  invites: Map<RoomId, StateEvent[]>;
  /** Strategy `sync`: the state of every joined room, so that none needs a request. */
  joined?: Map<RoomId, StateEvent[]>;
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
  const markerOf = (state: readonly StateEvent[]) =>
    state.find((e) => e.type === MARKER_EVENT_TYPE && e.state_key === "")?.content;

  const full = strategyOf(gateway, options) === "sync";
  if (gateway.syncRooms && (full || options.discovery !== "per-room")) {
    const { joined, invited } = await gateway.syncRooms(
      uncachedFilter(full ? FULL_STATE_FILTER : DISCOVERY_FILTER),
    );
    for (const room of joined) note(room.room_id, markerOf(room.state));
    return {
      marked,
      invites: new Map(invited.map((r) => [r.room_id, r.state])),
      ...(full ? { joined: new Map(joined.map((r) => [r.room_id, r.state])) } : {}),
    };
  }

  const [joined, invited] = await Promise.all([gateway.joinedRooms(), gateway.invitedRooms()]);
  const lookup = gateway.stateEvent?.bind(gateway);
  await mapLimit(joined, options.concurrency ?? DEFAULT_CONCURRENCY, async (roomId) => {
    note(
      roomId,
      lookup
        ? await lookup(roomId, MARKER_EVENT_TYPE, "")
        : markerOf(await gateway.roomState(roomId)),
    );
  });
  return { marked, invites: new Map(invited.map((r) => [r.room_id, r.state])) };
}

/**
 * Synapse answers an initial `/sync` whose parameters equal a recent one's from a
 * cache (`sync_response_cache_duration`, 2 minutes by default): a plan right after
 * an apply would see the invites and markers of before it, and propose to create
 * again a room that has no alias. A sender nobody can be makes every request's
 * filter unique without changing what it selects.
 */
function uncachedFilter(filter: typeof DISCOVERY_FILTER | typeof FULL_STATE_FILTER): object {
  const nonce = `@spaceform-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}:invalid`;
  return { ...filter, presence: { ...filter.presence, not_senders: [nonce] } };
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

/**
 * Reads every start room, every marked room discovery finds, and everything
 * reachable from them through `m.space.child`.
 */
async function walk(
  gateway: MatrixGateway,
  start: readonly RoomId[],
  userId: UserId,
  discovery: Promise<Discovered>,
  options: ReadOptions,
): Promise<Map<RoomId, LiveRoom>> {
  const rooms = new Map<RoomId, LiveRoom>();
  // Strategy sync: joined rooms' state comes with discovery, so wait for it first.
  let known = strategyOf(gateway, options) === "sync" ? await discovery : undefined;
  // Once discovery has answered, an invited room needs no request at all.
  void discovery.then(
    (d) => (known = d),
    () => undefined,
  );
  await crawl(
    start,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (roomId) => {
      const room = await readRoom(gateway, roomId, userId, discovery, known);
      rooms.set(roomId, room);
      return childrenOf(room);
    },
    discovery.then((d) => [...d.marked.keys()]),
  );
  return rooms;
}

async function readRoom(
  gateway: MatrixGateway,
  roomId: RoomId,
  userId: UserId,
  discovery: Promise<Discovered>,
  known: Discovered | undefined,
): Promise<LiveRoom> {
  const synced = known?.joined?.get(roomId);
  if (synced !== undefined) {
    return { room_id: roomId, membership: "join", state: clean(synced, userId) };
  }
  const invite = known?.invites.get(roomId);
  if (invite !== undefined) return invited(roomId, invite, userId);

  let state: StateEvent[];
  try {
    state = await gateway.roomState(roomId);
  } catch (err) {
    const reason = unreadableReason(err);
    if (reason === null) throw err;
    // Not readable: an invite explains why (and brings the stripped state).
    const late = (await discovery).invites.get(roomId);
    if (late !== undefined) return invited(roomId, late, userId);
    return { room_id: roomId, membership: "none", state: [], unreadable: reason };
  }
  const own = state.find((e) => e.type === "m.room.member" && e.state_key === userId);
  const membership = asMembership(own?.content["membership"]);
  if (membership !== "join") {
    const late = (await discovery).invites.get(roomId);
    if (late !== undefined) return invited(roomId, late, userId);
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
 * Visits every start item, every item `later` brings when it resolves, and every
 * item `visit` returns, once each, at most `limit` at a time. Unlike reading level
 * by level, a child starts as soon as a slot is free. The first failure rejects
 * (visits under way finish unobserved).
 */
export function crawl<T>(
  start: readonly T[],
  limit: number,
  visit: (item: T) => Promise<readonly T[]>,
  later: Promise<readonly T[]> = Promise.resolve([]),
): Promise<void> {
  const seen = new Set<T>();
  const queue: T[] = [];
  let active = 0;
  let waiting = true;
  let failed = false;
  const add = (items: readonly T[]): void => {
    for (const item of items) {
      if (!seen.has(item)) {
        seen.add(item);
        queue.push(item);
      }
    }
  };
  add(start);
  return new Promise((resolve, reject) => {
    const fail = (err: unknown): void => {
      failed = true;
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const pump = (): void => {
      if (failed) return;
      if (queue.length === 0 && active === 0 && !waiting) {
        resolve();
        return;
      }
      while (active < Math.max(1, limit) && queue.length > 0) {
        const item = queue.shift() as T;
        active++;
        visit(item).then((more) => {
          active--;
          add(more);
          pump();
        }, fail);
      }
    };
    later.then((items) => {
      waiting = false;
      add(items);
      pump();
    }, fail);
    pump();
  });
}
