/**
 * House rules (`policies:` in a manifest) as small pure functions over a view of
 * a room, built by one function (view.ts). Three callers, one set of rules:
 *
 * - `spaceform validate` passes the values the manifest declares;
 * - the planner passes the state each room will have after apply;
 * - `spaceform import --check-policies` passes what the live rooms hold;
 * - `spaceform check` passes what a member's room holds, read before (or by accepting) the invite.
 *
 * In a view, an absent field means "not known": the rule that needs it is skipped,
 * never guessed. (A manifest that leaves `power_levels.users` unmanaged says nothing
 * about moderators; the live room does.)
 *
 * Diagnostics come back without file or line: their `path` is a field path inside
 * the manifest (starting with the view's `positionPath ?? entry`), which the caller
 * turns into a line with `positionOf(manifest.positions, path)`.
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { Policies } from "../manifest/model.ts";
import type { RuleOutcome } from "./outcome.ts";
import { HOUSE_RULES } from "./rules.ts";

export interface PolicyRoomView {
  /** Entry address: `space`, `rooms.general`, `rooms.chapters.rooms.berlin`. */
  entry: string;
  /** Entry key (`space` for the root); `name_prefixes` globs match it. Absent: not known yet. */
  key?: string;
  kind: "space" | "room";
  name?: string;
  hasAvatar?: boolean;
  encrypted?: boolean;
  /**
   * The room exists and is encrypted already, so no manifest change can undo it. Only callers
   * that read the live state know this; absent means "not known" (validate) or "no".
   */
  liveEncrypted?: boolean;
  /** The whole `users` map of the power levels. */
  users?: Record<string, number>;
  /** `users_default`; Matrix's default is 0. */
  usersDefault?: number;
  /** Users with unlimited power whatever `users` says (room version 12 creators). */
  creators?: string[];
  /** The room version (`m.room.create`); absent when not known (validate, a room not read). */
  roomVersion?: string;
  /** The account spaceform acts as; not counted as a moderator. */
  managingUser?: string;
  /** Field path diagnostics start with, when it differs from `entry`. */
  positionPath?: string;
}

/** What every rule the policies switch on says about one room, in rule order. */
export function evaluateRules(policies: Policies, room: PolicyRoomView): RuleOutcome[] {
  return HOUSE_RULES.flatMap((rule) => {
    const found = rule.evaluate(policies, room);
    return found ? [found] : [];
  });
}

/** Every policy violation in `rooms`, in room order, rule by rule. */
export function checkPolicies(policies: Policies, rooms: readonly PolicyRoomView[]): Diagnostic[] {
  return rooms.flatMap((room) => evaluateRules(policies, room).flatMap((o) => o.diagnostics));
}

/**
 * The rules that read what only members see (power levels, creators) but could not, for a room
 * the managing account is not in.
 */
export function uncheckedMemberRules(policies: Policies, room: PolicyRoomView): RuleOutcome[] {
  const member = new Set(HOUSE_RULES.filter((r) => r.needsMembership).map((r) => r.name));
  return evaluateRules(policies, room).filter((o) => o.status === "unknown" && member.has(o.rule));
}

export { HOUSE_RULES } from "./rules.ts";
export type { HouseRule, RuleName, RuleOutcome, RuleStatus } from "./outcome.ts";
export { globMatch } from "./glob.ts";

/** The policies a manifest without `policies:` has: no rules. */
export const NO_POLICIES: Policies = {
  admins: [],
  forbid_encryption: false,
  require_avatar: "off",
  min_moderators: 0,
  name_prefixes: [],
  creators: "warn",
};
