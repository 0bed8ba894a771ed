/**
 * Writing through the gateway: creating rooms, sending state, joining, aliases
 * and the room directory listing. None is sent again after a lost connection
 * (only a 429, refused and so not done, is retried).
 */
import type { CreateRoomRequest } from "./gateway.ts";
import { enc, Method, type GatewayHttp } from "./gateway-http.ts";
import type { RoomId } from "./ids.ts";
import { asObject, roomIdOf } from "./responses.ts";

export async function createRoom(http: GatewayHttp, request: CreateRoomRequest): Promise<RoomId> {
  const kind = "POST /createRoom";
  // Not idempotent: a lost answer may hide a created room, so only a 429 (refused,
  // nothing created) is retried. The marker in initial_state lets a later run adopt it.
  const r = await http.call(kind, false, () =>
    http.api.authedRequest<unknown>(Method.Post, "/createRoom", undefined, request),
  );
  return roomIdOf(kind, asObject(kind, r)["room_id"]);
}

export async function sendState(
  http: GatewayHttp,
  roomId: RoomId,
  type: string,
  stateKey: string,
  content: object,
): Promise<void> {
  await http.call("PUT /state", false, () =>
    http.api.authedRequest<unknown>(
      Method.Put,
      `/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
      undefined,
      content as Record<string, unknown>,
    ),
  );
}

export async function join(
  http: GatewayHttp,
  roomIdOrAlias: string,
  via: string[],
): Promise<RoomId> {
  const kind = "POST /join";
  const r = await http.call(kind, false, () =>
    http.api.authedRequest<unknown>(
      Method.Post,
      `/join/${enc(roomIdOrAlias)}`,
      // `via` since Matrix 1.12; `server_name` for older servers.
      via.length > 0 ? { via, server_name: via } : {},
      {},
    ),
  );
  return roomIdOf(kind, asObject(kind, r)["room_id"]);
}

export async function createAlias(http: GatewayHttp, alias: string, roomId: RoomId): Promise<void> {
  await http.call("PUT /directory/room", false, () =>
    http.api.authedRequest(Method.Put, `/directory/room/${enc(alias)}`, undefined, {
      room_id: roomId,
    }),
  );
}

export async function deleteAlias(http: GatewayHttp, alias: string): Promise<void> {
  await http.call("DELETE /directory/room", false, () =>
    http.api.authedRequest(Method.Delete, `/directory/room/${enc(alias)}`),
  );
}

export async function setDirectoryVisibility(
  http: GatewayHttp,
  roomId: RoomId,
  visibility: "public" | "private",
): Promise<void> {
  await http.call("PUT /directory/list/room", false, () =>
    http.api.authedRequest(Method.Put, `/directory/list/room/${enc(roomId)}`, undefined, {
      visibility,
    }),
  );
}
