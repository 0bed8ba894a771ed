/**
 * What every field planner may read: the manifest, the live state, the options and
 * which live room each entry is (identity.ts), with the small lookups built on them.
 * Built once per plan, never changed.
 */
import type { Entry, Manifest } from "../manifest/model.ts";
import { allEntries } from "../manifest/model.ts";
import { qualifyAlias, serverOf, type RoomAlias } from "../matrix/ids.ts";
import { stateEvent, type LiveRoom, type LiveState } from "../state/model.ts";
import { identifyEntries, type Identity } from "./identity.ts";
import type { Json, RoomRef } from "./model.ts";
import { afterUpgrades, placeholderId, upgradedRoom, upgradesFor } from "./upgrade.ts";

export interface PlanOptions {
  /** Unlink rooms that are children of a managed space but not in the manifest. */
  unlinkUnmanaged: boolean;
  /** Refuse a plan that removes more space children than this (default 5). */
  maxChildRemovals: number;
  /** Refuse a plan that upgrades more rooms than this (default 10). */
  maxUpgrades: number;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = {
  unlinkUnmanaged: false,
  maxChildRemovals: 5,
  maxUpgrades: 10,
};

export interface PlanContext {
  desired: Manifest;
  actual: LiveState;
  options: PlanOptions;
  /** Manifest name. */
  space: string;
  managing: string;
  serverName: string;
  /** Every entry, root first, depth first. */
  entries: Entry[];
  parentOf(e: Entry): Entry | undefined;
  identity(e: Entry): Identity;
  /** Field path below an entry; "" is the entry itself. */
  fieldPath(e: Entry, field: string): string;
  /** `rooms.general (#general:example.org)`, for step descriptions. */
  label(e: Entry): string;
  qualify(alias: string): RoomAlias;
  /** The room in a step: the live one, or the one an earlier step creates; null when unusable. */
  refOf(e: Entry): RoomRef | null;
  /** The room id as a value inside content: the id, or a placeholder the applier fills in. */
  idValue(e: Entry): Json;
  /** The room id as a state key (`m.space.child`, `m.space.parent`): the id, or `$room:<entry>`. */
  idStateKey(e: Entry): string;
  /** The live room id, when the entry has a room already. */
  roomIdOf(e: Entry): string | undefined;
  /** `via` for a link to the entry's room. */
  viaFor(e: Entry): string[];
  /** The rooms the entry's room replaced (upgrades, oldest first): links and allow lists may still name them. */
  predecessorsOf(e: Entry): LiveRoom[];
  /** The entry whose room replaced `roomId` (an upgrade, by hand or in this plan). */
  entryReplacing(roomId: string): Entry | undefined;
}

export interface IdentityWarning {
  entry: Entry;
  field: string;
  code: string;
  message: string;
}

export function planContext(
  desired: Manifest,
  actual: LiveState,
  options: PlanOptions,
): { ctx: PlanContext; warnings: IdentityWarning[] } {
  const entries = allEntries(desired.space);
  const parents = new Map<string, Entry>();
  for (const e of entries) for (const c of e.children) parents.set(c.address, e);
  const { identities, warnings } = identifyEntries(desired, actual, entries);
  const serverName = actual.server_name;
  const identity = (e: Entry): Identity => identities.get(e.address) ?? { status: "new" };
  // From here on an upgraded entry's room is the new room as the upgrade leaves it.
  const upgrades = upgradesFor(entries, identity, actual.user_id);
  for (const [address, up] of upgrades) {
    const id = identities.get(address);
    if (id?.status !== "existing") continue;
    const { marker: _oldMarker, ...rest } = id;
    identities.set(address, {
      ...rest,
      room: upgradedRoom(address, up, actual.user_id),
      predecessors: [...id.predecessors, up.from],
      upgrade: up,
    });
  }
  const replacing = new Map<string, Entry>();
  for (const e of entries) {
    const id = identity(e);
    if (id.status === "existing") for (const p of id.predecessors) replacing.set(p.room_id, e);
  }
  const qualify = (alias: string): RoomAlias => qualifyAlias(alias, serverName);
  const ctx: PlanContext = {
    desired,
    actual: afterUpgrades(actual, upgrades),
    options,
    space: desired.name,
    managing: actual.user_id,
    serverName,
    entries,
    parentOf: (e) => parents.get(e.address),
    identity,
    fieldPath: (e, field) => (field === "" ? e.address : `${e.address}.${field}`),
    label: (e) => `${e.address}${e.alias !== undefined ? ` (${qualify(e.alias)})` : ""}`,
    qualify,
    refOf: (e) => {
      const id = identity(e);
      if (id.status === "existing" && id.upgrade) return { created: e.address };
      if (id.status === "existing") return { room_id: id.room.room_id };
      return id.status === "new" ? { created: e.address } : null;
    },
    idValue: (e) => {
      const id = identity(e);
      return id.status === "existing" && !id.upgrade ? id.room.room_id : { $room: e.address };
    },
    idStateKey: (e) => {
      const id = identity(e);
      return id.status === "existing" && !id.upgrade ? id.room.room_id : placeholderId(e.address);
    },
    roomIdOf: (e) => {
      const id = identity(e);
      return id.status === "existing" && !id.upgrade ? id.room.room_id : undefined;
    },
    viaFor: (e) => {
      const id = identity(e);
      // A room this plan creates or upgrades is made by the managing account, on its server.
      if (id.status !== "existing" || id.upgrade) return [serverName];
      // A room id names its server only before room version 12 (a v12 id is a hash): then the
      // creator's server, which the create event names (also in an invite's stripped state).
      const fromId = serverOf(id.room.room_id);
      const creator = stateEvent(id.room, "m.room.create")?.sender;
      const server = fromId !== "" ? fromId : creator !== undefined ? serverOf(creator) : "";
      return [server !== "" ? server : serverName];
    },
    predecessorsOf: (e) => {
      const id = identity(e);
      return id.status === "existing" ? id.predecessors : [];
    },
    entryReplacing: (roomId) => replacing.get(roomId),
  };
  return { ctx, warnings };
}
