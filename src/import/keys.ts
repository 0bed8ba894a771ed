/**
 * Room keys for an imported manifest: derived from what people recognise (the
 * alias, else the name), valid per the schema's `room_key` pattern, and unique
 * across the whole manifest (the marker event names the key, so subspaces share
 * one namespace with the root's rooms).
 */
import { aliasLocalpart } from "../matrix/ids.ts";

/** The schema's `room_key` pattern (schemas/space.schema.json). */
export const ROOM_KEY_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const MAX_KEY_LENGTH = 64;
/** Reserved by the schema, or confusing next to the manifest's own top-level names. */
const RESERVED_KEYS = new Set(["space", "rooms", "defaults", "policies", "version"]);

/** `Forschungs­software Café!` → `forschungssoftware-cafe`; "" when nothing usable is left. */
export function slugify(text: string): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^a-z0-9]+/, "");
  return slug.slice(0, MAX_KEY_LENGTH).replace(/[-_]+$/, "");
}

/**
 * The part of a child's alias that says what the room is: communities often
 * prefix every room alias with the space's (`de-rse.org-general` in
 * `#de-rse.org`), which would repeat in every key.
 */
export function stripSpacePrefix(localpart: string, spaceLocalpart: string | undefined): string {
  if (spaceLocalpart === undefined || spaceLocalpart === "") return localpart;
  const lower = localpart.toLowerCase();
  const prefix = spaceLocalpart.toLowerCase();
  if (lower.length > prefix.length + 1 && lower.startsWith(prefix)) {
    const sep = lower.charAt(prefix.length);
    if (sep === "-" || sep === "_" || sep === ".") return localpart.slice(prefix.length + 1);
  }
  return localpart;
}

export interface KeyCandidates {
  /** The key a spaceform marker already gives the room: kept as is, so its identity survives. */
  marker?: string;
  alias?: string;
  name?: string;
}

/** Hands out keys in the order rooms are visited; a later room with the same wish gets `-2`, `-3`… */
export class KeyAllocator {
  private readonly taken = new Set<string>();
  private readonly spaceLocalpart: string | undefined;

  constructor(spaceAlias?: string) {
    this.spaceLocalpart = spaceAlias === undefined ? undefined : aliasLocalpart(spaceAlias);
  }

  allocate(c: KeyCandidates): string {
    const wishes: string[] = [];
    if (c.marker !== undefined && ROOM_KEY_RE.test(c.marker)) wishes.push(c.marker);
    if (c.alias !== undefined) {
      wishes.push(slugify(stripSpacePrefix(aliasLocalpart(c.alias), this.spaceLocalpart)));
    }
    if (c.name !== undefined) wishes.push(slugify(c.name));
    const usable = wishes.filter((w) => ROOM_KEY_RE.test(w) && !RESERVED_KEYS.has(w));
    if (usable.length === 0) usable.push("room");
    for (const wish of usable) {
      if (!this.isTaken(wish)) return this.take(wish);
    }
    const base = usable[0] ?? "room";
    for (let n = 2; ; n++) {
      const suffix = `-${n}`;
      const key = base.slice(0, MAX_KEY_LENGTH - suffix.length).replace(/[-_]+$/, "") + suffix;
      if (!this.isTaken(key)) return this.take(key);
    }
  }

  private isTaken(key: string): boolean {
    return this.taken.has(key) || RESERVED_KEYS.has(key);
  }

  private take(key: string): string {
    this.taken.add(key);
    return key;
  }
}
