/**
 * The house rules, one object each (outcome.ts): the power rules in power-rules.ts, the rules
 * about a room's own settings here. Each skips itself (unknown) when the view lacks what it needs.
 */
import { globMatch } from "./glob.ts";
import { outcome, type HouseRule } from "./outcome.ts";
import { adminsRule, creatorsRule, field, minModeratorsRule } from "./power-rules.ts";

export { adminsRule, creatorsRule, minModeratorsRule };

export const forbidEncryptionRule: HouseRule = {
  name: "forbid_encryption",
  needsMembership: false,
  evaluate(policies, room) {
    if (!policies.forbid_encryption) return undefined;
    if (room.encrypted === undefined) {
      return outcome(
        "forbid_encryption",
        "unknown",
        "Not checked: whether the room is encrypted is not visible.",
      );
    }
    if (!room.encrypted)
      return outcome("forbid_encryption", "pass", "The room is not end-to-end encrypted.");
    // Only a declaration can be taken back; a room that is encrypted already stays so.
    const live = room.liveEncrypted === true;
    return outcome(
      "forbid_encryption",
      "fail",
      "The room is end-to-end encrypted, and the space takes only rooms that are not.",
      "Encryption can never be turned off in a Matrix room: create a new room without encryption and ask for that one instead.",
      [
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
      ],
    );
  },
};

export const requireAvatarRule: HouseRule = {
  name: "require_avatar",
  needsMembership: false,
  evaluate(policies, room) {
    if (policies.require_avatar === "off") return undefined;
    if (room.hasAvatar === undefined) {
      return outcome(
        "require_avatar",
        "unknown",
        "Not checked: whether the room has an avatar is not visible.",
      );
    }
    if (room.hasAvatar) return outcome("require_avatar", "pass", "The room has an avatar.");
    const error = policies.require_avatar === "error";
    return outcome(
      "require_avatar",
      error ? "fail" : "warn",
      error
        ? "The room has no avatar, and the space requires one."
        : "The room has no avatar; the space recommends one.",
      "Set a room picture in the room's settings (General).",
      [
        {
          severity: error ? "error" : "warning",
          code: "policy.require-avatar",
          message: `\`${room.entry}\` has no avatar; policy \`require_avatar\` asks for one.`,
          hint: "Set `avatar:` to an image file next to the manifest (or in `defaults:`).",
          path: field(room, "avatar"),
        },
      ],
    );
  },
};

export const namePrefixRule: HouseRule = {
  name: "name_prefixes",
  needsMembership: false,
  evaluate(policies, room) {
    // The root space has no key of its own in the manifest (`space` is its address).
    if (room.entry === "space" || policies.name_prefixes.length === 0) return undefined;
    const key = room.key;
    if (key === undefined) {
      return outcome(
        "name_prefixes",
        "unknown",
        "Not checked: the naming rules depend on the key the room gets in the space, and none was given.",
        "Name the key the room should get.",
      );
    }
    const rules = policies.name_prefixes.filter((rule) => globMatch(rule.match, key));
    if (rules.length === 0) return undefined;
    const name = room.name;
    if (name === undefined) {
      return outcome(
        "name_prefixes",
        "unknown",
        "Not checked: the room has no name, or it is not visible.",
        `Name the room so that it starts with "${rules[0]?.prefix ?? ""}".`,
      );
    }
    const broken = rules.filter((rule) => !name.startsWith(rule.prefix));
    const first = broken[0];
    if (first === undefined) {
      return outcome(
        "name_prefixes",
        "pass",
        `The room's name "${name}" starts with "${rules.map((r) => r.prefix).join('" and "')}".`,
      );
    }
    return outcome(
      "name_prefixes",
      "fail",
      `The room's name "${name}" must start with "${first.prefix}" (rooms listed under a key like ${first.match}).`,
      `Rename the room in its settings, e.g. to "${first.prefix}${name}".`,
      broken.map((rule) => ({
        severity: "error" as const,
        code: "policy.name-prefix",
        message: `The name "${name}" of \`${room.entry}\` must start with "${rule.prefix}" (policy \`name_prefixes\`, match \`${rule.match}\`).`,
        hint: `Rename it, e.g. "${rule.prefix}${name}".`,
        path: field(room, "name"),
      })),
    );
  },
};

/** Every rule, in the order docs/manifest.md lists them; `check` prints them in this order. */
export const HOUSE_RULES: readonly HouseRule[] = [
  adminsRule,
  forbidEncryptionRule,
  requireAvatarRule,
  minModeratorsRule,
  namePrefixRule,
  creatorsRule,
];
