/**
 * The hand-off of a pull request's manifests from the untrusted `pull_request`
 * run (no secrets, a read-only token, the pull request's own files) to the
 * trusted `workflow_run` run (the default branch's spaceform, the secrets).
 * It travels as a workflow artifact, and it is DATA:
 *
 *   pull-request.json   {"version": 1, "pull_request": N, "head_sha": "<40 hex>"}
 *   spaces/…            the manifests (.yaml, .yml) and avatar images (.png, .jpg, .jpeg, .gif, .webp)
 *
 * The untrusted side may have been rewritten by the pull request itself, so the
 * trusted side believes nothing of it: `checkHandOff` walks the downloaded folder
 * without following links and refuses anything but the layout above, with
 * bounded sizes and counts; the pull request number is only used once its head
 * commit matches the one GitHub names in the workflow_run event (receive.ts).
 * Nothing in the artifact is ever executed: it is read as YAML and images.
 */
import { copyFile, lstat, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { extname, join, relative } from "node:path";
import { formatBytes, MAX_AVATAR_BYTES, MAX_MANIFEST_BYTES } from "../manifest/files.ts";

export const HAND_OFF_ARTIFACT = "spaceform-pull-request";
export const HAND_OFF_META = "pull-request.json";
/** The manifests' folder inside the hand-off, whatever it is called in the repository. */
export const HAND_OFF_MANIFESTS = "spaces";

export const MAX_HAND_OFF_FILES = 500;
export const MAX_HAND_OFF_BYTES = 64 * 1024 * 1024;
const MAX_META_BYTES = 1024;
const MAX_DEPTH = 8;

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml"]);
const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".gif", ".webp"]);
/** Names a hand-off may contain: no leading dot, no control characters, no separators. */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+@ -]{0,127}$/;

export interface HandOffMeta {
  pullRequest: number;
  headSha: string;
}

/** The limit of one file by its extension, or undefined when the extension is not allowed. */
function limitFor(name: string): number | undefined {
  const ext = extname(name).toLowerCase();
  if (MANIFEST_EXTENSIONS.has(ext)) return MAX_MANIFEST_BYTES;
  if (IMAGE_EXTENSIONS.has(ext)) return MAX_AVATAR_BYTES;
  return undefined;
}

/**
 * Untrusted side: copies the manifests and images below `manifestsDir` into
 * `outDir/spaces/` and writes pull-request.json. Links and other files are left
 * out (and listed), and so are files over their size limit (validate reports
 * those), so that what the artifact holds is what the trusted side accepts.
 */
export async function packHandOff(
  manifestsDir: string,
  outDir: string,
  meta: HandOffMeta,
): Promise<{ files: string[]; leftOut: string[] }> {
  const files: string[] = [];
  const leftOut: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = join(dir, e.name);
      const rel = relative(manifestsDir, abs);
      if (!SAFE_NAME.test(e.name)) leftOut.push(rel);
      else if (e.isDirectory() && depth < MAX_DEPTH) await walk(abs, depth + 1);
      else if (e.isFile() && limitFor(e.name) !== undefined) {
        // Too large for the trusted side: left out here, and validate reports it.
        if ((await lstat(abs)).size <= (limitFor(e.name) ?? 0)) files.push(rel);
        else leftOut.push(rel);
      } else leftOut.push(rel);
    }
  };
  await walk(manifestsDir, 1);
  const target = join(outDir, HAND_OFF_MANIFESTS);
  await mkdir(target, { recursive: true });
  for (const rel of files) {
    await mkdir(join(target, rel, ".."), { recursive: true });
    await copyFile(join(manifestsDir, rel), join(target, rel));
  }
  const json = { version: 1, pull_request: meta.pullRequest, head_sha: meta.headSha };
  await writeFile(join(outDir, HAND_OFF_META), `${JSON.stringify(json)}\n`);
  return { files, leftOut };
}

export type HandOffCheck =
  | { ok: true; meta: HandOffMeta; files: string[] }
  /** `meta`: pull-request.json when it was well-formed, to report the refusal on its pull request. */
  | { ok: false; problems: string[]; meta?: HandOffMeta };

/** A name as data in a message: JSON-quoted, so control characters show as escapes. */
const quote = (s: string): string => JSON.stringify(s);

/** Parses pull-request.json's text; undefined with a problem when it is not exactly the format. */
export function parseHandOffMeta(text: string): HandOffMeta | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `${HAND_OFF_META} is not JSON.`;
  }
  const v = value as Record<string, unknown>;
  const keys = typeof value === "object" && value !== null ? Object.keys(v).sort() : [];
  if (
    keys.join(",") !== "head_sha,pull_request,version" ||
    v["version"] !== 1 ||
    typeof v["pull_request"] !== "number" ||
    !Number.isSafeInteger(v["pull_request"]) ||
    v["pull_request"] < 1 ||
    typeof v["head_sha"] !== "string" ||
    !/^[0-9a-f]{40}$/.test(v["head_sha"])
  ) {
    return `${HAND_OFF_META} must be exactly {"version": 1, "pull_request": <number>, "head_sha": "<40 hex digits>"}.`;
  }
  return { pullRequest: v["pull_request"], headSha: v["head_sha"] };
}

/**
 * Trusted side: checks a downloaded hand-off folder. Every problem is listed;
 * nothing is followed (lstat), opened beyond its size limit, or executed.
 */
export async function checkHandOff(dir: string): Promise<HandOffCheck> {
  const problems: string[] = [];
  const files: string[] = [];
  let total = 0;
  let meta: HandOffMeta | undefined;

  const top = await readdir(dir).catch(() => undefined);
  if (top === undefined) return { ok: false, problems: [`The hand-off folder ${dir} is missing.`] };
  for (const name of top.sort()) {
    if (name !== HAND_OFF_META && name !== HAND_OFF_MANIFESTS)
      problems.push(
        `${quote(name)} is not part of a hand-off (only ${HAND_OFF_META} and ${HAND_OFF_MANIFESTS}/).`,
      );
  }

  const metaPath = join(dir, HAND_OFF_META);
  const metaStat = await lstat(metaPath).catch(() => undefined);
  if (metaStat === undefined) problems.push(`${HAND_OFF_META} is missing.`);
  else if (!metaStat.isFile()) problems.push(`${HAND_OFF_META} is not a regular file.`);
  else if (metaStat.size > MAX_META_BYTES)
    problems.push(`${HAND_OFF_META} is ${metaStat.size} bytes; the limit is ${MAX_META_BYTES}.`);
  else {
    const parsed = parseHandOffMeta(await readFile(metaPath, "utf8"));
    if (typeof parsed === "string") problems.push(parsed);
    else meta = parsed;
  }

  const walk = async (abs: string, rel: string, depth: number): Promise<void> => {
    for (const name of (await readdir(abs)).sort()) {
      const path = `${rel}/${name}`;
      if (!SAFE_NAME.test(name)) {
        problems.push(
          `${quote(path)}: a name in a hand-off is letters, digits and _ . + @ - or space, not starting with a dot.`,
        );
        continue;
      }
      const st = await lstat(join(abs, name));
      if (st.isSymbolicLink())
        problems.push(`${quote(path)} is a symbolic link; a hand-off holds only files.`);
      else if (st.isDirectory()) {
        if (depth >= MAX_DEPTH)
          problems.push(`${quote(path)} is nested deeper than ${MAX_DEPTH} folders.`);
        else await walk(join(abs, name), path, depth + 1);
      } else if (!st.isFile()) problems.push(`${quote(path)} is not a regular file.`);
      else {
        const limit = limitFor(name);
        if (limit === undefined)
          problems.push(
            `${quote(path)} is neither a manifest (.yaml, .yml) nor an avatar image (.png, .jpg, .jpeg, .gif, .webp).`,
          );
        else if (st.size > limit)
          problems.push(
            `${quote(path)} is ${st.size} bytes; the limit is ${limit} bytes (${formatBytes(limit)}).`,
          );
        else {
          total += st.size;
          files.push(path);
        }
      }
    }
  };
  const spaces = await lstat(join(dir, HAND_OFF_MANIFESTS)).catch(() => undefined);
  if (spaces === undefined) problems.push(`${HAND_OFF_MANIFESTS}/ is missing.`);
  else if (!spaces.isDirectory()) problems.push(`${HAND_OFF_MANIFESTS} is not a folder.`);
  else await walk(join(dir, HAND_OFF_MANIFESTS), HAND_OFF_MANIFESTS, 1);

  if (files.length > MAX_HAND_OFF_FILES)
    problems.push(`The hand-off holds ${files.length} files; the limit is ${MAX_HAND_OFF_FILES}.`);
  if (total > MAX_HAND_OFF_BYTES)
    problems.push(
      `The hand-off holds ${formatBytes(total)}; the limit is ${formatBytes(MAX_HAND_OFF_BYTES)}.`,
    );
  if (meta === undefined) return { ok: false, problems };
  if (problems.length > 0) return { ok: false, problems, meta };
  return { ok: true, meta, files };
}
