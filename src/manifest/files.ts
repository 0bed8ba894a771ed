/**
 * Reading the files a manifest names (itself, its avatars) safely: a fork's
 * pull request can commit any of them, and Validate runs on forks. A file must
 *
 * - be inside the repository that holds the manifest: the nearest enclosing
 *   git repository, or the manifest's folder when there is none, after every
 *   symlink is resolved (realpath); `/proc`, `/dev` and `/sys` never are;
 * - be a regular file (not a FIFO, a device, a socket or a folder);
 * - be no larger than its limit: the size is checked before reading, and at
 *   most limit+1 bytes are ever read, whatever the file claims.
 *
 * Each refusal is a message for a diagnostic; nothing here throws for bad input.
 */
import { constants } from "node:fs";
import { open, realpath, stat } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import type { Diagnostic } from "../diagnostics.ts";

/** A manifest larger than this is refused (docs/manifest.md). */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
/**
 * An avatar larger than this is refused (docs/manifest.md). Matrix servers
 * default to 50 MB uploads (Synapse's max_upload_size) and many accept less;
 * the server's own limit (m.upload.size) is checked before uploading (src/apply/avatar.ts).
 */
export const MAX_AVATAR_BYTES = 10 * 1024 * 1024;

export type FileProblem =
  "missing" | "outside-repository" | "not-a-file" | "too-large" | "unreadable";

export type BoundedRead =
  | { ok: true; bytes: Buffer; realPath: string }
  | { ok: false; problem: FileProblem; message: string };

const SYSTEM_TREES = ["/proc", "/dev", "/sys"];

const inside = (path: string, root: string): boolean =>
  path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);

/** The nearest folder at or above `dir` holding `.git` (a folder, or a worktree's file), else `dir`; real paths. */
export async function repositoryRoot(dir: string): Promise<string> {
  const start = await realpath(dir).catch(() => dir);
  for (let d = start; ; d = dirname(d)) {
    const found = await stat(join(d, ".git")).then(
      () => true,
      () => false,
    );
    if (found) return d;
    if (dirname(d) === d) return start;
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, "")} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, "")} KiB`;
  return `${n} bytes`;
}

/**
 * Reads `path` if it is a regular file inside `root` of at most `limit` bytes.
 * `what` names it in messages ("The manifest", "The avatar file x.png").
 */
export async function readBoundedFile(
  path: string,
  options: { root: string; limit: number; what: string },
): Promise<BoundedRead> {
  const { root, limit, what } = options;
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR"
      ? { ok: false, problem: "missing", message: `${what} does not exist.` }
      : {
          ok: false,
          problem: "unreadable",
          message: `${what} cannot be read (${code ?? "error"}).`,
        };
  }
  const realRoot = await realpath(root).catch(() => root);
  if (!inside(real, realRoot) || SYSTEM_TREES.some((t) => inside(real, t))) {
    return {
      ok: false,
      problem: "outside-repository",
      message: `${what} resolves to ${real}, outside the repository that holds the manifest (${realRoot}).`,
    };
  }
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  let handle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      problem: "unreadable",
      message: `${what} cannot be read (${code ?? "error"}).`,
    };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      return { ok: false, problem: "not-a-file", message: `${what} is not a regular file.` };
    }
    const tooLarge = (size: string): BoundedRead => ({
      ok: false,
      problem: "too-large",
      message: `${what} is ${size}; the limit is ${limit} bytes (${formatBytes(limit)}).`,
    });
    if (st.size > limit) return tooLarge(`${st.size} bytes`);
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limit) return tooLarge(`larger than ${limit} bytes`);
    return { ok: true, bytes: buffer.subarray(0, length), realPath: real };
  } finally {
    await handle.close();
  }
}

type Refusal = Omit<Diagnostic, "file" | "line" | "column" | "path">;

/** Reads a manifest file with the rules above; a refusal is a diagnostic on the file. */
export async function readManifestFile(
  file: string,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; diagnostic: Diagnostic }> {
  const root = await repositoryRoot(dirname(resolve(file)));
  const read = await readBoundedFile(file, { root, limit: MAX_MANIFEST_BYTES, what: file });
  if (read.ok) return { ok: true, bytes: read.bytes };
  const hints: Record<FileProblem, string> = {
    missing: "Name a manifest file or a folder of them (default: spaces/).",
    "outside-repository":
      "A manifest is read only from inside its repository; replace the symlink by the file.",
    "not-a-file": "A manifest is a YAML file.",
    "too-large": `A manifest is at most ${formatBytes(MAX_MANIFEST_BYTES)}; split a very large space into several manifests.`,
    unreadable: "Check the file's permissions.",
  };
  return {
    ok: false,
    diagnostic: {
      severity: "error",
      code:
        read.problem === "missing" || read.problem === "unreadable"
          ? "manifest.unreadable"
          : `manifest.${read.problem}`,
      message: read.message,
      hint: hints[read.problem],
      file,
    },
  };
}

/**
 * Reads an avatar file named in a manifest (`written`, resolved to `abs`) with
 * the rules above, inside the repository of the manifest's folder `manifestDir`.
 */
export async function readAvatarFile(
  written: string,
  abs: string,
  manifestDir: string,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; refusal: Refusal }> {
  const root = await repositoryRoot(manifestDir);
  const read = await readBoundedFile(abs, {
    root,
    limit: MAX_AVATAR_BYTES,
    what: `The avatar file ${written}`,
  });
  if (read.ok) return { ok: true, bytes: read.bytes };
  const refusals: Record<FileProblem, Refusal> = {
    missing: {
      severity: "error",
      code: "avatar.missing",
      message: `The avatar file ${written} does not exist (looked for ${abs}).`,
      hint: "Paths are relative to the manifest's folder; or use an mxc:// URL.",
    },
    "outside-repository": {
      severity: "error",
      code: "avatar.outside-repository",
      message: read.message,
      hint: "Keep avatar images in the repository, next to the manifests, and name them by a relative path.",
    },
    "not-a-file": {
      severity: "error",
      code: "avatar.not-a-file",
      message: `The avatar ${written} is not a file.`,
      hint: "Name an image file, relative to the manifest.",
    },
    "too-large": {
      severity: "error",
      code: "avatar.too-large",
      message: read.message,
      hint: "Avatars are shown small: a PNG or JPEG of a few hundred pixels is plenty.",
    },
    unreadable: {
      severity: "error",
      code: "avatar.unreadable",
      message: read.message,
      hint: "Check the file's permissions.",
    },
  };
  return { ok: false, refusal: refusals[read.problem] };
}
