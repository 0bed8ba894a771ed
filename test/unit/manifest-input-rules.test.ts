/**
 * Hostile manifests: control and bidi characters in names, topics, aliases and
 * user ids, lookalike aliases, numbers beyond canonical JSON, and files that a
 * fork could commit to make validate read forever or read outside the
 * repository (symlinks to /dev/zero and out of the repository, a FIFO, /proc,
 * a 3 GiB sparse file, an oversized avatar). Each is one diagnostic with file,
 * line and field, and the manifest is not loaded.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Diagnostic } from "../../src/diagnostics.ts";
import { loadManifest } from "../../src/manifest/load.ts";
import { MAX_AVATAR_BYTES } from "../../src/manifest/files.ts";
import { runCliSync } from "../support/run-cli.ts";

let dir: string;
let repo: string;
let outside: string;
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

before(() => {
  dir = mkdtempSync(join(tmpdir(), "spaceform-input-"));
  repo = join(dir, "repo");
  outside = join(dir, "outside");
  mkdirSync(join(repo, ".git"), { recursive: true });
  mkdirSync(join(repo, "spaces"));
  mkdirSync(outside);
  writeFileSync(join(repo, "spaces", "logo.png"), PNG);
  writeFileSync(join(outside, "secret.png"), PNG);
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A manifest in the repository's spaces/ folder; `rooms` lines go below `rooms:`. */
function manifest(name: string, rooms: string[], space: string[] = []): string {
  const file = join(repo, "spaces", `${name}.yaml`);
  writeFileSync(
    file,
    [
      "version: 1",
      "space:",
      '  alias: "#space:example.org"',
      "  name: Space",
      ...space,
      "rooms:",
      ...rooms,
      "",
    ].join("\n"),
  );
  return file;
}

const brief = (d: Diagnostic) => ({
  severity: d.severity,
  code: d.code,
  line: d.line,
  path: d.path,
  message: d.message,
});

describe("input rules for text and numbers", () => {
  it("refuses control characters and bidi overrides in names, topics, aliases and user ids, naming the code point", async () => {
    const file = manifest("hostile", [
      "  general:",
      '    name: "General\\e]0;owned\\a"',
      '    topic: "Line one\\nline two\\u0000"',
      '    alias: "#gen\\u202Eral:example.org"',
      "    power_levels:",
      "      users:",
      '        "@bob\\u0007:example.org": 50',
    ]);
    const { manifest: m, diagnostics } = await loadManifest(file);
    assert.equal(m, undefined, "a manifest with these errors is not loaded");
    const rules = diagnostics.filter((d) => d.code === "text.control-character").map(brief);
    const why =
      "a control character that could hide or disguise text in terminals and pull requests.";
    assert.deepEqual(rules, [
      {
        severity: "error",
        code: "text.control-character",
        line: 7,
        path: "rooms.general.name",
        message: `The value contains U+001B ESCAPE, ${why}`,
      },
      {
        severity: "error",
        code: "text.control-character",
        line: 8,
        path: "rooms.general.topic",
        message: `The value contains U+0000 NULL, ${why}`,
      },
      {
        severity: "error",
        code: "text.control-character",
        line: 9,
        path: "rooms.general.alias",
        message: `The value contains U+202E RIGHT-TO-LEFT OVERRIDE, ${why}`,
      },
      {
        severity: "error",
        code: "text.control-character",
        line: 12,
        path: 'rooms.general.power_levels.users["@bob\\u0007:example.org"]',
        message: `The key contains U+0007 BELL, ${why}`,
      },
    ]);
    assert.ok(diagnostics.every((d) => d.file === file));
  });

  it("lets a topic have line breaks, and nothing else", async () => {
    const file = manifest("multiline", ["  general:", '    topic: "Line one\\nline two\\tend"']);
    const { manifest: m, diagnostics } = await loadManifest(file);
    assert.deepEqual(diagnostics, []);
    assert.ok(m);
    const named = manifest("name-newline", ["  general:", '    name: "General\\n# ✅ No changes"']);
    const r = await loadManifest(named);
    assert.deepEqual(r.diagnostics.map(brief), [
      {
        severity: "error",
        code: "text.control-character",
        line: 7,
        path: "rooms.general.name",
        message:
          "The value contains U+000A LINE FEED, a control character that could hide or disguise text in terminals and pull requests.",
      },
    ]);
  });

  it("warns about an alias with lookalike non-ASCII letters", async () => {
    const file = manifest("confusable", ["  general:", '    alias: "#gener\u0430l:example.org"']);
    const { manifest: m, diagnostics } = await loadManifest(file);
    assert.ok(m, "a warning does not stop the manifest");
    assert.deepEqual(diagnostics.map(brief), [
      {
        severity: "warning",
        code: "alias.confusable",
        line: 7,
        path: "rooms.general.alias",
        message:
          'The alias contains the non-ASCII character U+0430 ("\u0430", which looks like "a"): an alias that looks the same may not be.',
      },
    ]);
  });

  it("refuses power levels outside ±(2^53−1)", async () => {
    const file = manifest("huge", [
      "  general:",
      "    power_levels:",
      "      users_default: 9007199254740992",
      "      ban: -9007199254740991",
    ]);
    const { manifest: m, diagnostics } = await loadManifest(file);
    assert.equal(m, undefined);
    assert.deepEqual(diagnostics.filter((d) => d.code === "number.out-of-range").map(brief), [
      {
        severity: "error",
        code: "number.out-of-range",
        line: 8,
        path: "rooms.general.power_levels.users_default",
        message:
          "9007199254740992 is outside the range Matrix accepts (integers from -(2^53-1) to 2^53-1); the homeserver would reject the event.",
      },
    ]);
  });
});

describe("files a manifest names", () => {
  const refusal = async (file: string) => (await loadManifest(file)).diagnostics.map(brief);

  it("refuses a manifest that is a symlink to /dev/zero, without reading it", async () => {
    const file = join(repo, "spaces", "zero.yaml");
    symlinkSync("/dev/zero", file);
    assert.deepEqual(await refusal(file), [
      {
        severity: "error",
        code: "manifest.outside-repository",
        line: undefined,
        path: undefined,
        message: `${file} resolves to /dev/zero, outside the repository that holds the manifest (${repo}).`,
      },
    ]);
  });

  it("refuses a manifest symlinked out of the repository, a FIFO, and a 3 GiB sparse file", async () => {
    writeFileSync(join(outside, "other.yaml"), "version: 1\n");
    const link = join(repo, "spaces", "link.yaml");
    symlinkSync(join(outside, "other.yaml"), link);
    assert.equal((await refusal(link))[0]?.code, "manifest.outside-repository");

    const fifo = join(repo, "spaces", "fifo.yaml");
    execFileSync("mkfifo", [fifo]);
    assert.deepEqual(await refusal(fifo), [
      {
        severity: "error",
        code: "manifest.not-a-file",
        line: undefined,
        path: undefined,
        message: `${fifo} is not a regular file.`,
      },
    ]);

    const big = join(repo, "spaces", "big.yaml");
    execFileSync("truncate", ["-s", "3G", big]);
    assert.deepEqual(await refusal(big), [
      {
        severity: "error",
        code: "manifest.too-large",
        line: undefined,
        path: undefined,
        message: `${big} is 3221225472 bytes; the limit is 1048576 bytes (1 MiB).`,
      },
    ]);
  });

  it("refuses avatars outside the repository, in /proc, and above the size limit", async () => {
    const file = manifest("avatars", [
      "  up:",
      "    avatar: ../../outside/secret.png",
      "  proc:",
      "    avatar: /proc/self/status",
      "  huge:",
      "    avatar: huge.png",
      "  fine:",
      "    avatar: logo.png",
    ]);
    const huge = join(repo, "spaces", "huge.png");
    writeFileSync(huge, PNG);
    execFileSync("truncate", ["-s", String(MAX_AVATAR_BYTES + 1), huge]);
    const diagnostics = await refusal(file);
    assert.deepEqual(diagnostics, [
      {
        severity: "error",
        code: "avatar.outside-repository",
        line: 7,
        path: "rooms.up.avatar",
        message: `The avatar file ../../outside/secret.png resolves to ${join(outside, "secret.png")}, outside the repository that holds the manifest (${repo}).`,
      },
      {
        severity: "error",
        code: "avatar.outside-repository",
        line: 9,
        path: "rooms.proc.avatar",
        message: `The avatar file /proc/self/status resolves to /proc/${process.pid}/status, outside the repository that holds the manifest (${repo}).`,
      },
      {
        severity: "error",
        code: "avatar.too-large",
        line: 11,
        path: "rooms.huge.avatar",
        message:
          "The avatar file huge.png is 10485761 bytes; the limit is 10485760 bytes (10 MiB).",
      },
    ]);
  });

  it("exits 1 in validate with the diagnostic, for a symlink to /dev/zero", () => {
    const r = runCliSync(
      ["validate", join(repo, "spaces", "zero.yaml")],
      {},
      { timeoutMs: 20_000 },
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /resolves to \/dev\/zero, outside the repository/);
  });
});
