import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadManifest, loadManifests, manifestName } from "../../src/manifest/load.ts";
import { formatFieldPath, parseFieldPath, positionOf } from "../../src/manifest/fieldpath.ts";
import { allEntries } from "../../src/manifest/model.ts";
import type { Entry, Manifest } from "../../src/manifest/model.ts";

const FIXTURES = "test/fixtures/manifest";
const FULL = `${FIXTURES}/valid/full.yaml`;

async function loadFull(): Promise<Manifest> {
  const { manifest, diagnostics } = await loadManifest(FULL);
  assert.deepEqual(diagnostics, []);
  assert.ok(manifest);
  return manifest;
}

function entry(m: Manifest, address: string): Entry {
  const e = allEntries(m.space).find((x) => x.address === address);
  assert.ok(e, `no entry ${address}`);
  return e;
}

describe("loadManifest on a valid manifest", () => {
  it("names the manifest after its file and hashes its bytes", async () => {
    const m = await loadFull();
    assert.equal(m.name, "full");
    assert.equal(m.file, FULL);
    assert.equal(m.version, 1);
    const bytes = await readFile(FULL);
    assert.equal(m.sha256, createHash("sha256").update(bytes).digest("hex"));
  });

  it("builds the tree with addresses, kinds and declaration order", async () => {
    const m = await loadFull();
    assert.deepEqual(
      allEntries(m.space).map((e) => [e.address, e.key, e.kind]),
      [
        ["space", "space", "space"],
        ["rooms.general", "general", "room"],
        ["rooms.quiet", "quiet", "room"],
        ["rooms.chapters", "chapters", "space"],
        ["rooms.chapters.rooms.chapter-north", "chapter-north", "room"],
      ],
    );
    assert.equal(m.space.id, "!root:example.org");
  });

  it("does not apply defaults to the root space", async () => {
    const m = await loadFull();
    assert.equal(m.space.topic, undefined);
    assert.equal(m.space.room_version, undefined);
    assert.equal(m.space.power_levels, undefined);
    assert.equal(m.space.join_rule, "public");
  });

  it("applies defaults to rooms and subspaces; a room's own value replaces the default", async () => {
    const m = await loadFull();
    const general = entry(m, "rooms.general");
    assert.equal(general.topic, "Default topic");
    assert.equal(general.join_rule, "restricted");
    assert.equal(
      general.room_version,
      "11",
      "an integer room_version becomes the string Matrix uses",
    );
    assert.deepEqual(general.avatar, { kind: "mxc", url: "mxc://example.org/DefaultAvatar" });
    const quiet = entry(m, "rooms.quiet");
    assert.equal(quiet.topic, "Own topic");
    assert.equal(quiet.join_rule, "invite");
    const chapters = entry(m, "rooms.chapters");
    assert.equal(chapters.topic, "Default topic");
  });

  it("merges power_levels field by field, a room's users map replacing the default map", async () => {
    const m = await loadFull();
    assert.deepEqual(entry(m, "rooms.general").power_levels, {
      users: { "@bot:example.org": 100, "@mod:example.org": 50 },
      ban: 60,
      kick: 40,
    });
    assert.deepEqual(entry(m, "rooms.quiet").power_levels, {
      users: { "@bot:example.org": 100, "@other:example.org": 50 },
      ban: 60,
    });
  });

  it("leaves undeclared fields absent (unmanaged)", async () => {
    const m = await loadFull();
    const quiet = entry(m, "rooms.quiet");
    for (const f of [
      "alias",
      "history_visibility",
      "guest_access",
      "encrypted",
      "publish",
      "suggested",
      "order",
      "id",
    ] as const) {
      assert.equal(quiet[f], undefined, f);
    }
    assert.ok(!("history_visibility" in quiet));
  });

  it("keeps aliases as written and child fields", async () => {
    const m = await loadFull();
    const general = entry(m, "rooms.general");
    assert.equal(m.space.alias, "#club");
    assert.equal(general.alias, "#club-general:example.org");
    assert.deepEqual(general.alt_aliases, ["#general"]);
    assert.equal(general.suggested, true);
    assert.equal(general.order, "a");
    assert.deepEqual(entry(m, "rooms.chapters.rooms.chapter-north").allow, [
      "#club",
      "!other:example.org",
    ]);
  });

  it("reads, sniffs and hashes avatar files relative to the manifest", async () => {
    const m = await loadFull();
    const bytes = await readFile(`${FIXTURES}/valid/logo.png`);
    assert.deepEqual(m.space.avatar, {
      kind: "file",
      written: "logo.png",
      path: resolve(`${FIXTURES}/valid/logo.png`),
      sha256: createHash("sha256").update(bytes).digest("hex"),
      mimetype: "image/png",
      size: bytes.length,
      width: 4,
      height: 3,
    });
  });

  it("normalises policies", async () => {
    const m = await loadFull();
    assert.deepEqual(m.policies, {
      admins: ["@bot:example.org"],
      forbid_encryption: true,
      require_avatar: "warn",
      min_moderators: 1,
      name_prefixes: [{ match: "chapter-*", prefix: "club-chapter-" }],
      creators: "warn",
    });
  });

  it("records positions of fields, and of inherited fields at their default", async () => {
    const m = await loadFull();
    assert.deepEqual(m.positions["space.alias"], { line: 5, column: 3 });
    assert.deepEqual(m.positions["rooms.general.name"], { line: 23, column: 5 });
    assert.deepEqual(m.positions["policies.admins[0]"], { line: 44, column: 12 });
    assert.deepEqual(m.positions['defaults.power_levels.users["@mod:example.org"]'], {
      line: 17,
      column: 7,
    });
    // Inherited: the general room's topic and users map come from defaults (lines 10, 15).
    assert.deepEqual(m.positions["rooms.general.topic"], { line: 10, column: 3 });
    assert.deepEqual(m.positions["rooms.general.power_levels.users"], { line: 15, column: 5 });
    assert.deepEqual(m.positions["rooms.general.power_levels.kick"], { line: 27, column: 7 });
    // The quiet room's own users map is not confused with the default one.
    assert.deepEqual(m.positions["rooms.quiet.power_levels.users"], { line: 34, column: 7 });
    assert.equal(m.positions['rooms.quiet.power_levels.users["@mod:example.org"]'], undefined);
    assert.deepEqual(m.positions["rooms.quiet.power_levels.ban"], { line: 18, column: 5 });
  });
});

describe("positions of inherited fields", () => {
  // Defaults written after the rooms: where a room's inherited field points must not depend
  // on the order of the file's sections.
  const TEXT = [
    "version: 1", //                                  1
    "space:", //                                      2
    "  name: Hub", //                                 3
    "rooms:", //                                      4
    "  plain: {}", //                                 5
    "  own:", //                                      6
    "    topic: Its own topic", //                    7
    "    power_levels:", //                           8
    "      kick: 75", //                              9
    "  open:", //                                     10
    "    join_rule: public", //                       11
    "  chapters:", //                                 12
    "    rooms:", //                                  13
    "      deep: {}", //                              14
    "defaults:", //                                   15
    "  topic: The default topic", //                  16
    "  join_rule: restricted", //                     17
    '  allow: ["#hub:example.org"]', //               18
    "  power_levels:", //                             19
    "    users:", //                                  20
    '      "@mod:example.org": 50', //                21
    "    kick: 50", //                                22
    "",
  ].join("\n");

  async function load(): Promise<Awaited<ReturnType<typeof loadManifest>>> {
    const dir = await mkdtemp(join(tmpdir(), "spaceform-inherit-"));
    const file = join(dir, "inherit.yaml");
    await writeFile(file, TEXT);
    return loadManifest(file);
  }

  it("a room without its own value points at the defaults line, at any depth", async () => {
    const { manifest } = await load();
    assert.ok(manifest);
    const p = manifest.positions;
    for (const address of ["rooms.plain", "rooms.open", "rooms.chapters.rooms.deep"]) {
      assert.deepEqual(p[`${address}.topic`], { line: 16, column: 3 }, address);
      assert.deepEqual(p[`${address}.power_levels.users`], { line: 20, column: 5 }, address);
      assert.deepEqual(
        p[`${address}.power_levels.users["@mod:example.org"]`],
        { line: 21, column: 7 },
        address,
      );
      assert.deepEqual(p[`${address}.power_levels.kick`], { line: 22, column: 5 }, address);
    }
    // The room's own values keep their own lines; the fields it does not set still inherit.
    assert.deepEqual(p["rooms.own.topic"], { line: 7, column: 5 });
    assert.deepEqual(p["rooms.own.power_levels.kick"], { line: 9, column: 7 });
    assert.deepEqual(p["rooms.own.power_levels.users"], { line: 20, column: 5 });
    assert.deepEqual(p["rooms.open.join_rule"], { line: 11, column: 5 });
    assert.deepEqual(p["rooms.plain.join_rule"], { line: 17, column: 3 });
    // The root space does not inherit defaults.
    assert.equal(p["space.topic"], undefined);
  });

  it("a diagnostic about an inherited value points at the defaults line", async () => {
    const { diagnostics } = await load();
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.path, d.line, d.column]),
      [["manifest.allow-unused", "rooms.open.allow", 18, 3]],
    );
  });
});

describe("field paths", () => {
  it("formats and parses paths with indices and quoted keys", () => {
    const segments = ["rooms", "general", "power_levels", "users", "@a.b:example.org"];
    const path = formatFieldPath(segments);
    assert.equal(path, 'rooms.general.power_levels.users["@a.b:example.org"]');
    assert.deepEqual(parseFieldPath(path), segments);
    assert.equal(formatFieldPath(["policies", "admins", 2]), "policies.admins[2]");
    assert.deepEqual(parseFieldPath("policies.name_prefixes[0].match"), [
      "policies",
      "name_prefixes",
      0,
      "match",
    ]);
  });

  it("positionOf falls back to the nearest enclosing field", () => {
    const positions = {
      "rooms.general": { line: 3, column: 3 },
      "rooms.general.topic": { line: 4, column: 5 },
    };
    assert.deepEqual(positionOf(positions, "rooms.general.topic"), { line: 4, column: 5 });
    assert.deepEqual(positionOf(positions, 'rooms.general.power_levels.users["@x:y"]'), {
      line: 3,
      column: 3,
    });
    assert.equal(positionOf(positions, "policies.admins"), undefined);
  });
});

describe("loadManifests", () => {
  async function tempDir(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "spaceform-manifests-"));
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(dir, name, ".."), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    return dir;
  }
  const ok = (name: string): string => `version: 1\nspace:\n  name: ${name}\n`;

  it("reads every *.yaml and *.yml of a folder in name order, nothing else", async () => {
    const dir = await tempDir({
      "b.yml": ok("B"),
      "a.yaml": ok("A"),
      "notes.txt": "x",
      "sub/c.yaml": ok("C"),
    });
    const r = await loadManifests([dir]);
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.files, [join(dir, "a.yaml"), join(dir, "b.yml")]);
    assert.deepEqual(
      r.manifests.map((m) => [m.name, m.space.name]),
      [
        ["a", "A"],
        ["b", "B"],
      ],
    );
  });

  it("returns only the valid manifests, and every diagnostic", async () => {
    const dir = await tempDir({
      "good.yaml": ok("G"),
      "bad.yaml": "version: 1\nspace:\n  nmae: X\n",
    });
    const r = await loadManifests([dir]);
    assert.deepEqual(
      r.manifests.map((m) => m.name),
      ["good"],
    );
    assert.equal(r.diagnostics.length, 1);
    const d = r.diagnostics[0]!;
    assert.equal(d.file, join(dir, "bad.yaml"));
    assert.equal(d.line, 3);
  });

  it("refuses two files with the same manifest name", async () => {
    const dir = await tempDir({ "x.yaml": ok("A"), "x.yml": ok("B") });
    const r = await loadManifests([dir]);
    assert.equal(r.manifests.length, 1);
    assert.deepEqual(
      r.diagnostics.map((d) => d.code),
      ["manifest.duplicate-name"],
    );
  });

  it("refuses two manifests that manage the same room", async () => {
    const dir = await tempDir({
      "a.yaml": 'version: 1\nspace:\n  alias: "#hub"\nrooms:\n  x:\n    id: "!r:example.org"\n',
      "b.yaml":
        'version: 1\nspace:\n  name: B\nrooms:\n  y:\n    alt_aliases: ["#z", "#hub"]\n  w:\n    id: "!r:example.org"\n',
    });
    const r = await loadManifests([dir]);
    assert.deepEqual(
      r.diagnostics.map((d) => [d.code, d.file, d.line, d.path]),
      [
        ["manifest.claimed-twice", join(dir, "b.yaml"), 6, "rooms.y.alt_aliases[1]"],
        ["manifest.claimed-twice", join(dir, "b.yaml"), 8, "rooms.w.id"],
      ],
    );
  });

  it("reports a missing path and a folder without manifests", async () => {
    const empty = await tempDir({ "readme.txt": "" });
    const r = await loadManifests([join(empty, "nope.yaml"), empty]);
    assert.deepEqual(
      r.diagnostics.map((d) => d.code),
      ["manifest.unreadable", "manifest.none"],
    );
    assert.equal(r.manifests.length, 0);
  });

  it("loads spaces/ by default, and the de-RSE manifest is valid", async () => {
    const r = await loadManifests();
    assert.deepEqual(r.diagnostics, []);
    const deRse = r.manifests.find((m) => m.name === "de-rse");
    assert.ok(deRse);
    assert.equal(deRse.space.alias, "#de-rse.org:matrix.org");
    assert.deepEqual(
      deRse.space.children.map((c) => [c.alias, c.name]),
      ["general", "introductions", "jobs", "events", "offtopic"].map((k) => [
        `#de-rse.org-${k}:matrix.org`,
        `deRSE-${k}`,
      ]),
    );
    for (const e of allEntries(deRse.space)) {
      assert.equal(e.encrypted, false, e.address);
      assert.ok(e.topic, e.address);
      const avatar = e.avatar;
      assert.ok(avatar?.kind === "file", e.address);
      assert.ok(avatar.size < 10_000, "the logo stays small");
    }
    assert.deepEqual(deRse.policies.admins, ["@de-rse:matrix.org"]);
  });

  it("manifestName drops the folder and extension", () => {
    assert.equal(manifestName("spaces/de-rse.yaml"), "de-rse");
    assert.equal(manifestName("x/y/club.yml"), "club");
  });
});
