/** An avatar named as a file in a manifest: read (files.ts), checked to be an image, and hashed. */
import { createHash } from "node:crypto";
import type { Diagnostic } from "../diagnostics.ts";
import { readAvatarFile } from "./files.ts";
import { sniffImage } from "./image.ts";
import type { AvatarSpec } from "./model.ts";

/** Reads an avatar file: it must exist and be a PNG, JPEG, GIF or WebP image. */
export async function readAvatar(
  written: string,
  abs: string,
  dir: string,
  report: (d: Omit<Diagnostic, "file" | "line" | "column" | "path">) => void,
): Promise<AvatarSpec | undefined> {
  const read = await readAvatarFile(written, abs, dir);
  if (!read.ok) {
    report(read.refusal);
    return undefined;
  }
  const bytes = read.bytes;
  const info = sniffImage(bytes);
  if (!info) {
    report({
      severity: "error",
      code: "avatar.not-an-image",
      message: `The avatar file ${written} is not a PNG, JPEG, GIF or WebP image.`,
      hint: "Matrix clients show these four formats; convert the image (SVG too) to PNG.",
    });
    return undefined;
  }
  return {
    kind: "file",
    written,
    path: abs,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    mimetype: info.mimetype,
    size: bytes.length,
    ...(info.width !== undefined ? { width: info.width } : {}),
    ...(info.height !== undefined ? { height: info.height } : {}),
  };
}
