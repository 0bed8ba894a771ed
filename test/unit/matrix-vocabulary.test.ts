/** The Matrix vocabulary every stage shares, rule by rule. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  avatarSha256,
  childLinks,
  childrenOf,
  creatorsHavePower,
  joinRuleNeedsVersion,
  markerOf,
  roomVersionOf,
  unlimitedCreators,
  validVia,
} from "../../src/matrix/vocabulary.ts";
import { bareRoom, ev } from "../support/builders.ts";

describe("join rules and room versions", () => {
  const cases: [string, string, number | undefined][] = [
    ["public", "1", undefined],
    ["invite", "1", undefined],
    ["knock", "6", 7],
    ["knock", "7", undefined],
    ["restricted", "7", 8],
    ["restricted", "8", undefined],
    ["knock_restricted", "9", 10],
    ["knock_restricted", "10", undefined],
    ["knock_restricted", "org.example.custom", undefined],
  ];
  for (const [rule, version, needs] of cases) {
    it(`${rule} in version ${version}: ${needs === undefined ? "fine" : `needs ${needs}`}`, () => {
      assert.equal(joinRuleNeedsVersion(rule, version), needs);
    });
  }
});

describe("creators by room version", () => {
  const cases: [string, boolean][] = [
    ["1", false],
    ["11", false],
    ["12", true],
    ["13", true],
    ["org.example.12", false],
  ];
  for (const [version, unlimited] of cases) {
    it(`version ${version}: creators ${unlimited ? "unlimited" : "limited"}`, () => {
      assert.equal(creatorsHavePower(version), unlimited);
    });
  }
  it("lists the create sender and additional_creators in v12, nobody before", () => {
    const create = (v: string) =>
      bareRoom("!r:example.org", [
        ev(
          "m.room.create",
          { room_version: v, additional_creators: ["@b:x.org", 7] },
          "",
          "@a:x.org",
        ),
      ]);
    assert.deepEqual(unlimitedCreators(create("12")), ["@a:x.org", "@b:x.org"]);
    assert.deepEqual(unlimitedCreators(create("11")), []);
  });
  it("reads a create event without room_version as version 1", () => {
    assert.equal(roomVersionOf(bareRoom("!r:example.org", [ev("m.room.create", {})])), "1");
  });
});

describe("space-child links", () => {
  const space = bareRoom("!s:example.org", [
    ev("m.room.create", { type: "m.space" }),
    ev("m.space.child", { via: ["example.org"] }, "!b:example.org"),
    ev("m.space.child", { via: ["example.org"], order: "a" }, "!a:example.org"),
    ev("m.space.child", { via: [] }, "!empty:example.org"),
    ev("m.space.child", {}, "!removed:example.org"),
    ev("m.space.child", { via: [3] }, "!nonstring:example.org"),
    ev("m.space.child", { via: ["example.org"] }, "not-a-room"),
  ]);
  it("counts only events with a room-id key and a non-empty via, in code point order", () => {
    assert.deepEqual(
      childLinks(space).map((l) => l.room_id),
      ["!a:example.org", "!b:example.org"],
    );
    assert.deepEqual(childrenOf(space), ["!a:example.org", "!b:example.org"]);
  });
  it("a room that is not a space has no children", () => {
    const plain = bareRoom("!p:example.org", [ev("m.room.create", {}), ...space.state.slice(1)]);
    assert.deepEqual(childrenOf(plain), []);
  });
  it("via keeps only server names", () => {
    assert.deepEqual(validVia({ via: ["a.org", 1, "b.org"] }), ["a.org", "b.org"]);
    assert.equal(validVia({ via: "a.org" }), undefined);
  });
});

describe("spaceform's keys", () => {
  it("reads a marker only with both fields as strings", () => {
    const marked = (content: Record<string, unknown>) =>
      markerOf(bareRoom("!r:example.org", [ev("dev.spaceform.entry", content)]));
    assert.deepEqual(marked({ manifest: "demo", key: "general", extra: 1 }), {
      manifest: "demo",
      key: "general",
    });
    assert.equal(marked({ key: "general" }), undefined);
  });
  it("falls back to the marker in the create event; the state event wins", () => {
    const create = ev("m.room.create", { "dev.spaceform.entry": { manifest: "demo", key: "old" } });
    assert.deepEqual(markerOf(bareRoom("!r:example.org", [create])), {
      manifest: "demo",
      key: "old",
    });
    const renamed = bareRoom("!r:example.org", [
      create,
      ev("dev.spaceform.entry", { manifest: "demo", key: "new" }),
    ]);
    assert.deepEqual(markerOf(renamed), { manifest: "demo", key: "new" });
  });
  it("reads the avatar hash from the avatar's info", () => {
    assert.equal(avatarSha256({ url: "mxc://x/y", info: { "dev.spaceform.sha256": "ab" } }), "ab");
    assert.equal(avatarSha256({ url: "mxc://x/y", info: "ab" }), undefined);
  });
});
