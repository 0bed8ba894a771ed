/**
 * `liveToManifest`: the pure heart of `spaceform import`. Live state in,
 * manifest YAML out, plus the warnings about what could not be written.
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { RoomId } from "../matrix/ids.ts";
import type { LiveState } from "../state/model.ts";
import { VERSION } from "../version.ts";
import { buildImport, type BuildOptions, type ImportedEntry } from "./build.ts";
import { renderManifest } from "./render.ts";

/** Where the schema sits relative to a manifest in the conventional `spaces/` folder. */
export const DEFAULT_SCHEMA_REF = "../schemas/space.schema.json";

export interface ImportOptions extends BuildOptions {
  /** What was imported and from where, for the header: `#space:example.org on https://example.org`. */
  importedFrom: string;
  now: Date;
  schemaRef?: string;
  /** spaceform's version for the header (default: this build's). */
  version?: string;
}

export interface ImportResult {
  yaml: string;
  diagnostics: Diagnostic[];
  /** Rooms and spaces written as entries, root included. */
  entryCount: number;
  /** The entries written, root first. */
  root: ImportedEntry;
}

export function importLiveState(
  live: LiveState,
  rootId: RoomId,
  options: ImportOptions,
): ImportResult {
  const built = buildImport(live, rootId, options);
  const yaml = renderManifest(built, {
    schemaRef: options.schemaRef ?? DEFAULT_SCHEMA_REF,
    importedFrom: options.importedFrom,
    userId: live.user_id,
    now: options.now,
    version: options.version ?? VERSION,
  });
  return { yaml, diagnostics: built.diagnostics, entryCount: built.entryCount, root: built.root };
}

/** The manifest text for the space `rootId` (see importLiveState for the warnings). */
export function liveToManifest(live: LiveState, rootId: RoomId, options: ImportOptions): string {
  return importLiveState(live, rootId, options).yaml;
}
