// The synthetic space the planner and apply benchmarks use: a root space and N rooms, each with
// a name, a topic, an alias, a join rule, power levels and the one avatar file they all share,
// written as a YAML manifest next to that image, so that the benchmarks go through the real
// loader (schema, defaults, avatar hashing) like `spaceform plan` does.
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { hasErrors } from "../src/diagnostics.ts";
import { loadManifest } from "../src/manifest/load.ts";
import type { Manifest } from "../src/manifest/model.ts";

/** A real 128×128 PNG (719 bytes): the project's example avatar. */
const AVATAR_SOURCE = fileURLToPath(new URL("../spaces/de-rse-logo.png", import.meta.url));
export const AVATAR_FILE = "avatar.png";

export interface SyntheticOptions {
  /** The manifest's name: its file is `<dir>/<name>.yaml`. Unique per run on a shared server. */
  name: string;
  rooms: number;
  /** The managing account: power level 100 everywhere. */
  managingUser: string;
  /** A second user at power level 50 (Synapse accepts users that do not exist). */
  moderator: string;
  /** Starts every alias localpart; aliases are `#<aliasPrefix>-<key>` on the managing account's server. */
  aliasPrefix: string;
}

/** Every third room is public, every other one restricted to the space's members, some invite-only. */
export function joinRuleOf(i: number): "public" | "restricted" | "invite" {
  return i % 3 === 0 ? "public" : i % 5 === 0 ? "invite" : "restricted";
}

export function roomKey(i: number): string {
  return `room-${String(i).padStart(3, "0")}`;
}

export function syntheticDocument(o: SyntheticOptions): Record<string, unknown> {
  const rooms: Record<string, unknown> = {};
  for (let i = 0; i < o.rooms; i++) {
    const key = roomKey(i);
    rooms[key] = {
      alias: `#${o.aliasPrefix}-${key}`,
      name: `Room ${i}`,
      topic: `Topic of room ${i}: a one-line description of what people talk about here.`,
      join_rule: joinRuleOf(i),
    };
  }
  return {
    version: 1,
    space: {
      alias: `#${o.aliasPrefix}-space`,
      name: "Benchmark space",
      topic: "A synthetic space for spaceform's benchmarks.",
      avatar: AVATAR_FILE,
      join_rule: "public",
      power_levels: { users: { [o.managingUser]: 100, [o.moderator]: 50 } },
    },
    defaults: {
      avatar: AVATAR_FILE,
      encrypted: false,
      power_levels: {
        users: { [o.managingUser]: 100, [o.moderator]: 50 },
        users_default: 0,
        state_default: 50,
        ban: 50,
        kick: 50,
        redact: 50,
        invite: 0,
      },
    },
    rooms,
    policies: { admins: [o.managingUser], min_moderators: 1, require_avatar: "error" },
  };
}

/** Writes the manifest and its avatar into `dir`; returns the manifest's path. */
export async function writeSyntheticManifest(dir: string, o: SyntheticOptions): Promise<string> {
  await mkdir(dir, { recursive: true });
  await copyFile(AVATAR_SOURCE, join(dir, AVATAR_FILE));
  const file = join(dir, `${o.name}.yaml`);
  await writeFile(file, stringify(syntheticDocument(o)));
  return file;
}

/** Loads a manifest that must be valid (a benchmark measures nothing on a broken input). */
export async function loadValid(file: string): Promise<Manifest> {
  const { manifest, diagnostics } = await loadManifest(file);
  if (!manifest || hasErrors(diagnostics)) {
    throw new Error(
      `${file} is not valid: ${diagnostics.map((d) => `${d.path ?? ""} ${d.message}`).join("; ")}`,
    );
  }
  return manifest;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** A Markdown table with the first `textColumns` columns left-aligned and the rest right-aligned. */
export function markdownTable(header: string[], rows: string[][], textColumns: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i < textColumns ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => `${"-".repeat(w + 1)}${i < textColumns ? "-" : ":"}`).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}
