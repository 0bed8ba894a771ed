// spaceform check without a homeserver: which facts the invite, the summary and the full state
// give the rules, when the invite is worth accepting, and the three renderings with hostile
// room names.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkFacts, checkReport, needsMembership } from "../../src/check/evaluate.ts";
import { readRoomForCheck, type CheckedRoom } from "../../src/check/read.ts";
import { GatewayError, type RoomCheckSource } from "../../src/matrix/gateway.ts";
import { renderCheckJson, renderCheckMarkdown, renderCheckText } from "../../src/check/render.ts";
import type { Policies } from "../../src/manifest/model.ts";
import type { RoomId, UserId } from "../../src/matrix/ids.ts";
import { NO_POLICIES } from "../../src/policy/index.ts";
import { BOT, ev } from "../support/builders.ts";

const ROOM = "!r:other.org" as RoomId;
const MEMBER = "@m:other.org";
const policies: Policies = {
  ...NO_POLICIES,
  admins: [BOT as UserId],
  forbid_encryption: true,
  require_avatar: "error",
  name_prefixes: [{ match: "*", prefix: "deRSE-" }],
};
const target = { policies, managing: BOT as UserId, key: "general" };

function invited(over: Partial<CheckedRoom> = {}): CheckedRoom {
  return {
    asked: ROOM,
    room_id: ROOM,
    membership: "invite",
    room: {
      room_id: ROOM,
      membership: "invite",
      state: [
        ev("m.room.create", { room_version: "11" }, "", MEMBER),
        ev("m.room.name", { name: "deRSE-old" }, "", MEMBER),
      ],
    },
    joinedForCheck: false,
    via: ["other.org"],
    ...over,
  };
}

describe("check: facts before and after joining", () => {
  it("takes the invite's stripped state, and the summary over it (it is current)", () => {
    assert.deepEqual(checkFacts(invited()), {
      name: "deRSE-old",
      hasAvatar: false,
      encrypted: false,
    });
    const summary = {
      room_id: ROOM,
      name: "deRSE-new",
      avatar_url: "mxc://o/a",
      encryption: "m.megolm.v1.aes-sha2",
    };
    assert.deepEqual(checkFacts(invited({ summary })), {
      name: "deRSE-new",
      hasAvatar: true,
      encrypted: true,
      liveEncrypted: true,
    });
  });

  it("accepts the invite only when a rule needs power levels or the creators", () => {
    assert.equal(needsMembership(invited(), target), true);
    const noPower = { ...policies, admins: [] };
    // creators: warn (the default) needs the room version, which only the room's own state shows.
    assert.equal(needsMembership(invited(), { ...target, policies: noPower }), true);
    assert.equal(
      needsMembership(invited(), { ...target, policies: { ...noPower, creators: "off" } }),
      false,
    );
  });

  it("counts the room as encrypted when either the invite or the summary says so", () => {
    const encryptedInvite = invited({
      room: {
        room_id: ROOM,
        membership: "invite",
        state: [ev("m.room.encryption", { algorithm: "m.megolm.v1.aes-sha2" }, "", MEMBER)],
      },
      // A summary that leaves `encryption` out says nothing against the invite.
      summary: { room_id: ROOM, name: "deRSE-x" },
    });
    assert.deepEqual(checkFacts(encryptedInvite), {
      name: "deRSE-x",
      hasAvatar: false,
      encrypted: true,
      liveEncrypted: true,
    });
  });

  it("never passes a room the account is neither in nor invited to", () => {
    const outside = invited({
      membership: "none",
      room: { room_id: ROOM, membership: "none", state: [], unreadable: "not a member" },
      summary: { room_id: ROOM, name: "deRSE-x", avatar_url: "mxc://o/a" },
    });
    const open = { ...policies, admins: [], creators: "off" as const };
    const report = checkReport(outside, { ...target, policies: open });
    assert.deepEqual(
      report.rules.map((r) => `${r.rule} ${r.status}`),
      ["forbid_encryption pass", "require_avatar pass", "name_prefixes pass"],
    );
    assert.equal(report.ok, false);
    assert.deepEqual(report.notes, [
      `${BOT} is not in the room and has no invite: only the room's public summary was read. Invite ${BOT} to the room, then check again: a room is added only once the account that manages the space can read it.`,
    ]);
  });

  it("reads power levels from the full state once joined", () => {
    const joined = invited({
      membership: "join",
      joinedForCheck: true,
      room: {
        room_id: ROOM,
        membership: "join",
        state: [
          ev("m.room.create", { room_version: "11" }, "", MEMBER),
          ev("m.room.name", { name: "deRSE-x" }, "", MEMBER),
          ev("m.room.power_levels", { users: { [BOT]: 50 } }, "", MEMBER),
        ],
      },
    });
    const report = checkReport(joined, target);
    assert.deepEqual(
      report.rules.map((r) => `${r.rule} ${r.status}`),
      ["admins fail", "forbid_encryption pass", "require_avatar fail", "name_prefixes pass"],
    );
    assert.equal(report.ok, false);
    assert.equal(report.notes.length, 1);
  });
});

describe("check: the invite's stripped state is not trusted", () => {
  // The inviting server writes the stripped state; nothing authenticates it.
  const ADMIN = "@admin:example.org";
  const forged = invited({
    room: {
      room_id: ROOM,
      membership: "invite",
      state: [
        ev("m.room.create", { room_version: "12", additional_creators: [ADMIN] }, "", BOT),
        ev("m.room.power_levels", { users: { [ADMIN]: 100, [BOT]: 100 } }, "", BOT),
        ev("m.room.name", { name: "deRSE-x" }, "", MEMBER),
      ],
    },
  });
  const adminPolicies: Policies = {
    ...NO_POLICIES,
    admins: [ADMIN as UserId],
    creators: "require",
  };
  const adminTarget = { policies: adminPolicies, managing: BOT as UserId, key: "general" };

  it("takes neither the version, the creators nor the power levels from it", () => {
    assert.deepEqual(checkFacts(forged), { name: "deRSE-x", hasAvatar: false, encrypted: false });
  });

  it("leaves admins and creators unknown, and so accepts the invite to read the real state", () => {
    assert.deepEqual(
      checkReport(forged, adminTarget).rules.map((r) => `${r.rule} ${r.status}`),
      ["admins unknown", "creators unknown"],
    );
    assert.equal(needsMembership(forged, adminTarget), true);
  });
});

describe("check: rendering hostile names", () => {
  const name = "@room <b>x</b> [link](https://evil.example) \u001b[31m\n- [x] **admins**: forged";
  const report = checkReport(invited({ summary: { room_id: ROOM, name } }), {
    ...target,
    policies: { ...NO_POLICIES, name_prefixes: [{ match: "*", prefix: "deRSE-" }] },
  });

  it("Markdown: one task per rule, the name escaped so it forges no task, link or mention", () => {
    const md = renderCheckMarkdown(report);
    assert.equal(md.split("\n").length, 2, "a name with a newline adds no line");
    assert.equal(
      md.split("\n")[0],
      '- [ ] **name_prefixes**: The room\'s name "@&#8203;room \\<b\\>x\\</b\\> \\[link\\](https\\://evil.example) \\\\u001b\\[31m\\\\n- \\[x\\] \\*\\*admins\\*\\*: forged" must start with "deRSE-" (rooms listed under a key like \\*).',
    );
  });

  it("text: control characters shown, never sent", () => {
    const text = renderCheckText([report]);
    assert.equal(text.includes("\u001b"), false);
    assert.equal(
      text.split("\n")[0],
      `Room ${ROOM}: @room <b>x</b> [link](https://evil.example) \\u001b[31m\\n- [x] **admins**: forged`,
    );
  });

  it("JSON: the documented shape, the name as a JSON string", () => {
    const doc = JSON.parse(renderCheckJson([report])) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), ["room_id", "room", "ok", "rules", "notes"]);
    assert.equal(doc["room_id"], ROOM);
    assert.equal((doc["rules"] as { message: string }[])[0]?.message.includes(name), true);
  });
});

describe("check: the room summary", () => {
  it("is ignored when it describes another room than the one asked for", async () => {
    const other = "!other:evil.org";
    const source = {
      whoami: () => Promise.resolve({ user_id: BOT as UserId, server_name: "example.org" }),
      resolveAlias: () => Promise.resolve(null),
      roomState: () =>
        Promise.reject(new GatewayError("not a member", { kind: "GET /state", httpStatus: 403 })),
      roomSummary: () =>
        Promise.resolve({ room_id: other as RoomId, name: "deRSE-x", avatar_url: "mxc://o/a" }),
      syncRooms: () => Promise.resolve({ joined: [], invited: [] }),
      join: () => Promise.reject(new Error("no join expected")),
    } as unknown as RoomCheckSource;
    const read = await readRoomForCheck(source, ROOM, BOT as UserId, { acceptInvite: () => false });
    assert.deepEqual(read, {
      ok: false,
      asked: ROOM,
      room_id: ROOM,
      problem: `${BOT} cannot see the room ${ROOM}: it is not a member and has no invite, and the room's summary is not public. Invite ${BOT} to the room, then check again.`,
    });
  });
});
