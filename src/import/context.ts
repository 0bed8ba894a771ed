/**
 * What import's readers share while one space is imported, and the one way to leave a
 * field unmanaged: a comment above the entry and a warning, from the same words.
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { RoomId } from "../matrix/ids.ts";
import type { LiveRoom, LiveState } from "../state/model.ts";
import type { KeyAllocator } from "./keys.ts";
import type { BuildOptions, ImportedEntry } from "./model.ts";

export interface ImportContext {
  live: LiveState;
  byId: Map<string, LiveRoom>;
  keys: KeyAllocator;
  rootId: RoomId;
  /** Room id → address of the entry it was written as. */
  seen: Map<string, string>;
  /** Room id → the spaces of the tree that link it, for rooms linked from more than one. */
  multiParent: Map<string, string[]>;
  /** Rooms already warned about, so that each gets one warning. */
  warned: Set<string>;
  diagnostics: Diagnostic[];
  options: BuildOptions;
  entryCount: number;
}

export function warn(
  ctx: ImportContext,
  code: string,
  path: string,
  message: string,
  hint?: string,
): void {
  ctx.diagnostics.push({
    severity: "warning",
    code: `import.${code}`,
    message,
    path,
    ...(hint === undefined ? {} : { hint }),
  });
}

/**
 * Leaves a field of `entry` unmanaged: `why` becomes the comment written above the entry
 * and the warning `import.<code>`, so the file and the terminal say the same thing.
 */
export function unmanaged(
  ctx: ImportContext,
  entry: ImportedEntry,
  code: string,
  why: string,
  hint?: string,
): void {
  entry.notes.push(why);
  warn(ctx, code, entry.address, why, hint);
}

/** True unless the directory is known to point the alias elsewhere (or nowhere). */
export function aliasPointsAt(ctx: ImportContext, alias: string, room: LiveRoom): boolean {
  const target = ctx.live.aliases[alias];
  return target === undefined || target === room.room_id;
}
