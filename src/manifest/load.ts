/**
 * Loading manifests: the entry point the planner, the applier and `spaceform
 * validate` share.
 *
 *   loadManifest("spaces/de-rse.yaml")   → { manifest?, diagnostics }
 *   loadManifests(["spaces/"])           → { manifests, diagnostics }
 *
 * A manifest is returned only when it has no errors (warnings may remain).
 * Stages: YAML with positions (source.ts) → JSON Schema (schema.ts) → normalised
 * model with cross-field and policy checks (normalise.ts). Every stage reports all
 * it finds, so one run lists every problem. Nothing here touches the network or
 * imports matrix-js-sdk.
 */
import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import type { Diagnostic } from "../diagnostics.ts";
import { hasErrors } from "../diagnostics.ts";
import type { Manifest } from "./model.ts";
import { MANIFEST_VERSION } from "./model.ts";
import { normalise } from "./normalise.ts";
import { schemaDiagnostics } from "./schema.ts";
import { parseSource } from "./source.ts";
import { readManifestFile } from "./files.ts";
import { textRuleDiagnostics } from "./text-rules.ts";

import { positionOf } from "./fieldpath.ts";
import { allEntries } from "./model.ts";

export { positionOf, formatFieldPath } from "./fieldpath.ts";

export interface LoadResult {
  /** Present only when the manifest has no errors. */
  manifest?: Manifest;
  diagnostics: Diagnostic[];
}

export interface LoadManyResult {
  /** The manifests without errors, in path order. */
  manifests: Manifest[];
  /** Every manifest file that was examined, valid or not, in path order. */
  files: string[];
  diagnostics: Diagnostic[];
}

export const DEFAULT_MANIFEST_DIR = "spaces";
const MANIFEST_EXTENSIONS = [".yaml", ".yml"];

/** Loads, checks and normalises one manifest file. */
export async function loadManifest(file: string): Promise<LoadResult> {
  const read = await readManifestFile(file);
  if (!read.ok) return { diagnostics: [read.diagnostic] };
  const bytes = read.bytes;
  const text = bytes.toString("utf8");
  const source = parseSource(text, file);
  const diagnostics: Diagnostic[] = [...source.diagnostics];
  // After a syntax error the document's structure is a guess: report that alone.
  if (source.data === undefined) return { diagnostics };

  diagnostics.push(...textRuleDiagnostics(source.data, source, file));
  diagnostics.push(...schemaDiagnostics(source.data, source, file));
  const positions = { ...source.positions };
  const normalised = await normalise(source.data, {
    file,
    dir: dirname(resolve(file)),
    positions,
  });
  diagnostics.push(...normalised.diagnostics);
  sortByPosition(diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics };
  return {
    manifest: {
      file,
      name: manifestName(file),
      sha256: createHash("sha256").update(bytes).digest("hex"),
      version: MANIFEST_VERSION,
      space: normalised.space,
      policies: normalised.policies,
      positions,
    },
    diagnostics,
  };
}

/**
 * Loads every manifest named: a file, or a directory meaning every `*.yaml` and
 * `*.yml` directly in it. No paths means `spaces/`.
 */
export async function loadManifests(paths: readonly string[] = []): Promise<LoadManyResult> {
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  for (const p of paths.length ? paths : [DEFAULT_MANIFEST_DIR]) {
    const found = await manifestFiles(p);
    if ("error" in found) diagnostics.push(found.error);
    else files.push(...found.files);
  }
  const unique = [...new Set(files)];
  const manifests: Manifest[] = [];
  const byName = new Map<string, string>();
  for (const file of unique) {
    const result = await loadManifest(file);
    diagnostics.push(...result.diagnostics);
    const name = manifestName(file);
    const other = byName.get(name);
    if (other !== undefined) {
      diagnostics.push({
        severity: "error",
        code: "manifest.duplicate-name",
        message: `${file} and ${other} have the same manifest name \`${name}\`.`,
        hint: "The file name (without extension) identifies a manifest in the rooms it manages: rename one.",
        file,
      });
      continue;
    }
    byName.set(name, file);
    if (result.manifest) manifests.push(result.manifest);
  }
  diagnostics.push(...crossManifestConflicts(manifests));
  return { manifests, files: unique, diagnostics };
}

/**
 * Two manifests must not manage the same room: each apply would undo the other's.
 * Aliases are compared as written (`#general` in two files may mean two servers).
 */
function crossManifestConflicts(manifests: readonly Manifest[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const owners = new Map<string, { manifest: Manifest; path: string }>();
  for (const m of manifests) {
    for (const e of allEntries(m.space)) {
      const claims: [string, string, string][] = [];
      if (e.id !== undefined) claims.push([`id ${e.id}`, e.id, `${e.address}.id`]);
      if (e.alias !== undefined) claims.push([`alias ${e.alias}`, e.alias, `${e.address}.alias`]);
      (e.alt_aliases ?? []).forEach((a, i) => {
        claims.push([`alias ${a}`, a, `${e.address}.alt_aliases[${i}]`]);
      });
      for (const [claim, value, path] of claims) {
        const owner = owners.get(claim);
        if (owner === undefined) {
          owners.set(claim, { manifest: m, path });
          continue;
        }
        if (owner.manifest === m) continue; // reported by the manifest's own checks
        const pos = positionOf(m.positions, path);
        out.push({
          severity: "error",
          code: "manifest.claimed-twice",
          message: `${value} is also managed by ${owner.manifest.file} (\`${owner.path}\`).`,
          hint: "Each room belongs to one manifest; remove it from one of them.",
          file: m.file,
          ...(pos ? { line: pos.line, column: pos.column } : {}),
          path,
        });
      }
    }
  }
  return out;
}

/** Every file a path stands for (sorted), or why there is none. */
export async function manifestFiles(
  path: string,
): Promise<{ files: string[] } | { error: Diagnostic }> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    return { error: unreadable(path, err) };
  }
  if (!isDir) return { files: [path] };
  const names = (await readdir(path)).filter((n) => MANIFEST_EXTENSIONS.includes(extname(n)));
  if (names.length === 0) {
    return {
      error: {
        severity: "error",
        code: "manifest.none",
        message: `No manifests (*.yaml, *.yml) in ${path}.`,
        hint: "Write one, e.g. spaces/my-space.yaml; docs/manifest.md shows how.",
        file: path,
      },
    };
  }
  return { files: names.sort().map((n) => join(path, n)) };
}

/** `spaces/de-rse.yaml` → `de-rse`. */
export function manifestName(file: string): string {
  return basename(file, extname(file));
}

function unreadable(file: string, err: unknown): Diagnostic {
  const code = (err as { code?: string }).code;
  return {
    severity: "error",
    code: "manifest.unreadable",
    message:
      code === "ENOENT"
        ? `${file} does not exist.`
        : `${file} cannot be read (${code ?? String(err)}).`,
    ...(code === "ENOENT"
      ? { hint: "Name a manifest file or a folder of them (default: spaces/)." }
      : {}),
    file,
  };
}

function sortByPosition(diagnostics: Diagnostic[]): void {
  diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
