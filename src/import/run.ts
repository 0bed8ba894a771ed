/**
 * `spaceform import`, the part that talks to the homeserver: resolve the space,
 * read its tree with the live-state reader, add what only import needs (the
 * directory listing of every room, where its aliases point, names of rooms it
 * cannot read, avatar images), then hand everything to the pure liveToManifest.
 *
 * Reads only: importing never changes the live space.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { UserError, type Diagnostic } from "../diagnostics.ts";
import { SCHEMA_FILE } from "../manifest/schema.ts";
import { allEntries } from "../manifest/model.ts";
import { sniffImage } from "../manifest/image.ts";
import type { HierarchySource, LiveStateSource, MediaSource } from "../matrix/gateway.ts";

/** What import reads: live state, the hierarchy (names of unreadable rooms), media (avatars). */
export type ImportSource = LiveStateSource & HierarchySource & MediaSource;
import { isRoomAlias, isRoomId, qualifyAlias, isLocalAliasShorthand } from "../matrix/ids.ts";
import type { RoomId } from "../matrix/ids.ts";
import { mapLimit } from "../util/concurrency.ts";
import type { LiveState } from "../state/model.ts";
import { contentOf } from "../matrix/vocabulary.ts";
import { buildImport, type DownloadedAvatar, type ImportedEntry } from "./build.ts";
import { importLiveState, type ImportResult } from "./manifest.ts";

/** The reader's tree walk (src/state/read.ts `readSpaceTree`), injected so tests can stand in for it. */
export type ReadSpaceTree = (
  gateway: ImportSource,
  root: RoomId,
  options: { userId: string; serverName: string },
) => Promise<LiveState>;

export interface ImportRequest {
  /** As the user typed it: `#space:example.org`, `#space` (the account's server) or `!id:example.org`. */
  target: string;
  /** The homeserver's base URL, for the header. */
  homeserver: string;
  /** Where the manifest will be written; undefined = stdout (paths are then relative to cwd). */
  outFile?: string;
  /** `--download-avatars DIR`. */
  avatarDir?: string;
  /** Overwrite avatar files that exist with other content. */
  force: boolean;
  now: Date;
  log: (line: string) => void;
  cwd?: string;
  /** `--schema REF`: the `$schema` reference to write instead of the packaged schema's path. */
  schema?: string;
}

export interface ImportOutcome extends ImportResult {
  rootId: RoomId;
  live: LiveState;
  /** Avatar files written, as paths relative to cwd. */
  savedAvatars: string[];
}

/** Parallel requests, bounded so that a big space does not open hundreds of connections. */
const PARALLEL = 8;

/** The room id of the space the user named. */
export async function resolveTarget(
  gateway: ImportSource,
  target: string,
  serverName: string,
): Promise<RoomId> {
  const t = target.trim();
  if (isRoomId(t)) return t;
  if (isRoomAlias(t) || isLocalAliasShorthand(t)) {
    const alias = qualifyAlias(t, serverName);
    const found = await gateway.resolveAlias(alias);
    if (found === null) {
      throw new UserError(`The alias ${alias} does not exist on the homeserver.`, [
        {
          severity: "error",
          code: "import.no-such-alias",
          message: `${alias} is not in the room directory.`,
          hint: "check the spelling, or pass the space's room id (!…:server) instead",
        },
      ]);
    }
    return found.room_id;
  }
  throw new UserError(
    `${JSON.stringify(target)} is neither a room alias (#space:example.org) nor a room id (!abc:example.org).`,
  );
}

/** Every imported entry, root first. */
const entriesOf = (root: ImportedEntry): ImportedEntry[] => allEntries(root);

/** Canonical and alternative aliases of the rooms, to check where the directory points them. */
function aliasesIn(live: LiveState, roomIds: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const room of live.rooms) {
    if (!roomIds.has(room.room_id)) continue;
    const c = contentOf(room, "m.room.canonical_alias") ?? {};
    const alias = c["alias"];
    if (typeof alias === "string" && isRoomAlias(alias)) out.add(alias);
    const alt = c["alt_aliases"];
    if (Array.isArray(alt)) {
      for (const a of alt) if (typeof a === "string" && isRoomAlias(a)) out.add(a);
    }
  }
  return [...out].sort();
}

const EXTENSION: Record<string, string> = {
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/gif": ".gif",
  "image/webp": ".webp",
};

/** `a/b` with forward slashes, as a manifest writes paths on every system. */
function posix(path: string): string {
  return path.split(sep).join("/");
}

async function existingBytes(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/**
 * Saves each distinct avatar image once, named after the first entry that uses
 * it, and returns the paths as the manifest will write them.
 */
async function downloadAvatars(
  gateway: ImportSource,
  live: LiveState,
  root: ImportedEntry,
  req: ImportRequest & { avatarDir: string },
  diagnostics: Diagnostic[],
  saved: string[],
): Promise<Record<string, DownloadedAvatar>> {
  const cwd = req.cwd ?? process.cwd();
  const manifestDir = req.outFile === undefined ? cwd : dirname(resolve(cwd, req.outFile));
  const dir = resolve(cwd, req.avatarDir);
  const byId = new Map(live.rooms.map((r) => [r.room_id as string, r]));
  const wanted = new Map<string, ImportedEntry>();
  for (const e of entriesOf(root)) {
    const room = byId.get(e.room_id);
    const url = room && contentOf(room, "m.room.avatar")?.["url"];
    if (typeof url === "string" && url.startsWith("mxc://") && !wanted.has(url)) wanted.set(url, e);
  }
  if (wanted.size === 0) return {};
  await mkdir(dir, { recursive: true });
  const out: Record<string, DownloadedAvatar> = {};
  await mapLimit([...wanted], PARALLEL, async ([url, entry]) => {
    let data: Uint8Array;
    try {
      data = (await gateway.download(url)).data;
    } catch (err) {
      diagnostics.push({
        severity: "warning",
        code: "import.avatar-download",
        path: `${entry.address}.avatar`,
        message: `could not download the avatar ${url}: ${err instanceof Error ? err.message : String(err)}; it stays an mxc:// URL`,
      });
      return;
    }
    const image = sniffImage(data);
    if (image === undefined) {
      diagnostics.push({
        severity: "warning",
        code: "import.avatar-not-image",
        path: `${entry.address}.avatar`,
        message: `the avatar ${url} is not a PNG, JPEG, GIF or WebP image; it stays an mxc:// URL`,
      });
      return;
    }
    const file = join(dir, `${entry.key}${EXTENSION[image.mimetype] ?? ""}`);
    const before = await existingBytes(file);
    if (before !== undefined && !before.equals(data) && !req.force) {
      throw new UserError(
        `${relative(cwd, file)} exists with other content; pass --force to overwrite it.`,
      );
    }
    if (before === undefined || !before.equals(data)) await writeFile(file, data);
    saved.push(relative(cwd, file));
    out[url] = {
      file: posix(relative(manifestDir, file)),
      sha256: createHash("sha256").update(data).digest("hex"),
    };
  });
  return out;
}

export async function runImport(
  gateway: ImportSource,
  readSpaceTree: ReadSpaceTree,
  req: ImportRequest,
  identity?: { userId: string; serverName: string },
): Promise<ImportOutcome> {
  let who = identity;
  if (who === undefined) {
    const w = await gateway.whoami();
    who = { userId: w.user_id, serverName: w.server_name };
  }
  const rootId = await resolveTarget(gateway, req.target, who.serverName);
  req.log(`Reading the space ${req.target === rootId ? rootId : `${req.target} (${rootId})`} …`);
  // The tree below the root, every room's state and its directory listing.
  const live = await readSpaceTree(gateway, rootId, who);

  // Where the directory points each alias the rooms name: only an alias that still
  // points at its room is written (see build.ts).
  const first = buildImport(live, rootId);
  const ids = new Set(entriesOf(first.root).map((e) => e.room_id as string));
  const resolved = await mapLimit(aliasesIn(live, ids), PARALLEL, async (alias) => {
    const r = await gateway.resolveAlias(alias);
    return [alias, r === null ? null : r.room_id] as const;
  });
  live.aliases = { ...live.aliases, ...Object.fromEntries(resolved) };

  // The hierarchy names rooms whose state the account cannot read (public or peekable ones).
  const roomHints: Record<string, { name?: string; canonical_alias?: string }> = {};
  if (first.diagnostics.some((d) => d.code === "import.unreadable-room")) {
    try {
      for (const h of await gateway.hierarchy(rootId)) {
        roomHints[h.room_id] = {
          ...(h.name === undefined ? {} : { name: h.name }),
          ...(h.canonical_alias === undefined ? {} : { canonical_alias: h.canonical_alias }),
        };
      }
    } catch (err) {
      req.log(
        `(the space hierarchy could not be read: ${err instanceof Error ? err.message : String(err)})`,
      );
    }
  }

  const diagnostics: Diagnostic[] = [];
  const savedAvatars: string[] = [];
  const avatarFiles =
    req.avatarDir === undefined
      ? {}
      : await downloadAvatars(
          gateway,
          live,
          first.root,
          { ...req, avatarDir: req.avatarDir },
          diagnostics,
          savedAvatars,
        );

  const importedFrom = `${req.target}${req.target === rootId ? "" : ` (${rootId})`} on ${req.homeserver}`;
  const result = importLiveState(live, rootId, {
    importedFrom,
    now: req.now,
    schemaRef: schemaRef(req),
    avatarFiles,
    roomHints,
  });
  return {
    ...result,
    diagnostics: [...result.diagnostics, ...diagnostics],
    rootId,
    live,
    savedAvatars: savedAvatars.sort(),
  };
}

/**
 * The `$schema` reference the manifest's first line gives editors: `--schema`
 * when given; else the path, relative to the manifest, of spaceform's own schema
 * when it lies inside the working tree (spaceform's repository, or a local
 * install in node_modules); else where a local install of spaceform will put it,
 * `node_modules/spaceform/schemas/space.schema.json` in the folder import runs
 * in (the repository's root). So the line resolves in any repository that has
 * spaceform as a dev dependency (docs/import.md, "The schema line").
 */
export function schemaRef(req: Pick<ImportRequest, "outFile" | "cwd" | "schema">): string {
  if (req.schema !== undefined) return req.schema;
  const cwd = req.cwd ?? process.cwd();
  const own = decodeURIComponent(SCHEMA_FILE.pathname);
  const fromCwd = relative(cwd, own);
  const schema =
    fromCwd.startsWith("..") || isAbsolute(fromCwd)
      ? join(cwd, "node_modules", "spaceform", "schemas", "space.schema.json")
      : own;
  const manifestDir = req.outFile === undefined ? cwd : dirname(resolve(cwd, req.outFile));
  return posix(relative(manifestDir, schema));
}
