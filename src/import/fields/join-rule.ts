/**
 * Import twin of src/plan/join-rules.ts: the join rule, and for restricted rules the
 * rooms of `allow` (left out when it names only the parent space, which is what an
 * absent `allow` means).
 */
import type { RoomId } from "../../matrix/ids.ts";
import {
  allowedRooms,
  contentOf,
  isRestrictedRule,
  JOIN_RULES,
  oneOf,
} from "../../matrix/vocabulary.ts";
import type { LiveRoom } from "../../state/model.ts";
import { unmanaged, type ImportContext } from "../context.ts";
import type { ImportedEntry } from "../model.ts";

export function readJoinRule(
  ctx: ImportContext,
  room: LiveRoom,
  entry: ImportedEntry,
  parent?: RoomId,
): void {
  const c = contentOf(room, "m.room.join_rules");
  if (c === undefined) return;
  const written = c["join_rule"];
  const rule = oneOf(written, JOIN_RULES);
  if (rule === undefined) {
    const shown = JSON.stringify(typeof written === "string" ? written : null);
    unmanaged(
      ctx,
      entry,
      "unknown-join-rule",
      `join rule ${shown} is not one spaceform manages: left unmanaged`,
    );
    return;
  }
  entry.fields.push(["join_rule", rule]);
  if (!isRestrictedRule(rule)) return;
  const allow = Array.isArray(c["allow"]) ? c["allow"] : [];
  const ids = allowedRooms(c).filter((id): id is string => typeof id === "string");
  const unique = [...new Set(ids)];
  if (allow.length !== ids.length) {
    entry.notes.push(
      "allow conditions other than room membership are not managed and are dropped on the next change of the join rule",
    );
  }
  if (parent !== undefined && unique.length === 1 && unique[0] === parent) return;
  entry.fields.push(["allow", unique]);
}
