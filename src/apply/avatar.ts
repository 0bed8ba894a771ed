/**
 * Avatar files at apply time: read the image the plan names, check that it is
 * still the image the plan was made from, upload it, and build the
 * `m.room.avatar` content that records its hash, so that the next plan sees an
 * unchanged image and never uploads it again.
 */
import { createHash } from "node:crypto";
import { basename, resolve } from "node:path";
import { MAX_AVATAR_BYTES, readBoundedFile, repositoryRoot } from "../manifest/files.ts";
import { GatewayError, type SpaceWriter } from "../matrix/gateway.ts";
import type { AvatarFile } from "../plan/model.ts";

import { AVATAR_SHA256_KEY } from "../matrix/vocabulary.ts";

export interface UploadedAvatar {
  url: string;
  content: Record<string, unknown>;
}

/** The `mxc://` URL of each image this apply has uploaded, by its sha256 (hex). */
export type UploadedImages = Map<string, string>;

/**
 * Uploads `avatar` (a path relative to `baseDir`) and returns the `m.room.avatar`
 * content. Throws when the file is gone or its bytes no longer match the plan:
 * applying an image nobody reviewed would be a surprise.
 *
 * An image already in `uploaded` is not read or sent again: homeservers do not
 * deduplicate uploads, so a logo every room shares would otherwise be stored once
 * per room. Its URL holds exactly the bytes the plan expects, since they were
 * hashed before that first upload.
 */
export async function uploadAvatar(
  gateway: Pick<SpaceWriter, "upload">,
  avatar: AvatarFile,
  baseDir: string,
  uploaded: UploadedImages = new Map(),
  uploadLimit: () => Promise<number | null> = () => Promise.resolve(null),
): Promise<UploadedAvatar> {
  const known = uploaded.get(avatar.sha256);
  if (known !== undefined) return { url: known, content: avatarContent(known, avatar) };
  const limit = await uploadLimit();
  if (limit !== null && avatar.size > limit) {
    throw new Error(
      `the avatar file ${avatar.file} is ${avatar.size} bytes, but this homeserver accepts uploads of at most ${limit} bytes (m.upload.size); use a smaller image`,
    );
  }
  const path = resolve(baseDir, avatar.file);
  // The same rules as validate: a regular file inside the manifest's repository, within the size limit.
  const read = await readBoundedFile(path, {
    root: await repositoryRoot(baseDir),
    limit: MAX_AVATAR_BYTES,
    what: `the avatar file ${avatar.file}`,
  });
  if (!read.ok) throw new Error(read.message.replace(/\.$/, ""));
  const bytes = read.bytes;
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (sha256 !== avatar.sha256) {
    throw new Error(
      `the avatar file ${avatar.file} changed since the plan was made (sha256 ${sha256.slice(0, 12)}…, the plan expects ${avatar.sha256.slice(0, 12)}…); run plan again`,
    );
  }
  const url = await gateway.upload(new Uint8Array(bytes), {
    type: avatar.mimetype,
    name: basename(avatar.file),
  });
  uploaded.set(sha256, url);
  return { url, content: avatarContent(url, avatar) };
}

/**
 * The homeserver's upload limit, asked once per apply and only when an image is to
 * be uploaded; a server that does not answer the media config endpoint names none.
 */
export function uploadLimitOnce(
  gateway: Pick<SpaceWriter, "uploadLimit">,
): () => Promise<number | null> {
  let asked: Promise<number | null> | undefined;
  return () => {
    asked ??= gateway.uploadLimit().catch((err: unknown) => {
      if (err instanceof GatewayError && (err.httpStatus === 404 || err.httpStatus === 400)) {
        return null;
      }
      throw err;
    });
    return asked;
  };
}

export function avatarContent(url: string, avatar: AvatarFile): Record<string, unknown> {
  const info: Record<string, unknown> = { mimetype: avatar.mimetype, size: avatar.size };
  if (avatar.width !== undefined) info["w"] = avatar.width;
  if (avatar.height !== undefined) info["h"] = avatar.height;
  info[AVATAR_SHA256_KEY] = avatar.sha256;
  return { url, info };
}
