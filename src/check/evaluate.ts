/**
 * A member's room against the house rules: the facts the reader found, as one policy view,
 * through the same rules the planner runs (src/policy/). Pure.
 */
import type { Policies } from "../manifest/model.ts";
import type { UserId } from "../matrix/ids.ts";
import { contentOf, str } from "../matrix/vocabulary.ts";
import {
  evaluateRules,
  uncheckedMemberRules,
  type PolicyRoomView,
  type RuleName,
  type RuleStatus,
} from "../policy/index.ts";
import { liveRoomFacts, type RoomFacts } from "../policy/view.ts";
import type { CheckedRoom } from "./read.ts";

export interface CheckedRule {
  rule: RuleName;
  /** pass, or warn (a recommendation): the rule does not stop the room. */
  ok: boolean;
  status: RuleStatus;
  message: string;
  fix?: string;
}

export interface CheckReport {
  /** As asked for (id or alias). */
  asked: string;
  room_id: string | null;
  /** The room's name, when known (untrusted text). */
  name?: string;
  rules: CheckedRule[];
  /** What the check did or could not do, in words (the accepted invite, an unknown room). */
  notes: string[];
  /** Every rule holds, the room was found, and the account is in it or invited. */
  ok: boolean;
  /** The invite was accepted by this check. */
  joinedForCheck: boolean;
  /** Servers that know the room. */
  via: string[];
}

export interface CheckTarget {
  policies: Policies;
  /** The key the room is to get (name rules match it); unknown when absent. */
  key?: string;
  managing: UserId;
}

/**
 * What a room shows the account: everything once joined; before, the invite and the summary.
 * The invite's stripped state is the inviting server's unauthenticated copy, so its create event
 * (version, creators) and power levels are never facts here: the rules that need them stay
 * unknown until the invite is accepted and the room's own state read.
 */
export function checkFacts(room: CheckedRoom): RoomFacts {
  if (room.membership === "join") return liveRoomFacts(room.room);
  const s = room.summary;
  const name = s?.name ?? str(contentOf(room.room, "m.room.name")?.["name"]);
  const avatar = s ? s.avatar_url : str(contentOf(room.room, "m.room.avatar")?.["url"]);
  // Encryption cannot be turned off: either source saying so settles it (a summary may leave
  // the field out).
  const encrypted =
    s?.encryption !== undefined || contentOf(room.room, "m.room.encryption") !== undefined;
  const known = s !== undefined || room.membership === "invite";
  return {
    ...(name !== undefined && name !== "" ? { name } : {}),
    ...(known ? { hasAvatar: avatar !== undefined && avatar !== "", encrypted } : {}),
    ...(encrypted ? { liveEncrypted: true } : {}),
  };
}

export function checkView(room: CheckedRoom, target: CheckTarget): PolicyRoomView {
  const facts = checkFacts(room);
  return {
    entry: target.key !== undefined ? `rooms.${target.key}` : "rooms.(new)",
    ...(target.key !== undefined ? { key: target.key } : {}),
    kind: room.summary?.room_type === "m.space" ? "space" : "room",
    managingUser: target.managing,
    ...facts,
  };
}

/**
 * Whether accepting the invite (reading the room's own state) would settle a rule the invite
 * leaves open. The creators rule, when on, needs the room version even where it would say
 * nothing without one (`warn`), so a version 12 room is never proposed unwarned.
 */
export function needsMembership(room: CheckedRoom, target: CheckTarget): boolean {
  const view = checkView(room, target);
  if (target.policies.creators !== "off" && view.roomVersion === undefined) return true;
  return uncheckedMemberRules(target.policies, view).length > 0;
}

export function checkReport(room: CheckedRoom, target: CheckTarget): CheckReport {
  const view = checkView(room, target);
  const rules = evaluateRules(target.policies, view).map((o): CheckedRule => ({
    rule: o.rule,
    ok: o.status === "pass" || o.status === "warn",
    status: o.status,
    message: o.message,
    ...(o.fix !== undefined ? { fix: o.fix } : {}),
  }));
  const notes: string[] = [];
  if (room.joinedForCheck) {
    notes.push(
      `${target.managing} accepted the room's invite to read its power levels and creators, which a room shows only to its members. It joined nothing else and sent nothing.`,
    );
  } else if (room.membership === "invite") {
    notes.push(`${target.managing} is invited to the room and has not joined it.`);
  } else if (room.membership === "none") {
    notes.push(
      `${target.managing} is not in the room and has no invite: only the room's public summary was read. Invite ${target.managing} to the room, then check again: a room is added only once the account that manages the space can read it.`,
    );
  }
  return {
    asked: room.asked,
    room_id: room.room_id,
    ...(view.name !== undefined ? { name: view.name } : {}),
    rules,
    notes,
    // The summary alone never passes: the room is proposed only once the account can read it.
    ok: room.membership !== "none" && rules.every((r) => r.ok),
    joinedForCheck: room.joinedForCheck,
    via: room.via,
  };
}

/** The report of a room that could not be found or seen at all. */
export function unreadableReport(
  asked: string,
  problem: string,
  roomId: string | null = null,
): CheckReport {
  return {
    asked,
    room_id: roomId,
    rules: [],
    notes: [problem],
    ok: false,
    joinedForCheck: false,
    via: [],
  };
}
