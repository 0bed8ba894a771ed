/**
 * Space links: `m.space.child` in the parent (its `order` and `suggested`) and, when a
 * link is made, `m.space.parent` in the child. A new child's link is part of its
 * creation; an existing child's goes into the link phase.
 */
import { formatFieldPath } from "../manifest/fieldpath.ts";
import type { Entry } from "../manifest/model.ts";
import { contentOf, validVia } from "../matrix/vocabulary.ts";
import type { PlanContext } from "./context.ts";
import { FieldOut, sameJson, type FieldPlan, type Placement } from "./field.ts";
import type { Json } from "./model.ts";
import { oldLink } from "./upgrade-relink.ts";

export function planLink(ctx: PlanContext, parent: Entry, child: Entry): FieldPlan {
  const out = new FieldOut(ctx);
  const p = ctx.identity(parent);
  const c = ctx.identity(child);
  const parentRef = ctx.refOf(parent);
  if (p.status === "unusable" || c.status === "unusable" || !parentRef) return out.plan();

  // m.space.child in the parent; the address names the link, its entry is the child.
  const liveChild =
    p.status === "existing" && c.status === "existing"
      ? contentOf(p.room, "m.space.child", c.room.room_id)
      : undefined;
  const liveVia = validVia(liveChild);
  // A child that replaced an older room (an upgrade) takes over that room's link: its order
  // and suggested, with a via for the new room; the old link goes (upgrade-relink.ts), also
  // when the new room is linked already (an apply that stopped before its unlinks).
  const old = oldLink(ctx, parent, child);
  const content: Record<string, Json> = liveVia
    ? { ...(liveChild as Record<string, Json>) }
    : { ...(old?.content ?? {}), via: ctx.viaFor(child) };
  if (child.order !== undefined) content["order"] = child.order;
  if (child.suggested !== undefined) content["suggested"] = child.suggested;
  const linkAddress = `${parent.address}.${formatFieldPath(["children", child.key])}`;
  const childRoomId = ctx.roomIdOf(child);
  const needPower = (address: string): void => {
    if (p.status === "existing") out.needPower(p.room, "m.space.child", address);
  };
  const send = (placement: Placement, addresses: string[], description: string): void => {
    needPower(addresses[0] ?? parent.address);
    out.sendState(
      placement,
      parentRef,
      "m.space.child",
      ctx.idStateKey(child),
      content,
      addresses,
      description,
    );
  };
  if (c.status === "new") {
    // Part of the child's creation: no change of its own, and sent with it.
    send(
      { newRoom: child.address },
      [child.address],
      `link ${child.address} into ${parent.address}`,
    );
  } else if (old) {
    const after = { room_id: ctx.idValue(child), ...content };
    out.change(child, linkAddress, "update", { room_id: old.roomId, ...old.content }, after);
    if (!liveVia) {
      send(
        "link",
        [linkAddress],
        `link the new room of ${ctx.label(child)} into ${parent.address}`,
      );
    } else if (!sameJson(content, liveChild)) {
      send("link", [linkAddress], `update the link of ${ctx.label(child)} in ${parent.address}`);
    } else needPower(linkAddress);
    out.sendState(
      "unlink",
      parentRef,
      "m.space.child",
      old.roomId,
      {},
      [linkAddress],
      `remove the link of the old room ${old.roomId} of ${child.address} from ${parent.address}`,
    );
  } else if (!liveVia) {
    const before = liveChild && Object.keys(liveChild).length > 0 ? (liveChild as Json) : null;
    out.change(child, linkAddress, "create", before, content, childRoomId);
    send("link", [linkAddress], `link ${ctx.label(child)} into ${parent.address}`);
  } else if (!sameJson(content, liveChild)) {
    out.change(child, linkAddress, "update", liveChild as Json, content, childRoomId);
    send("link", [linkAddress], `update the link of ${ctx.label(child)} in ${parent.address}`);
  }

  // m.space.parent in the child (a new child got it in initial_state). It is part of making a
  // link: a child that is already linked keeps whatever parent events it has, so a space whose
  // rooms were linked without one (most spaces made in a client) imports and plans to no changes.
  if (c.status !== "existing" || (liveVia && !old)) return out.plan();
  const liveParent =
    p.status === "existing" ? contentOf(c.room, "m.space.parent", p.room.room_id) : undefined;
  if (validVia(liveParent) && liveParent?.["canonical"] === true) return out.plan();
  const parentContent: Record<string, Json> = {
    ...((liveParent ?? {}) as Record<string, Json>),
    via: validVia(liveParent) ?? ctx.viaFor(parent),
    canonical: true,
  };
  const address = ctx.fieldPath(child, "parent");
  out.change(
    child,
    address,
    validVia(liveParent) ? "update" : "create",
    liveParent && Object.keys(liveParent).length > 0 ? (liveParent as Json) : null,
    parentContent,
    c.room.room_id,
  );
  out.needPower(c.room, "m.space.parent", address);
  out.sendState(
    "link",
    { room_id: c.room.room_id },
    "m.space.parent",
    ctx.idStateKey(parent),
    parentContent,
    [address],
    `point ${ctx.label(child)} at its parent space ${parent.address}`,
  );
  return out.plan();
}
