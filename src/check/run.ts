/**
 * `spaceform check` for one room: read it (read.ts), accept its invite only when a rule needs
 * the power levels the invite does not show, and evaluate the house rules (evaluate.ts).
 * Also the request flow's check (src/github/request.ts).
 */
import type { Manifest } from "../manifest/model.ts";
import { allEntries } from "../manifest/model.ts";
import type { RoomCheckSource } from "../matrix/gateway.ts";
import type { UserId } from "../matrix/ids.ts";
import { checkReport, needsMembership, unreadableReport, type CheckReport } from "./evaluate.ts";
import { readRoomForCheck } from "./read.ts";

export async function checkRoom(
  gateway: RoomCheckSource,
  manifest: Manifest,
  asked: string,
  options: { managing: UserId; key?: string | undefined },
): Promise<CheckReport> {
  const read = await readRoomForCheck(gateway, asked, options.managing, {
    acceptInvite: (room) => needsMembership(room, target(room.room_id)),
  });
  if (!read.ok) return unreadableReport(asked, read.problem, read.room_id ?? null);
  return checkReport(read.room, target(read.room.room_id));

  function target(roomId: string) {
    // A room the manifest lists already keeps its key; else the one asked for, if any.
    const key =
      options.key ??
      allEntries(manifest.space).find((e) => e.id === roomId && e.kind === "room")?.key;
    return {
      policies: manifest.policies,
      managing: options.managing,
      ...(key !== undefined ? { key } : {}),
    };
  }
}
