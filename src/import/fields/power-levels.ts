/**
 * Import twin of src/plan/power-field.ts: power levels as the manifest declares them,
 * the whole `users` and `events` maps (a declared map is authoritative, so anything left
 * out would be removed), and the scalar thresholds only where they differ from Matrix's
 * defaults.
 */
import { compareOrder } from "../../matrix/ids.ts";
import { effectivePowerLevels, POWER_LEVEL_FIELDS } from "../../matrix/powerlevels.ts";
import { contentOf } from "../../matrix/vocabulary.ts";
import type { LiveRoom } from "../../state/model.ts";
import { warn, type ImportContext } from "../context.ts";
import type { ImportedEntry, WrittenPowerLevels } from "../model.ts";

export function readPowerLevels(ctx: ImportContext, room: LiveRoom, entry: ImportedEntry): void {
  const c = contentOf(room, "m.room.power_levels");
  if (c === undefined) {
    entry.notes.push("no m.room.power_levels event: power levels left unmanaged");
    return;
  }
  const pl = effectivePowerLevels(c);
  const out: WrittenPowerLevels = {};
  out.users = Object.fromEntries(
    Object.entries(pl.users).sort(([a, la], [b, lb]) => lb - la || compareOrder(a, b)),
  );
  for (const field of POWER_LEVEL_FIELDS) {
    const raw = c[field];
    if (raw !== undefined && (typeof raw !== "number" || !Number.isInteger(raw))) {
      // A level stored as a string still compares by its number.
      warn(
        ctx,
        "odd-power-level",
        `${entry.address}.power_levels.${field}`,
        `power level ${field} is stored as ${JSON.stringify(raw)}; written as ${pl[field]}`,
      );
    }
  }
  if (Object.keys(pl.events).length > 0) {
    out.events = Object.fromEntries(
      Object.entries(pl.events).sort(([a], [b]) => compareOrder(a, b)),
    );
  }
  const defaults = effectivePowerLevels(undefined);
  for (const field of POWER_LEVEL_FIELDS) {
    if (pl[field] !== defaults[field]) out[field] = pl[field];
  }
  entry.fields.push(["power_levels", out]);
}
