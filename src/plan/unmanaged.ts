/**
 * Children of a managed space that the manifest does not declare: reported, unlinked
 * only with `--unlink-unmanaged`; a managed room linked from another space than its
 * declared one (a move) loses its old link. The removal guard refuses a plan that
 * removes more children than allowed.
 */
import { formatFieldPath } from "../manifest/fieldpath.ts";
import type { Entry } from "../manifest/model.ts";
import { childLinks, contentOf, str } from "../matrix/vocabulary.ts";
import type { PlanContext } from "./context.ts";
import { FieldOut, type FieldPlan } from "./field.ts";
import type { Change, Json, UnmanagedRoom } from "./model.ts";

export function planUnmanaged(ctx: PlanContext): { plan: FieldPlan; unmanaged: UnmanagedRoom[] } {
  const out = new FieldOut(ctx);
  const unmanaged: UnmanagedRoom[] = [];
  const entryOfRoom = new Map<string, Entry>();
  for (const e of ctx.entries) {
    const rid = ctx.roomIdOf(e);
    if (rid !== undefined) entryOfRoom.set(rid, e);
  }
  const roomsById = new Map(ctx.actual.rooms.map((r) => [r.room_id as string, r]));
  for (const s of ctx.entries) {
    const id = ctx.identity(s);
    if (s.kind !== "space" || id.status !== "existing") continue;
    const declared = new Set(s.children.map((c) => ctx.roomIdOf(c)).filter((x) => x !== undefined));
    // The old rooms of upgraded children: their links move with the link (links.ts).
    for (const c of s.children) for (const old of ctx.predecessorsOf(c)) declared.add(old.room_id);
    for (const link of childLinks(id.room)) {
      const childId = link.room_id;
      if (declared.has(childId)) continue;
      const managedElsewhere = entryOfRoom.get(childId) ?? ctx.entryReplacing(childId);
      const live = roomsById.get(childId);
      const name = live ? str(contentOf(live, "m.room.name")?.["name"]) : undefined;
      const unlink = managedElsewhere !== undefined || ctx.options.unlinkUnmanaged;
      if (!managedElsewhere) {
        unmanaged.push({
          space: ctx.space,
          room_id: childId,
          ...(name !== undefined ? { name } : {}),
          parent: s.address,
          unlink,
        });
      }
      if (!unlink) continue;
      const key = managedElsewhere ? managedElsewhere.key : childId;
      const address = `${s.address}.${formatFieldPath(["children", key])}`;
      out.change(s, address, "delete", link.content as Json, null, childId);
      out.needPower(id.room, "m.space.child", address);
      out.sendState(
        "unlink",
        { room_id: id.room.room_id },
        "m.space.child",
        childId,
        {},
        [address],
        managedElsewhere
          ? `remove the old link of ${managedElsewhere.address} from ${s.address}`
          : `unlink unmanaged room ${childId}${name !== undefined ? ` (${name})` : ""} from ${s.address}`,
      );
    }
  }
  return { plan: out.plan(), unmanaged };
}

/** Refuses a plan that removes more space children than `maxChildRemovals`. */
export function checkRemovals(ctx: PlanContext, changes: readonly Change[]): FieldPlan {
  const out = new FieldOut(ctx);
  const removals = changes.filter(
    (c) => c.action === "delete" && /\.children(\.|\[)/.test(c.address),
  );
  const max = ctx.options.maxChildRemovals;
  if (removals.length > max) {
    out.problem(
      "error",
      "guard.max-removals",
      ctx.desired.space.address,
      `this plan would remove ${removals.length} rooms from spaces, more than the limit of ${max}.`,
      "Check that the manifest is complete; raise the limit (--max-removals) only if these removals are intended.",
    );
  }
  return out.plan();
}
