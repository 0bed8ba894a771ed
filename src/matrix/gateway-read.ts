/**
 * Reading through the gateway: who the account is, a room's current state, the
 * joined rooms, a discovery `/sync`, the room directory and the space hierarchy.
 * Each function is one kind of request sent through GatewayHttp, its answer
 * checked where it enters (responses.ts).
 */
import { randomUUID } from "node:crypto";
import type { StateEvent } from "../state/model.ts";
import { GatewayError, type HierarchyRoom, type SyncRooms } from "./gateway.ts";
import { ClientPrefix, enc, Method, requestOpts, type GatewayHttp } from "./gateway-http.ts";
import { serverOf, type RoomId, type UserId } from "./ids.ts";
import {
  asObject,
  latestState,
  malformed,
  roomIdOf,
  roomIdsOf,
  stateEventsOf,
  userIdOf,
} from "./responses.ts";

export async function whoami(http: GatewayHttp): Promise<{ user_id: UserId; server_name: string }> {
  const kind = "GET /whoami";
  const r = await http.call(kind, true, () => http.get("/account/whoami"));
  const userId = userIdOf(kind, asObject(kind, r)["user_id"]);
  return { user_id: userId, server_name: serverOf(userId) };
}

export async function roomState(http: GatewayHttp, roomId: RoomId): Promise<StateEvent[]> {
  const kind = "GET /state";
  const raw: unknown = await http.call(kind, true, () => http.get(`/rooms/${enc(roomId)}/state`));
  if (!Array.isArray(raw)) throw malformed(kind, "not a list of state events");
  return stateEventsOf(raw);
}

export async function joinedRooms(http: GatewayHttp): Promise<RoomId[]> {
  const kind = "GET /joined_rooms";
  const r = await http.call(kind, true, () => http.get("/joined_rooms"));
  return roomIdsOf(kind, asObject(kind, r)["joined_rooms"]);
}

export async function syncRooms(http: GatewayHttp, filter: object): Promise<SyncRooms> {
  const kind = "GET /sync";
  const raw = await http.call(kind, true, () =>
    http.api.authedRequest<unknown>(Method.Get, "/sync", {
      // No `since`: a snapshot. timeout 0 answers at once; offline keeps the
      // managing account from showing as online because spaceform looked.
      filter: JSON.stringify(uncached(filter)),
      timeout: "0",
      set_presence: "offline",
    }),
  );
  const rooms = asObject(kind, raw)["rooms"];
  const sections = rooms === undefined ? {} : asObject(kind, rooms);
  const section = (name: string): [string, Record<string, unknown>][] => {
    const value = sections[name];
    if (value === undefined) return [];
    return Object.entries(asObject(kind, value)).map(([id, room]) => [id, asObject(kind, room)]);
  };
  const events = (room: Record<string, unknown>, part: string): StateEvent[] => {
    const value = room[part];
    return value === undefined ? [] : stateEventsOf(asObject(kind, value)["events"]);
  };
  return {
    joined: section("join").map(([id, room]) => ({
      room_id: roomIdOf(kind, id),
      // `state` is the state before the timeline; a state event in the timeline is newer.
      state: latestState([...events(room, "state"), ...events(room, "timeline")]),
    })),
    invited: section("invite").map(([id, room]) => ({
      room_id: roomIdOf(kind, id),
      state: events(room, "invite_state"),
    })),
  };
}

/**
 * The filter with a fresh no-op in it. Synapse caches a /sync answer per request
 * (filter string included) for two minutes by default (sync_response_cache_duration)
 * and hands it to an identical request: a plan right after an apply would not see
 * the rooms and invites that appeared in between. Excluding an account-data type
 * nobody uses changes nothing but the string.
 */
function uncached(filter: object): object {
  const f = filter as { account_data?: { not_types?: unknown } };
  const notTypes = Array.isArray(f.account_data?.not_types) ? f.account_data.not_types : [];
  return {
    ...filter,
    account_data: {
      ...f.account_data,
      not_types: [...(notTypes as unknown[]), `dev.spaceform.nonce.${randomUUID()}`],
    },
  };
}

export async function resolveAlias(
  http: GatewayHttp,
  alias: string,
): Promise<{ room_id: RoomId; servers: string[] } | null> {
  const kind = "GET /directory/room";
  let r: unknown;
  try {
    r = await http.call(kind, true, () => http.get(`/directory/room/${enc(alias)}`));
  } catch (err) {
    if (err instanceof GatewayError && err.httpStatus === 404) return null;
    throw err;
  }
  const o = asObject(kind, r);
  const servers = Array.isArray(o["servers"])
    ? o["servers"].filter((s): s is string => typeof s === "string")
    : [];
  return { room_id: roomIdOf(kind, o["room_id"]), servers };
}

export async function directoryVisibility(
  http: GatewayHttp,
  roomId: RoomId,
): Promise<"public" | "private"> {
  const kind = "GET /directory/list/room";
  const r = await http.call(kind, true, () => http.get(`/directory/list/room/${enc(roomId)}`));
  return asObject(kind, r)["visibility"] === "public" ? "public" : "private";
}

export async function hierarchy(
  http: GatewayHttp,
  roomId: RoomId,
  opts: { maxDepth?: number },
): Promise<HierarchyRoom[]> {
  const kind = "GET /hierarchy";
  const rooms: HierarchyRoom[] = [];
  let from: string | undefined;
  do {
    const page = asObject(
      kind,
      await http.call(kind, true, () =>
        http.api.authedRequest<unknown>(
          Method.Get,
          `/rooms/${enc(roomId)}/hierarchy`,
          {
            limit: "50",
            ...(opts.maxDepth !== undefined ? { max_depth: String(opts.maxDepth) } : {}),
            ...(from !== undefined ? { from } : {}),
          },
          undefined,
          requestOpts({ prefix: ClientPrefix.V1 }),
        ),
      ),
    );
    for (const raw of Array.isArray(page["rooms"]) ? (page["rooms"] as unknown[]) : []) {
      const r = asObject(kind, raw);
      if (typeof r["room_id"] !== "string") continue;
      const room: HierarchyRoom = {
        room_id: roomIdOf(kind, r["room_id"]),
        children_state: stateEventsOf(r["children_state"]),
      };
      for (const key of ["name", "canonical_alias", "room_type", "join_rule"] as const) {
        const v = r[key];
        if (typeof v === "string") room[key] = v;
      }
      rooms.push(room);
    }
    from = typeof page["next_batch"] === "string" ? page["next_batch"] : undefined;
  } while (from !== undefined && from !== "");
  return rooms;
}
