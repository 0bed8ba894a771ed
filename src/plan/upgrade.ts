/**
 * Room upgrades: an entry whose declared `room_version` differs from its live room's is
 * replaced through `POST /rooms/{id}/upgrade` (Terraform's `-/+`).
 *
 * Which entries are upgraded is decided with the identities (`upgradesFor`); from then on
 * the plan sees each such entry's room as the new room will be right after the upgrade
 * (`upgradedRoom`: what the homeserver copies, see UPGRADE_COPIED_STATE), under the
 * placeholder id `$room:<entry>`, and the live state as the upgrade leaves it (`afterUpgrades`:
 * the local aliases moved). The field planners then plan only what the upgrade does not do
 * itself (the marker, links, allow lists, …; upgrade-relink.ts), and `retarget` turns the
 * placeholder into the `{created: entry}` references the applier fills in.
 */
import { formatFieldPath } from "../manifest/fieldpath.ts";
import type { Entry } from "../manifest/model.ts";
import { serverOf } from "../matrix/ids.ts";
import {
  carriedCreators,
  roomPowerLevels,
  tombstoneLevelNeeded,
  upgradedPowerContent,
} from "../matrix/powerlevels.ts";
import {
  contentOf,
  createSender,
  creatorsHavePower,
  isSpace,
  isChildLink,
  movedCanonicalAlias,
  replacementOf,
  roomVersionNumber,
  roomVersionOf,
  stateMarkerOf,
  str,
  unlimitedCreators,
  UPGRADE_COPIED_STATE,
} from "../matrix/vocabulary.ts";
import type { LiveRoom, LiveState, StateEvent } from "../state/model.ts";
import type { PlanContext } from "./context.ts";
import { FieldOut, type FieldPlan } from "./field.ts";
import type { Identity, PlannedUpgrade } from "./identity.ts";
import type { Change, Json, RoomRef, Step } from "./model.ts";
import type { RoomId } from "../matrix/ids.ts";

type Existing = Extract<Identity, { status: "existing" }>;

/** The id a room upgraded by this plan has until apply: also its state-key placeholder. */
export function placeholderId(entry: string): string {
  return `$room:${entry}`;
}

/** The entries this plan upgrades: a joined room (not tombstoned) whose version differs from the declared one. */
export function upgradesFor(
  entries: readonly Entry[],
  identity: (e: Entry) => Identity,
  managing: string,
): Map<string, PlannedUpgrade> {
  const out = new Map<string, PlannedUpgrade>();
  for (const e of entries) {
    const id = identity(e);
    if (id.status !== "existing" || id.invited || e.room_version === undefined) continue;
    const room = id.room;
    if (room.membership !== "join" || replacementOf(room) !== undefined) continue;
    if (contentOf(room, "m.room.power_levels") === undefined) continue; // a cut-short creation
    if (roomVersionOf(room) === e.room_version || isDowngrade(room, e.room_version)) continue;
    out.set(e.address, {
      from: room,
      version: e.room_version,
      creators: creatorsHavePower(e.room_version) ? carriedCreators(room, managing) : [],
    });
  }
  return out;
}

function isDowngrade(room: LiveRoom, version: string): boolean {
  const from = roomVersionNumber(roomVersionOf(room));
  const to = roomVersionNumber(version);
  return from !== null && to !== null && to < from;
}

/** The new room as the upgrade leaves it, under the placeholder id. */
export function upgradedRoom(entry: string, up: PlannedUpgrade, managing: string): LiveRoom {
  const old = up.from;
  const v12 = creatorsHavePower(up.version);
  const creators = v12 ? [managing, ...up.creators] : [];
  const copied = old.state
    .filter((ev) => UPGRADE_COPIED.has(ev.type) || (isSpace(old) && isChildLink(ev)))
    .map((ev): StateEvent => {
      if (ev.type === "m.room.canonical_alias") {
        return { ...ev, content: movedCanonicalAlias(ev.content, serverOf(managing)) };
      }
      if (ev.type !== "m.room.power_levels") return ev;
      return { ...ev, content: upgradedPowerContent(ev.content, creators, v12) };
    });
  const create = contentOf(old, "m.room.create");
  const createContent: Record<string, unknown> = {
    room_version: up.version,
    predecessor: { room_id: old.room_id },
    ...(create?.["type"] !== undefined ? { type: create["type"] } : {}),
    ...(up.creators.length > 0 ? { additional_creators: up.creators } : {}),
  };
  const own = old.state.find((ev) => ev.type === "m.room.member" && ev.state_key === managing);
  return {
    room_id: placeholderId(entry) as RoomId,
    membership: "join",
    state: [
      { type: "m.room.create", state_key: "", content: createContent, sender: managing },
      ...(own ? [own] : []),
      ...copied,
    ],
    ...(old.directory_visibility !== undefined
      ? { directory_visibility: old.directory_visibility }
      : {}),
  };
}

const UPGRADE_COPIED: ReadonlySet<string> = new Set(UPGRADE_COPIED_STATE);

/** The live state as the upgrades leave it: local aliases of an upgraded room point at the new one. */
export function afterUpgrades(
  actual: LiveState,
  upgrades: ReadonlyMap<string, PlannedUpgrade>,
): LiveState {
  if (upgrades.size === 0) return actual;
  const moved = new Map<string, string>();
  for (const [entry, up] of upgrades) moved.set(up.from.room_id, placeholderId(entry));
  const aliases: Record<string, RoomId | null> = {};
  for (const [alias, target] of Object.entries(actual.aliases)) {
    const local = target !== null && serverOf(alias) === actual.server_name;
    const to = local ? moved.get(target) : undefined;
    aliases[alias] = to !== undefined ? (to as RoomId) : target;
  }
  return { ...actual, aliases };
}

/**
 * The upgrade of one entry: its `-/+` change, what the homeserver carries over itself (the
 * local aliases and the directory listing: changes realised by the upgrade step), and the
 * refusals: a downgrade, or no power to send the tombstone.
 */
export function planUpgrade(ctx: PlanContext, e: Entry, id: Existing): FieldPlan {
  const out = new FieldOut(ctx);
  const up = id.upgrade;
  const live = up?.from ?? id.room;
  const version = roomVersionOf(live);
  if (e.room_version !== undefined && !up && e.room_version !== version && !id.invited) {
    if (isDowngrade(live, e.room_version)) {
      out.problem(
        "error",
        "upgrade.downgrade",
        ctx.fieldPath(e, "room_version"),
        `${live.room_id} has room version ${version}; an upgrade to the older version ${e.room_version} would replace the room with a weaker one.`,
        `Declare room_version "${version}" or later.`,
      );
    }
    return out.plan();
  }
  if (!up) return out.plan();
  const oldId = live.room_id as string;
  const v12 = creatorsHavePower(up.version);
  const after: Record<string, Json> = { room_id: { $room: e.address }, room_version: up.version };
  if (v12) after["creators"] = [ctx.managing, ...up.creators];
  const address = out.change(
    e,
    e.address,
    "replace",
    { room_id: oldId, room_version: version },
    after,
    oldId,
  );
  out.needPower(live, "m.room.tombstone", ctx.fieldPath(e, "room_version"));
  const addresses = [address, ...carriedChanges(ctx, out, e, up)];
  out.step(
    "upgrade",
    {
      op: "upgrade_room",
      entry: e.address,
      room: { room_id: oldId },
      new_version: up.version,
      additional_creators: up.creators,
    },
    addresses,
    `upgrade ${ctx.label(e)} (${oldId}) to room version ${up.version}`,
  );
  for (const alias of foreignAliases(live, ctx.serverName)) {
    out.problem(
      "warning",
      "upgrade.foreign-alias",
      e.address,
      `${alias} is an alias on another homeserver; the upgrade cannot move it, so it keeps pointing at the old room ${oldId}.`,
      `Have an account on ${serverOf(alias)} point ${alias} at the new room after apply.`,
    );
  }
  return out.plan();
}

/** The aliases and the directory listing the homeserver moves itself: shown, realised by the upgrade. */
function carriedChanges(ctx: PlanContext, out: FieldOut, e: Entry, up: PlannedUpgrade): string[] {
  const oldId = up.from.room_id as string;
  const addresses: string[] = [];
  for (const [alias, target] of Object.entries(ctx.actual.aliases)) {
    if (target !== placeholderId(e.address) || serverOf(alias) !== ctx.serverName) continue;
    addresses.push(
      out.change(e, ctx.fieldPath(e, formatFieldPath(["aliases", alias])), "update", oldId, {
        $room: e.address,
      }),
    );
  }
  if (up.from.directory_visibility === "public") {
    addresses.push(
      out.change(
        e,
        ctx.fieldPath(e, "directory"),
        "update",
        { room_id: oldId, visibility: "public" },
        {
          room_id: { $room: e.address },
          visibility: "public",
        },
      ),
    );
  }
  return addresses;
}

/** Aliases in the room's canonical alias event on another server. */
function foreignAliases(room: LiveRoom, serverName: string): string[] {
  const c = contentOf(room, "m.room.canonical_alias");
  const alts: unknown = c?.["alt_aliases"];
  const all: unknown[] = [str(c?.["alias"]), ...(Array.isArray(alts) ? (alts as unknown[]) : [])];
  return all.filter((a): a is string => typeof a === "string" && serverOf(a) !== serverName);
}

/**
 * The power-level declaration an upgraded room is planned with: the manifest's, plus the
 * tombstone level an upgraded room needs (tombstoneLevelNeeded) when the copied levels are
 * lower and the manifest does not declare it.
 */
export function upgradePowerSpec(e: Entry, room: LiveRoom, v12: boolean): Entry {
  if (e.power_levels?.events?.["m.room.tombstone"] !== undefined) return e;
  const level = tombstoneLevelNeeded(
    roomPowerLevels(room),
    unlimitedCreators(room),
    v12,
    e.power_levels?.users,
  );
  if (level === undefined) return e;
  return {
    ...e,
    power_levels: {
      ...(e.power_levels ?? {}),
      events: { ...(e.power_levels?.events ?? {}), "m.room.tombstone": level },
    },
  };
}

/**
 * Whether an entry's room is the new room of an upgrade spaceform makes: in this plan, or in
 * an apply that stopped before it marked the new room (the managing account created it).
 */
export function upgradeUnfinished(id: Existing, managing: string): boolean {
  if (id.upgrade !== undefined) return true;
  return (
    !id.invited &&
    id.predecessors.length > 0 &&
    stateMarkerOf(id.room) === undefined &&
    createSender(id.room) === managing
  );
}

/** The entries whose rooms this plan upgrades. */
export function upgradedEntries(ctx: PlanContext): Set<string> {
  return new Set(
    ctx.entries
      .filter((e) => {
        const id = ctx.identity(e);
        return id.status === "existing" && id.upgrade !== undefined;
      })
      .map((e) => e.address),
  );
}

/** Refuses a plan that upgrades more rooms than `maxUpgrades`. */
export function checkUpgrades(ctx: PlanContext, changes: readonly Change[]): FieldPlan {
  const out = new FieldOut(ctx);
  const upgrades = changes.filter((c) => c.action === "replace" && c.address === c.entry).length;
  const max = ctx.options.maxUpgrades;
  if (upgrades > max) {
    out.problem(
      "error",
      "guard.max-upgrades",
      ctx.desired.space.address,
      `this plan would upgrade ${upgrades} rooms, more than the limit of ${max}; each upgrade replaces a room for good.`,
      "Upgrade in smaller steps, or raise the limit (--max-upgrades) if all these upgrades are intended.",
    );
  }
  return out.plan();
}

/**
 * The steps and changes with the placeholder ids of upgraded rooms replaced: a step's room
 * becomes `{created: entry}`, a change's value `{$room: entry}`; state keys keep the
 * `$room:<entry>` form, which the applier resolves too.
 */
export function retarget(
  upgraded: ReadonlySet<string>,
  changes: Change[],
  steps: Step[],
): { changes: Change[]; steps: Step[] } {
  if (upgraded.size === 0) return { changes, steps };
  const entryOf = (v: unknown): string | undefined => {
    if (typeof v !== "string" || !v.startsWith("$room:")) return undefined;
    const entry = v.slice("$room:".length);
    return upgraded.has(entry) ? entry : undefined;
  };
  const value = (v: Json): Json => {
    const entry = entryOf(v);
    return entry !== undefined ? { $room: entry } : v;
  };
  const ref = (r: RoomRef): RoomRef => {
    const entry = "room_id" in r ? entryOf(r.room_id) : undefined;
    return entry !== undefined ? { created: entry } : r;
  };
  return {
    changes: changes.map((c) => {
      const out: Change = { ...c, before: value(c.before), after: value(c.after) };
      if (entryOf(c.room_id) !== undefined) delete out.room_id;
      return out;
    }),
    steps: steps.map((s) =>
      "room" in s && s.op !== "upgrade_room" ? { ...s, room: ref(s.room) } : s,
    ),
  };
}
