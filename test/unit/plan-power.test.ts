import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  creationPowerOverride,
  planPowerLevels,
  SYNAPSE_CREATION_EVENTS,
  type PowerPlanInput,
} from "../../src/plan/power.ts";

const BOT = "@bot:example.org";

function plan(over: Partial<PowerPlanInput> & Pick<PowerPlanInput, "spec">) {
  return planPowerLevels({
    liveContent: { users: { [BOT]: 100 }, events: { "m.room.power_levels": 100 } },
    creators: [],
    managing: BOT,
    v12: false,
    ...over,
  });
}

describe("planPowerLevels: no phantom changes", () => {
  const cases: { name: string; live: Record<string, unknown>; spec: PowerPlanInput["spec"] }[] = [
    {
      name: "live omits fields that the manifest declares at Matrix's defaults",
      live: { users: { [BOT]: 100 } },
      spec: { ban: 50, kick: 50, redact: 50, invite: 0, state_default: 50, events_default: 0 },
    },
    {
      name: "a user listed at users_default in live, absent from the manifest",
      live: { users: { [BOT]: 100, "@a:example.org": 0 } },
      spec: { users: { [BOT]: 100 } },
    },
    {
      name: "the manifest leaves the managing account out of users",
      live: { users: { [BOT]: 100, "@mod:example.org": 50 } },
      spec: { users: { "@mod:example.org": 50 } },
    },
    {
      name: "levels stored as strings in an old room",
      live: { users: { [BOT]: "100", "@mod:example.org": "50" }, ban: "50" },
      spec: { users: { [BOT]: 100, "@mod:example.org": 50 }, ban: 50 },
    },
    {
      name: "an events entry equal to the live one",
      live: { users: { [BOT]: 100 }, events: { "m.room.topic": 50, "m.room.power_levels": 100 } },
      spec: { events: { "m.room.topic": 50 } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = plan({ liveContent: c.live, spec: c.spec });
      assert.deepEqual(result.changes, []);
      assert.equal(result.content, null);
      assert.deepEqual(result.problems, []);
    });
  }
});

describe("planPowerLevels: changes and content", () => {
  it("replaces only the declared fields and keeps everything else (read-modify-write)", () => {
    const live = {
      users: { [BOT]: 100 },
      ban: 50,
      notifications: { room: 20 },
      "org.example.custom": true,
      events: { "m.room.power_levels": 100, "m.room.name": 50 },
    };
    const result = plan({ liveContent: live, spec: { ban: 75, events: { "m.room.topic": 0 } } });
    assert.deepEqual(
      result.changes.map((c) => [c.field, c.before, c.after]),
      [
        ["ban", 50, 75],
        [
          "events",
          { "m.room.name": 50, "m.room.power_levels": 100 },
          { "m.room.name": 50, "m.room.power_levels": 100, "m.room.topic": 0 },
        ],
      ],
    );
    assert.deepEqual(result.content, {
      users: { [BOT]: 100 },
      ban: 75,
      notifications: { room: 20 },
      "org.example.custom": true,
      events: { "m.room.name": 50, "m.room.power_levels": 100, "m.room.topic": 0 },
    });
  });

  it("treats a declared users map as complete, but keeps the managing account", () => {
    const live = { users: { [BOT]: 100, "@old:example.org": 50 } };
    const result = plan({ liveContent: live, spec: { users: { "@new:example.org": 50 } } });
    assert.deepEqual(result.content?.["users"], { [BOT]: 100, "@new:example.org": 50 });
    assert.deepEqual(result.problems, []);
  });
});

describe("planPowerLevels: safety", () => {
  const codes = (r: ReturnType<typeof plan>): string[] => r.problems.map((p) => p.code).sort();

  it("refuses lowering the managing account, and the lock-out that follows", () => {
    const r = plan({ spec: { users: { [BOT]: 50 } } });
    assert.deepEqual(codes(r), ["power.lockout", "power.lowers-managing-account"]);
  });

  it("allows lowering the account when someone else keeps the power (still refuses lowering itself)", () => {
    const r = plan({
      liveContent: { users: { [BOT]: 100, "@owner:example.org": 100 } },
      spec: { users: { [BOT]: 50, "@owner:example.org": 100 } },
    });
    assert.deepEqual(codes(r), ["power.lowers-managing-account"]);
  });

  it("lets an account at 50 change power levels when m.room.power_levels needs only state_default", () => {
    const r = plan({
      liveContent: { users: { [BOT]: 50, "@owner:example.org": 100 } },
      spec: { ban: 40 },
    });
    assert.deepEqual(codes(r), []);
  });

  it("refuses a change when the account lacks the level for m.room.power_levels", () => {
    const r = plan({
      liveContent: {
        users: { [BOT]: 50, "@owner:example.org": 100 },
        events: { "m.room.power_levels": 100 },
      },
      spec: { ban: 40 },
    });
    assert.deepEqual(codes(r), ["power.insufficient"]);
  });

  it("refuses changing a user at the account's own level (Matrix would reject it)", () => {
    const r = plan({
      liveContent: { users: { [BOT]: 100, "@peer:example.org": 100 } },
      spec: { users: { [BOT]: 100 } },
    });
    assert.deepEqual(codes(r), ["power.above-managing-account"]);
  });

  it("refuses raising a threshold above the account's level, which would also lock the room", () => {
    const r = plan({ spec: { events: { "m.room.power_levels": 101 } } });
    assert.deepEqual(codes(r), ["power.above-managing-account", "power.lockout"]);
  });

  it("refuses listing a room version 12 creator in users; creators are never locked out", () => {
    const r = plan({
      liveContent: { users: { "@mod:example.org": 50 } },
      creators: [BOT],
      v12: true,
      spec: { users: { [BOT]: 100, "@mod:example.org": 50 } },
    });
    assert.deepEqual(codes(r), ["power.v12-creator-in-users"]);
  });
});

describe("creationPowerOverride", () => {
  it("keeps the creator at 100 and merges events with Synapse's defaults (v11)", () => {
    const { override, problems } = creationPowerOverride(
      { users: { "@mod:example.org": 50 }, events: { "m.room.topic": 0 } },
      BOT,
      false,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(override["users"], { [BOT]: 100, "@mod:example.org": 50 });
    assert.deepEqual(override["events"], { ...SYNAPSE_CREATION_EVENTS, "m.room.topic": 0 });
  });

  it("rejects the creator in users for room version 12 and leaves it out of the override", () => {
    const { override, problems } = creationPowerOverride({ users: { [BOT]: 100 } }, BOT, true);
    assert.deepEqual(
      problems.map((p) => p.code),
      ["power.v12-creator-in-users"],
    );
    assert.deepEqual(override["users"], {});
  });

  it("refuses creating a room with the managing account below 100", () => {
    const { problems } = creationPowerOverride({ users: { [BOT]: 50 } }, BOT, false);
    assert.deepEqual(
      problems.map((p) => p.code),
      ["power.lowers-managing-account"],
    );
  });

  it("sends no users override when users is undeclared", () => {
    const { override } = creationPowerOverride({ ban: 60 }, BOT, false);
    assert.deepEqual(override, { ban: 60 });
  });
});

describe("users_at_least: raise the listed users, leave everyone else alone", () => {
  const MOD = "@mod:example.org";
  const OTHER = "@other:example.org";

  it("raises a listed user below its level and keeps every other user as live has them", () => {
    const r = plan({
      liveContent: { users: { [BOT]: 100, [OTHER]: 75, [MOD]: 10 } },
      spec: { users_at_least: { [MOD]: 50 } },
    });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.changes, [
      { field: "users_at_least", before: { [MOD]: 10 }, after: { [MOD]: 50 } },
    ]);
    assert.deepEqual(r.content?.["users"], { [BOT]: 100, [MOD]: 50, [OTHER]: 75 });
  });

  it("adds a user who is not in users yet (at users_default)", () => {
    const r = plan({
      liveContent: { users: { [BOT]: 100 } },
      spec: { users_at_least: { [MOD]: 50 } },
    });
    assert.deepEqual(r.changes, [
      { field: "users_at_least", before: { [MOD]: 0 }, after: { [MOD]: 50 } },
    ]);
    assert.deepEqual(r.content?.["users"], { [BOT]: 100, [MOD]: 50 });
  });

  it("never lowers a user above the minimum, nor anyone through users_default", () => {
    for (const live of [
      { users: { [BOT]: 100, [MOD]: 75 } },
      { users: { [BOT]: 100 }, users_default: 50 },
    ]) {
      const r = plan({ liveContent: live, spec: { users_at_least: { [MOD]: 50 } } });
      assert.deepEqual(r.changes, []);
      assert.equal(r.content, null);
    }
  });

  it("skips a room version 12 creator, who has unlimited power and must not be in users", () => {
    const r = plan({
      liveContent: { users: {} },
      creators: [BOT],
      v12: true,
      spec: { users_at_least: { [BOT]: 100, [MOD]: 50 } },
    });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.content?.["users"], { [MOD]: 50 });
  });

  it("refuses raising a user above the managing account's own level", () => {
    const r = plan({
      liveContent: { users: { [BOT]: 50 }, events: { "m.room.power_levels": 50 } },
      spec: { users_at_least: { [MOD]: 75 } },
    });
    assert.deepEqual(
      r.problems.map((p) => p.code),
      ["power.above-managing-account"],
    );
  });

  it("with users, raises on top of the complete map", () => {
    const r = plan({
      liveContent: { users: { [BOT]: 100, [OTHER]: 50 } },
      spec: { users: { [BOT]: 100 }, users_at_least: { [MOD]: 50 } },
    });
    assert.deepEqual(r.content?.["users"], { [BOT]: 100, [MOD]: 50 });
    assert.deepEqual(
      r.changes.map((c) => c.field),
      ["users"],
    );
  });

  it("at creation: the creator stays at 100 (v11), or out of users (v12)", () => {
    const v11 = creationPowerOverride({ users_at_least: { [MOD]: 50 } }, BOT, false);
    assert.deepEqual(v11.override, { users: { [BOT]: 100, [MOD]: 50 } });
    assert.deepEqual(v11.projected.users, { [BOT]: 100, [MOD]: 50 });
    const v12 = creationPowerOverride({ users_at_least: { [BOT]: 100, [MOD]: 50 } }, BOT, true);
    assert.deepEqual(v12.problems, []);
    assert.deepEqual(v12.override, { users: { [MOD]: 50 } });
    const none = creationPowerOverride({ users_at_least: { [BOT]: 100 } }, BOT, false);
    assert.deepEqual(none.override, {});
  });
});
