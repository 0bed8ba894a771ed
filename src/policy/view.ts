/**
 * The house-rule view of a room, built one way for every caller: `spaceform validate`
 * passes what the manifest declares, the planner what each room will look like after
 * apply, import what the live room holds now.
 */
import { roomPowerLevels } from "../matrix/powerlevels.ts";
import {
  contentOf,
  creatorsHavePower,
  isEncrypted,
  roomVersionOf,
  str,
  unlimitedCreators,
  type RoomLike,
} from "../matrix/vocabulary.ts";
import type { RoomSettings } from "../manifest/model.ts";
import type { LiveRoom } from "../state/model.ts";
import type { PolicyRoomView } from "./index.ts";

/** What the rules look at in a room; an absent field is "not known". */
export type RoomFacts = Pick<
  PolicyRoomView,
  | "name"
  | "hasAvatar"
  | "encrypted"
  | "liveEncrypted"
  | "users"
  | "usersDefault"
  | "creators"
  | "roomVersion"
>;

export interface ViewedEntry {
  address: string;
  key: string;
  kind: "space" | "room";
}

/** The view of an entry's room; `managingUser` is unknown to `spaceform validate`. */
export function policyView(
  entry: ViewedEntry,
  facts: RoomFacts,
  managingUser?: string,
): PolicyRoomView {
  return {
    entry: entry.address,
    key: entry.key,
    kind: entry.kind,
    ...(managingUser !== undefined ? { managingUser } : {}),
    positionPath: entry.address,
    ...(facts.name !== undefined ? { name: facts.name } : {}),
    ...(facts.hasAvatar !== undefined ? { hasAvatar: facts.hasAvatar } : {}),
    ...(facts.encrypted !== undefined ? { encrypted: facts.encrypted } : {}),
    ...(facts.liveEncrypted === true ? { liveEncrypted: true } : {}),
    ...(facts.users !== undefined ? { users: facts.users } : {}),
    ...(facts.usersDefault !== undefined ? { usersDefault: facts.usersDefault } : {}),
    ...(facts.creators !== undefined && facts.creators.length > 0
      ? { creators: facts.creators }
      : {}),
    ...(facts.roomVersion !== undefined ? { roomVersion: facts.roomVersion } : {}),
  };
}

/** What a live room holds now, as the rules see it (power by the room's auth rules). */
export function liveRoomFacts(room: LiveRoom): RoomFacts {
  const name = str(contentOf(room, "m.room.name")?.["name"]);
  const avatar = str(contentOf(room, "m.room.avatar")?.["url"]);
  const pl = roomPowerLevels(room);
  const encrypted = isEncrypted(room);
  return {
    ...(name !== undefined && name !== "" ? { name } : {}),
    hasAvatar: avatar !== undefined && avatar !== "",
    encrypted,
    liveEncrypted: encrypted,
    users: pl.users,
    usersDefault: pl.users_default,
    ...versionFacts(room),
  };
}

/** The room version and its creators, when the room's create event is known (an invite may lack it). */
export function versionFacts(room: RoomLike): Pick<RoomFacts, "roomVersion" | "creators"> {
  if (contentOf(room, "m.room.create") === undefined) return {};
  const creators = unlimitedCreators(room);
  return { roomVersion: roomVersionOf(room), ...(creators.length > 0 ? { creators } : {}) };
}

/**
 * What the manifest alone says about a room (absent fields are not known). In room version
 * 12 the creators have unlimited power without being listed in `users`, and who they are is
 * known only from the live room: the users are then left to the planner's check.
 */
export function declaredRoomFacts(e: RoomSettings): RoomFacts {
  const v12 = e.room_version !== undefined && creatorsHavePower(e.room_version);
  return {
    ...(e.name !== undefined ? { name: e.name } : {}),
    ...(e.avatar !== undefined ? { hasAvatar: true } : {}),
    ...(e.encrypted !== undefined ? { encrypted: e.encrypted } : {}),
    ...(e.power_levels?.users !== undefined && !v12 ? { users: e.power_levels.users } : {}),
    ...(e.power_levels?.users_default !== undefined && !v12
      ? { usersDefault: e.power_levels.users_default }
      : {}),
  };
}
