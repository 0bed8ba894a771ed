/**
 * The house rules that read power: `admins`, `min_moderators` and `creators` (room version 12,
 * where the creators have power above every level and cannot be demoted). Each is unknown
 * while the view lacks the power levels (an invited room) or the room version.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { formatFieldPath } from "../manifest/fieldpath.ts";
import type { PolicyRoomView } from "./index.ts";
import { inWords, outcome, type HouseRule } from "./outcome.ts";

export const ADMIN_LEVEL = 100;
export const MODERATOR_LEVEL = 50;

const base = (room: PolicyRoomView): string => room.positionPath ?? room.entry;
export const field = (room: PolicyRoomView, ...rest: string[]): string =>
  [base(room), formatFieldPath(rest)].filter(Boolean).join(".");

const NOT_VISIBLE =
  "Not checked: a room shows its power levels only to its members, and the account that manages the space is not in this room.";
const INVITE_FIX = (room: PolicyRoomView): string =>
  `Invite ${room.managingUser ?? "the account that manages the space"} to the room, then check again.`;

/** A user's level as far as the view knows it; undefined when the view does not know the users map. */
function levelOf(room: PolicyRoomView, user: string): number | undefined {
  if (room.creators?.includes(user)) return Infinity;
  if (!room.users) return undefined;
  return room.users[user] ?? room.usersDefault ?? 0;
}

export const adminsRule: HouseRule = {
  name: "admins",
  needsMembership: true,
  evaluate(policies, room) {
    if (policies.admins.length === 0) return undefined;
    if (!room.users && !policies.admins.every((a) => room.creators?.includes(a))) {
      return outcome("admins", "unknown", NOT_VISIBLE, INVITE_FIX(room));
    }
    const diagnostics: Diagnostic[] = [];
    const short: string[] = [];
    for (const admin of policies.admins) {
      const level = levelOf(room, admin) ?? 0;
      if (level >= ADMIN_LEVEL) continue;
      short.push(`${admin} has power level ${level}`);
      const listed = room.users?.[admin] !== undefined;
      diagnostics.push({
        severity: "error",
        code: "policy.admins",
        message: listed
          ? `Admin ${admin} has power level ${level} in \`${room.entry}\`; policy \`admins\` requires ${ADMIN_LEVEL}.`
          : `Admin ${admin} is missing from the power levels of \`${room.entry}\` (so has level ${level}); policy \`admins\` requires ${ADMIN_LEVEL}.`,
        hint: `Set \`"${admin}": ${ADMIN_LEVEL}\` in power_levels.users.`,
        path: listed
          ? field(room, "power_levels", "users", admin)
          : field(room, "power_levels", "users"),
      });
    }
    const who = inWords(policies.admins);
    const are = policies.admins.length === 1 ? "is an admin" : "are admins";
    if (diagnostics.length === 0) {
      return outcome("admins", "pass", `${who} ${are} of the room (power level ${ADMIN_LEVEL}).`);
    }
    return outcome(
      "admins",
      "fail",
      `${who} must be ${policies.admins.length === 1 ? "an admin" : "admins"} of the room (power level ${ADMIN_LEVEL}), but ${inWords(short)}.`,
      `In the room's settings (Roles & Permissions), make ${inWords(policies.admins)} Admin.`,
      diagnostics,
    );
  },
};

export const minModeratorsRule: HouseRule = {
  name: "min_moderators",
  needsMembership: true,
  evaluate(policies, room) {
    const need = policies.min_moderators;
    if (need <= 0) return undefined;
    if (!room.users) return outcome("min_moderators", "unknown", NOT_VISIBLE, INVITE_FIX(room));
    const besides = room.managingUser
      ? policies.admins.length > 0
        ? "besides the admins and the account that manages the space"
        : "besides the account that manages the space"
      : "besides the admins";
    // Everyone is a moderator when the default level is one.
    if ((room.usersDefault ?? 0) >= MODERATOR_LEVEL) {
      return outcome(
        "min_moderators",
        "pass",
        `Everyone in the room has power level ${room.usersDefault ?? 0}, a moderator's.`,
      );
    }
    const excluded = new Set<string>(policies.admins);
    if (room.managingUser) excluded.add(room.managingUser);
    const moderators = new Set<string>();
    for (const [user, level] of Object.entries(room.users)) {
      if (level >= MODERATOR_LEVEL && !excluded.has(user)) moderators.add(user);
    }
    for (const user of room.creators ?? []) if (!excluded.has(user)) moderators.add(user);
    const list = [...moderators].sort();
    if (moderators.size >= need) {
      return outcome(
        "min_moderators",
        "pass",
        `The room has ${moderators.size} moderator${moderators.size === 1 ? "" : "s"} ${besides}: ${inWords(list)}.`,
      );
    }
    const missing = need - moderators.size;
    return outcome(
      "min_moderators",
      "fail",
      `The room needs at least ${need} moderator${need === 1 ? "" : "s"} ${besides} (power level ${MODERATOR_LEVEL} or more), and has ${moderators.size}${list.length > 0 ? `: ${inWords(list)}` : ""}.`,
      `In the room's settings (Roles & Permissions), make ${missing === 1 ? "someone" : `${missing} more people`} Moderator.`,
      [
        {
          severity: "error",
          code: "policy.min-moderators",
          message: `\`${room.entry}\` has ${moderators.size} moderator${moderators.size === 1 ? "" : "s"} besides the admins; policy \`min_moderators\` requires ${need}.`,
          hint: `Give ${missing === 1 ? "someone" : `${missing} more people`} power level ${MODERATOR_LEVEL} or more in power_levels.users.`,
          path: field(room, "power_levels", "users"),
        },
      ],
    );
  },
};

/**
 * Room version 12 (MSC4289): the creators (the sender of `m.room.create` and its
 * `additional_creators`) have power above every level, and nobody can demote them.
 * `warn` (the default) says so when anyone but the managing account is a creator;
 * `require` also fails a room the managing account did not create (or co-create).
 */
export const creatorsRule: HouseRule = {
  name: "creators",
  needsMembership: true,
  evaluate(policies, room) {
    if (policies.creators === "off" || room.managingUser === undefined) {
      return undefined;
    }
    if (room.roomVersion === undefined) {
      return policies.creators === "require"
        ? outcome(
            "creators",
            "unknown",
            "Not checked: a room shows its version and creators only to its members, and the account that manages the space is not in this room.",
            INVITE_FIX(room),
          )
        : undefined;
    }
    const managing = room.managingUser;
    const creators = room.creators ?? [];
    if (creators.length === 0) {
      // Before version 12 there is nothing to warn about; `require` says the rule holds.
      if (policies.creators === "warn") return undefined;
      return outcome(
        "creators",
        "pass",
        `The room has room version ${room.roomVersion}: power levels decide who may do what, and nobody stands above them.`,
      );
    }
    const others = creators.filter((c) => c !== managing);
    const v12 = `The room has room version ${room.roomVersion}, in which its creators have power above every power level and cannot be demoted`;
    const upgrade = `To give the space full control, upgrade the room (/upgraderoom) with ${managing} as an additional creator, or let ${managing} create a new room.`;
    if (policies.creators === "require" && !creators.includes(managing)) {
      return outcome(
        "creators",
        "fail",
        `${v12}; the account that manages the space, ${managing}, must be one of them, but the creators are ${inWords(creators)}.`,
        upgrade,
        [
          {
            severity: "error",
            code: "policy.creators",
            message: `${managing} is not a creator of \`${room.entry}\` (room version ${room.roomVersion}; creators: ${inWords(creators)}); policy \`creators: require\` requires it to be one.`,
            hint: `Upgrade the room with ${managing} in additional_creators, or link a room ${managing} created instead.`,
            path: field(room),
          },
        ],
      );
    }
    if (others.length === 0) {
      return outcome(
        "creators",
        "pass",
        `${v12}; the only creator is the account that manages the space.`,
      );
    }
    const keep =
      others.length === 1
        ? `${others[0] ?? ""} keeps full control of the room whatever power the account that manages the space (${managing}) gets`
        : `${inWords(others)} keep full control of the room whatever power the account that manages the space (${managing}) gets`;
    return outcome(
      "creators",
      "warn",
      `${v12}: ${keep}.`,
      `Nothing to do if that is intended. ${upgrade}`,
      [
        {
          severity: "warning",
          code: "policy.creators",
          message: `\`${room.entry}\` has room version ${room.roomVersion}, and ${inWords(others)} ${others.length === 1 ? "is a creator" : "are creators"} of it: power above every level, which no power_levels change can take away.`,
          hint: `Accept it, or upgrade the room with ${managing} in additional_creators (\`creators: off\` in policies silences this).`,
          path: field(room),
        },
      ],
    );
  },
};
