/**
 * Drift adopted into a manifest: the live values of the drifted fields written
 * into the YAML with everything else kept byte for byte (comments, order,
 * folded scalars), a field inherited from `defaults:` added to its room alone,
 * and hostile live text kept as data.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { adoptLiveValues } from "../../src/github/drift-adopt.ts";
import type { Change, Json } from "../../src/plan/model.ts";

const drift = (
  address: string,
  entry: string,
  live: Json,
  action: Change["action"] = "update",
): Change => ({
  space: "demo",
  address,
  entry,
  action,
  before: live,
  after: "as the manifest says",
});

const MANIFEST = [
  "# The demo space. Comments stay.",
  "version: 1",
  "space:",
  "  name: Demo # trailing comment",
  "  topic: >-",
  "    A folded topic that",
  "    spans two lines.",
  "defaults:",
  "  join_rule: public",
  "rooms:",
  "  general:",
  "    # about the general room",
  "    name: General",
  "    topic: Hello",
  "  other:",
  "    name: Other",
  "    topic: Untouched, with a  double space",
  "",
].join("\n");

/** The lines of `after` that differ from `before`, as [line number, text]. */
function changedLines(before: string, after: string): [number, string][] {
  const a = before.split("\n");
  return after.split("\n").flatMap((l, i) => (a[i] === l ? [] : [[i + 1, l] as [number, string]]));
}

describe("adoptLiveValues", () => {
  it("changes only the drifted values and keeps the rest of the file byte for byte", () => {
    const r = adoptLiveValues(MANIFEST, [
      drift("rooms.general.topic", "rooms.general", "Hi there"),
    ]);
    assert.deepEqual(changedLines(MANIFEST, r.text), [[14, '    topic: "Hi there"']]);
    assert.equal(r.adopted.length, 1);
  });

  it("replaces a folded scalar and a commented one, keeping the comment", () => {
    const r = adoptLiveValues(MANIFEST, [
      drift("space.topic", "space", "Short now"),
      drift("space.name", "space", "Demo space"),
    ]);
    assert.equal(
      r.text,
      MANIFEST.replace("  name: Demo # trailing", '  name: "Demo space" # trailing').replace(
        "  topic: >-\n    A folded topic that\n    spans two lines.",
        '  topic: "Short now"',
      ),
    );
  });

  it("adds a field inherited from defaults to the drifted room only", () => {
    const r = adoptLiveValues(MANIFEST, [drift("rooms.other.join_rule", "rooms.other", "invite")]);
    assert.equal(
      r.text,
      MANIFEST.replace("double space\n", 'double space\n    join_rule: "invite"\n'),
    );
    const data = parse(r.text) as { defaults: unknown; rooms: { general: object } };
    assert.deepEqual(data.defaults, { join_rule: "public" });
    assert.equal("join_rule" in data.rooms.general, false);
  });

  it("adds power levels below a room that declares none, and replaces a users map", () => {
    const once = adoptLiveValues(MANIFEST, [
      drift("rooms.general.power_levels.ban", "rooms.general", 75),
      drift("rooms.general.power_levels.kick", "rooms.general", 60),
    ]);
    assert.equal(
      once.text,
      MANIFEST.replace(
        "    topic: Hello\n",
        "    topic: Hello\n    power_levels:\n      ban: 75\n      kick: 60\n",
      ),
    );
    const withUsers = MANIFEST.replace(
      "    topic: Hello\n",
      '    topic: Hello\n    power_levels:\n      users:\n        "@a:example.org": 50\n',
    );
    const twice = adoptLiveValues(withUsers, [
      drift("rooms.general.power_levels.users", "rooms.general", {
        "@a:example.org": 50,
        "@b:example.org": 100,
      }),
    ]);
    assert.deepEqual(
      (parse(twice.text) as { rooms: { general: { power_levels: unknown } } }).rooms.general
        .power_levels,
      { users: { "@a:example.org": 50, "@b:example.org": 100 } },
    );
    assert.deepEqual(changedLines(withUsers, twice.text).slice(0, 1), [
      [17, '        {"@a:example.org":50,"@b:example.org":100}'],
    ]);
  });

  it("keeps hostile live text as data: newlines, YAML syntax, comment signs, controls", () => {
    const hostile = [
      'x\n  admins: ["@evil:example.org"]\n# done',
      "}{ &anchor *alias !!binary --- ... : - ? |",
      "\u202eright-to-left\u2028line separator\u0007bell\u007f",
      "\"quoted\" \\ backslash 'single'",
    ];
    for (const topic of hostile) {
      const r = adoptLiveValues(MANIFEST, [drift("rooms.general.topic", "rooms.general", topic)]);
      const data = parse(r.text) as { rooms: { general: { topic: string } }; policies?: unknown };
      assert.equal(data.rooms.general.topic, topic);
      assert.equal(data.policies, undefined);
      assert.deepEqual(changedLines(MANIFEST, r.text).length, 1, JSON.stringify(r.text));
      for (const raw of ["\u2028", "\u202e", "\u007f", "\u0007"]) {
        assert.equal(r.text.includes(raw), false, "raw controls are escaped");
      }
    }
  });

  it("leaves alone what it cannot write, saying why", () => {
    const r = adoptLiveValues(MANIFEST, [
      drift("rooms.general.avatar", "rooms.general", { url: "mxc://example.org/x" }),
      drift("space.children.general", "rooms.general", { via: ["example.org"] }),
      drift("rooms.general.join_rule", "rooms.general", "not-a-join-rule"),
      drift("rooms.general.name", "rooms.general", 42),
      drift("rooms.general.topic", "rooms.general", null, "create"),
    ]);
    assert.equal(r.text, MANIFEST);
    assert.deepEqual(r.adopted, []);
    assert.deepEqual(
      r.skipped.map((s) => [s.change.address, s.reason]),
      [
        ["rooms.general.avatar", "not written automatically; edit the manifest by hand"],
        ["space.children.general", "not written automatically; edit the manifest by hand"],
        ["rooms.general.join_rule", "its live value cannot stand in the manifest as it is"],
        ["rooms.general.name", "its live value cannot stand in the manifest as it is"],
        ["rooms.general.topic", "not written automatically; edit the manifest by hand"],
      ],
    );
  });
});
