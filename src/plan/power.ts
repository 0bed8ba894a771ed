/**
 * Power levels in the planner: the desired content (read-modify-write over the
 * live content), the changes people see, and the safety rules that refuse a plan
 * which Matrix would reject halfway or which would lock the room for good.
 *
 * Comparisons use effective values (src/matrix/powerlevels.ts), so a live event
 * that omits a defaulted field never shows up as a change.
 */
import type { PowerLevelsSpec } from "../manifest/model.ts";
import {
  effectivePowerLevels,
  POWER_LEVEL_FIELDS,
  powerIn as powerOf,
  raiseUsersToAtLeast,
  someoneCanChangePowerLevels,
  stateEventLevel,
  userLevel,
  type EffectivePowerLevels,
} from "../matrix/powerlevels.ts";
import type { Json } from "./model.ts";

/** Synapse's `events` map for a new room; an `events` override replaces it whole, so it is merged back in. */
export const SYNAPSE_CREATION_EVENTS: Readonly<Record<string, number>> = {
  "m.room.name": 50,
  "m.room.power_levels": 100,
  "m.room.history_visibility": 100,
  "m.room.canonical_alias": 50,
  "m.room.avatar": 50,
  "m.room.tombstone": 100,
  "m.room.server_acl": 100,
  "m.room.encryption": 100,
};

/**
 * The `m.room.power_levels` content Synapse's `createRoom` writes with the `private_chat`
 * preset before any `power_level_content_override` (src/matrix: the creator is at 100 in
 * `users` before room version 12, absent from it since).
 */
export function synapseCreationPowerLevels(managing: string, v12: boolean): Record<string, Json> {
  return {
    users: v12 ? {} : { [managing]: 100 },
    users_default: 0,
    events: { ...SYNAPSE_CREATION_EVENTS },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: 50,
  };
}

/** A problem found while planning power levels; the planner adds file and position. */
export interface PowerProblem {
  code: string;
  /** Field path below the entry: `power_levels.users`, `power_levels.ban`. */
  field: string;
  message: string;
  hint?: string;
}

export interface PowerFieldChange {
  /** `users`, `events`, `ban`, … */
  field: string;
  before: Json;
  after: Json;
}

export interface PowerPlanInput {
  spec: PowerLevelsSpec;
  /** Live `m.room.power_levels` content; undefined for a room being created. */
  liveContent: Record<string, unknown> | undefined;
  /** The levels the room's auth rules apply now (matrix/powerlevels.ts roomPowerLevels); default: from liveContent. */
  live?: EffectivePowerLevels;
  creators: readonly string[];
  managing: string;
  /** Whether the live room (or the one being created) gives creators unlimited power. */
  v12: boolean;
}

export interface PowerPlan {
  changes: PowerFieldChange[];
  /** The content to send (live content with the declared fields replaced); null when nothing changes. */
  content: Record<string, Json> | null;
  problems: PowerProblem[];
  /** The effective power levels after apply. */
  projected: EffectivePowerLevels;
}

const sortedEntries = (m: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * Plans `m.room.power_levels` for an existing room: only the declared top-level
 * fields; `users` is authoritative (users missing from it are removed) except
 * that the managing account keeps its live level when the manifest omits it;
 * `events` is merged per event type (an undeclared type keeps its live level).
 */
export function planPowerLevels(input: PowerPlanInput): PowerPlan {
  const { spec, managing, creators } = input;
  const liveContent = input.liveContent ?? {};
  const live = input.live ?? effectivePowerLevels(input.liveContent);
  const problems: PowerProblem[] = [];
  const changes: PowerFieldChange[] = [];
  const next: Record<string, Json> = { ...(liveContent as Record<string, Json>) };

  for (const creator of creators) {
    if (spec.users && creator in spec.users) {
      problems.push({
        code: "power.v12-creator-in-users",
        field: "power_levels.users",
        message: `${creator} created this room (room version 12 or later), so it has unlimited power and must not be listed in users; the homeserver would reject the event.`,
        hint: `Remove ${creator} from power_levels.users.`,
      });
    }
  }

  for (const field of POWER_LEVEL_FIELDS) {
    const want = spec[field];
    if (want === undefined) continue;
    next[field] = want;
    if (want !== live[field]) changes.push({ field, before: live[field], after: want });
  }

  if (spec.events) {
    const merged = { ...live.events, ...spec.events };
    const differs = Object.entries(spec.events).some(
      ([type, level]) => live.events[type] !== level,
    );
    next["events"] = sortedEntries(merged);
    if (differs)
      changes.push({
        field: "events",
        before: sortedEntries(live.events),
        after: sortedEntries(merged),
      });
  }

  if (spec.users) {
    let users: Record<string, number> = { ...spec.users };
    // The managing account is never removed by omission (peribolos' "never remove yourself").
    if (!(managing in users) && managing in live.users && !creators.includes(managing)) {
      users[managing] = live.users[managing] ?? 0;
    }
    const projectedDefault = spec.users_default ?? live.users_default;
    if (spec.users_at_least) {
      users = raiseUsersToAtLeast(users, projectedDefault, spec.users_at_least, creators);
    }
    const ids = new Set([...Object.keys(live.users), ...Object.keys(users)]);
    const differs = [...ids].some(
      (id) => (users[id] ?? projectedDefault) !== (live.users[id] ?? live.users_default),
    );
    // Equal effective levels are no change, even if the live map spells defaults differently.
    if (differs) {
      next["users"] = sortedEntries(users);
      changes.push({
        field: "users",
        before: sortedEntries(live.users),
        after: sortedEntries(users),
      });
    }
  } else if (spec.users_at_least) {
    // Additive: only the listed users that are below their level change, so the change
    // shows just them (before: their level now, after: the level they get).
    const projectedDefault = spec.users_default ?? live.users_default;
    const users = raiseUsersToAtLeast(live.users, projectedDefault, spec.users_at_least, creators);
    const raised = Object.keys(users).filter(
      (id) => users[id] !== (live.users[id] ?? projectedDefault),
    );
    if (raised.length > 0) {
      next["users"] = sortedEntries(users);
      const pick = (m: Record<string, number>, fallback: number): Record<string, number> =>
        sortedEntries(Object.fromEntries(raised.map((id) => [id, m[id] ?? fallback])));
      changes.push({
        field: "users_at_least",
        before: pick(live.users, live.users_default),
        after: pick(users, projectedDefault),
      });
    }
  }

  const projected = effectivePowerLevels(next);
  if (changes.length === 0) return { changes, content: null, problems, projected };

  problems.push(...powerChangeProblems(live, projected, creators, managing, changes));
  return { changes, content: next, problems, projected };
}

/**
 * The Matrix authorisation rules for a power-levels change by the managing account,
 * and the lock-out rules spaceform adds on top (never lower yourself, never leave
 * nobody able to change power levels).
 */
function powerChangeProblems(
  live: EffectivePowerLevels,
  projected: EffectivePowerLevels,
  creators: readonly string[],
  managing: string,
  changes: readonly PowerFieldChange[],
): PowerProblem[] {
  const problems: PowerProblem[] = [];
  const own = powerOf(live, creators, managing);
  const plNeeded = stateEventLevel(live, "m.room.power_levels");
  if (own < plNeeded) {
    problems.push({
      code: "power.insufficient",
      field: "power_levels",
      message: `the managing account ${managing} has power ${own} here, but changing power levels needs ${plNeeded}.`,
      hint: "Have a room admin raise the managing account, or remove power_levels from this entry.",
    });
    return problems;
  }

  const ownAfter = powerOf(projected, creators, managing);
  if (ownAfter < own) {
    problems.push({
      code: "power.lowers-managing-account",
      field: "power_levels.users",
      message: `this would lower the managing account ${managing} from ${own} to ${ownAfter}; it could never raise itself again.`,
      hint: `Keep ${managing} at ${own} in power_levels.users (or leave it out: spaceform keeps it as it is).`,
    });
  }

  const neededAfter = stateEventLevel(projected, "m.room.power_levels");
  if (!someoneCanChangePowerLevels(projected, creators.length > 0)) {
    problems.push({
      code: "power.lockout",
      field: "power_levels",
      message: `after this change nobody would have the power ${neededAfter} needed to change power levels again: the room's power levels would be frozen for good.`,
      hint: "Keep at least one user (e.g. the managing account) at or above the level for m.room.power_levels.",
    });
  }

  // Matrix's own rules (spec, authorization rules for m.room.power_levels): nothing
  // above the sender's own level may be set or changed, nor another user at its level.
  if (own !== Number.POSITIVE_INFINITY) {
    const ids = new Set([...Object.keys(live.users), ...Object.keys(projected.users)]);
    for (const id of [...ids].sort()) {
      if (id === managing) continue;
      const before = userLevel(live, id);
      const after = userLevel(projected, id);
      if (before === after && id in live.users === id in projected.users) continue;
      if (before >= own || after > own) {
        problems.push({
          code: "power.above-managing-account",
          field: `power_levels.users`,
          message: `the managing account (power ${own}) cannot change ${id} from ${before} to ${after}: Matrix forbids changing a user at or above your own level or raising anyone above it.`,
          hint: `Lower the new level to at most ${own}, or have a more powerful admin make this change.`,
        });
      }
    }
    for (const c of changes) {
      if (c.field === "users" || c.field === "users_at_least" || c.field === "events") continue;
      const before = typeof c.before === "number" ? c.before : 0;
      const after = typeof c.after === "number" ? c.after : 0;
      if (before > own || after > own) {
        problems.push({
          code: "power.above-managing-account",
          field: `power_levels.${c.field}`,
          message: `the managing account (power ${own}) cannot change ${c.field} from ${before} to ${after}: Matrix forbids thresholds above your own level.`,
        });
      }
    }
    const types = new Set([...Object.keys(live.events), ...Object.keys(projected.events)]);
    for (const type of [...types].sort()) {
      const before = live.events[type];
      const after = projected.events[type];
      if (before === after) continue;
      if ((before ?? 0) > own || (after ?? 0) > own) {
        problems.push({
          code: "power.above-managing-account",
          field: "power_levels.events",
          message: `the managing account (power ${own}) cannot change the level of ${type} from ${before ?? "unset"} to ${after ?? "unset"}.`,
        });
      }
    }
  }
  return problems;
}

/**
 * `power_level_content_override` for `createRoom`. It replaces top-level keys
 * whole, so an `events` override is merged with Synapse's defaults, and for room
 * versions before 12 the managing account (the creator) stays at 100 in `users`.
 */
export function creationPowerOverride(
  spec: PowerLevelsSpec,
  managing: string,
  v12: boolean,
): { override: Record<string, Json>; problems: PowerProblem[]; projected: EffectivePowerLevels } {
  const override: Record<string, Json> = {};
  const problems: PowerProblem[] = [];
  // The creator of a version 12 room has unlimited power: a minimum never applies to it.
  const creators = v12 ? [managing] : [];
  for (const field of POWER_LEVEL_FIELDS) {
    const v = spec[field];
    if (v !== undefined) override[field] = v;
  }
  if (spec.events)
    override["events"] = sortedEntries({ ...SYNAPSE_CREATION_EVENTS, ...spec.events });
  if (spec.users) {
    let users = { ...spec.users };
    if (v12) {
      if (managing in users) {
        problems.push({
          code: "power.v12-creator-in-users",
          field: "power_levels.users",
          message: `the managing account ${managing} creates this room (room version 12 or later), so it has unlimited power and must not be listed in users; the homeserver would reject the room.`,
          hint: `Remove ${managing} from power_levels.users, or declare room_version "11".`,
        });
        users = Object.fromEntries(Object.entries(users).filter(([id]) => id !== managing));
      }
    } else {
      const declared = users[managing];
      if (declared !== undefined && declared < 100) {
        problems.push({
          code: "power.lowers-managing-account",
          field: "power_levels.users",
          message: `this would create the room with the managing account ${managing} at ${declared}; it could never raise itself again.`,
          hint: `Set ${managing} to 100 (or leave it out: spaceform keeps its creator at 100).`,
        });
      }
      users[managing] = 100;
    }
    if (spec.users_at_least) {
      users = raiseUsersToAtLeast(users, spec.users_default ?? 0, spec.users_at_least, creators);
    }
    override["users"] = sortedEntries(users);
  } else if (spec.users_at_least) {
    // Synapse's own users map (the creator at 100 before version 12), raised.
    const base = v12 ? {} : { [managing]: 100 };
    const users = raiseUsersToAtLeast(base, spec.users_default ?? 0, spec.users_at_least, creators);
    if (JSON.stringify(users) !== JSON.stringify(base)) override["users"] = sortedEntries(users);
  }
  const projected = effectivePowerLevels({
    ...synapseCreationPowerLevels(managing, v12),
    ...override,
  });
  const needed = stateEventLevel(projected, "m.room.power_levels");
  if (!someoneCanChangePowerLevels(projected, v12)) {
    problems.push({
      code: "power.lockout",
      field: "power_levels",
      message: `nobody would have the power ${needed} needed to change this room's power levels.`,
      hint: "Keep at least one user at or above the level for m.room.power_levels.",
    });
  }
  return { override, problems, projected };
}
