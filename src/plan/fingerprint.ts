/**
 * A fingerprint of the live state a plan was computed from, so a saved plan can be
 * refused once the world has moved ("Saved plan is stale").
 *
 * The reader fetches rooms in parallel, so the order of rooms and of state events
 * carries no meaning: both are sorted before hashing. Arrays inside event content
 * keep their order (`via`, `alt_aliases` and `allow` are ordered lists in Matrix).
 */
import { createHash } from "node:crypto";
import type { LiveState, StateEvent } from "../state/model.ts";

/** JSON with object keys sorted at every level: equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function compareEvents(a: StateEvent, b: StateEvent): number {
  return byCodePoint(a.type, b.type) || byCodePoint(a.state_key, b.state_key);
}

/** sha256 (hex) of the canonical JSON of `actual`, independent of room and event order. */
export function fingerprintState(actual: LiveState): string {
  const normalised = {
    ...actual,
    rooms: [...actual.rooms]
      .sort((a, b) => byCodePoint(a.room_id, b.room_id))
      .map((room) => ({ ...room, state: [...room.state].sort(compareEvents) })),
  };
  return createHash("sha256").update(canonicalJson(normalised)).digest("hex");
}
