/**
 * Rooms a request may not look into: one the space already has, or one the managing account is
 * in for another reason (a managed room, another member's request). Their state is not the
 * requester's to see, so the answer names none of it: no name, no moderators, no rule.
 */
import { allEntries, type Manifest } from "../manifest/model.ts";
import { GatewayError, type RoomCheckSource } from "../matrix/gateway.ts";
import { isRoomAlias, isRoomId, type RoomId, type UserId } from "../matrix/ids.ts";
import { markerOf } from "../matrix/vocabulary.ts";
import type { StateEvent } from "../state/model.ts";
import type { RequestRecord } from "./request-comment.ts";

export type Claim = { kind: "listed" | "joined"; roomId: RoomId };

export async function claimedRoom(
  gateway: RoomCheckSource,
  manifests: readonly Manifest[],
  asked: string,
  managing: UserId,
  previous: RequestRecord | undefined,
): Promise<Claim | undefined> {
  const roomId = isRoomId(asked)
    ? asked
    : isRoomAlias(asked)
      ? (await gateway.resolveAlias(asked))?.room_id
      : undefined;
  if (roomId === undefined) return undefined;
  if (manifests.some((m) => allEntries(m.space).some((e) => e.id === roomId))) {
    return { kind: "listed", roomId };
  }
  let state: StateEvent[];
  try {
    state = await gateway.roomState(roomId);
  } catch (err) {
    if (err instanceof GatewayError && (err.httpStatus === 403 || err.httpStatus === 404)) {
      return undefined;
    }
    throw err;
  }
  const own = state.find((e) => e.type === "m.room.member" && e.state_key === managing);
  if (own?.content["membership"] !== "join") return undefined;
  if (markerOf({ state }) !== undefined) {
    return { kind: "listed", roomId };
  }
  // Joined by this request's own check earlier: it may look again.
  if (previous?.room_id === roomId && previous.joined_for_check) return undefined;
  return { kind: "joined", roomId };
}
