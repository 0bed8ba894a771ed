/**
 * A room's life beyond its state: upgrading it, asking about it without joining
 * (the room summary), and leaving it.
 */
import { GatewayError, type RoomSummary } from "./gateway.ts";
import { ClientPrefix, enc, Method, requestOpts, type GatewayHttp } from "./gateway-http.ts";
import type { RoomId } from "./ids.ts";
import { asObject, roomIdOf, summaryOf } from "./responses.ts";

export async function upgradeRoom(
  http: GatewayHttp,
  roomId: RoomId,
  newVersion: string,
  additionalCreators: string[],
): Promise<RoomId> {
  const kind = "POST /upgrade";
  // Not idempotent either (a lost answer may hide the new room): only a 429 is retried. The
  // old room's tombstone names the new one, so the next plan follows it and finishes the move.
  const body: Record<string, unknown> = { new_version: newVersion };
  if (additionalCreators.length > 0) body["additional_creators"] = additionalCreators;
  const r = await http.call(kind, false, () =>
    http.api.authedRequest<unknown>(Method.Post, `/rooms/${enc(roomId)}/upgrade`, undefined, body),
  );
  return roomIdOf(kind, asObject(kind, r)["replacement_room"]);
}

export async function roomSummary(
  http: GatewayHttp,
  roomIdOrAlias: string,
  via: readonly string[],
): Promise<RoomSummary | null> {
  const kind = "GET /room_summary";
  const query = via.length > 0 ? { via: [...via] } : undefined;
  const ask = (path: string, prefix: string) =>
    http.call(kind, true, () =>
      http.api.authedRequest<unknown>(Method.Get, path, query, undefined, requestOpts({ prefix })),
    );
  let raw: unknown;
  try {
    raw = await ask(`/room_summary/${enc(roomIdOrAlias)}`, ClientPrefix.V1);
  } catch (err) {
    if (!(err instanceof GatewayError) || err.httpStatus !== 404) throw err;
    // A server without the stable endpoint (before spec v1.15) answers M_UNRECOGNIZED;
    // it may still serve MSC3266's unstable one. M_NOT_FOUND: no such room.
    if (err.errcode !== "M_UNRECOGNIZED") return null;
    try {
      raw = await ask(
        `/im.nheko.summary/summary/${enc(roomIdOrAlias)}`,
        "/_matrix/client/unstable",
      );
    } catch (inner) {
      if (inner instanceof GatewayError && inner.httpStatus === 404) return null;
      throw inner;
    }
  }
  return summaryOf(kind, raw);
}

export async function leave(http: GatewayHttp, roomId: RoomId): Promise<void> {
  await http.call("POST /leave", false, () =>
    http.api.authedRequest(Method.Post, `/rooms/${enc(roomId)}/leave`, undefined, {}),
  );
}
