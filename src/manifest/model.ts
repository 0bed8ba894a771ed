/**
 * The manifest after loading and validation: what the user wrote, normalised.
 *
 * The written YAML (see schemas/space.schema.json and docs/manifest.md) and this
 * model are different types on purpose: defaults are already applied here, avatar
 * files are already read and hashed, and every entry knows its address.
 *
 * The one rule that runs through everything: a field that is absent (`undefined`)
 * is UNMANAGED. Nothing compares it and nothing changes it.
 */
import type { MxcUrl, RoomId, UserId } from "../matrix/ids.ts";
import type { GuestAccess, HistoryVisibility, JoinRule } from "../matrix/vocabulary.ts";

export type { GuestAccess, HistoryVisibility, JoinRule };

export const MANIFEST_VERSION = 1;

/** Matrix's own field names; each absent field is unmanaged. */
export interface PowerLevelsSpec {
  users?: Record<string, number>;
  /** Additive: each listed user is raised to at least this level; nobody else is touched. */
  users_at_least?: Record<string, number>;
  users_default?: number;
  events?: Record<string, number>;
  events_default?: number;
  state_default?: number;
  ban?: number;
  kick?: number;
  redact?: number;
  invite?: number;
}

export type AvatarSpec =
  | {
      kind: "file";
      /** As written in the manifest, relative to it. */
      written: string;
      /** Absolute path on disk. */
      path: string;
      /** sha256 of the file's bytes, hex: recorded with the avatar so an unchanged image is never uploaded again. */
      sha256: string;
      mimetype: string;
      size: number;
      width?: number;
      height?: number;
    }
  | { kind: "mxc"; url: MxcUrl };

/** Settings a room, a subspace or the root space can carry. All optional = unmanaged. */
export interface RoomSettings {
  name?: string;
  topic?: string;
  avatar?: AvatarSpec;
  /** Canonical alias as written: `#general` (managing account's server) or `#general:example.org`. */
  alias?: string;
  /** Further published aliases (`m.room.canonical_alias` `alt_aliases`), written like `alias`. */
  alt_aliases?: string[];
  join_rule?: JoinRule;
  /**
   * For `restricted` / `knock_restricted`: rooms (ids or aliases as written) whose members may join.
   * Absent with a restricted join rule means "members of the parent space".
   */
  allow?: string[];
  history_visibility?: HistoryVisibility;
  guest_access?: GuestAccess;
  encrypted?: boolean;
  /** Listed in the homeserver's public room directory. */
  publish?: boolean;
  /** Used when the room is created; an existing room of another version is upgraded (src/plan/upgrade.ts). */
  room_version?: string;
  power_levels?: PowerLevelsSpec;
}

/** One managed room or space: the root space, a room, or a subspace. */
export interface Entry extends RoomSettings {
  /** The key in `rooms:` (unique across the whole manifest); `space` for the root. */
  key: string;
  /** Field path of the entry: `space`, `rooms.general`, `rooms.chapters.rooms.berlin`. */
  address: string;
  kind: "space" | "room";
  /** Pins the entry to an existing room. */
  id?: RoomId;
  /** As a child of its parent space (`m.space.child`). Unmanaged when absent. */
  suggested?: boolean;
  order?: string;
  /** Children of a space (empty for plain rooms). Declaration order is kept. */
  children: Entry[];
}

export interface NamePrefixRule {
  /** Glob on the room key (`*` and `?`). */
  match: string;
  prefix: string;
}

export interface Policies {
  /** Users that must hold power level 100 in every managed room and space. */
  admins: UserId[];
  forbid_encryption: boolean;
  require_avatar: "error" | "warn" | "off";
  /** How many users at power ≥ 50, besides the admins, every room needs. 0 = no rule. */
  min_moderators: number;
  name_prefixes: NamePrefixRule[];
  /**
   * Room version 12 creators (power above every level, never demoted): `warn` (default) when
   * anyone but the managing account is one, `require` the managing account to be one, `off`.
   */
  creators: "warn" | "require" | "off";
}

export interface SourcePosition {
  line: number;
  column: number;
}

export interface Manifest {
  /** The file as the user named it. */
  file: string;
  /** Identity of the manifest (file name without extension), written into marker events. */
  name: string;
  /** sha256 of the file's bytes, hex; saved plans record it. */
  sha256: string;
  version: 1;
  space: Entry;
  policies: Policies;
  /** Position of every field path that appears in the file, for diagnostics at plan time. */
  positions: Record<string, SourcePosition>;
}

/** Every entry of the tree, root first, depth first in declaration order. */
export function allEntries<T extends { children: readonly T[] }>(root: T): T[] {
  const out: T[] = [];
  const walk = (e: T): void => {
    out.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return out;
}
