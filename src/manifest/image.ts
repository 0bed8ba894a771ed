/**
 * Recognises the image formats Matrix clients display as avatars by their magic
 * bytes (never by file extension) and reads their dimensions from the header,
 * for the `info` of `m.room.avatar`.
 */
export interface ImageInfo {
  mimetype: "image/png" | "image/jpeg" | "image/gif" | "image/webp";
  width?: number;
  height?: number;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((b, i) => bytes[at + i] === b);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/** The image type and size, or undefined when the bytes are not a PNG, JPEG, GIF or WebP image. */
export function sniffImage(bytes: Uint8Array): ImageInfo | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16be = (at: number): number | undefined =>
    at + 2 <= bytes.length ? view.getUint16(at, false) : undefined;
  const u16le = (at: number): number | undefined =>
    at + 2 <= bytes.length ? view.getUint16(at, true) : undefined;
  const u32be = (at: number): number | undefined =>
    at + 4 <= bytes.length ? view.getUint32(at, false) : undefined;
  const withSize = (info: ImageInfo, width?: number, height?: number): ImageInfo =>
    width !== undefined && height !== undefined && width > 0 && height > 0
      ? { ...info, width, height }
      : info;

  if (startsWith(bytes, PNG_SIGNATURE)) {
    // The first chunk is IHDR: length (4), "IHDR" (4), width (4), height (4).
    const ok = startsWith(bytes, ascii("IHDR"), 12);
    return withSize(
      { mimetype: "image/png" },
      ok ? u32be(16) : undefined,
      ok ? u32be(20) : undefined,
    );
  }
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) {
    return withSize({ mimetype: "image/gif" }, u16le(6), u16le(8));
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    return withSize({ mimetype: "image/jpeg" }, ...jpegSize(bytes, u16be));
  }
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) {
    return withSize({ mimetype: "image/webp" }, ...webpSize(bytes, u16le));
  }
  return undefined;
}

/** Walks the JPEG segments up to the first start-of-frame marker, which holds the size. */
function jpegSize(
  bytes: Uint8Array,
  u16be: (at: number) => number | undefined,
): [number | undefined, number | undefined] | [] {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return [];
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return [u16be(at + 7), u16be(at + 5)];
    }
    const length = u16be(at + 2);
    if (length === undefined || length < 2) return [];
    at += 2 + length;
  }
  return [];
}

function webpSize(
  bytes: Uint8Array,
  u16le: (at: number) => number | undefined,
): [number | undefined, number | undefined] | [] {
  const u24le = (at: number): number | undefined =>
    at + 3 <= bytes.length
      ? (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16)
      : undefined;
  const plus1 = (n: number | undefined): number | undefined => (n === undefined ? n : n + 1);
  if (startsWith(bytes, ascii("VP8X"), 12)) return [plus1(u24le(24)), plus1(u24le(27))];
  if (startsWith(bytes, ascii("VP8L"), 12) && bytes[20] === 0x2f) {
    const b = (i: number): number => bytes[21 + i] ?? 0;
    const width = 1 + (((b(1) & 0x3f) << 8) | b(0));
    const height = 1 + (((b(3) & 0x0f) << 10) | (b(2) << 2) | ((b(1) & 0xc0) >> 6));
    return [width, height];
  }
  if (startsWith(bytes, ascii("VP8 "), 12)) {
    const w = u16le(26);
    const h = u16le(28);
    return [w === undefined ? w : w & 0x3fff, h === undefined ? h : h & 0x3fff];
  }
  return [];
}
