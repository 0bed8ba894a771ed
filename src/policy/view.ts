/**
 * The house-rule view of a room, built one way for every caller: the planner passes
 * what each room will look like after apply, import what the live room holds now.
 */
import { roomPowerLevels } from "../matrix/powerlevels.ts";
import { contentOf, isEncrypted, str, unlimitedCreators } from "../matrix/vocabulary.ts";
import type { LiveRoom } from "../state/model.ts";
import type { PolicyRoomView } from "./index.ts";

/** What the rules look at in a room; an absent field is "not known". */
export type RoomFacts = Pick<
  PolicyRoomView,
  "name" | "hasAvatar" | "encrypted" | "liveEncrypted" | "users" | "usersDefault" | "creators"
>;

export interface ViewedEntry {
  address: string;
  key: string;
  kind: "space" | "room";
}

export function policyView(
  entry: ViewedEntry,
  facts: RoomFacts,
  managingUser: string,
): PolicyRoomView {
  return {
    entry: entry.address,
    key: entry.key,
    kind: entry.kind,
    managingUser,
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
  };
}

/** What a live room holds now, as the rules see it (power by the room's auth rules). */
export function liveRoomFacts(room: LiveRoom): RoomFacts {
  const name = str(contentOf(room, "m.room.name")?.["name"]);
  const avatar = str(contentOf(room, "m.room.avatar")?.["url"]);
  const pl = roomPowerLevels(room);
  const creators = unlimitedCreators(room);
  const encrypted = isEncrypted(room);
  return {
    ...(name !== undefined && name !== "" ? { name } : {}),
    hasAvatar: avatar !== undefined && avatar !== "",
    encrypted,
    liveEncrypted: encrypted,
    users: pl.users,
    usersDefault: pl.users_default,
    ...(creators.length > 0 ? { creators } : {}),
  };
}
