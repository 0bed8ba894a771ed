/**
 * In-memory builders for the planner's and import's unit tests: manifest entries and
 * live state, with the defaults the tests share (the managing account @bot:example.org,
 * the manifest "demo"). Each test says only what differs.
 */
import type { Entry, Manifest } from "../../src/manifest/model.ts";
import type { RoomId, UserId } from "../../src/matrix/ids.ts";
import { MARKER_EVENT_TYPE } from "../../src/matrix/vocabulary.ts";
import { NO_POLICIES } from "../../src/policy/index.ts";
import type { LiveRoom, LiveState, StateEvent } from "../../src/state/model.ts";

export const BOT = "@bot:example.org";
export const SERVER = "example.org";

/** An entry `key` (the root when key is "space"); a space when it has children. */
export function entry(key: string, over: Partial<Entry> = {}, children: Entry[] = []): Entry {
  const address = key === "space" ? "space" : `rooms.${key}`;
  return { key, address, kind: children.length > 0 ? "space" : "room", children, ...over };
}

export function manifest(space: Entry, over: Partial<Manifest> = {}): Manifest {
  return {
    file: "spaces/demo.yaml",
    name: "demo",
    sha256: "0".repeat(64),
    version: 1,
    space,
    policies: NO_POLICIES,
    positions: { space: { line: 2, column: 1 }, "rooms.general": { line: 5, column: 3 } },
    ...over,
  };
}

/** A state event sent by the managing account. */
export function ev(
  type: string,
  content: Record<string, unknown>,
  stateKey = "",
  sender = BOT,
): StateEvent {
  return { type, state_key: stateKey, content, sender };
}

/** A joined room of version 10 in which the managing account has 100, plus `state`. */
export function room(id: string, state: StateEvent[], over: Partial<LiveRoom> = {}): LiveRoom {
  return {
    room_id: id as RoomId,
    membership: "join",
    state: [
      ev("m.room.create", { room_version: "10" }),
      ev("m.room.power_levels", { users: { [BOT]: 100 } }),
      ...state,
    ],
    ...over,
  };
}

/** A joined room with exactly `state` (no create or power-levels event added). */
export function bareRoom(id: string, state: StateEvent[], over: Partial<LiveRoom> = {}): LiveRoom {
  return { room_id: id as RoomId, membership: "join", state, ...over };
}

export function live(rooms: LiveRoom[], aliases: LiveState["aliases"] = {}): LiveState {
  return { server_name: SERVER, user_id: BOT as UserId, rooms, aliases };
}

export const marker = (key: string, manifestName = "demo"): StateEvent =>
  ev(MARKER_EVENT_TYPE, { manifest: manifestName, key });
