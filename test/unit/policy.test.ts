import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkPolicies, globMatch, NO_POLICIES } from "../../src/policy/index.ts";
import type { PolicyRoomView } from "../../src/policy/index.ts";
import { declaredRoomFacts } from "../../src/policy/view.ts";
import type { Policies } from "../../src/manifest/model.ts";
import type { UserId } from "../../src/matrix/ids.ts";

const BOT = "@bot:example.org" as UserId;
const policies = (p: Partial<Policies>): Policies => ({ ...NO_POLICIES, ...p });
const room = (v: Partial<PolicyRoomView> = {}): PolicyRoomView => ({
  entry: "rooms.general",
  key: "general",
  kind: "room",
  ...v,
});
const codes = (p: Policies, rooms: PolicyRoomView[]): string[] =>
  checkPolicies(p, rooms).map((d) => `${d.severity} ${d.code} ${d.path ?? ""}`);

describe("policy admins", () => {
  const p = policies({ admins: [BOT] });
  it("passes when the admin holds 100", () => {
    assert.deepEqual(codes(p, [room({ users: { [BOT]: 100 } })]), []);
  });
  it("flags an admin below 100 at its users entry", () => {
    assert.deepEqual(codes(p, [room({ users: { [BOT]: 99 } })]), [
      `error policy.admins rooms.general.power_levels.users["${BOT}"]`,
    ]);
  });
  it("flags an admin missing from a known users map, unless users_default is 100", () => {
    assert.deepEqual(codes(p, [room({ users: {} })]), [
      "error policy.admins rooms.general.power_levels.users",
    ]);
    assert.deepEqual(codes(p, [room({ users: {}, usersDefault: 100 })]), []);
  });
  it("counts a room version 12 creator as unlimited", () => {
    assert.deepEqual(codes(p, [room({ users: {}, creators: [BOT] })]), []);
  });
  it("skips rooms whose power levels are unknown", () => {
    assert.deepEqual(codes(p, [room()]), []);
  });
  it("leaves the users of a declared room version 12 to the planner, which knows the creators", () => {
    const facts = (room_version?: string) =>
      declaredRoomFacts({
        ...(room_version !== undefined ? { room_version } : {}),
        power_levels: { users: { "@mod:example.org": 50 } },
      });
    assert.deepEqual(facts("12"), {});
    assert.deepEqual(codes(p, [room(facts("12"))]), []);
    assert.deepEqual(codes(p, [room(facts("11"))]), [
      "error policy.admins rooms.general.power_levels.users",
    ]);
  });
});

describe("policy forbid_encryption", () => {
  it("flags encrypted rooms only when the policy is on", () => {
    assert.deepEqual(codes(policies({ forbid_encryption: true }), [room({ encrypted: true })]), [
      "error policy.forbid-encryption rooms.general.encrypted",
    ]);
    assert.deepEqual(
      codes(policies({ forbid_encryption: true }), [room({ encrypted: false }), room()]),
      [],
    );
    assert.deepEqual(
      codes(policies({ forbid_encryption: false }), [room({ encrypted: true })]),
      [],
    );
  });
  it("asks to remove a declaration that only the manifest makes", () => {
    const found = checkPolicies(policies({ forbid_encryption: true }), [room({ encrypted: true })]);
    assert.equal(found.length, 1);
    const d = found[0];
    assert.ok(d);
    assert.equal(
      d.message,
      "`rooms.general` declares `encrypted: true`; policy `forbid_encryption` forbids encrypted rooms.",
    );
    assert.equal(d.hint, "Remove `encrypted: true` (or set `encrypted: false`).");
  });
  it("explains that a room encrypted already stays so, instead of asking to remove a declaration", () => {
    const found = checkPolicies(policies({ forbid_encryption: true }), [
      room({ encrypted: true, liveEncrypted: true }),
    ]);
    assert.equal(found.length, 1);
    const d = found[0];
    assert.ok(d);
    assert.equal(d.code, "policy.forbid-encryption");
    assert.equal(
      d.message,
      "`rooms.general` is already encrypted; policy `forbid_encryption` forbids encrypted rooms.",
    );
    assert.equal(
      d.hint,
      "Encryption cannot be turned off in Matrix: create a new unencrypted room, link it instead and tombstone this one.",
    );
  });
});

describe("policy require_avatar", () => {
  it("is an error, a warning or nothing, as configured", () => {
    const noAvatar = [room({ hasAvatar: false })];
    assert.deepEqual(codes(policies({ require_avatar: "error" }), noAvatar), [
      "error policy.require-avatar rooms.general.avatar",
    ]);
    assert.deepEqual(codes(policies({ require_avatar: "warn" }), noAvatar), [
      "warning policy.require-avatar rooms.general.avatar",
    ]);
    assert.deepEqual(codes(policies({ require_avatar: "off" }), noAvatar), []);
  });
  it("passes with an avatar and skips when unknown", () => {
    const p = policies({ require_avatar: "error" });
    assert.deepEqual(codes(p, [room({ hasAvatar: true }), room()]), []);
  });
});

describe("policy min_moderators", () => {
  const p = policies({ admins: [BOT], min_moderators: 1 });
  it("does not count admins or the managing account", () => {
    const users = { [BOT]: 100, "@runner:example.org": 100 };
    assert.deepEqual(codes(p, [room({ users, managingUser: "@runner:example.org" })]), [
      "error policy.min-moderators rooms.general.power_levels.users",
    ]);
  });
  it("counts users at 50 or more", () => {
    assert.deepEqual(codes(p, [room({ users: { [BOT]: 100, "@mod:example.org": 50 } })]), []);
    assert.deepEqual(codes(p, [room({ users: { [BOT]: 100, "@helper:example.org": 49 } })]), [
      "error policy.min-moderators rooms.general.power_levels.users",
    ]);
  });
  it("needs as many as asked for, and reports how many there are", () => {
    const two = policies({ admins: [BOT], min_moderators: 2 });
    const found = checkPolicies(two, [room({ users: { [BOT]: 100, "@mod:example.org": 50 } })]);
    assert.deepEqual(found, [
      {
        severity: "error",
        code: "policy.min-moderators",
        message:
          "`rooms.general` has 1 moderator besides the admins; policy `min_moderators` requires 2.",
        hint: "Give someone power level 50 or more in power_levels.users.",
        path: "rooms.general.power_levels.users",
      },
    ]);
  });
  it("is satisfied when everyone's default level is a moderator's", () => {
    assert.deepEqual(codes(p, [room({ users: { [BOT]: 100 }, usersDefault: 50 })]), []);
  });
  it("skips rooms whose users are unknown, and is off at 0", () => {
    assert.deepEqual(codes(p, [room()]), []);
    assert.deepEqual(codes(policies({ min_moderators: 0 }), [room({ users: {} })]), []);
  });
});

describe("policy name_prefixes", () => {
  const p = policies({ name_prefixes: [{ match: "chapter-*", prefix: "deRSE-chapter-" }] });
  it("checks the names of rooms whose key matches", () => {
    assert.deepEqual(
      codes(p, [
        room({ entry: "rooms.chapter-berlin", key: "chapter-berlin", name: "Berlin" }),
        room({ entry: "rooms.chapter-bonn", key: "chapter-bonn", name: "deRSE-chapter-bonn" }),
        room({ entry: "rooms.general", key: "general", name: "Berlin" }),
      ]),
      ["error policy.name-prefix rooms.chapter-berlin.name"],
    );
  });
  it("skips unknown names and the root space", () => {
    const anything = policies({ name_prefixes: [{ match: "*", prefix: "x-" }] });
    assert.deepEqual(
      codes(anything, [
        room({ key: "chapter-a" }),
        { entry: "space", key: "space", kind: "space", name: "S" },
      ]),
      [],
    );
  });
  it("uses positionPath for diagnostics when given", () => {
    const [d] = checkPolicies(p, [
      room({ key: "chapter-a", name: "A", positionPath: "rooms.sub.rooms.chapter-a" }),
    ]);
    assert.equal(d?.path, "rooms.sub.rooms.chapter-a.name");
  });
});

describe("globMatch", () => {
  it("supports * and ? and nothing else", () => {
    assert.ok(globMatch("chapter-*", "chapter-"));
    assert.ok(globMatch("chapter-*", "chapter-berlin"));
    assert.ok(!globMatch("chapter-*", "my-chapter-berlin"));
    assert.ok(globMatch("room-?", "room-1"));
    assert.ok(!globMatch("room-?", "room-12"));
    assert.ok(globMatch("a.b", "a.b"));
    assert.ok(!globMatch("a.b", "axb"), "a dot is literal");
    assert.ok(globMatch("[x]", "[x]"), "brackets are literal");
  });
});

describe("checkPolicies", () => {
  it("reports rooms in order and every rule per room", () => {
    const p = policies({ admins: [BOT], forbid_encryption: true, require_avatar: "error" });
    assert.deepEqual(
      codes(p, [
        room({
          entry: "space",
          key: "space",
          kind: "space",
          encrypted: true,
          hasAvatar: false,
          users: {},
        }),
        room({ hasAvatar: false }),
      ]),
      [
        "error policy.admins space.power_levels.users",
        "error policy.forbid-encryption space.encrypted",
        "error policy.require-avatar space.avatar",
        "error policy.require-avatar rooms.general.avatar",
      ],
    );
  });
});
