/**
 * What `spaceform check` can learn about a member's room, in this order:
 * 1. the room id (an alias is resolved through the directory, which also names servers);
 * 2. the account's own view: the full state when it has joined (`GET /state`), else the
 *    invite's stripped state (the inviting server's unauthenticated copy: evaluate.ts takes
 *    no version, creators or power levels from it);
 * 3. the room summary (`GET /_matrix/client/v1/room_summary`, spec v1.15): name, avatar,
 *    encryption and version as they are now, without joining;
 * 4. only when a rule needs power levels and the account is invited: the invite is accepted
 *    (`POST /join`) and the full state read. Nothing else is joined, nothing is sent.
 */
import { GatewayError, type RoomCheckSource, type RoomSummary } from "../matrix/gateway.ts";
import { isRoomAlias, isRoomId, serverOf, type RoomId, type UserId } from "../matrix/ids.ts";
import { discoveryFilter } from "../state/read.ts";
import type { LiveRoom, StateEvent } from "../state/model.ts";

export interface CheckedRoom {
  /** As asked for: a room id or an alias. */
  asked: string;
  room_id: RoomId;
  /** The account's membership when the check ended. */
  membership: "join" | "invite" | "none";
  /** Full state (joined), stripped state (invited) or nothing. */
  room: LiveRoom;
  summary?: RoomSummary;
  /** The invite was accepted by this check, to read the power levels. */
  joinedForCheck: boolean;
  /** Servers that know the room (the alias's, the inviter's): the `via` of a join or a link. */
  via: string[];
}

export type ReadResult =
  { ok: true; room: CheckedRoom } | { ok: false; asked: string; problem: string; room_id?: RoomId };

export interface ReadOptions {
  /** Accept a pending invite to read power levels (the caller knows a rule needs them). */
  acceptInvite: (room: CheckedRoom) => boolean;
}

export async function readRoomForCheck(
  gateway: RoomCheckSource,
  asked: string,
  managing: UserId,
  options: ReadOptions,
): Promise<ReadResult> {
  const target = await resolve(gateway, asked);
  if ("problem" in target) return { ok: false, asked, problem: target.problem };
  const { roomId, servers } = target;
  let checked = await ownView(gateway, asked, roomId, managing, servers);
  // A summary of another room (a confused or hostile server answering) says nothing about this one.
  const answered = await gateway.roomSummary(roomId, checked.via);
  const summary = answered?.room_id === roomId ? answered : null;
  if (summary) checked.summary = summary;
  if (checked.membership === "none" && !summary) {
    return {
      ok: false,
      asked,
      room_id: roomId,
      problem: `${managing} cannot see the room ${roomId}: it is not a member and has no invite, and the room's summary is not public. Invite ${managing} to the room, then check again.`,
    };
  }
  if (checked.membership === "invite" && options.acceptInvite(checked)) {
    await gateway.join(roomId, checked.via);
    const state = await gateway.roomState(roomId);
    checked = {
      ...checked,
      membership: "join",
      room: joined(roomId, state, managing),
      joinedForCheck: true,
    };
  }
  return { ok: true, room: checked };
}

async function resolve(
  gateway: RoomCheckSource,
  asked: string,
): Promise<{ roomId: RoomId; servers: string[] } | { problem: string }> {
  if (isRoomId(asked)) return { roomId: asked, servers: [] };
  if (!isRoomAlias(asked)) {
    return { problem: `"${asked}" is neither a room id (!…) nor a room alias (#name:server).` };
  }
  const found = await gateway.resolveAlias(asked);
  if (!found) return { problem: `The room alias ${asked} does not exist.` };
  return { roomId: found.room_id, servers: found.servers };
}

async function ownView(
  gateway: RoomCheckSource,
  asked: string,
  roomId: RoomId,
  managing: UserId,
  servers: string[],
): Promise<CheckedRoom> {
  const base = { asked, room_id: roomId, joinedForCheck: false };
  try {
    const state = await gateway.roomState(roomId);
    const own = state.find((e) => e.type === "m.room.member" && e.state_key === managing);
    if (own?.content["membership"] === "join") {
      return {
        ...base,
        membership: "join",
        room: joined(roomId, state, managing),
        via: viaOf(roomId, servers, state, managing),
      };
    }
  } catch (err) {
    if (!(err instanceof GatewayError) || (err.httpStatus !== 403 && err.httpStatus !== 404))
      throw err;
  }
  const { invited } = await gateway.syncRooms(discoveryFilter([roomId]));
  const invite = invited.find((r) => r.room_id === roomId);
  if (invite) {
    return {
      ...base,
      membership: "invite",
      room: { room_id: roomId, membership: "invite", state: invite.state },
      via: viaOf(roomId, servers, invite.state, managing),
    };
  }
  return {
    ...base,
    membership: "none",
    room: { room_id: roomId, membership: "none", state: [], unreadable: "not a member, no invite" },
    via: viaOf(roomId, servers, [], managing),
  };
}

function joined(roomId: RoomId, state: StateEvent[], managing: UserId): LiveRoom {
  const kept = state.filter((e) => e.type !== "m.room.member" || e.state_key === managing);
  return { room_id: roomId, membership: "join", state: kept };
}

/**
 * Servers to reach the room through: the alias's, the inviter's and the creator's (a
 * room id of version 12 names no server, so it is only the last resort).
 */
function viaOf(
  roomId: RoomId,
  servers: readonly string[],
  state: readonly StateEvent[],
  managing: UserId,
): string[] {
  const inviter = state.find((e) => e.type === "m.room.member" && e.state_key === managing)?.sender;
  const creator = state.find((e) => e.type === "m.room.create")?.sender;
  const named = [inviter, creator, roomId].flatMap((u) => (u !== undefined ? [serverOf(u)] : []));
  return [...servers, ...named].filter((s, i, all) => s !== "" && all.indexOf(s) === i);
}
