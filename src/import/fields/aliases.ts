/**
 * Import twin of src/plan/aliases.ts: `alias` and `alt_aliases`, written only when the
 * directory still points them at this room (else the planner would try to recreate or
 * steal them).
 */
import { isRoomAlias } from "../../matrix/ids.ts";
import { contentOf, str } from "../../matrix/vocabulary.ts";
import type { LiveRoom } from "../../state/model.ts";
import { aliasPointsAt, unmanaged, type ImportContext } from "../context.ts";
import type { ImportedEntry } from "../model.ts";

/** The room's canonical alias when it is a valid alias. */
export function canonicalAlias(room: LiveRoom): string | undefined {
  const alias = str(contentOf(room, "m.room.canonical_alias")?.["alias"]);
  return alias !== undefined && isRoomAlias(alias) ? alias : undefined;
}

export function readAliases(ctx: ImportContext, room: LiveRoom, entry: ImportedEntry): void {
  const c = contentOf(room, "m.room.canonical_alias");
  if (c === undefined) return;
  const pointsHere = (alias: string): boolean => aliasPointsAt(ctx, alias, room);
  const where = (alias: string): string => {
    const target = ctx.live.aliases[alias];
    return target === null || target === undefined
      ? "is not in the room directory"
      : `points at another room (${target})`;
  };
  const alias = str(c["alias"]);
  if (alias !== undefined && alias !== "") {
    if (!isRoomAlias(alias)) {
      const why = `alias ${JSON.stringify(alias)} is not a valid alias: left unmanaged`;
      unmanaged(ctx, entry, "invalid-alias", why);
      return;
    }
    if (!pointsHere(alias)) {
      unmanaged(
        ctx,
        entry,
        "stale-alias",
        `alias ${alias} ${where(alias)}: alias and alt_aliases left unmanaged`,
        "fix the room's aliases in a Matrix client, or declare them in the manifest and let apply fix them",
      );
      return;
    }
    entry.fields.push(["alias", alias]);
  }
  const alt = c["alt_aliases"];
  if (Array.isArray(alt) && alt.length > 0) {
    const all = alt.filter((a): a is string => typeof a === "string");
    const bad = all.filter((a) => !isRoomAlias(a) || !pointsHere(a));
    if (bad.length > 0 || all.length !== alt.length) {
      const why = `alt_aliases ${bad.join(", ")} not in the directory for this room: left unmanaged`;
      unmanaged(ctx, entry, "stale-alias", why);
    } else {
      entry.fields.push(["alt_aliases", [...new Set(all)]]);
    }
  }
}
