import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { sniffImage } from "../../src/manifest/image.ts";

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(
    parts.flatMap((p) => (typeof p === "string" ? Array.from(p, (c) => c.charCodeAt(0)) : p)),
  );
const u16le = (n: number): number[] => [n & 0xff, n >> 8];
const u16be = (n: number): number[] => [n >> 8, n & 0xff];
const u24le = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, n >> 16];

describe("sniffImage", () => {
  it("reads a PNG's size from IHDR", () => {
    const png = readFileSync("test/fixtures/manifest/valid/logo.png");
    assert.deepEqual(sniffImage(png), { mimetype: "image/png", width: 4, height: 3 });
    assert.deepEqual(sniffImage(readFileSync("spaces/de-rse-logo.png")), {
      mimetype: "image/png",
      width: 128,
      height: 128,
    });
  });

  it("reads a GIF's logical screen size", () => {
    assert.deepEqual(sniffImage(bytes("GIF89a", u16le(300), u16le(20), [0, 0, 0])), {
      mimetype: "image/gif",
      width: 300,
      height: 20,
    });
  });

  it("walks JPEG segments to the start-of-frame marker", () => {
    const app0 = [
      0xff,
      0xe0,
      ...u16be(16),
      ...Array.from("JFIF\0", (c) => c.charCodeAt(0)),
      1,
      1,
      0,
      0,
      1,
      0,
      1,
      0,
      0,
    ];
    const dqt = [0xff, 0xdb, ...u16be(4), 0, 0];
    const sof2 = [
      0xff,
      0xc2,
      ...u16be(17),
      8,
      ...u16be(480),
      ...u16be(640),
      3,
      ...Array<number>(9).fill(0),
    ];
    assert.deepEqual(sniffImage(bytes([0xff, 0xd8], app0, dqt, sof2)), {
      mimetype: "image/jpeg",
      width: 640,
      height: 480,
    });
  });

  it("reads WebP sizes from VP8X, VP8L and VP8 headers", () => {
    const riff = (chunk: string, body: number[]): Uint8Array =>
      bytes("RIFF", [0, 0, 0, 0], "WEBP", chunk, [0, 0, 0, 0], body);
    assert.deepEqual(sniffImage(riff("VP8X", [0, 0, 0, 0, ...u24le(511), ...u24le(255)])), {
      mimetype: "image/webp",
      width: 512,
      height: 256,
    });
    // VP8L: signature 0x2f, then 14 bits width-1 and 14 bits height-1, little-endian bit order.
    const w = 99;
    const h = 49;
    const bits = (w - 1) | ((h - 1) << 14);
    assert.deepEqual(
      sniffImage(
        riff("VP8L", [
          0x2f,
          bits & 0xff,
          (bits >> 8) & 0xff,
          (bits >> 16) & 0xff,
          (bits >> 24) & 0xff,
        ]),
      ),
      {
        mimetype: "image/webp",
        width: 99,
        height: 49,
      },
    );
    assert.deepEqual(
      sniffImage(riff("VP8 ", [0, 0, 0, 0x9d, 0x01, 0x2a, ...u16le(64), ...u16le(32)])),
      {
        mimetype: "image/webp",
        width: 64,
        height: 32,
      },
    );
  });

  it("recognises by content, not by name, and rejects other data", () => {
    assert.equal(sniffImage(readFileSync("test/fixtures/manifest/not-an-image.png")), undefined);
    assert.equal(sniffImage(bytes("BM", [0, 0, 0, 0])), undefined, "BMP is not accepted");
    assert.equal(sniffImage(new Uint8Array()), undefined);
  });

  it("keeps the type of a truncated image but not a size it cannot read", () => {
    assert.deepEqual(sniffImage(bytes([0x89], "PNG\r\n\x1a\n")), { mimetype: "image/png" });
    assert.deepEqual(sniffImage(bytes([0xff, 0xd8, 0xff])), { mimetype: "image/jpeg" });
  });
});
