/**
 * The tree import walks: a space's children in the order clients show them, each
 * written as an entry or omitted with the reason (not readable, linked from several
 * spaces, already written elsewhere, the root itself).
 */
import type { RoomId } from "../matrix/ids.ts";
import { compareOrder, isValidOrder } from "../matrix/ids.ts";
import {
  childLinks,
  contentOf,
  isSpace,
  type ChildLink,
  type Content,
} from "../matrix/vocabulary.ts";
import type { LiveRoom } from "../state/model.ts";
import { warn, type ImportContext } from "./context.ts";
import { canonicalAlias } from "./fields/aliases.ts";
import { roomName } from "./fields/settings.ts";
import type { ImportedEntry } from "./model.ts";

/** What a room is called, for comments and warnings: `Name (#alias)`, either, or nothing. */
export function labelOf(ctx: ImportContext, roomId: string): string | undefined {
  const room = ctx.byId.get(roomId);
  const hint = ctx.options.roomHints?.[roomId];
  const name = (room && roomName(room)) ?? hint?.name;
  const alias = (room && canonicalAlias(room)) ?? hint?.canonical_alias;
  if (name !== undefined && alias !== undefined) return `${name} (${alias})`;
  return name ?? alias;
}

/** Children in the order clients show them: valid `order` first by code point, then by label. */
export function sortLinks(ctx: ImportContext, links: readonly ChildLink[]): ChildLink[] {
  const orderOf = (c: Content): string | undefined => {
    const o = c["order"];
    return typeof o === "string" && isValidOrder(o) ? o : undefined;
  };
  const label = (id: string): string => (labelOf(ctx, id) ?? "").toLowerCase();
  return [...links].sort((a, b) => {
    const oa = orderOf(a.content);
    const ob = orderOf(b.content);
    if (oa !== undefined && ob !== undefined)
      return compareOrder(oa, ob) || compareOrder(a.room_id, b.room_id);
    if (oa !== undefined) return -1;
    if (ob !== undefined) return 1;
    return compareOrder(label(a.room_id), label(b.room_id)) || compareOrder(a.room_id, b.room_id);
  });
}

/**
 * Rooms that several spaces of the tree link. A manifest puts each room in one
 * space, and the planner removes the other links of a managed room (a move); so
 * such rooms stay unmanaged, where no link is ever removed.
 */
export function roomsWithSeveralParents(
  byId: Map<string, LiveRoom>,
  rootId: RoomId,
): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  const visited = new Set<string>([rootId]);
  const queue: string[] = [rootId];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    const space = byId.get(id);
    if (space === undefined || space.unreadable !== undefined || space.membership !== "join") {
      continue;
    }
    for (const link of childLinks(space)) {
      parents.set(link.room_id, [...(parents.get(link.room_id) ?? []), id]);
      const child = byId.get(link.room_id);
      if (child !== undefined && isSpace(child) && !visited.has(link.room_id)) {
        visited.add(link.room_id);
        queue.push(link.room_id);
      }
    }
  }
  return new Map([...parents].filter(([, p]) => p.length > 1));
}

/** The linked room, or why it cannot become an entry. */
export function usableRoom(
  ctx: ImportContext,
  roomId: string,
): { room: LiveRoom } | { reason: string } {
  const room = ctx.byId.get(roomId);
  if (room === undefined) return { reason: "its state was not read" };
  if (room.unreadable !== undefined) return { reason: room.unreadable };
  if (room.membership === "invite") {
    return {
      reason: "the account is invited but has not joined: accept the invitation, then import again",
    };
  }
  if (room.membership !== "join") {
    const publicRoom = contentOf(room, "m.room.join_rules")?.["join_rule"] === "public";
    return {
      reason:
        `the account is not a member (membership: ${room.membership})` +
        (publicRoom ? "; the room is public: join it, then import again" : ""),
    };
  }
  return { room };
}

/** Lists a child under `entry` as not imported, and warns about it once per room. */
export function omit(
  ctx: ImportContext,
  entry: ImportedEntry,
  roomId: string,
  reason: string,
  warning: { code: string; message: string; hint?: string },
): void {
  const label = labelOf(ctx, roomId);
  entry.omitted.push({ room_id: roomId, ...(label === undefined ? {} : { label }), reason });
  if (ctx.warned.has(roomId)) return;
  ctx.warned.add(roomId);
  warn(ctx, warning.code, entry.address, warning.message, warning.hint);
}

/** Omits a child link of `entry` that cannot be written as an entry (with a warning); true when it did. */
export function skipChild(ctx: ImportContext, entry: ImportedEntry, link: ChildLink): boolean {
  const label = labelOf(ctx, link.room_id);
  const named = label === undefined ? link.room_id : `${label} ${link.room_id}`;
  if (link.room_id === ctx.rootId) {
    omit(ctx, entry, link.room_id, "the root space itself (a loop)", {
      code: "loop",
      message: `${entry.address} links the root space as its child; plan will propose removing that link`,
    });
    return true;
  }
  const parents = ctx.multiParent.get(link.room_id);
  if (parents !== undefined) {
    const names = parents.map((p) => labelOf(ctx, p) ?? p).join(", ");
    omit(
      ctx,
      entry,
      link.room_id,
      `linked from several spaces (${names}): left unmanaged, so no link is removed`,
      {
        code: "several-parents",
        message: `${named} is linked from several spaces (${names}); a manifest puts a room in one space, so it is left unmanaged`,
        hint: "to manage it, add it under one space; plan will then propose removing its other links",
      },
    );
    return true;
  }
  const already = ctx.seen.get(link.room_id);
  if (already !== undefined) {
    entry.omitted.push({
      room_id: link.room_id,
      ...(label === undefined ? {} : { label }),
      reason: `also a child here; written once, as ${already}`,
    });
    warn(
      ctx,
      "duplicate-child",
      entry.address,
      `${link.room_id} is a child of more than one space; it is written once, as ${already}`,
    );
    return true;
  }
  return false;
}
