/**
 * Diagnostics: problems found in a manifest, a live space or a plan.
 *
 * They are collected and returned, never thrown, so that one run reports every
 * problem at once. Each one points at the place a user has to look: the file,
 * line and column, and the field path inside the manifest.
 */

export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `schema.unknown-field`, `policy.require-avatar`. */
  code: string;
  /** One plain sentence saying what is wrong. */
  message: string;
  /** What to do about it, where that helps. */
  hint?: string;
  /** Manifest file, as the user named it (relative paths stay relative). */
  file?: string;
  /** 1-based line and column of the offending node. */
  line?: number;
  column?: number;
  /** Field path inside the manifest, e.g. `rooms.general.topic`. */
  path?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/**
 * A problem the user can fix (bad input, refused plan, missing credentials).
 * The CLI's top-level handler prints it cleanly with exit code 1; anything else
 * that escapes is reported as a bug.
 */
export class UserError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(message: string, diagnostics: readonly Diagnostic[] = []) {
    super(message);
    this.name = "UserError";
    this.diagnostics = diagnostics;
  }
}
