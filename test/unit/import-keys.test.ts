import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { KeyAllocator, ROOM_KEY_RE, slugify, stripSpacePrefix } from "../../src/import/keys.ts";

describe("room keys", () => {
  it("slugifies names into the schema's key pattern", () => {
    for (const [text, slug] of [
      ["deRSE Jobs & Karriere", "derse-jobs-karriere"],
      ["Café Übersicht", "cafe-ubersicht"],
      ["  --Hello__World--  ", "hello__world"],
      ["de-rse.org-general", "de-rse-org-general"],
      ["🎉🎉", ""],
      ["x".repeat(100), "x".repeat(64)],
    ] as const) {
      assert.equal(slugify(text), slug, text);
      if (slug !== "") assert.match(slug, ROOM_KEY_RE);
    }
  });

  it("strips the space's alias prefix only at a separator", () => {
    assert.equal(stripSpacePrefix("de-rse.org-general", "de-rse.org"), "general");
    assert.equal(stripSpacePrefix("de-rse.org_jobs", "de-rse.org"), "jobs");
    assert.equal(stripSpacePrefix("de-rse.orgx", "de-rse.org"), "de-rse.orgx");
    assert.equal(stripSpacePrefix("de-rse.org", "de-rse.org"), "de-rse.org");
    assert.equal(stripSpacePrefix("general", undefined), "general");
  });

  it("hands out unique keys, skipping reserved ones, with numbered fallbacks", () => {
    const keys = new KeyAllocator("#de-rse.org:example.org");
    assert.equal(keys.allocate({ alias: "#de-rse.org-general:example.org" }), "general");
    assert.equal(keys.allocate({ alias: "#general:other.org", name: "Chat" }), "chat");
    assert.equal(keys.allocate({ name: "General" }), "general-2");
    assert.equal(keys.allocate({ name: "Space" }), "room");
    assert.equal(keys.allocate({ alias: "#space:example.org", name: "Space" }), "room-2");
    assert.equal(keys.allocate({ name: "rooms" }), "room-3");
    assert.equal(keys.allocate({ marker: "Not A Key", name: "🎉" }), "room-4");
    assert.equal(keys.allocate({ marker: "kept", alias: "#x:example.org" }), "kept");
    const long = keys.allocate({ name: "y".repeat(80) });
    assert.equal(long, "y".repeat(64));
    assert.equal(keys.allocate({ name: "y".repeat(80) }), `${"y".repeat(62)}-2`);
  });
});
