/**
 * House rules that will certainly refuse a room when apply creates it, told by
 * `spaceform validate` before any plan: a new room has only what the manifest
 * declares, so no avatar when none is declared, and no moderator but the ones
 * `power_levels` names (the managing account, its creator, does not count).
 * Validate cannot know whether a room exists yet, so these are warnings that say
 * when they apply; `spaceform plan` decides.
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { Entry, Policies } from "../manifest/model.ts";
import { raiseUsersToAtLeast } from "../matrix/powerlevels.ts";
import type { PolicyRoomView } from "./index.ts";
import { minModeratorsRule, requireAvatarRule } from "./rules.ts";

/** The rules' view of `e` as `createRoom` would make it, for what the declared view leaves unknown. */
function newRoomView(e: Entry): PolicyRoomView {
  const pl = e.power_levels ?? {};
  const usersDefault = pl.users_default ?? 0;
  return {
    entry: e.address,
    key: e.key,
    kind: e.kind,
    positionPath: e.address,
    hasAvatar: e.avatar !== undefined,
    users: raiseUsersToAtLeast(pl.users ?? {}, usersDefault, pl.users_at_least ?? {}, []),
    usersDefault,
  };
}

/** Warnings for the entries that plan would refuse if apply created them. */
export function newRoomWarnings(policies: Policies, entries: readonly Entry[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of entries) {
    // A pinned room exists already; its live state decides.
    if (e.id !== undefined) continue;
    const view = newRoomView(e);
    const found = [
      // A declared avatar or users map is checked as declared (policy/index.ts), not here.
      ...(e.avatar === undefined && policies.require_avatar === "error"
        ? (requireAvatarRule.evaluate(policies, view)?.diagnostics ?? [])
        : []),
      ...(e.power_levels?.users === undefined
        ? (minModeratorsRule.evaluate(policies, view)?.diagnostics ?? [])
        : []),
    ];
    for (const d of found) {
      out.push({
        ...d,
        severity: "warning",
        message: `If apply creates \`${e.address}\`, plan will refuse it: ${d.message}`,
        ...(d.code === "policy.min-moderators"
          ? {
              path: `${e.address}.power_levels.users_at_least`,
              hint: `A new room has no moderator unless the manifest names one: list them under \`power_levels.users_at_least\` (e.g. \`"@someone:example.org": 50\`) ${e.address === "space" ? "of the space (`defaults:` does not reach it)" : "in the room or in `defaults:`"}.`,
            }
          : {}),
      });
    }
  }
  return out;
}
