/**
 * A room whose createRoom was cut short (the homeserver killed while creating it) holds
 * only m.room.create, the creator's join and the alias. The rerun finishes it: a clean
 * plan whose first request sets the power levels, that reaches the state a normal
 * creation would have, and after which nothing is left to do.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { roomPowerLevels, roomPowerOf } from "../../src/matrix/powerlevels.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import { DEFAULT_PLAN_OPTIONS, planSpace } from "../../src/plan/planner.ts";
import type { LiveRoom, LiveState } from "../../src/state/model.ts";
import { simulateApply } from "../fixtures/plan/simulate.ts";
import { BOT, bareRoom, entry, ev, live, manifest, marker, room } from "../support/builders.ts";

const SPACE = "!s:example.org";
const HALF = "!g:example.org";

const desired = manifest(
  entry("space", { name: "Demo" }, [
    entry("general", {
      name: "General",
      topic: "Talk",
      alias: "#general",
      join_rule: "restricted",
      history_visibility: "joined",
      encrypted: true,
      power_levels: { users: { "@mod:example.org": 50 } },
    }),
  ]),
);

function spaceRoom(): LiveRoom {
  return room(SPACE, [
    ev("m.room.create", { room_version: "10", type: "m.space" }),
    marker("space"),
    ev("m.room.name", { name: "Demo" }),
  ]);
}

/** The state a crash inside createRoom leaves: create event, the creator's join, the alias. */
function halfCreated(version = "11", sender = BOT): LiveState {
  return live(
    [
      spaceRoom(),
      bareRoom(HALF, [
        ev("m.room.create", { room_version: version }, "", sender),
        ev("m.room.member", { membership: "join" }, sender, sender),
      ]),
    ],
    { "#general:example.org": HALF as RoomId },
  );
}

/** The room's state as a map, without the create event (room ids differ between runs). */
function stateOf(state: LiveState, roomId: string): Record<string, unknown> {
  const r = state.rooms.find((x) => x.room_id === roomId);
  assert.ok(r, `no room ${roomId}`);
  const out: Record<string, unknown> = {};
  for (const e of r.state) {
    if (e.type !== "m.room.create") out[`${e.type}|${e.state_key}`] = e.content;
  }
  return out;
}

describe("effective power without m.room.power_levels (auth rules)", () => {
  it("gives the creator 100 and everyone else 0, with state at 0 and ban/kick/redact at 50", () => {
    const r = halfCreated().rooms[1];
    assert.ok(r);
    const pl = roomPowerLevels(r);
    assert.deepEqual(
      {
        users: pl.users,
        users_default: pl.users_default,
        state_default: pl.state_default,
        events_default: pl.events_default,
        ban: pl.ban,
        kick: pl.kick,
        redact: pl.redact,
      },
      {
        users: { [BOT]: 100 },
        users_default: 0,
        state_default: 0,
        events_default: 0,
        ban: 50,
        kick: 50,
        redact: 50,
      },
    );
    assert.equal(roomPowerOf(r, BOT), 100);
    assert.equal(roomPowerOf(r, "@other:example.org"), 0);
  });

  it("gives a v12 creator unlimited power", () => {
    const r = halfCreated("12").rooms[1];
    assert.ok(r);
    assert.equal(roomPowerOf(r, BOT), Number.POSITIVE_INFINITY);
  });
});

describe("finishing a half-created room", () => {
  const actual = halfCreated();
  const plan = planSpace(desired, actual, DEFAULT_PLAN_OPTIONS);

  it("plans the missing creation state as visible changes, without refusing", () => {
    assert.deepEqual(
      plan.diagnostics.map((d) => [d.severity, d.code]),
      [["warning", "room.half-created"]],
    );
    assert.deepEqual(
      plan.changes.map((c) => [c.address, c.action]),
      [
        ["rooms.general.power_levels", "create"],
        ["rooms.general.marker", "create"],
        ["rooms.general.history_visibility", "create"],
        ["rooms.general.guest_access", "create"],
        ["rooms.general.name", "create"],
        ["rooms.general.topic", "create"],
        ["rooms.general.alias", "create"],
        ["rooms.general.join_rule", "create"],
        ["rooms.general.allow", "create"],
        ["rooms.general.encrypted", "update"],
        ["space.children.general", "create"],
        ["rooms.general.parent", "create"],
      ],
    );
  });

  it("sends the power levels first, with the content createRoom would have set", () => {
    const first = plan.steps[0];
    assert.ok(first?.op === "send_state");
    assert.equal(first.type, "m.room.power_levels");
    assert.deepEqual(first.room, { room_id: HALF });
    assert.deepEqual(first.content, {
      users: { "@mod:example.org": 50, [BOT]: 100 },
      users_default: 0,
      events: {
        "m.room.avatar": 50,
        "m.room.canonical_alias": 50,
        "m.room.encryption": 100,
        "m.room.history_visibility": 100,
        "m.room.name": 50,
        "m.room.power_levels": 100,
        "m.room.server_acl": 100,
        "m.room.tombstone": 100,
      },
      events_default: 0,
      state_default: 50,
      ban: 50,
      kick: 50,
      redact: 50,
      invite: 50,
    });
    assert.deepEqual(
      plan.steps.map((s) => (s.op === "send_state" ? `${s.op} ${s.type}` : s.op)),
      [
        "send_state m.room.power_levels",
        "send_state dev.spaceform.entry",
        "send_state m.room.history_visibility",
        "send_state m.room.guest_access",
        "send_state m.room.name",
        "send_state m.room.topic",
        "send_state m.room.canonical_alias",
        "send_state m.room.join_rules",
        "send_state m.room.encryption",
        "send_state m.space.child",
        "send_state m.space.parent",
      ],
    );
  });

  it("reaches the state a normal creation reaches, and plans nothing after", () => {
    const finished = simulateApply(actual, plan.steps);
    // The same manifest against a server where the creation never started.
    const fresh = live([spaceRoom()]);
    const created = simulateApply(fresh, planSpace(desired, fresh, DEFAULT_PLAN_OPTIONS).steps);
    const createdId = created.rooms[1]?.room_id;
    assert.ok(createdId);
    assert.deepEqual(stateOf(finished, HALF), stateOf(created, createdId));
    const again = planSpace(desired, finished, DEFAULT_PLAN_OPTIONS);
    assert.deepEqual(again.changes, []);
    assert.deepEqual(again.steps, []);
    assert.deepEqual(again.diagnostics, []);
  });

  it("finishes a v12 room without listing its creator in users", () => {
    const v12 = planSpace(desired, halfCreated("12"), DEFAULT_PLAN_OPTIONS);
    const first = v12.steps[0];
    assert.ok(first?.op === "send_state" && first.type === "m.room.power_levels");
    assert.deepEqual(first.content["users"], { "@mod:example.org": 50 });
    assert.deepEqual(
      v12.diagnostics.map((d) => d.code),
      ["room.half-created"],
    );
  });

  it("finds a half-created room without an alias by the marker in its create event", () => {
    const noAlias = manifest(
      entry("space", { name: "Demo" }, [entry("general", { name: "General" })]),
    );
    const state = live([
      spaceRoom(),
      bareRoom(HALF, [
        ev("m.room.create", {
          room_version: "11",
          "dev.spaceform.entry": { manifest: "demo", key: "general" },
        }),
        ev("m.room.member", { membership: "join" }, BOT),
      ]),
    ]);
    const found = planSpace(noAlias, state, DEFAULT_PLAN_OPTIONS);
    assert.ok(!found.steps.some((s) => s.op === "create_room"), "no second room");
    assert.deepEqual(
      found.changes.map((c) => c.address),
      [
        "rooms.general.power_levels",
        "rooms.general.marker",
        "rooms.general.join_rule",
        "rooms.general.history_visibility",
        "rooms.general.guest_access",
        "rooms.general.name",
        "space.children.general",
        "rooms.general.parent",
      ],
    );
    const again = planSpace(noAlias, simulateApply(state, found.steps), DEFAULT_PLAN_OPTIONS);
    assert.deepEqual(again.changes, []);
  });

  it("leaves a room someone else created to the normal rules (no finishing)", () => {
    const other = planSpace(desired, halfCreated("11", "@alice:example.org"), DEFAULT_PLAN_OPTIONS);
    assert.ok(!other.changes.some((c) => c.address === "rooms.general.power_levels"));
    assert.ok(!other.diagnostics.some((d) => d.code === "room.half-created"));
  });
});
