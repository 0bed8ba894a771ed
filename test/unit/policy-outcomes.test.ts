// House rules as outcomes: every rule's pass, fail, warn and unknown in a member's words (what
// `spaceform check` prints), the room version 12 creators rule, and the plan naming the
// power-level rules it cannot check for an invited room.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Policies } from "../../src/manifest/model.ts";
import type { RoomId, UserId } from "../../src/matrix/ids.ts";
import { DEFAULT_PLAN_OPTIONS, planSpace } from "../../src/plan/planner.ts";
import {
  checkPolicies,
  evaluateRules,
  NO_POLICIES,
  uncheckedMemberRules,
  type PolicyRoomView,
} from "../../src/policy/index.ts";
import { BOT, entry, ev, live, manifest } from "../support/builders.ts";

const ALICE = "@alice:other.org";
const policies = (p: Partial<Policies>): Policies => ({ ...NO_POLICIES, creators: "off", ...p });
const view = (v: Partial<PolicyRoomView> = {}): PolicyRoomView => ({
  entry: "rooms.chapter-berlin",
  key: "chapter-berlin",
  kind: "room",
  managingUser: BOT,
  ...v,
});
const statuses = (p: Policies, v: PolicyRoomView): string[] =>
  evaluateRules(p, v).map((o) => `${o.rule} ${o.status}`);

const DE_RSE = policies({
  admins: [BOT as UserId],
  forbid_encryption: true,
  require_avatar: "error",
  min_moderators: 1,
  name_prefixes: [{ match: "chapter-*", prefix: "deRSE-chapter-" }],
});

describe("house rules in a member's words", () => {
  it("passes every rule of a room that keeps them, saying what holds", () => {
    const found = evaluateRules(
      DE_RSE,
      view({
        name: "deRSE-chapter-berlin",
        hasAvatar: true,
        encrypted: false,
        users: { [BOT]: 100, [ALICE]: 50 },
      }),
    );
    assert.deepEqual(
      found.map((o) => [o.rule, o.status, o.message, o.fix, o.diagnostics.length]),
      [
        ["admins", "pass", `${BOT} is an admin of the room (power level 100).`, undefined, 0],
        ["forbid_encryption", "pass", "The room is not end-to-end encrypted.", undefined, 0],
        ["require_avatar", "pass", "The room has an avatar.", undefined, 0],
        [
          "min_moderators",
          "pass",
          `The room has 1 moderator besides the admins and the account that manages the space: ${ALICE}.`,
          undefined,
          0,
        ],
        [
          "name_prefixes",
          "pass",
          'The room\'s name "deRSE-chapter-berlin" starts with "deRSE-chapter-".',
          undefined,
          0,
        ],
      ],
    );
  });

  it("says what is wrong and what to do about each failure", () => {
    const found = evaluateRules(
      DE_RSE,
      view({ name: "Berlin", hasAvatar: false, encrypted: true, users: { [BOT]: 50 } }),
    );
    assert.deepEqual(
      found.map((o) => [o.rule, o.status, o.message, o.fix]),
      [
        [
          "admins",
          "fail",
          `${BOT} must be an admin of the room (power level 100), but ${BOT} has power level 50.`,
          `In the room's settings (Roles & Permissions), make ${BOT} Admin.`,
        ],
        [
          "forbid_encryption",
          "fail",
          "The room is end-to-end encrypted, and the space takes only rooms that are not.",
          "Encryption can never be turned off in a Matrix room: create a new room without encryption and ask for that one instead.",
        ],
        [
          "require_avatar",
          "fail",
          "The room has no avatar, and the space requires one.",
          "Set a room picture in the room's settings (General).",
        ],
        [
          "min_moderators",
          "fail",
          "The room needs at least 1 moderator besides the admins and the account that manages the space (power level 50 or more), and has 0.",
          "In the room's settings (Roles & Permissions), make someone Moderator.",
        ],
        [
          "name_prefixes",
          "fail",
          'The room\'s name "Berlin" must start with "deRSE-chapter-" (rooms listed under a key like chapter-*).',
          'Rename the room in its settings, e.g. to "deRSE-chapter-Berlin".',
        ],
      ],
    );
    // The same findings, for the manifest: exactly the diagnostics validate and plan report.
    assert.deepEqual(
      found.flatMap((o) => o.diagnostics.map((d) => d.code)),
      checkPolicies(DE_RSE, [
        view({ name: "Berlin", hasAvatar: false, encrypted: true, users: { [BOT]: 50 } }),
      ]).map((d) => d.code),
    );
  });

  it("marks what the view does not show as unknown, the power-level rules among them", () => {
    const invited = view({ name: "deRSE-chapter-berlin", hasAvatar: true, encrypted: false });
    assert.deepEqual(statuses(DE_RSE, invited), [
      "admins unknown",
      "forbid_encryption pass",
      "require_avatar pass",
      "min_moderators unknown",
      "name_prefixes pass",
    ]);
    assert.deepEqual(
      uncheckedMemberRules(DE_RSE, invited).map((o) => o.rule),
      ["admins", "min_moderators"],
    );
    assert.deepEqual(checkPolicies(DE_RSE, [invited]), [], "unknown is no violation");
    const { key: _k, ...noKey } = invited;
    assert.deepEqual(
      evaluateRules(DE_RSE, noKey).find((o) => o.rule === "name_prefixes")?.status,
      "unknown",
    );
  });

  it("a recommended avatar warns", () => {
    const p = policies({ require_avatar: "warn" });
    assert.deepEqual(statuses(p, view({ hasAvatar: false })), ["require_avatar warn"]);
  });

  it("keeps names as data: a hostile name comes back verbatim for the renderer to escape", () => {
    const name = "Berlin\u001b[2J\n## @everyone <img src=x>";
    const [o] = evaluateRules(
      policies({ name_prefixes: [{ match: "*", prefix: "x-" }] }),
      view({ name }),
    );
    assert.equal(o?.message.includes(name), true);
  });
});

describe("policy creators (room version 12)", () => {
  const v12 = (creators: string[]): PolicyRoomView =>
    view({ roomVersion: "12", creators, users: { [BOT]: 100 } });

  it("warns by default when someone besides the managing account created the room", () => {
    const [o] = evaluateRules(policies({ creators: "warn" }), v12([ALICE]));
    assert.ok(o);
    assert.equal(o.status, "warn");
    assert.equal(
      o.message,
      `The room has room version 12, in which its creators have power above every power level and cannot be demoted: ${ALICE} keeps full control of the room whatever power the account that manages the space (${BOT}) gets.`,
    );
    assert.deepEqual(
      o.diagnostics.map((d) => [d.severity, d.code, d.path]),
      [["warning", "policy.creators", "rooms.chapter-berlin"]],
    );
  });

  it("with require, fails unless the managing account is a creator", () => {
    const p = policies({ creators: "require" });
    assert.deepEqual(statuses(p, v12([ALICE])), ["creators fail"]);
    assert.deepEqual(statuses(p, v12([BOT])), ["creators pass"]);
    assert.deepEqual(statuses(p, v12([BOT, ALICE])), ["creators warn"]);
    assert.deepEqual(
      checkPolicies(p, [v12([ALICE])]).map((d) => `${d.severity} ${d.code}`),
      ["error policy.creators"],
    );
  });

  it("passes rooms before version 12 and is silent without the version or when off", () => {
    assert.deepEqual(statuses(policies({ creators: "require" }), view({ roomVersion: "11" })), [
      "creators pass",
    ]);
    assert.deepEqual(statuses(policies({ creators: "warn" }), view()), []);
    assert.deepEqual(statuses(policies({ creators: "require" }), view()), ["creators unknown"]);
    assert.deepEqual(statuses(policies({ creators: "off" }), v12([ALICE])), []);
  });
});

describe("plan: house rules of an invited room", () => {
  const ROOM = "!member:other.org" as RoomId;
  const invited = {
    room_id: ROOM,
    membership: "invite" as const,
    state: [
      ev("m.room.create", { room_version: "12" }, "", ALICE),
      ev("m.room.name", { name: "deRSE-chapter-berlin" }, "", ALICE),
      ev("m.room.member", { membership: "invite" }, BOT, ALICE),
    ],
  };
  const desired = manifest(entry("space", {}, [entry("chapter-berlin", { id: ROOM })]), {
    policies: { ...DE_RSE, creators: "warn" },
  });

  it("names each power-level rule it could not check, and trusts no creator from the invite", () => {
    const plan = planSpace(desired, live([invited]), DEFAULT_PLAN_OPTIONS);
    const policy = plan.diagnostics.filter(
      (d) => d.code.startsWith("policy.") && d.path?.startsWith("rooms.chapter-berlin") === true,
    );
    assert.deepEqual(
      policy.map((d) => `${d.severity} ${d.code} ${d.path ?? ""}`),
      [
        "error policy.require-avatar rooms.chapter-berlin.avatar",
        "warning policy.unchecked rooms.chapter-berlin.power_levels",
        "warning policy.unchecked rooms.chapter-berlin.power_levels",
      ],
    );
    const unchecked = policy.filter((d) => d.code === "policy.unchecked").map((d) => d.message);
    assert.deepEqual(unchecked, [
      `house rule \`admins\` is not checked for \`rooms.chapter-berlin\`: the managing account is only invited to ${ROOM}, and a room shows its power levels only to members.`,
      `house rule \`min_moderators\` is not checked for \`rooms.chapter-berlin\`: the managing account is only invited to ${ROOM}, and a room shows its power levels only to members.`,
    ]);
  });
});

describe("the members' page names the creators rule only when it is required", () => {
  it("adds one sentence for creators: require, none for warn", async () => {
    const { houseRules } = await import("../../src/page/rules.ts");
    assert.deepEqual(houseRules(policies({ creators: "warn" })), []);
    assert.deepEqual(houseRules(policies({ creators: "require" })), [
      "In a room of room version 12, the account that manages the space is one of the room's creators (creators have power above every level, which nobody can take away).",
    ]);
  });
});
