/**
 * From live state to the entries of a manifest (pure, no I/O).
 *
 * Every value written is the value the planner will read back from the same
 * server, so that the imported manifest plans to zero changes. Each field is read
 * by its own reader in src/import/fields/, beside the planner's module for it. Where
 * the live value cannot be written faithfully (an alias that no longer points at the
 * room, an order string clients ignore, an unknown join rule), the field is left
 * out, which makes it unmanaged, and a note says why: nothing is dropped silently.
 */
import { UserError } from "../diagnostics.ts";
import type { RoomId } from "../matrix/ids.ts";
import { childLinks, isSpace, markerOf, type Content } from "../matrix/vocabulary.ts";
import type { LiveRoom, LiveState } from "../state/model.ts";
import { aliasPointsAt, warn, type ImportContext } from "./context.ts";
import { factorDefaults } from "./defaults.ts";
import { canonicalAlias, readAliases } from "./fields/aliases.ts";
import { readAvatar } from "./fields/avatar.ts";
import { readJoinRule } from "./fields/join-rule.ts";
import { readLink } from "./fields/link.ts";
import { readPowerLevels } from "./fields/power-levels.ts";
import {
  readEncryptionAndListing,
  readHistoryAndGuests,
  readName,
  roomName,
  readTopic,
} from "./fields/settings.ts";
import { KeyAllocator } from "./keys.ts";
import type { BuildOptions, BuiltImport, ImportedEntry } from "./model.ts";
import { labelOf, roomsWithSeveralParents, skipChild, sortLinks, usableRoom } from "./tree.ts";

export type {
  BuildOptions,
  BuiltImport,
  DownloadedAvatar,
  FieldValue,
  ImportedEntry,
  OmittedRoom,
} from "./model.ts";
export { AVATAR_SHA256_KEY, isSpace } from "../matrix/vocabulary.ts";
export { roomName };

function newEntry(ctx: ImportContext, room: LiveRoom, key: string, address: string): ImportedEntry {
  ctx.entryCount += 1;
  ctx.seen.set(room.room_id, address);
  return {
    key,
    address,
    room_id: room.room_id,
    kind: isSpace(room) ? "space" : "room",
    fields: [["id", room.room_id]],
    notes: [],
    children: [],
    omitted: [],
  };
}

/** Every field of an entry, in the order they are written. */
function fillEntry(
  ctx: ImportContext,
  room: LiveRoom,
  entry: ImportedEntry,
  parent?: { id: RoomId; link: Content },
): void {
  readAliases(ctx, room, entry);
  readName(room, entry);
  readTopic(ctx, room, entry);
  readAvatar(ctx, room, entry);
  if (parent !== undefined) readLink(ctx, parent.link, entry);
  readJoinRule(ctx, room, entry, parent?.id);
  readHistoryAndGuests(room, entry);
  readEncryptionAndListing(room, entry);
  readPowerLevels(ctx, room, entry);
}

function addChildren(ctx: ImportContext, space: LiveRoom, entry: ImportedEntry): void {
  for (const link of sortLinks(ctx, childLinks(space))) {
    if (skipChild(ctx, entry, link)) continue;
    const label = labelOf(ctx, link.room_id);
    const usable = usableRoom(ctx, link.room_id);
    if ("reason" in usable) {
      const reason = usable.reason;
      entry.omitted.push({
        room_id: link.room_id,
        ...(label === undefined ? {} : { label }),
        reason,
      });
      warn(
        ctx,
        "unreadable-room",
        entry.address,
        `${label === undefined ? link.room_id : `${label} ${link.room_id}`} was not imported: ${reason}`,
        "it stays linked and unmanaged; plan lists it as an unmanaged room",
      );
      continue;
    }
    const room = usable.room;
    const marker = markerOf(room)?.key;
    // A key from an alias the manifest will not carry would mislead.
    const alias = canonicalAlias(room);
    const name = roomName(room);
    const key = ctx.keys.allocate({
      ...(marker !== undefined ? { marker } : {}),
      ...(alias !== undefined && aliasPointsAt(ctx, alias, room) ? { alias } : {}),
      ...(name === undefined ? {} : { name }),
    });
    const prefix = entry.address === "space" ? "" : `${entry.address}.`;
    const child = newEntry(ctx, room, key, `${prefix}rooms.${key}`);
    fillEntry(ctx, room, child, { id: space.room_id, link: link.content });
    entry.children.push(child);
    if (child.kind === "space") addChildren(ctx, room, child);
  }
}

/**
 * The entries for the space `rootId` and everything reachable from it through
 * `m.space.child` links. Throws a UserError when the root itself cannot be used.
 */
export function buildImport(
  live: LiveState,
  rootId: RoomId,
  options: BuildOptions = {},
): BuiltImport {
  const byId = new Map(live.rooms.map((r) => [r.room_id as string, r]));
  const root = byId.get(rootId);
  if (root === undefined)
    throw new UserError(`The space ${rootId} was not found in the live state.`);
  if (root.unreadable !== undefined) {
    throw new UserError(`Cannot read the space ${rootId}: ${root.unreadable}.`);
  }
  if (root.membership !== "join") {
    throw new UserError(
      `The account is not a member of the space ${rootId} (membership: ${root.membership}); join it first.`,
    );
  }
  if (!isSpace(root)) {
    throw new UserError(`${rootId} is a room, not a space: import takes a space.`);
  }
  const ctx: ImportContext = {
    live,
    byId,
    keys: new KeyAllocator(canonicalAlias(root)),
    rootId,
    seen: new Map(),
    multiParent: roomsWithSeveralParents(byId, rootId),
    warned: new Set(),
    diagnostics: [],
    options,
    entryCount: 0,
  };
  const entry = newEntry(ctx, root, "space", "space");
  fillEntry(ctx, root, entry);
  addChildren(ctx, root, entry);
  const defaults = factorDefaults(entry);
  return { root: entry, defaults, diagnostics: ctx.diagnostics, entryCount: ctx.entryCount };
}
