/**
 * Identity without a state file: which live room a manifest entry stands for.
 *
 * An entry maps to a room by its `id`, else by its alias (looked up in the live
 * directory), else by the marker event spaceform puts into every room it creates
 * (`{manifest, key}`). Only a room that matches none of them is created.
 *
 * A room that was upgraded (its `m.room.tombstone` names the room that replaced it) is
 * followed to its successor when the tombstone's sender has at least the managing account's
 * power, the successor names the old room as its `predecessor` and the managing account has
 * joined it (else the entry is refused): the entry stands for the newest room, and the rooms it replaced are its `predecessors` (the space may still
 * link them, allow lists may still name them; upgrade-relink.ts repairs that).
 */
import type { Entry, Manifest } from "../manifest/model.ts";
import { qualifyAlias } from "../matrix/ids.ts";
import { roomPowerOf, tombstoneTrusted } from "../matrix/powerlevels.ts";
import {
  isSpace,
  markerOf,
  predecessorOf,
  replacementOf,
  roomVersionOf,
  stateMarkerOf,
  tombstoneSender,
  type MarkerContent,
} from "../matrix/vocabulary.ts";
import type { LiveRoom, LiveState } from "../state/model.ts";

export type Identity =
  | {
      status: "existing";
      room: LiveRoom;
      matchedBy: "id" | "alias" | "marker";
      /** The room's marker, when spaceform created it (for any manifest). */
      marker?: MarkerContent;
      /** Joined: full state; invited: only the invite's stripped state. */
      invited: boolean;
      /** Rooms this one replaced through upgrades, oldest first (tombstoned, still live). */
      predecessors: LiveRoom[];
      /**
       * Set when this plan upgrades the room: `room` is then the new room as the upgrade
       * will leave it (upgrade.ts), its id the placeholder `$room:<entry>`.
       */
      upgrade?: PlannedUpgrade;
    }
  | { status: "new" }
  /** Not plannable; `problem` says why (an error diagnostic). */
  | { status: "unusable"; problem: IdentityProblem };

export interface PlannedUpgrade {
  /** The live room that is replaced. */
  from: LiveRoom;
  version: string;
  /** `additional_creators` of the new room. */
  creators: string[];
}

export interface IdentityProblem {
  code: string;
  /** `id`, `alias` or "" (the entry itself). */
  field: string;
  message: string;
  hint?: string;
}

/** Resolves every entry of `desired` against `actual`. */
export function identifyEntries(desired: Manifest, actual: LiveState, entries: readonly Entry[]) {
  const byId = new Map(actual.rooms.map((r) => [r.room_id as string, r]));
  const byMarker = new Map<string, LiveRoom[]>();
  for (const room of [...actual.rooms].sort((a, b) => (a.room_id < b.room_id ? -1 : 1))) {
    const marker = markerOf(room);
    if (marker?.manifest !== desired.name) continue;
    const list = byMarker.get(marker.key) ?? [];
    list.push(room);
    byMarker.set(marker.key, list);
  }

  const successors = upgradeChains(actual);

  const identities = new Map<string, Identity>();
  const warnings: { entry: Entry; field: string; code: string; message: string }[] = [];
  for (const entry of entries) {
    // Several marked rooms of one upgrade chain are one room (the newest); the others replaced it.
    const markerRooms = (byMarker.get(entry.key) ?? []).filter(
      (r, i, all) =>
        all.findIndex((o) => successors.latest(o.room_id) === successors.latest(r.room_id)) === i,
    );
    let found: { room: LiveRoom; matchedBy: "id" | "alias" | "marker" } | IdentityProblem | null =
      null;

    if (entry.id !== undefined) {
      const room = byId.get(entry.id);
      found = room
        ? { room, matchedBy: "id" }
        : {
            code: "identity.room-unknown",
            field: "id",
            message: `room ${entry.id} is unknown to the managing account ${actual.user_id}: it has not joined it and has no invite to it.`,
            hint: `Invite ${actual.user_id} to the room (and give it power), then plan again.`,
          };
    } else if (entry.alias !== undefined) {
      const alias = qualifyAlias(entry.alias, actual.server_name);
      const target = actual.aliases[alias];
      if (typeof target === "string") {
        const room = byId.get(target);
        const markerRoom = markerRooms[0];
        if (markerRoom && successors.latest(markerRoom.room_id) !== successors.latest(target)) {
          found = {
            code: "identity.conflict",
            field: "alias",
            message: `${alias} points at ${target}, but spaceform created ${markerRoom.room_id} for this entry; it will not take the alias from another room.`,
            hint: `Point ${alias} at ${markerRoom.room_id}, or pin the entry with id: ${target}.`,
          };
        } else {
          found = room
            ? { room, matchedBy: "alias" }
            : {
                code: "identity.room-unknown",
                field: "alias",
                message: `${alias} points at ${target}, which the managing account ${actual.user_id} has not joined and has no invite to.`,
                hint: `Invite ${actual.user_id} to ${target} (and give it power), or use another alias.`,
              };
        }
      }
    }
    if (found === null && markerRooms[0]) found = { room: markerRooms[0], matchedBy: "marker" };
    if (markerRooms.length > 1) {
      warnings.push({
        entry,
        field: "",
        code: "identity.duplicate-marker",
        message: `several rooms carry spaceform's marker for this entry (${markerRooms.map((r) => r.room_id).join(", ")}); the plan uses ${found && "room" in found ? found.room.room_id : markerRooms[0]?.room_id}.`,
      });
    }

    if (found === null) {
      identities.set(entry.address, { status: "new" });
    } else if (!("room" in found)) {
      identities.set(entry.address, { status: "unusable", problem: found });
    } else {
      const { matchedBy } = found;
      const followed = successors.follow(found.room, entry.kind);
      if ("code" in followed) {
        const field = matchedBy === "marker" ? "" : matchedBy;
        identities.set(entry.address, { status: "unusable", problem: { ...followed, field } });
        continue;
      }
      const { room } = followed;
      const predecessors = successors.before(room);
      // Said until spaceform has marked the new room (or for good, for an entry pinned to the old id).
      const upgradedFrom =
        room !== found.room
          ? found.room
          : stateMarkerOf(room) === undefined
            ? predecessors.at(-1)
            : undefined;
      // A new room found directly (its alias moved with the upgrade) is held to the same rules.
      const refused =
        upgradedFrom && room === found.room
          ? successors.check(upgradedFrom, room.room_id, room, entry.kind)
          : undefined;
      if (refused) {
        const field = matchedBy === "marker" ? "" : matchedBy;
        identities.set(entry.address, { status: "unusable", problem: { ...refused, field } });
        continue;
      }
      if (upgradedFrom) {
        warnings.push({
          entry,
          field: matchedBy === "marker" ? "" : matchedBy,
          code: "identity.upgraded",
          message: `${upgradedFrom.room_id} was upgraded: its tombstone points to ${room.room_id} (room version ${roomVersionOf(room)}), which this plan manages instead.`,
        });
      }
      const readable =
        room.unreadable === undefined &&
        (room.membership === "join" || room.membership === "invite");
      if (!readable) {
        identities.set(entry.address, {
          status: "unusable",
          problem: {
            code: "room.unreadable",
            field: "",
            message: `the live state of ${room.room_id} cannot be read: ${room.unreadable ?? `the managing account's membership is "${room.membership}"`}.`,
            hint: `Invite ${actual.user_id} to the room, then plan again.`,
          },
        });
      } else {
        const marker = markerOf(room);
        identities.set(entry.address, {
          status: "existing",
          room,
          matchedBy,
          invited: room.membership === "invite",
          predecessors,
          ...(marker ? { marker } : {}),
        });
      }
    }
  }

  // One room cannot stand for two entries (e.g. one pinned by id, another found by alias).
  const owner = new Map<string, Entry>();
  for (const entry of entries) {
    const id = identities.get(entry.address);
    if (id?.status !== "existing") continue;
    const first = owner.get(id.room.room_id);
    if (first) {
      identities.set(entry.address, {
        status: "unusable",
        problem: {
          code: "identity.duplicate",
          field: id.matchedBy === "marker" ? "" : id.matchedBy,
          message: `${id.room.room_id} is already the room of ${first.address}; one room cannot stand for two entries.`,
          hint: "Give each entry its own room id or alias.",
        },
      });
    } else owner.set(id.room.room_id, entry);
  }
  return { identities, warnings };
}

/**
 * Upgrade chains among the live rooms: who replaced whom. A room replaced another only when
 * both say so: the old room's tombstone names the new one and the new room's `m.room.create`
 * names the old one as its `predecessor` (one per room, so no other room can claim it).
 */
function upgradeChains(actual: LiveState) {
  const byId = new Map(actual.rooms.map((r) => [r.room_id as string, r]));
  const replacedBy = new Map<string, LiveRoom>();
  const successorOf = new Map<string, string>();
  for (const room of actual.rooms) {
    const before = predecessorOf(room);
    const old = before !== undefined ? byId.get(before) : undefined;
    if (old && replacementOf(old) === room.room_id) {
      replacedBy.set(room.room_id, old);
      successorOf.set(old.room_id, room.room_id);
    }
  }
  /** The newest room id known along the confirmed upgrades from `roomId`. */
  const latest = (roomId: string): string => {
    const seen = new Set<string>();
    let id = roomId;
    for (;;) {
      seen.add(id);
      const next = successorOf.get(id);
      if (next === undefined || seen.has(next)) return id;
      id = next;
    }
  };
  const problem = (code: string, message: string, hint: string): IdentityProblem => ({
    code,
    field: "",
    message: `${message}; spaceform does not follow that tombstone.`,
    hint,
  });
  /** Why the upgrade from `old` to `next` may not be followed, or undefined when it may. */
  const check = (
    old: LiveRoom,
    next: string,
    successor: LiveRoom | undefined,
    kind: Entry["kind"],
  ): IdentityProblem | undefined => {
    const sender = tombstoneSender(old) ?? "an unknown sender";
    if (!tombstoneTrusted(old, actual.user_id)) {
      return problem(
        "identity.tombstone-untrusted",
        `${old.room_id} was closed and pointed at ${next} by ${sender}, who has less power in it (${powerText(roomPowerOf(old, sender))}) than the managing account ${actual.user_id} (${powerText(roomPowerOf(old, actual.user_id))})`,
        `If the upgrade is genuine, pin the entry with id: ${next}; if not, overwrite the tombstone in ${old.room_id} with an empty m.room.tombstone event.`,
      );
    }
    if (successor?.membership !== "join" || successor.unreadable !== undefined) {
      const invited = successor?.membership === "invite";
      return {
        code: "identity.successor-unreadable",
        field: "",
        message: `${old.room_id} was upgraded to ${next}, which the managing account ${actual.user_id} ${invited ? "is invited to but has not joined" : "has not joined"}; spaceform manages neither the dead room nor a new one in its place.`,
        hint: `Have ${actual.user_id} join ${next}, then plan again.`,
      };
    }
    if (predecessorOf(successor) !== old.room_id) {
      return {
        code: "identity.upgrade-unconfirmed",
        field: "",
        message: `the tombstone of ${old.room_id} points to ${next}, whose create event does not name ${old.room_id} as its predecessor; spaceform follows only a real upgrade.`,
        hint: `Check who sent the tombstone in ${old.room_id}; pin the entry with id: to the room it should manage.`,
      };
    }
    if (isSpace(successor) !== (kind === "space")) {
      const what = (space: boolean): string => (space ? "a space" : "a room");
      return problem(
        "identity.successor-kind",
        `${old.room_id} was upgraded to ${next}, which is ${what(isSpace(successor))}, not ${what(kind === "space")} like the entry`,
        `Pin the entry with id: to the ${kind} it should manage.`,
      );
    }
    return undefined;
  };
  return {
    latest,
    check,
    /**
     * The newest room from `room` along tombstones that may be followed; a problem when one
     * may not: its sender has less power than the managing account, the successor does not
     * name the old room as its predecessor, or the managing account has not joined it.
     */
    follow(room: LiveRoom, kind: Entry["kind"]): { room: LiveRoom } | IdentityProblem {
      const path = [room.room_id as string];
      let current = room;
      for (;;) {
        const next = replacementOf(current);
        if (next === undefined) return { room: current };
        if (path.includes(next)) {
          return problem(
            "identity.upgrade-loop",
            `the tombstones from ${room.room_id} lead in a circle (${[...path, next].join(" → ")}): every room on it is closed`,
            "Pin the entry with id: to the room it should manage.",
          );
        }
        const successor = byId.get(next);
        const refused = check(current, next, successor, kind);
        if (refused) return refused;
        if (!successor) return { room: current }; // (check refuses a missing successor)
        path.push(next);
        current = successor;
      }
    },
    /** The live rooms `room` replaced, oldest first. */
    before(room: LiveRoom): LiveRoom[] {
      const out: LiveRoom[] = [];
      const seen = new Set<string>([room.room_id]);
      let current = replacedBy.get(room.room_id);
      while (current && !seen.has(current.room_id)) {
        out.unshift(current);
        seen.add(current.room_id);
        current = replacedBy.get(current.room_id);
      }
      return out;
    },
  };
}

/** A power level in a message: a number, or "a creator's" for unlimited power. */
function powerText(level: number): string {
  return Number.isFinite(level) ? String(level) : "unlimited: a creator";
}
