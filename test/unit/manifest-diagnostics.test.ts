/**
 * Each kind of manifest diagnostic, asserting its code, line and field path.
 * Manifests are written as arrays of lines so that line numbers can be read off.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Diagnostic } from "../../src/diagnostics.ts";
import { loadManifest } from "../../src/manifest/load.ts";

const FIXTURES = "test/fixtures/manifest";

async function diagnose(
  lines: string[],
): Promise<{ diagnostics: Diagnostic[]; file: string; valid: boolean }> {
  const dir = await mkdtemp(join(tmpdir(), "spaceform-diag-"));
  await copyFile(`${FIXTURES}/valid/logo.png`, join(dir, "logo.png"));
  await copyFile(`${FIXTURES}/not-an-image.png`, join(dir, "not-an-image.png"));
  const file = join(dir, "m.yaml");
  await writeFile(file, lines.join("\n") + "\n");
  const r = await loadManifest(file);
  return { diagnostics: r.diagnostics, file, valid: r.manifest !== undefined };
}

const HEAD = ["version: 1", "space:", "  name: S", "rooms:"]; // lines 1–4

interface Case {
  name: string;
  lines: string[];
  code: string;
  line: number;
  path?: string;
  severity?: "error" | "warning";
  message?: RegExp;
  hint?: RegExp;
}

const CASES: Case[] = [
  {
    name: "YAML syntax error",
    lines: [...HEAD, "  general:", "    name: [unclosed", "  other:", "    name: x"],
    code: "yaml.syntax",
    line: 7,
  },
  {
    name: "tab indentation",
    lines: [...HEAD, "  general:", "\tname: x"],
    code: "yaml.syntax",
    line: 6,
    hint: /spaces/,
  },
  {
    name: "two documents",
    lines: [...HEAD, "  a: {}", "---", "version: 1"],
    code: "yaml.syntax",
    line: 6,
  },
  {
    name: "duplicate key",
    lines: [...HEAD, "  general:", "    name: a", "    name: b"],
    code: "yaml.duplicate-key",
    line: 7,
    path: "rooms.general.name",
    message: /first on line 6/,
  },
  {
    name: "unknown field with a suggestion",
    lines: [...HEAD, "  general:", "    topik: hi"],
    code: "schema.unknown-field",
    line: 6,
    path: "rooms.general.topik",
    hint: /Did you mean `topic`\?/,
  },
  {
    name: "unknown field that is another word for a known one",
    lines: [...HEAD, "  general:", "    description: hi"],
    code: "schema.unknown-field",
    line: 6,
    path: "rooms.general.description",
    hint: /Did you mean `topic`\?/,
  },
  {
    name: "unknown top-level field",
    lines: [...HEAD, "  a: {}", "polices: {}"],
    code: "schema.unknown-field",
    line: 6,
    path: "polices",
    hint: /`policies`/,
  },
  {
    name: "a room field in defaults",
    lines: ["version: 1", "space:", "  name: S", "defaults:", '  alias: "#x"'],
    code: "schema.misplaced-field",
    line: 5,
    path: "defaults.alias",
  },
  {
    name: "wrong type",
    lines: [...HEAD, "  general:", "    suggested: yes"],
    code: "schema.type",
    line: 6,
    path: "rooms.general.suggested",
    message: /true or false, not text/,
  },
  {
    name: "empty value",
    lines: [...HEAD, "  general:", "    topic:"],
    code: "schema.type",
    line: 6,
    path: "rooms.general.topic",
    message: /is empty/,
  },
  {
    name: "value not in the enum",
    lines: [...HEAD, "  general:", "    history_visibility: world-readable"],
    code: "schema.enum",
    line: 6,
    path: "rooms.general.history_visibility",
    hint: /`world_readable`/,
  },
  {
    name: "unsupported version",
    lines: ["version: 2", "space:", "  name: S"],
    code: "manifest.version",
    line: 1,
    path: "version",
  },
  {
    name: "missing space",
    lines: ["version: 1", "rooms: {}"],
    code: "schema.required",
    line: 1,
    message: /`space` is missing/,
  },
  {
    name: "empty file",
    lines: ["# nothing here"],
    code: "schema.type",
    line: 1,
    message: /manifest is empty/,
  },
  {
    name: "malformed user id in power levels",
    lines: [
      ...HEAD,
      "  general:",
      "    power_levels:",
      "      users:",
      '        "@Alice:example.org": 50',
    ],
    code: "schema.invalid-id",
    line: 8,
    path: 'rooms.general.power_levels.users["@Alice:example.org"]',
  },
  {
    name: "malformed user id in admins",
    lines: [...HEAD, "  a: {}", "policies:", "  admins:", "    - alice"],
    code: "schema.invalid-id",
    line: 8,
    path: "policies.admins[0]",
  },
  {
    name: "malformed alias",
    lines: [...HEAD, "  general:", "    alias: general"],
    code: "schema.invalid-id",
    line: 6,
    path: "rooms.general.alias",
    hint: /start with `#`/,
  },
  {
    name: "malformed alt alias",
    lines: [...HEAD, "  general:", '    alt_aliases: ["#ok", "#bad alias"]'],
    code: "schema.invalid-id",
    line: 6,
    path: "rooms.general.alt_aliases[1]",
  },
  {
    name: "malformed room id",
    lines: [...HEAD, "  general:", "    id: abc:example.org"],
    code: "schema.invalid-id",
    line: 6,
    path: "rooms.general.id",
  },
  {
    name: "malformed allow entry",
    lines: [...HEAD, "  general:", "    join_rule: restricted", "    allow: [general]"],
    code: "schema.invalid-id",
    line: 7,
    path: "rooms.general.allow[0]",
  },
  {
    name: "malformed mxc URL",
    lines: [...HEAD, "  general:", '    avatar: "mxc://example.org/has space"'],
    code: "schema.avatar",
    line: 6,
    path: "rooms.general.avatar",
  },
  {
    name: "invalid order string",
    lines: [...HEAD, "  general:", `    order: "${"x".repeat(51)}"`],
    code: "schema.order",
    line: 6,
    path: "rooms.general.order",
  },
  {
    name: "invalid room key",
    lines: [...HEAD, "  General Chat:", "    name: x"],
    code: "schema.room-key",
    line: 5,
    path: 'rooms["General Chat"]',
  },
  {
    name: "reserved room key",
    lines: [...HEAD, "  space:", "    name: x"],
    code: "manifest.reserved-key",
    line: 5,
    path: "rooms.space",
  },
  {
    name: "room key used twice across subspaces",
    lines: [...HEAD, "  general: {}", "  sub:", "    rooms:", "      general: {}"],
    code: "manifest.duplicate-room-key",
    line: 8,
    path: "rooms.sub.rooms.general",
  },
  {
    name: "alias given to two rooms",
    lines: [...HEAD, "  a:", '    alias: "#x"', "  b:", '    alt_aliases: ["#y", "#x"]'],
    code: "manifest.duplicate-alias",
    line: 8,
    path: "rooms.b.alt_aliases[1]",
  },
  {
    name: "room id pinned twice",
    lines: [...HEAD, "  a:", '    id: "!r:example.org"', "  b:", '    id: "!r:example.org"'],
    code: "manifest.duplicate-id",
    line: 8,
    path: "rooms.b.id",
  },
  {
    name: "restricted root space without allow",
    lines: ["version: 1", "space:", "  name: S", "  join_rule: knock_restricted"],
    code: "manifest.restricted-without-parent",
    line: 4,
    path: "space.join_rule",
  },
  {
    name: "join rule the room version does not support",
    lines: [...HEAD, "  general:", "    join_rule: restricted", '    room_version: "7"'],
    code: "manifest.join-rule-version",
    line: 7,
    path: "rooms.general.room_version",
    message: /version 8/,
  },
  {
    name: "join rule from defaults against a room's version",
    lines: [
      "version: 1",
      "space:",
      "  name: S",
      "defaults:",
      "  join_rule: knock",
      "rooms:",
      "  old:",
      "    room_version: 6",
    ],
    code: "manifest.join-rule-version",
    line: 8,
    path: "rooms.old.room_version",
  },
  {
    name: "allow without a restricted join rule",
    lines: [...HEAD, "  general:", "    join_rule: public", '    allow: ["#x"]'],
    code: "manifest.allow-unused",
    line: 7,
    path: "rooms.general.allow",
    severity: "warning",
  },
  {
    name: "avatar file missing",
    lines: [...HEAD, "  general:", "    avatar: missing.png"],
    code: "avatar.missing",
    line: 6,
    path: "rooms.general.avatar",
  },
  {
    name: "avatar file not an image",
    lines: [...HEAD, "  general:", "    avatar: not-an-image.png"],
    code: "avatar.not-an-image",
    line: 6,
    path: "rooms.general.avatar",
  },
  {
    name: "policy admins: admin declared below 100",
    lines: [
      ...HEAD,
      "  general:",
      "    power_levels:",
      "      users:",
      '        "@bot:example.org": 50',
      "policies:",
      '  admins: ["@bot:example.org"]',
    ],
    code: "policy.admins",
    line: 8,
    path: 'rooms.general.power_levels.users["@bot:example.org"]',
  },
  {
    name: "policy admins: admin missing from a declared users map",
    lines: [
      ...HEAD,
      "  general:",
      "    power_levels:",
      "      users:",
      '        "@mod:example.org": 50',
      "policies:",
      '  admins: ["@bot:example.org"]',
    ],
    code: "policy.admins",
    line: 7,
    path: "rooms.general.power_levels.users",
  },
  {
    name: "policy forbid_encryption",
    lines: [...HEAD, "  general:", "    encrypted: true", "policies:", "  forbid_encryption: true"],
    code: "policy.forbid-encryption",
    line: 6,
    path: "rooms.general.encrypted",
  },
  {
    name: "policy min_moderators, users map inherited from defaults",
    lines: [
      "version: 1",
      "space:",
      "  name: S",
      '  id: "!existing:example.org"',
      "defaults:",
      "  power_levels:",
      "    users:",
      '      "@bot:example.org": 100',
      "rooms:",
      "  general: {}",
      "policies:",
      '  admins: ["@bot:example.org"]',
      "  min_moderators: 1",
    ],
    code: "policy.min-moderators",
    line: 7,
    path: "rooms.general.power_levels.users",
  },
  {
    name: "policy name_prefixes",
    lines: [
      ...HEAD,
      "  chapter-a:",
      "    name: A",
      "policies:",
      "  name_prefixes:",
      '    - {match: "chapter-*", prefix: "x-"}',
    ],
    code: "policy.name-prefix",
    line: 6,
    path: "rooms.chapter-a.name",
  },
  {
    name: "policy rule missing a field",
    lines: [...HEAD, "  a: {}", "policies:", "  name_prefixes:", '    - {match: "chapter-*"}'],
    code: "schema.required",
    line: 8,
    message: /`prefix` is missing/,
  },
];

describe("manifest diagnostics", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { diagnostics, file } = await diagnose(c.lines);
      const found = diagnostics.filter((d) => d.code === c.code);
      assert.equal(
        found.length,
        1,
        `expected one ${c.code}, got:\n${JSON.stringify(diagnostics, null, 2)}`,
      );
      const d = found[0]!;
      assert.equal(d.line, c.line, `line of ${c.code}`);
      assert.equal(d.file, file);
      assert.ok(d.column !== undefined && d.column >= 1);
      if (c.path !== undefined) assert.equal(d.path, c.path);
      assert.equal(d.severity, c.severity ?? "error");
      assert.match(d.message, /\S/);
      if (c.message) assert.match(d.message, c.message);
      if (c.hint) assert.match(d.hint ?? "", c.hint);
    });
  }

  it("returns no manifest when there are errors, and one with only warnings", async () => {
    const bad = await diagnose([...HEAD, "  general:", "    topik: x"]);
    assert.equal(bad.valid, false);
    const warned = await diagnose([
      ...HEAD,
      "  general:",
      "    join_rule: invite",
      '    allow: ["#x"]',
    ]);
    assert.deepEqual(
      warned.diagnostics.map((d) => d.severity),
      ["warning"],
    );
    assert.equal(warned.valid, true);
  });

  it("reports every problem of a file in one run, in line order", async () => {
    const { diagnostics } = await diagnose([
      "version: 1",
      "space:",
      "  name: S",
      "  topik: x",
      "rooms:",
      "  a:",
      "    order: 5",
      "    avatar: missing.png",
    ]);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.line]),
      [
        ["schema.unknown-field", 4],
        ["schema.type", 7],
        ["avatar.missing", 8],
      ],
    );
  });

  it("finds the five mistakes of the five-mistakes fixture, each at its line", async () => {
    const { diagnostics } = await loadManifest(`${FIXTURES}/five-mistakes.yaml`);
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.code, d.path]),
      [
        [11, "schema.unknown-field", "rooms.general.topik"],
        [13, "manifest.duplicate-alias", "rooms.jobs.alias"],
        [15, "schema.enum", "rooms.jobs.join_rule"],
        [17, "policy.name-prefix", "rooms.chapter-x.name"],
        [19, "schema.invalid-id", "policies.admins[0]"],
      ],
    );
  });

  it("locates fields reached through a YAML alias at the alias", async () => {
    const { diagnostics } = await diagnose([...HEAD, "  a: &room", "    topik: x", "  b: *room"]);
    assert.deepEqual(
      diagnostics.map((d) => [d.path, d.line]),
      [
        ["rooms.a.topik", 6],
        ["rooms.b.topik", 7],
      ],
    );
  });

  it("refuses a document whose aliases expand exponentially, quickly", async () => {
    const lines = [...HEAD, "  a: {}", "l0: &l0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++)
      lines.push(
        `l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(", ")}]`,
      );
    const started = Date.now();
    const { diagnostics, valid } = await diagnose(lines);
    assert.equal(valid, false);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ["yaml.syntax"],
    );
    assert.ok(Date.now() - started < 2000);
  });

  it("skips policy rules whose values the manifest leaves unmanaged in existing rooms", async () => {
    const { diagnostics, valid } = await diagnose([
      "version: 1",
      "space:",
      "  name: S",
      '  id: "!space:example.org"',
      "rooms:",
      "  general:",
      '    id: "!general:example.org"',
      "    name: general",
      "policies:",
      '  admins: ["@bot:example.org"]',
      "  forbid_encryption: true",
      "  require_avatar: error",
      "  min_moderators: 2",
    ]);
    assert.deepEqual(diagnostics, []);
    assert.equal(valid, true);
  });
});

describe("house rules that will refuse a room apply creates", () => {
  const rules = ["policies:", "  require_avatar: error", "  min_moderators: 1"];

  it("warns, with file, line and field, for no avatar and no moderator", async () => {
    const { diagnostics, file, valid } = await diagnose([
      "version: 1",
      "space:",
      "  name: S",
      "  avatar: logo.png",
      "  power_levels:",
      "    users_at_least:",
      '      "@mod:example.org": 50',
      "rooms:",
      "  general:", // line 9
      "    name: General",
      ...rules,
    ]);
    assert.equal(valid, true);
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.file, d.line, d.path, d.message]),
      [
        [
          "warning",
          "policy.require-avatar",
          file,
          9,
          "rooms.general.avatar",
          "If apply creates `rooms.general`, plan will refuse it: `rooms.general` has no avatar; policy `require_avatar` asks for one.",
        ],
        [
          "warning",
          "policy.min-moderators",
          file,
          9,
          "rooms.general.power_levels.users_at_least",
          "If apply creates `rooms.general`, plan will refuse it: `rooms.general` has 0 moderators besides the admins; policy `min_moderators` requires 1.",
        ],
      ],
    );
  });

  it("is quiet when the manifest names what a new room needs, or pins an existing room", async () => {
    const { diagnostics } = await diagnose([
      "version: 1",
      "space:",
      "  name: S",
      "  avatar: logo.png",
      "  power_levels:",
      "    users_at_least:",
      '      "@mod:example.org": 50',
      "defaults:",
      "  avatar: logo.png",
      "  power_levels:",
      "    users_at_least:",
      '      "@mod:example.org": 50',
      "rooms:",
      "  general:",
      "    name: General",
      "  pinned:",
      '    id: "!existing:example.org"',
      "    avatar: mxc://example.org/none",
      "    power_levels: { users_at_least: {} }",
      ...rules,
    ]);
    assert.deepEqual(diagnostics, []);
  });

  it("counts only moderators at 50 or more, and a warn-level avatar rule never warns here", async () => {
    const { diagnostics } = await diagnose([
      "version: 1",
      "space:",
      "  name: S",
      "  power_levels:",
      "    users_at_least:",
      '      "@helper:example.org": 49',
      "policies:",
      "  require_avatar: warn",
      "  min_moderators: 1",
    ]);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.line]),
      [["policy.min-moderators", 5]],
    );
  });
});
