/**
 * The live state of a space tree as read from the homeserver: plain JSON, so a
 * fixture file can stand in for a server in the planner's unit tests.
 */
import type { RoomId, UserId } from "../matrix/ids.ts";

export interface StateEvent {
  type: string;
  state_key: string;
  content: Record<string, unknown>;
  sender?: string;
}

export type Membership = "join" | "invite" | "leave" | "ban" | "knock" | "none";

export interface LiveRoom {
  room_id: RoomId;
  /** The managing account's membership. */
  membership: Membership;
  /**
   * All current state except `m.room.member` events (the managing account's own
   * member event is kept). Empty when the room could not be read; see `unreadable`.
   */
  state: StateEvent[];
  /** Why the state could not be read (e.g. "not a member and not invited"). */
  unreadable?: string;
  /** Room directory listing; absent when not read. */
  directory_visibility?: "public" | "private";
}

export interface LiveState {
  /** The managing account's homeserver name (from whoami). */
  server_name: string;
  user_id: UserId;
  /**
   * Every room the planner may need: the root space and everything reachable through
   * `m.space.child` links from it, rooms the manifest names by `id` or alias, rooms
   * carrying a spaceform marker, and rooms the managing account is invited to.
   */
  rooms: LiveRoom[];
  /** Every alias the manifest mentions (fully qualified) → room id, or null when it does not exist. */
  aliases: Record<string, RoomId | null>;
}

/** The marker spaceform puts into every room it creates: defined with the rest of the Matrix vocabulary. */
export { MARKER_EVENT_TYPE, type MarkerContent } from "../matrix/vocabulary.ts";

export function stateEvent(room: LiveRoom, type: string, stateKey = ""): StateEvent | undefined {
  return room.state.find((e) => e.type === type && e.state_key === stateKey);
}
