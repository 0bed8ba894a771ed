// Members' rooms on another homeserver, with the real CLI: a member of server B (fed2) creates a
// room there, invites the managing account of server A (fed1) and makes it admin; the manifest
// names the room by `id`. Plan shows a join and a link; apply joins over federation and links
// the room with `via` naming B; the member sees the link through B; a rename on B is drift.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { MatrixClient } from "matrix-js-sdk";
import { envFor, manifestDir, runCli, sdkClient, writeManifest } from "./apply.support.ts";
import {
  eventually,
  federatedWorld,
  memberRoom,
  type FederatedWorld,
} from "./federation.support.ts";

const NAME = "deRSE-chapter-berlin";
const TOPIC = "The Berlin chapter, on the member's own server";

describe("a member's room on another homeserver (federation, end to end)", () => {
  let fw: FederatedWorld;
  let roomId: string;
  let spaceAlias: string;
  let dir: string;
  let file: string;
  let env: NodeJS.ProcessEnv;
  let botClient: MatrixClient;
  let a: string;
  let b: string;
  let spaceId: string;
  let plannedText: string;

  const plan = (...args: string[]) => runCli(["plan", ...args, file], env, { cwd: dir });

  before(async () => {
    fw = await federatedWorld({ name: "federation", diagnostic: () => undefined });
    a = fw.world.hs.serverName;
    b = fw.other.serverName;
    roomId = await memberRoom(fw, { name: NAME, topic: TOPIC });
    spaceAlias = fw.world.alias("space");
    const bot = fw.world.bot.userId;
    dir = await manifestDir();
    file = await writeManifest(
      dir,
      "fed",
      `version: 1
space:
  alias: "#${fw.world.aliasLocalpart("space")}"
  name: Federation test
  join_rule: public
  power_levels:
    users:
      "${bot}": 100
      "${fw.world.moderators[0].userId}": 50
rooms:
  chapter-berlin:
    id: "${roomId}"
    name: ${NAME}
    order: "10"
policies:
  admins: ["${bot}"]
  forbid_encryption: true
  min_moderators: 1
  name_prefixes:
    - match: "chapter-*"
      prefix: "deRSE-chapter-"
`,
    );
    env = envFor(fw.world.hs, fw.world.bot);
    botClient = sdkClient(fw.world.hs, fw.world.bot);
  });

  it("has the member, the room and the managing account on their own servers", () => {
    assert.notEqual(a, b);
    assert.equal(roomId.endsWith(`:${b}`), true, roomId);
    assert.equal(fw.member.userId.endsWith(`:${b}`), true);
    assert.equal(fw.world.bot.userId.endsWith(`:${a}`), true);
  });

  it("plans a join of the invited room and a link with via naming B", async () => {
    const json = await plan("--format", "json");
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as {
      refused: boolean;
      steps: { op: string; [key: string]: unknown }[];
    };
    assert.equal(doc.refused, false);
    const steps = doc.steps.map(({ space: _s, addresses: _a, description, request: _r, ...s }) => ({
      ...s,
      description,
    }));
    assert.deepEqual(steps, [
      {
        op: "join",
        room: { room_id: roomId },
        via: [b],
        description: `join rooms.chapter-berlin (${roomId})`,
      },
      { op: "create_room", entry: "space", description: `create space space (${spaceAlias})` },
      {
        op: "create_alias",
        alias: spaceAlias,
        room: { created: "space" },
        description: `create alias ${spaceAlias} for space`,
      },
      {
        op: "send_state",
        room: { created: "space" },
        type: "m.room.canonical_alias",
        state_key: "",
        content: { alias: spaceAlias },
        description: "set the aliases of space",
      },
      {
        op: "send_state",
        room: { created: "space" },
        type: "m.space.child",
        state_key: roomId,
        content: { via: [b], order: "10" },
        description: "link rooms.chapter-berlin into space",
      },
      {
        op: "send_state",
        room: { room_id: roomId },
        type: "m.space.parent",
        state_key: "$room:space",
        content: { via: [a], canonical: true },
        description: "point rooms.chapter-berlin at its parent space space",
      },
    ]);

    const text = await plan();
    assert.equal(text.code, 0, text.stderr);
    plannedText = text.stdout;
    const block = [
      `~ update rooms.chapter-berlin ${roomId}`,
      `    ~ membership: "invite" -> "join"`,
      `    + space.children.chapter-berlin: {via: ["${b}"], order: "10"}`,
      `    + parent: {via: ["${a}"], canonical: true}`,
      "",
    ].join("\n");
    assert.equal(text.stdout.includes(`\n${block}\n`), true, text.stdout);
    assert.equal(
      text.stdout.endsWith("\nPlan: 1 to create, 1 to update, 0 to delete (3 field changes).\n"),
      true,
      text.stdout,
    );
  });

  it("applies: joins over federation and links the room into the space on A", async () => {
    const applied = await runCli(["apply", "--auto-approve", file], env, { cwd: dir });
    assert.equal(applied.code, 0, applied.stderr);
    // The plan it applies is the one planned above, word for word.
    assert.equal(
      applied.stdout,
      `${plannedText}\nApply complete: 3 created, 1 updated, 0 deleted, 6 requests.\n`,
    );
    spaceId = (await botClient.getRoomIdForAlias(spaceAlias)).room_id;
    assert.equal(spaceId.endsWith(`:${a}`), true, spaceId);

    // A's view: the bot is joined in B's room, and the space links it.
    assert.deepEqual(
      (await botClient.getJoinedRooms()).joined_rooms.sort(),
      [roomId, spaceId].sort(),
    );
    assert.deepEqual(await botClient.getStateEvent(spaceId, "m.space.child", roomId), {
      via: [b],
      order: "10",
    });
  });

  it("shows the link to a member on B, read through B", async () => {
    // The member joins the public space over federation (the alias lives on A).
    const joined = await fw.memberClient.joinRoom(spaceAlias);
    assert.equal(joined.roomId, spaceId);
    assert.deepEqual(await fw.memberClient.getStateEvent(spaceId, "m.space.child", roomId), {
      via: [b],
      order: "10",
    });
    // The bot's m.space.parent, sent from A into B's room, reaches B.
    const parent = await eventually(
      "m.space.parent on B",
      () => fw.memberClient.getStateEvent(roomId, "m.space.parent", spaceId),
      () => true,
    );
    assert.deepEqual(parent, { via: [a], canonical: true });
    const hierarchy = await fw.memberClient.getRoomHierarchy(spaceId);
    assert.deepEqual(
      hierarchy.rooms.map((r) => [r.room_id, r.name, r.topic]),
      [
        [spaceId, "Federation test", undefined],
        [roomId, NAME, TOPIC],
      ],
    );
    // The bot's membership on B's side: joined, from A.
    const member = (await fw.memberClient.getStateEvent(
      roomId,
      "m.room.member",
      fw.world.bot.userId,
    )) as { membership: string };
    assert.equal(member.membership, "join");
  });

  it("plans no changes once applied", async () => {
    const again = await plan("--detailed-exitcode");
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(
      again.stdout.endsWith("\nNo changes. The live space matches the manifest.\n"),
      true,
      again.stdout,
    );
  });

  it("catches a rename on B as drift, and apply renames it back over federation", async () => {
    await fw.memberClient.setRoomName(roomId, "Berlin (renamed on B)");
    await eventually(
      "the rename reaching A",
      () => botClient.getStateEvent(roomId, "m.room.name", ""),
      (content) => (content as { name?: string }).name === "Berlin (renamed on B)",
    );

    const json = await plan("--format", "json", "--detailed-exitcode");
    assert.equal(json.code, 2, json.stderr);
    const doc = JSON.parse(json.stdout) as { changes: unknown[]; steps: unknown[] };
    assert.deepEqual(doc.changes, [
      {
        space: "fed",
        address: "rooms.chapter-berlin.name",
        action: "update",
        before: "Berlin (renamed on B)",
        after: NAME,
        entry: "rooms.chapter-berlin",
        room_id: roomId,
      },
    ]);
    const text = await plan();
    assert.equal(
      text.stdout.includes(
        `\n~ update rooms.chapter-berlin ${roomId}\n    ~ name: "Berlin (renamed on B)" -> "${NAME}"\n`,
      ),
      true,
      text.stdout,
    );

    const applied = await runCli(["apply", "--auto-approve", file], env, { cwd: dir });
    assert.equal(applied.code, 0, applied.stderr);
    const name = await eventually(
      "the name restored on B",
      () => fw.memberClient.getStateEvent(roomId, "m.room.name", ""),
      (content) => (content as { name?: string }).name === NAME,
    );
    assert.deepEqual(name, { name: NAME });
  });
});
