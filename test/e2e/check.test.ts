// `spaceform check` against real homeservers: a member of server B (fed2) creates rooms there
// and invites the managing account of server A (fed1). The check reads the invite and the room
// summary, accepts the invite only when a rule needs power levels, and says what to fix in a
// member's words; a fixed room passes. Hostile room names stay data on the terminal.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { envFor, manifestDir, runCli, sdkClient, writeManifest } from "./apply.support.ts";
import { federatedWorld, type FederatedWorld } from "./federation.support.ts";

interface CheckJson {
  room_id: string | null;
  ok: boolean;
  rules: { rule: string; ok: boolean; status: string; message: string; fix?: string }[];
  notes: string[];
}

describe("spaceform check: a member's room against the house rules (federation, end to end)", () => {
  let fw: FederatedWorld;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let bot: string;
  let rules: string;
  let noPower: string;
  let creatorsOnly: string;

  const check = (...args: string[]) => runCli(["check", ...args], env, { cwd: dir });
  const joinedRooms = async (): Promise<string[]> =>
    (await sdkClient(fw.world.hs, fw.world.bot).getJoinedRooms()).joined_rooms;

  /** A room on B by the member, inviting the managing account (room version 12: the member is its creator). */
  async function memberRoom(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const { room_id } = await fw.memberClient.createRoom({
      name,
      room_version: "12",
      invite: [bot],
      power_level_content_override: { users: { [bot]: 100 } },
      ...extra,
    });
    return room_id;
  }

  before(async () => {
    fw = await federatedWorld({ name: "check", diagnostic: () => undefined });
    bot = fw.world.bot.userId;
    dir = await manifestDir();
    const space = `version: 1
space:
  alias: "#${fw.world.aliasLocalpart("space")}"
  name: Check test
`;
    rules = await writeManifest(
      dir,
      "rules",
      `${space}policies:
  admins: ["${bot}"]
  forbid_encryption: true
  require_avatar: error
  min_moderators: 1
  name_prefixes:
    - match: "chapter-*"
      prefix: "deRSE-chapter-"
`,
    );
    noPower = await writeManifest(
      dir,
      "nopower",
      `${space}policies:\n  forbid_encryption: true\n  require_avatar: warn\n  creators: "off"\n`,
    );
    creatorsOnly = await writeManifest(dir, "creators", `${space}policies:\n  creators: warn\n`);
    env = envFor(fw.world.hs, fw.world.bot);
  });

  it("reads the invite, accepts it to read power levels, and says what to fix", async () => {
    const roomId = await memberRoom("Berlin");
    const r = await check(
      roomId,
      "--manifest",
      rules,
      "--key",
      "chapter-berlin",
      "--format",
      "json",
    );
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as CheckJson;
    assert.equal(doc.room_id, roomId);
    assert.equal(doc.ok, false);
    const member = fw.member.userId;
    assert.deepEqual(
      doc.rules.map((x) => [x.rule, x.status, x.ok]),
      [
        ["admins", "pass", true],
        ["forbid_encryption", "pass", true],
        ["require_avatar", "fail", false],
        ["min_moderators", "pass", true],
        ["name_prefixes", "fail", false],
        ["creators", "warn", true],
      ],
    );
    assert.deepEqual(doc.rules[4], {
      rule: "name_prefixes",
      ok: false,
      status: "fail",
      message:
        'The room\'s name "Berlin" must start with "deRSE-chapter-" (rooms listed under a key like chapter-*).',
      fix: 'Rename the room in its settings, e.g. to "deRSE-chapter-Berlin".',
    });
    assert.equal(
      doc.rules[3]?.message,
      `The room has 1 moderator besides the admins and the account that manages the space: ${member}.`,
    );
    const creatorsMessage = `The room has room version 12, in which its creators have power above every power level and cannot be demoted: ${member} keeps full control of the room whatever power the account that manages the space (${bot}) gets.`;
    assert.equal(doc.rules[5]?.message, creatorsMessage);
    assert.deepEqual(doc.notes, [
      `${bot} accepted the room's invite to read its power levels and creators, which a room shows only to its members. It joined nothing else and sent nothing.`,
    ]);
    assert.deepEqual(await joinedRooms(), [roomId], "the check joined exactly the room it checked");

    // The member fixes the room; the next check (joined now) passes, and says so in words.
    await fw.memberClient.setRoomName(roomId, "deRSE-chapter-berlin");
    await fw.memberClient.sendStateEvent(
      roomId,
      "m.room.avatar" as never,
      {
        url: `mxc://${fw.other.serverName}/logo`,
      } as never,
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // federation delivers to A
    const text = await check(roomId, "--manifest", rules, "--key", "chapter-berlin");
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.equal(
      text.stdout,
      [
        `Room ${roomId}: deRSE-chapter-berlin`,
        `  ✓ pass  admins: ${bot} is an admin of the room (power level 100).`,
        "  ✓ pass  forbid_encryption: The room is not end-to-end encrypted.",
        "  ✓ pass  require_avatar: The room has an avatar.",
        `  ✓ pass  min_moderators: The room has 1 moderator besides the admins and the account that manages the space: ${member}.`,
        '  ✓ pass  name_prefixes: The room\'s name "deRSE-chapter-berlin" starts with "deRSE-chapter-".',
        `  ! warn  creators: ${creatorsMessage}`,
        `      what to do: Nothing to do if that is intended. To give the space full control, upgrade the room (/upgraderoom) with ${bot} as an additional creator, or let ${bot} create a new room.`,
        "  Every house rule holds.",
        "",
      ].join("\n"),
    );
  });

  it("accepts no invite when no rule needs power levels or creators, and reads the summary", async () => {
    const before = await joinedRooms();
    const roomId = await memberRoom("Anything", {
      initial_state: [
        {
          type: "m.room.encryption",
          state_key: "",
          content: { algorithm: "m.megolm.v1.aes-sha2" },
        },
      ],
    });
    const r = await check(roomId, "--manifest", noPower, "--format", "json");
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as CheckJson;
    assert.deepEqual(
      doc.rules.map((x) => [x.rule, x.status]),
      [
        ["forbid_encryption", "fail"],
        ["require_avatar", "warn"],
      ],
    );
    assert.deepEqual(doc.notes, [`${bot} is invited to the room and has not joined it.`]);
    assert.deepEqual(await joinedRooms(), before, "no invite was accepted");
  });

  it("accepts the invite to read the creators when only the creators rule needs them", async () => {
    const roomId = await memberRoom("Creators only");
    const r = await check(roomId, "--manifest", creatorsOnly, "--format", "json");
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as CheckJson;
    assert.deepEqual(
      doc.rules.map((x) => [x.rule, x.status]),
      [["creators", "warn"]],
    );
    assert.ok((await joinedRooms()).includes(roomId), "the invite was accepted");
  });

  it("never passes a public room the account is neither in nor invited to", async () => {
    const { room_id: roomId } = await fw.memberClient.createRoom({
      name: "Public, no invite",
      initial_state: [
        { type: "m.room.join_rules", state_key: "", content: { join_rule: "public" } },
      ],
    });
    const r = await check(roomId, "--manifest", noPower, "--format", "json");
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as CheckJson;
    assert.deepEqual(
      doc.rules.map((x) => [x.rule, x.status]),
      [
        ["forbid_encryption", "pass"],
        ["require_avatar", "warn"],
      ],
    );
    assert.equal(doc.ok, false);
    assert.deepEqual(doc.notes, [
      `${bot} is not in the room and has no invite: only the room's public summary was read. Invite ${bot} to the room, then check again: a room is added only once the account that manages the space can read it.`,
    ]);
  });

  it("explains a room it cannot see and an alias that does not exist", async () => {
    const { room_id: hidden } = await fw.memberClient.createRoom({ name: "Private" });
    const missing = `#sf-check-missing-${fw.world.runId}:${fw.other.serverName}`;
    const r = await check(hidden, missing, "--manifest", rules, "--format", "json");
    assert.equal(r.code, 1, r.stderr);
    const docs = JSON.parse(r.stdout) as CheckJson[];
    assert.deepEqual(
      docs.map((d) => [d.room_id, d.rules.length, d.notes]),
      [
        [
          hidden,
          0,
          [
            `${bot} cannot see the room ${hidden}: it is not a member and has no invite, and the room's summary is not public. Invite ${bot} to the room, then check again.`,
          ],
        ],
        [null, 0, [`The room alias ${missing} does not exist.`]],
      ],
    );
  });

  it("shows a hostile room name as data on the terminal", async () => {
    const name = "deRSE-chapter-\u001b]0;owned\u0007\u001b[2J\nFAKE: pass";
    const roomId = await memberRoom(name);
    const r = await check(roomId, "--manifest", noPower);
    assert.equal(r.stdout.includes("\u001b"), false, "no escape character reaches the terminal");
    assert.equal(r.stdout.includes("\u0007"), false);
    assert.equal(
      r.stdout.split("\n")[0],
      `Room ${roomId}: deRSE-chapter-\\u001b]0;owned\\u0007\\u001b[2J\\nFAKE: pass`,
    );
  });
});
