/**
 * `defaults:` for an imported manifest: what every room and subspace declares, most
 * with the same value, written once.
 */
import { allEntries } from "../manifest/model.ts";
import {
  fieldOf,
  type Field,
  type FieldName,
  type FieldValue,
  type ImportedEntry,
} from "./model.ts";

/** Fields that may move into `defaults:` (names and aliases are per room; links are per parent). */
const DEFAULTABLE: readonly FieldName[] = [
  "join_rule",
  "history_visibility",
  "guest_access",
  "encrypted",
  "publish",
  "room_version",
];

/** Every entry below the root. */
const descendants = (root: ImportedEntry): ImportedEntry[] => allEntries(root).slice(1);

/** The value most entries share (the first seen on a tie), when at least two share it. */
function commonValue<T>(values: readonly T[]): T | undefined {
  const counts = new Map<string, { value: T; n: number }>();
  for (const v of values) {
    const k = JSON.stringify(v);
    const c = counts.get(k);
    if (c === undefined) counts.set(k, { value: v, n: 1 });
    else c.n += 1;
  }
  let best: { value: T; n: number } | undefined;
  for (const c of counts.values()) if (best === undefined || c.n > best.n) best = c;
  return best !== undefined && best.n >= 2 ? best.value : undefined;
}

/**
 * Moves what the rooms share into `defaults:`, so that each room shows what sets
 * it apart (Synapse gives every room the same eight-line `events` map). Only a
 * field that EVERY room and subspace declares moves: a default reaches every room,
 * and one that lacked the field would otherwise become managed. Rooms keep their
 * own value where it differs; the loader merges power levels field by field.
 */
export function factorDefaults(root: ImportedEntry): Field[] {
  const rooms = descendants(root);
  if (rooms.length < 2) return [];
  const defaults: Field[] = [];
  for (const field of DEFAULTABLE) {
    const values = rooms.map((e) => e.fields.find(([name]) => name === field));
    if (values.some((v) => v === undefined)) continue;
    const common = commonValue(values as Field[]);
    if (common === undefined) continue;
    // A restricted rule without `allow` means "the parent space" in every room alike.
    defaults.push(common);
    const key = JSON.stringify(common);
    for (const e of rooms) e.fields = e.fields.filter((f) => JSON.stringify(f) !== key);
  }
  const events = rooms.map((e) => fieldOf(e, "power_levels")?.events);
  if (events.every((v) => v !== undefined)) {
    const common = commonValue<FieldValue>(events);
    if (common !== undefined) {
      defaults.push(["power_levels", { events: common as Record<string, number> }]);
      const key = JSON.stringify(common);
      for (const e of rooms) {
        const pl = fieldOf(e, "power_levels");
        if (pl !== undefined && JSON.stringify(pl.events) === key) delete pl.events;
      }
    }
  }
  return defaults;
}
