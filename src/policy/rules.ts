/**
 * One function per policy. Each returns the violations in one room; each skips
 * itself when the view lacks what it needs.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { formatFieldPath } from "../manifest/fieldpath.ts";
import { globMatch } from "./glob.ts";
import type { PolicyRoomView, PolicyRule } from "./index.ts";

const ADMIN_LEVEL = 100;
const MODERATOR_LEVEL = 50;

const base = (room: PolicyRoomView): string => room.positionPath ?? room.entry;
const field = (room: PolicyRoomView, ...rest: string[]): string =>
  [base(room), formatFieldPath(rest)].filter(Boolean).join(".");

/** A user's level as far as the view knows it; undefined when the view does not know the users map. */
function levelOf(room: PolicyRoomView, user: string): number | undefined {
  if (room.creators?.includes(user)) return Infinity;
  if (!room.users) return undefined;
  return room.users[user] ?? room.usersDefault ?? 0;
}

export const adminsRule: PolicyRule = (policies, room) => {
  const out: Diagnostic[] = [];
  for (const admin of policies.admins) {
    const level = levelOf(room, admin);
    if (level === undefined || level >= ADMIN_LEVEL) continue;
    const listed = room.users?.[admin] !== undefined;
    out.push({
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
  return out;
};

export const forbidEncryptionRule: PolicyRule = (policies, room) => {
  if (!policies.forbid_encryption || room.encrypted !== true) return [];
  // Only a declaration can be taken back; a room that is encrypted already stays so.
  const live = room.liveEncrypted === true;
  return [
    {
      severity: "error",
      code: "policy.forbid-encryption",
      message: live
        ? `\`${room.entry}\` is already encrypted; policy \`forbid_encryption\` forbids encrypted rooms.`
        : `\`${room.entry}\` declares \`encrypted: true\`; policy \`forbid_encryption\` forbids encrypted rooms.`,
      hint: live
        ? "Encryption cannot be turned off in Matrix: create a new unencrypted room, link it instead and tombstone this one."
        : "Remove `encrypted: true` (or set `encrypted: false`).",
      path: field(room, "encrypted"),
    },
  ];
};

export const requireAvatarRule: PolicyRule = (policies, room) =>
  policies.require_avatar !== "off" && room.hasAvatar === false
    ? [
        {
          severity: policies.require_avatar === "error" ? "error" : "warning",
          code: "policy.require-avatar",
          message: `\`${room.entry}\` has no avatar; policy \`require_avatar\` asks for one.`,
          hint: "Set `avatar:` to an image file next to the manifest (or in `defaults:`).",
          path: field(room, "avatar"),
        },
      ]
    : [];

export const minModeratorsRule: PolicyRule = (policies, room) => {
  const need = policies.min_moderators;
  if (need <= 0 || !room.users) return [];
  // Everyone is a moderator when the default level is one.
  if ((room.usersDefault ?? 0) >= MODERATOR_LEVEL) return [];
  const excluded = new Set<string>(policies.admins);
  if (room.managingUser) excluded.add(room.managingUser);
  const moderators = new Set<string>();
  for (const [user, level] of Object.entries(room.users)) {
    if (level >= MODERATOR_LEVEL && !excluded.has(user)) moderators.add(user);
  }
  for (const user of room.creators ?? []) if (!excluded.has(user)) moderators.add(user);
  if (moderators.size >= need) return [];
  return [
    {
      severity: "error",
      code: "policy.min-moderators",
      message: `\`${room.entry}\` has ${moderators.size} moderator${moderators.size === 1 ? "" : "s"} besides the admins; policy \`min_moderators\` requires ${need}.`,
      hint: `Give ${need - moderators.size === 1 ? "someone" : `${need - moderators.size} more people`} power level ${MODERATOR_LEVEL} or more in power_levels.users.`,
      path: field(room, "power_levels", "users"),
    },
  ];
};

export const namePrefixRule: PolicyRule = (policies, room) => {
  // The root space has no key of its own in the manifest (`space` is its address).
  if (room.entry === "space" || room.name === undefined) return [];
  const name = room.name;
  return policies.name_prefixes
    .filter((rule) => globMatch(rule.match, room.key) && !name.startsWith(rule.prefix))
    .map((rule) => ({
      severity: "error" as const,
      code: "policy.name-prefix",
      message: `The name "${name}" of \`${room.entry}\` must start with "${rule.prefix}" (policy \`name_prefixes\`, match \`${rule.match}\`).`,
      hint: `Rename it, e.g. "${rule.prefix}${name}".`,
      path: field(room, "name"),
    }));
};

export const POLICY_RULES: readonly PolicyRule[] = [
  adminsRule,
  forbidEncryptionRule,
  requireAvatarRule,
  minModeratorsRule,
  namePrefixRule,
];
