/**
 * Power levels with Matrix's defaults applied, so that an absent field and an
 * explicit default never show up as a change.
 * Spec: https://spec.matrix.org/v1.19/client-server-api/#mroompower_levels
 */
import {
  contentOf,
  createSender,
  tombstoneSender,
  unlimitedCreators,
  type RoomLike,
} from "./vocabulary.ts";

export interface EffectivePowerLevels {
  users: Record<string, number>;
  users_default: number;
  events: Record<string, number>;
  events_default: number;
  state_default: number;
  ban: number;
  kick: number;
  redact: number;
  invite: number;
  notifications: { room: number };
}

export const POWER_LEVEL_DEFAULTS = {
  users_default: 0,
  events_default: 0,
  state_default: 50,
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
} as const;

export type PowerLevelField = keyof typeof POWER_LEVEL_DEFAULTS;
export const POWER_LEVEL_FIELDS = Object.keys(POWER_LEVEL_DEFAULTS) as PowerLevelField[];

/** Integers may arrive as strings in old rooms; anything unusable falls back to the default. */
function toLevel(v: unknown, fallback: number): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return fallback;
}

function toLevelMap(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (v && typeof v === "object" && !Array.isArray(v)) {
    for (const [k, val] of Object.entries(v)) {
      const n = toLevel(val, Number.NaN);
      if (!Number.isNaN(n)) out[k] = n;
    }
  }
  return out;
}

/** The effective power levels of a room, from its `m.room.power_levels` content (or none). */
export function effectivePowerLevels(
  content: Record<string, unknown> | undefined,
): EffectivePowerLevels {
  const c = content ?? {};
  const notifications = c["notifications"];
  const notifRoom =
    notifications && typeof notifications === "object"
      ? toLevel((notifications as Record<string, unknown>)["room"], 50)
      : 50;
  return {
    users: toLevelMap(c["users"]),
    users_default: toLevel(c["users_default"], POWER_LEVEL_DEFAULTS.users_default),
    events: toLevelMap(c["events"]),
    events_default: toLevel(c["events_default"], POWER_LEVEL_DEFAULTS.events_default),
    state_default: toLevel(c["state_default"], POWER_LEVEL_DEFAULTS.state_default),
    ban: toLevel(c["ban"], POWER_LEVEL_DEFAULTS.ban),
    kick: toLevel(c["kick"], POWER_LEVEL_DEFAULTS.kick),
    redact: toLevel(c["redact"], POWER_LEVEL_DEFAULTS.redact),
    invite: toLevel(c["invite"], POWER_LEVEL_DEFAULTS.invite),
    notifications: { room: notifRoom },
  };
}

/** A user's level: `users[id]`, else `users_default`. */
export function userLevel(pl: EffectivePowerLevels, userId: string): number {
  return pl.users[userId] ?? pl.users_default;
}

/** The level needed to send a state event of `type`. */
export function stateEventLevel(pl: EffectivePowerLevels, type: string): number {
  return pl.events[type] ?? pl.state_default;
}

/**
 * The power levels a room's auth rules apply (spec, authorization rules; Synapse's
 * event_auth). A room with an `m.room.power_levels` event uses it with the defaults
 * above. A room without one (a `createRoom` cut short before it was sent) gives its
 * creator (the `m.room.create` sender) 100 and everyone else 0, and needs 0 to send
 * state or events (ban, kick and redact stay 50).
 */
export function roomPowerLevels(room: RoomLike): EffectivePowerLevels {
  const content = contentOf(room, "m.room.power_levels");
  if (content !== undefined) return effectivePowerLevels(content);
  const creator = createSender(room);
  return {
    ...effectivePowerLevels({ state_default: 0 }),
    users: creator !== undefined ? { [creator]: 100 } : {},
  };
}

/** A user's power in a room, counting a v12+ creator's unlimited power as +Infinity. */
export function powerIn(
  pl: EffectivePowerLevels,
  creators: readonly string[],
  user: string,
): number {
  return creators.includes(user) ? Number.POSITIVE_INFINITY : userLevel(pl, user);
}

/** A user's effective power in a live room, by its auth rules. */
export function roomPowerOf(room: RoomLike, user: string): number {
  return powerIn(roomPowerLevels(room), unlimitedCreators(room), user);
}

/**
 * Whether anyone could still change the room's power levels: a v12+ creator, or a user
 * (or the default) at the level `m.room.power_levels` needs. If nobody can, the room's
 * power levels are frozen for good.
 */
export function someoneCanChangePowerLevels(
  pl: EffectivePowerLevels,
  hasCreators: boolean,
): boolean {
  const needed = stateEventLevel(pl, "m.room.power_levels");
  return (
    hasCreators || pl.users_default >= needed || Object.values(pl.users).some((l) => l >= needed)
  );
}

/**
 * The `users` map with each user of `atLeast` raised to at least its level (a manifest's
 * `power_levels.users_at_least`). Nobody else changes, and a user already at or above the
 * level (by `users` or `users_default`) keeps it. A room version 12 creator has unlimited
 * power and must not appear in `users`, so it is never added.
 */
export function raiseUsersToAtLeast(
  users: Readonly<Record<string, number>>,
  usersDefault: number,
  atLeast: Readonly<Record<string, number>>,
  creators: readonly string[],
): Record<string, number> {
  const out = { ...users };
  for (const [user, level] of Object.entries(atLeast)) {
    if (creators.includes(user)) continue;
    if ((out[user] ?? usersDefault) < level) out[user] = level;
  }
  return out;
}

/**
 * The level spaceform gives `m.room.tombstone` in a room it upgrades, when the copied levels
 * are too low (undefined when they are high enough): in room version 12 at least 150 and above
 * every user in `users` who is not a creator (and `users_default`), so that only creators can
 * replace the room; before version 12, above `state_default` (at least 100), so that a
 * moderator who may send ordinary state cannot. `users` may add levels the plan will set.
 */
export function tombstoneLevelNeeded(
  pl: EffectivePowerLevels,
  creators: readonly string[],
  v12: boolean,
  users: Readonly<Record<string, number>> = {},
): number | undefined {
  const current = stateEventLevel(pl, "m.room.tombstone");
  if (!v12) return current > pl.state_default ? undefined : Math.max(100, pl.state_default + 1);
  const others = Object.entries({ ...pl.users, ...users })
    .filter(([u]) => !creators.includes(u))
    .map(([, level]) => level);
  const needed = Math.max(150, pl.users_default + 1, ...others.map((l) => l + 1));
  return current >= needed ? undefined : needed;
}

/**
 * Whether a room's tombstone may be followed: its sender has at least the managing account's
 * power in the room (a v12 creator has unlimited power). A tombstone from someone with less
 * power, who could not have replaced the room against the managing account's will, is not.
 */
export function tombstoneTrusted(room: RoomLike, managing: string): boolean {
  const sender = tombstoneSender(room);
  return sender !== undefined && roomPowerOf(room, sender) >= roomPowerOf(room, managing);
}

/**
 * The creators of a room spaceform upgrades besides the managing account (which sends the
 * upgrade and so creates the new room): the old room's own creators (v12+), or before room
 * version 12 its create sender while it still holds as much power as the managing account.
 * Passed as `additional_creators`, they keep owning the room they created.
 */
export function carriedCreators(room: RoomLike, managing: string): string[] {
  const creators = unlimitedCreators(room);
  if (creators.length > 0) return creators.filter((u) => u !== managing);
  const sender = createSender(room);
  if (sender === undefined || sender === managing) return [];
  const pl = roomPowerLevels(room);
  return userLevel(pl, sender) >= userLevel(pl, managing) ? [sender] : [];
}

/**
 * The `m.room.power_levels` content an upgrade gives the new room: the old content, without
 * the new room's creators in `users` when it is version 12 or later (the homeserver drops
 * them; a creator listed there would make the event invalid).
 */
export function upgradedPowerContent(
  content: Record<string, unknown>,
  creators: readonly string[],
  v12: boolean,
): Record<string, unknown> {
  const users = content["users"];
  if (!v12 || users === null || typeof users !== "object" || Array.isArray(users)) return content;
  const kept = Object.entries(users).filter(([u]) => !creators.includes(u));
  return { ...content, users: Object.fromEntries(kept) };
}
