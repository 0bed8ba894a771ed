/**
 * What an upgrade leaves pointing at the old room, repaired: for an entry whose room replaced
 * older ones (upgraded in this plan, by hand, or by an apply that stopped halfway), the links
 * and references that still name a predecessor. The homeserver copies and moves some things
 * itself (upgrade.ts); these it does not:
 *
 * - the parent space's `m.space.child` (links.ts takes the old link's `order` and `suggested`
 *   through `oldLink`, and removes the old link);
 * - a child's `m.space.parent` when its space was upgraded (`planParentRepoint`);
 * - `restricted`/`knock_restricted` allow lists naming an old room (`withSuccessors` for a
 *   declared join rule, `planAllowRepair` for an undeclared one): the new room is added and the
 *   old one kept, so members of the old space can still join until everyone has moved;
 * - spaceform's marker, which is custom state and never copied (`planMarkerCarry`).
 */
import type { Entry } from "../manifest/model.ts";
import { isRoomId } from "../matrix/ids.ts";
import {
  allowedRooms,
  contentOf,
  isRestrictedRule,
  MARKER_EVENT_TYPE,
  stateMarkerOf,
  validVia,
  type Content,
} from "../matrix/vocabulary.ts";
import type { LiveRoom } from "../state/model.ts";
import type { PlanContext } from "./context.ts";
import { FieldOut, sameJson, type FieldPlan } from "./field.ts";
import type { Identity } from "./identity.ts";
import type { Json } from "./model.ts";

type Existing = Extract<Identity, { status: "existing" }>;

/** The parent's link to a room the child replaced, when the parent still has one. */
export function oldLink(
  ctx: PlanContext,
  parent: Entry,
  child: Entry,
): { roomId: string; content: Record<string, Json> } | undefined {
  const p = ctx.identity(parent);
  if (p.status !== "existing") return undefined;
  for (const old of [...ctx.predecessorsOf(child)].reverse()) {
    const content = contentOf(p.room, "m.space.child", old.room_id);
    if (validVia(content)) return { roomId: old.room_id, content: content as Record<string, Json> };
  }
  return undefined;
}

/**
 * A linked child of an upgraded space still names the old space in `m.space.parent`: the
 * event moves to the new space's id (same content, a via for the new space), and the old one
 * goes, also when the new one is there already (an apply that stopped before its unlinks). A
 * child that is not linked yet gets its parent event with the link (links.ts).
 */
export function planParentRepoint(ctx: PlanContext, parent: Entry, child: Entry): FieldPlan {
  const out = new FieldOut(ctx);
  const p = ctx.identity(parent);
  const c = ctx.identity(child);
  if (p.status !== "existing" || c.status !== "existing" || c.invited) return out.plan();
  const linked = validVia(contentOf(p.room, "m.space.child", ctx.idStateKey(child)));
  const currentContent = contentOf(c.room, "m.space.parent", ctx.idStateKey(parent));
  const current = validVia(currentContent) !== undefined;
  if (!linked) return out.plan();
  const old = ctx
    .predecessorsOf(parent)
    .map((r) => ({
      roomId: r.room_id,
      content: contentOf(c.room, "m.space.parent", r.room_id),
    }))
    .filter((o) => validVia(o.content))
    .pop();
  if (!old) return out.plan();
  const content: Record<string, Json> = current
    ? (currentContent as Record<string, Json>)
    : { ...(old.content as Record<string, Json>), via: ctx.viaFor(parent) };
  const address = ctx.fieldPath(child, "parent");
  out.change(
    child,
    address,
    "update",
    { room_id: old.roomId, ...(old.content as Record<string, Json>) },
    { room_id: ctx.idValue(parent), ...content },
    c.room.room_id,
  );
  out.needPower(c.room, "m.space.parent", address);
  const ref = ctx.refOf(child);
  if (!ref) return out.plan();
  const label = ctx.label(child);
  if (!current) {
    out.sendState(
      "link",
      ref,
      "m.space.parent",
      ctx.idStateKey(parent),
      content,
      [address],
      `point ${label} at the new room of ${parent.address}`,
    );
  }
  out.sendState(
    "unlink",
    ref,
    "m.space.parent",
    old.roomId,
    {},
    [address],
    `remove the parent event of ${label} for the old room ${old.roomId}`,
  );
  return out.plan();
}

/**
 * An allow list with the rooms that replaced the ones it names added after them (the old
 * ones stay: members of the old room or space can still join during the move).
 */
export function withSuccessors(ctx: PlanContext, rooms: readonly Json[]): Json[] {
  const out = successorsAdded(ctx, rooms);
  const has = (v: Json): boolean => out.some((r) => sameJson(r, v));
  // An entry named by its new room keeps its old ones admitted too.
  for (const room of rooms) {
    const entry = ctx.entries.find((e) => sameJson(ctx.idValue(e), room));
    if (entry === undefined) continue;
    for (const old of ctx.predecessorsOf(entry)) if (!has(old.room_id)) out.push(old.room_id);
  }
  return out;
}

/** `rooms` with the room that replaced each old one added. */
function successorsAdded(ctx: PlanContext, rooms: readonly Json[]): Json[] {
  const out = [...rooms];
  for (const room of rooms) {
    const entry = typeof room === "string" ? ctx.entryReplacing(room) : undefined;
    if (entry === undefined) continue;
    const successor = ctx.idValue(entry);
    if (!out.some((r) => sameJson(r, successor))) out.push(successor);
  }
  return out;
}

/** An undeclared restricted join rule whose allow list names a replaced room: the new room is added. */
export function planAllowRepair(ctx: PlanContext, e: Entry, room: LiveRoom): FieldPlan {
  const out = new FieldOut(ctx);
  if (e.join_rule !== undefined) return out.plan(); // join-rules.ts plans a declared one
  const live = contentOf(room, "m.room.join_rules");
  if (!isRestrictedRule(typeof live?.["join_rule"] === "string" ? live["join_rule"] : undefined)) {
    return out.plan();
  }
  const liveAllow = allowedRooms(live).filter(
    (r): r is string => typeof r === "string" && isRoomId(r),
  );
  const wantAllow = successorsAdded(ctx, liveAllow);
  if (wantAllow.length === liveAllow.length) return out.plan();
  const extra = wantAllow
    .slice(liveAllow.length)
    .map((room_id) => ({ type: "m.room_membership", room_id }));
  const content: Record<string, Json> = {
    ...(live as Record<string, Json>),
    allow: [...((live as Content)["allow"] as Json[]), ...extra],
  };
  const address = out.change(
    e,
    ctx.fieldPath(e, "allow"),
    "update",
    liveAllow,
    wantAllow,
    room.room_id,
  );
  out.send(
    e,
    room,
    "m.room.join_rules",
    "allow",
    content,
    [address],
    "admit members of the new rooms",
  );
  return out.plan();
}

/** The marker in a room that replaced an older one: identity without a state file follows the new room. */
export function planMarkerCarry(ctx: PlanContext, e: Entry, id: Existing): FieldPlan {
  const out = new FieldOut(ctx);
  if (id.predecessors.length === 0 || id.invited || stateMarkerOf(id.room) !== undefined) {
    return out.plan();
  }
  const marker = { manifest: ctx.space, key: e.key };
  const address = out.change(
    e,
    ctx.fieldPath(e, "marker"),
    "create",
    null,
    marker,
    id.room.room_id,
  );
  out.send(e, id.room, MARKER_EVENT_TYPE, "", marker, [address], "mark the new room");
  return out.plan();
}
