import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compareKinds, kindKey, planKind, type ReviewedKind } from "../../src/github/plan-kind.ts";
import type { Change } from "../../src/plan/model.ts";
import { kindMarker, MAX_KIND_MARKER_CHARS, parseKindMarker } from "../../src/github/markers.ts";
import { change } from "../fixtures/github/plans.ts";

describe("planKind", () => {
  it("keeps (space, address, action), sorted and unique, and ignores values", () => {
    const a = planKind([
      change("update", "rooms.b.topic"),
      change("create", "rooms.a"),
      change("update", "rooms.b.topic"),
    ]);
    assert.deepEqual(a.keys, ["+ de-rse:rooms.a", "~ de-rse:rooms.b.topic"]);
    const other = { ...change("update", "rooms.b.topic"), after: "a different topic" };
    const b = planKind([change("create", "rooms.a"), other]);
    assert.equal(b.digest, a.digest);
  });

  it("tells actions and spaces apart", () => {
    const base = planKind([change("update", "rooms.a")]).digest;
    assert.notEqual(planKind([change("delete", "rooms.a")]).digest, base);
    assert.notEqual(planKind([change("update", "rooms.a", "other-space")]).digest, base);
    assert.equal(kindKey(change("delete", "space.children.x")), "- de-rse:space.children.x");
  });
});

describe("compareKinds", () => {
  const reviewed = {
    ...planKind([change("create", "rooms.a"), change("update", "rooms.b.topic")]),
    head_sha: "abc",
    refused: false,
  };
  const compare = (kind: ReviewedKind, changes: Change[]) =>
    compareKinds(kind, planKind(changes), changes);

  it("accepts the same kind", () => {
    const v = compare(reviewed, [change("update", "rooms.b.topic"), change("create", "rooms.a")]);
    assert.deepEqual(v, { ok: true, skipped: [] });
  });

  it("accepts a subset and names what is no longer needed (an interrupted apply run again)", () => {
    const v = compare(reviewed, [change("update", "rooms.b.topic")]);
    assert.deepEqual(v, { ok: true, skipped: ["+ de-rse:rooms.a"] });
  });

  it("refuses a change the reviewers did not see, and one whose action differs", () => {
    const v = compare(reviewed, [change("create", "rooms.a"), change("delete", "rooms.b.topic")]);
    assert.equal(v.ok, false);
    assert.ok(!v.ok);
    assert.deepEqual(v.unexpected, ["- de-rse:rooms.b.topic"]);
    assert.match(v.reason, /1 change that the pull request's plan did not show/);
  });

  it("accepts what is left of a room the reviewed plan creates: its fields and its link", () => {
    const creates = {
      ...planKind([change("create", "rooms.a"), change("create", "rooms.s.rooms.c")]),
      head_sha: "abc",
      refused: false,
    };
    const left = [
      change("create", "rooms.a.alias"),
      change("create", "rooms.a.power_levels"),
      change("create", "space.children.a"),
      change("create", "rooms.s.rooms.c.alias"),
      change("create", "rooms.s.children.c"),
    ];
    assert.deepEqual(compare(creates, left), {
      ok: true,
      skipped: ["+ de-rse:rooms.a", "+ de-rse:rooms.s.rooms.c"],
    });
  });

  it("never lets a creation cover a changed live value, another room, a child entry, another space or a removal", () => {
    const creates = {
      ...planKind([change("create", "rooms.s")]),
      head_sha: "abc",
      refused: false,
    };
    const v = compare(creates, [
      change("create", "rooms.s.topic"),
      change("update", "rooms.s.name"),
      change("create", "rooms.s.rooms.c"),
      change("update", "rooms.s.rooms.c.topic"),
      change("create", "rooms.s.children.c"),
      change("create", "rooms.sx.topic"),
      change("update", "rooms.s.name", "other-space"),
      change("delete", "rooms.s.children.x"),
    ]);
    assert.ok(!v.ok);
    assert.deepEqual(v.unexpected, [
      "+ de-rse:rooms.s.children.c",
      "+ de-rse:rooms.s.rooms.c",
      "+ de-rse:rooms.sx.topic",
      "- de-rse:rooms.s.children.x",
      "~ de-rse:rooms.s.name",
      "~ de-rse:rooms.s.rooms.c.topic",
      "~ other-space:rooms.s.name",
    ]);
  });

  it("with only a digest stored, accepts only an identical plan", () => {
    const { keys: _k, ...digestOnly } = reviewed;
    assert.equal(
      compare(digestOnly, [change("create", "rooms.a"), change("update", "rooms.b.topic")]).ok,
      true,
    );
    assert.equal(compare(digestOnly, [change("create", "rooms.a")]).ok, false);
  });
});

describe("kind marker", () => {
  it("round-trips, and survives addresses that would end an HTML comment", () => {
    const kind = {
      ...planKind([change("update", "rooms.a--b>c.topic")]),
      head_sha: "0123abcd",
      refused: true,
    };
    const marker = kindMarker(kind);
    assert.doesNotMatch(marker.slice(4, -3), /--|>/);
    const body = `<!-- spaceform-plan -->\n${marker}\n## Plan\n`;
    assert.deepEqual(parseKindMarker(body), kind);
  });

  it("keeps only the digest when the change list is too long to store", () => {
    const changes = Array.from({ length: 2000 }, (_, i) =>
      change("create", `rooms.room-number-${i}`),
    );
    const kind = { ...planKind(changes), head_sha: "abc", refused: false };
    const marker = kindMarker(kind);
    assert.ok(marker.length <= MAX_KIND_MARKER_CHARS);
    const parsed = parseKindMarker(`<!-- spaceform-drift -->\n${marker}\n`);
    assert.ok(parsed);
    assert.equal(parsed.digest, kind.digest);
    assert.equal(parsed.keys, undefined);
  });

  it("reads a marker only from the second line, never from the text below", () => {
    const marker = kindMarker({
      ...planKind([change("create", "rooms.a")]),
      head_sha: "",
      refused: false,
    });
    assert.equal(parseKindMarker(`<!-- spaceform-drift -->\nroom name\n${marker}\n`), undefined);
    assert.equal(parseKindMarker(marker), undefined);
  });

  it("reads nothing from a body without a marker or with a damaged one", () => {
    assert.equal(parseKindMarker("just a comment"), undefined);
    assert.equal(parseKindMarker("x\n<!-- spaceform-plan-kind !!!notbase64 -->"), undefined);
    assert.equal(
      parseKindMarker(
        `x\n<!-- spaceform-plan-kind ${Buffer.from('{"digest":1}').toString("base64url")} -->`,
      ),
      undefined,
    );
  });
});
