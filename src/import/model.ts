/**
 * What import builds before it is written as YAML: entries whose fields are typed as
 * the written manifest's (schemas/space.schema.json), in the order they are written.
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { RoomId } from "../matrix/ids.ts";
import type { GuestAccess, HistoryVisibility, JoinRule } from "../matrix/vocabulary.ts";

/** Power levels as written: Matrix's field names, only those that say something. */
export type WrittenPowerLevels = Partial<
  Record<
    "users_default" | "events_default" | "state_default" | "ban" | "kick" | "redact" | "invite",
    number
  >
> & { users?: Record<string, number>; events?: Record<string, number> };

/** The fields of a written manifest entry, as import writes them. */
export interface WrittenFields {
  id: RoomId;
  alias: string;
  alt_aliases: string[];
  name: string;
  topic: string;
  /** An `mxc://` URL, or a file saved by `--download-avatars`. */
  avatar: string;
  suggested: boolean;
  order: string;
  join_rule: JoinRule;
  allow: string[];
  history_visibility: HistoryVisibility;
  guest_access: GuestAccess;
  encrypted: boolean;
  publish: boolean;
  room_version: string;
  power_levels: WrittenPowerLevels;
}
export type FieldName = keyof WrittenFields;
/** One written field: its name and value. */
export type Field = { [K in FieldName]: [K, WrittenFields[K]] }[FieldName];
/** Field values in the order they are written. */
export type FieldValue = WrittenFields[FieldName];

export interface ImportedEntry {
  key: string;
  /** `space`, `rooms.general`, `rooms.chapters.rooms.berlin`. */
  address: string;
  room_id: RoomId;
  kind: "space" | "room";
  fields: Field[];
  /** Comments written above the entry, e.g. why a field was left unmanaged. */
  notes: string[];
  children: ImportedEntry[];
  /** Children of this space that could not be imported, with the reason. */
  omitted: OmittedRoom[];
}

export interface OmittedRoom {
  room_id: string;
  /** Name or alias, when anything tells it. */
  label?: string;
  reason: string;
}

/** An avatar saved by `--download-avatars`. */
export interface DownloadedAvatar {
  /** Path as written in the manifest, relative to it. */
  file: string;
  /** sha256 of the saved bytes, hex. */
  sha256: string;
}

export interface BuildOptions {
  /** Avatars already saved as files, by their `mxc://` URL. */
  avatarFiles?: Readonly<Record<string, DownloadedAvatar>>;
  /** What the space hierarchy says about rooms whose state could not be read. */
  roomHints?: Readonly<Record<string, { name?: string; canonical_alias?: string }>>;
}

export interface BuiltImport {
  root: ImportedEntry;
  /** Settings every room and subspace declares, most with the same value: written once as `defaults:`. */
  defaults: Field[];
  diagnostics: Diagnostic[];
  /** Rooms written as entries, root included. */
  entryCount: number;
}

export function fieldOf<K extends FieldName>(
  e: ImportedEntry,
  name: K,
): WrittenFields[K] | undefined {
  return e.fields.find((f) => f[0] === name)?.[1] as WrittenFields[K] | undefined;
}
