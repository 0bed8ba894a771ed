/**
 * Join rules (`m.room.join_rules`): the version check, the content (a restricted rule
 * without `allow` admits members of the parent space) and the change of an existing room.
 */
import type { Entry } from "../manifest/model.ts";
import { isRoomId } from "../matrix/ids.ts";
import {
  allowedRooms,
  contentOf,
  isRestrictedRule,
  joinRuleNeedsVersion,
  str,
} from "../matrix/vocabulary.ts";
import type { LiveRoom } from "../state/model.ts";
import type { PlanContext } from "./context.ts";
import { FieldOut, sameJson, type FieldPlan } from "./field.ts";
import type { Json } from "./model.ts";
import { withSuccessors } from "./upgrade-relink.ts";

/** Refuses a join rule the room version does not support; `what` names the version for the message. */
export function checkJoinRuleVersion(
  ctx: PlanContext,
  out: FieldOut,
  e: Entry,
  version: string,
  what: string,
): boolean {
  if (e.join_rule === undefined) return true;
  const min = joinRuleNeedsVersion(e.join_rule, version);
  if (min === undefined) return true;
  out.problem(
    "error",
    "join-rule.unsupported-version",
    ctx.fieldPath(e, "join_rule"),
    `join rule "${e.join_rule}" needs room version ${min} or later; this room has ${what}.`,
    "Choose another join rule, or declare a newer room_version: spaceform then upgrades the room.",
  );
  return false;
}

/** `m.room.join_rules` content; null (with a problem) when a room it names is unknown. */
export function joinRuleContent(
  ctx: PlanContext,
  out: FieldOut,
  e: Entry,
  rule: string,
): Record<string, Json> | null {
  if (!isRestrictedRule(rule)) return { join_rule: rule };
  let rooms: Json[] = [];
  if (e.allow !== undefined) {
    for (const written of e.allow) {
      const resolved = resolveRoom(ctx, out, e, written);
      if (resolved === null) return null;
      rooms.push(resolved);
    }
  } else {
    const parent = ctx.parentOf(e);
    if (!parent || ctx.identity(parent).status === "unusable") {
      out.problem(
        "error",
        "join-rule.no-parent",
        ctx.fieldPath(e, "join_rule"),
        `join rule "${rule}" without allow admits members of the parent space, but ${e.address} has none.`,
        "List the rooms whose members may join under allow.",
      );
      return null;
    }
    rooms = [ctx.idValue(parent)];
  }
  return {
    join_rule: rule,
    allow: withSuccessors(ctx, rooms).map((room_id) => ({ type: "m.room_membership", room_id })),
  };
}

/** A room named in `allow`: an id, an entry of this manifest (by its alias), or an alias in the directory. */
function resolveRoom(ctx: PlanContext, out: FieldOut, e: Entry, written: string): Json | null {
  if (isRoomId(written)) return written;
  const alias = ctx.qualify(written);
  const entry = ctx.entries.find((x) => x.alias !== undefined && ctx.qualify(x.alias) === alias);
  if (entry && ctx.identity(entry).status !== "unusable") return ctx.idValue(entry);
  const target = ctx.actual.aliases[alias];
  if (typeof target === "string") return target;
  out.problem(
    "error",
    "join-rule.unknown-room",
    ctx.fieldPath(e, "allow"),
    `${alias} in allow does not exist and is not an entry of this manifest.`,
  );
  return null;
}

/** The join rule and `allow` list of an existing room of room version `version`. */
export function planJoinRule(
  ctx: PlanContext,
  e: Entry,
  room: LiveRoom,
  version: string,
): FieldPlan {
  const out = new FieldOut(ctx);
  if (e.join_rule === undefined) return out.plan();
  if (!checkJoinRuleVersion(ctx, out, e, version, `version ${version} (${room.room_id})`)) {
    return out.plan();
  }
  const want = joinRuleContent(ctx, out, e, e.join_rule);
  if (!want) return out.plan();
  const live = contentOf(room, "m.room.join_rules") ?? {};
  const liveRule = str(live["join_rule"]);
  const liveAllow = allowedRooms(live) as Json[];
  const wantAllow = allowedRooms(want) as Json[];
  const addresses: string[] = [];
  if (e.join_rule !== liveRule) {
    const action = liveRule === undefined ? "create" : "update";
    const address = ctx.fieldPath(e, "join_rule");
    addresses.push(out.change(e, address, action, liveRule ?? null, e.join_rule, room.room_id));
  }
  const restricted = isRestrictedRule(e.join_rule);
  const sorted = (rooms: Json[]): string[] => rooms.map((v) => JSON.stringify(v)).sort();
  if (restricted && !sameJson(sorted(liveAllow), sorted(wantAllow))) {
    const action = liveAllow.length === 0 ? "create" : "update";
    const address = ctx.fieldPath(e, "allow");
    addresses.push(out.change(e, address, action, liveAllow, wantAllow, room.room_id));
  }
  if (addresses.length === 0) return out.plan();
  const content: Record<string, Json> = { ...(live as Record<string, Json>), ...want };
  if (!restricted) delete content["allow"];
  out.send(e, room, "m.room.join_rules", "join_rule", content, addresses, "set the join rule");
  return out.plan();
}
