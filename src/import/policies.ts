/**
 * `spaceform import --check-policies`: which house rules the live space already
 * breaks, before anyone declares them. The same rules the planner runs
 * (src/policy/), fed with what the live rooms hold.
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { Policies } from "../manifest/model.ts";
import { effectivePowerLevels } from "../matrix/powerlevels.ts";
import { checkPolicies, type PolicyRoomView } from "../policy/index.ts";
import type { LiveRoom, LiveState } from "../state/model.ts";
import { stateEvent } from "../state/model.ts";
import { roomName, type ImportedEntry } from "./build.ts";

/** Room versions in which the creators have unlimited power (MSC4289). */
const CREATOR_POWER_VERSIONS = new Set(["12"]);

function creatorsOf(room: LiveRoom): string[] | undefined {
  const create = stateEvent(room, "m.room.create");
  const version = create?.content["room_version"];
  if (typeof version !== "string" || !CREATOR_POWER_VERSIONS.has(version)) return undefined;
  const extra = create?.content["additional_creators"];
  const others = Array.isArray(extra)
    ? extra.filter((u): u is string => typeof u === "string")
    : [];
  return [...(create?.sender === undefined ? [] : [create.sender]), ...others];
}

export function livePolicyView(
  entry: ImportedEntry,
  room: LiveRoom,
  managingUser: string,
): PolicyRoomView {
  const pl = stateEvent(room, "m.room.power_levels");
  const effective = pl === undefined ? undefined : effectivePowerLevels(pl.content);
  const name = roomName(room);
  const avatar = stateEvent(room, "m.room.avatar")?.content["url"];
  const creators = creatorsOf(room);
  const encrypted = typeof stateEvent(room, "m.room.encryption")?.content["algorithm"] === "string";
  return {
    entry: entry.address,
    key: entry.key,
    kind: entry.kind,
    ...(name === undefined ? {} : { name }),
    hasAvatar: typeof avatar === "string" && avatar !== "",
    encrypted,
    liveEncrypted: encrypted,
    ...(effective === undefined
      ? {}
      : { users: effective.users, usersDefault: effective.users_default }),
    ...(creators === undefined ? {} : { creators }),
    managingUser,
  };
}

/** House-rule violations of every imported room, as the rules would report them in a plan. */
export function checkLivePolicies(
  policies: Policies,
  root: ImportedEntry,
  live: LiveState,
): Diagnostic[] {
  const byId = new Map(live.rooms.map((r) => [r.room_id as string, r]));
  const views: PolicyRoomView[] = [];
  const walk = (e: ImportedEntry): void => {
    const room = byId.get(e.room_id);
    if (room !== undefined) views.push(livePolicyView(e, room, live.user_id));
    e.children.forEach(walk);
  };
  walk(root);
  return checkPolicies(policies, views);
}
