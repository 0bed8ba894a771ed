/**
 * The field planners, one table each: an entry's declared field and the live room in,
 * exactly the changes, steps and problems out. Adding a Matrix field means adding its
 * planner and a table here.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Entry } from "../../src/manifest/model.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import { planAliases } from "../../src/plan/aliases.ts";
import { planAvatar } from "../../src/plan/avatar.ts";
import { DEFAULT_PLAN_OPTIONS, planContext, type PlanContext } from "../../src/plan/context.ts";
import type { FieldPlan } from "../../src/plan/field.ts";
import { planJoinRule } from "../../src/plan/join-rules.ts";
import { planLink } from "../../src/plan/links.ts";
import { planRoomPowerLevels } from "../../src/plan/power-field.ts";
import {
  planEncryption,
  planName,
  planOneString,
  planPublish,
  planTopic,
} from "../../src/plan/settings.ts";
import type { LiveRoom, StateEvent } from "../../src/state/model.ts";
import { bareRoom, entry, ev, live, manifest, marker, room } from "../support/builders.ts";

const SPACE = "!s:example.org";
const ROOM = "!g:example.org";

type Planner = (ctx: PlanContext, e: Entry, room: LiveRoom) => FieldPlan;

interface Row {
  name: string;
  declared: Partial<Entry>;
  live: StateEvent[];
  over?: Partial<LiveRoom>;
  aliases?: Record<string, string | null>;
  /** [address, action, before, after] */
  changes: [string, string, unknown, unknown][];
  /** `op type` for send_state, else `op`, with the content or body's key fields */
  steps: unknown[];
  problems?: string[];
}

function run(planner: Planner, row: Row): FieldPlan {
  const general = entry("general", row.declared);
  const desired = manifest(entry("space", {}, [general]));
  const actual = live(
    [
      bareRoom(SPACE, [
        ev("m.room.create", { room_version: "10", type: "m.space" }),
        marker("space"),
      ]),
      room(ROOM, row.live, row.over),
    ],
    (row.aliases ?? {}) as Record<string, RoomId | null>,
  );
  const { ctx } = planContext(desired, actual, DEFAULT_PLAN_OPTIONS);
  const r = actual.rooms[1];
  assert.ok(r);
  return planner(ctx, general, r);
}

function table(title: string, planner: Planner, rows: Row[]): void {
  describe(title, () => {
    for (const row of rows) {
      it(row.name, () => {
        const plan = run(planner, row);
        assert.deepEqual(
          plan.changes.map((c) => [c.address, c.action, c.before, c.after]),
          row.changes,
        );
        assert.deepEqual(
          plan.steps.map((s) => {
            const b = s.body;
            if (b.op === "send_state") return [s.placement, b.type, b.content];
            if (b.op === "create_alias") return [s.placement, b.op, b.alias];
            if (b.op === "set_visibility") return [s.placement, b.op, b.visibility];
            if (b.op === "set_avatar") return [s.placement, b.op, b.avatar_file.sha256];
            return [s.placement, b.op];
          }),
          row.steps,
        );
        assert.deepEqual(
          plan.problems.map((p) => p.code),
          row.problems ?? [],
        );
      });
    }
  });
}

const pl = (users: Record<string, number>, extra: Record<string, unknown> = {}): StateEvent =>
  ev("m.room.power_levels", { users, ...extra });

table("name", planName, [
  {
    name: "unmanaged when absent",
    declared: {},
    live: [ev("m.room.name", { name: "Old" })],
    changes: [],
    steps: [],
  },
  {
    name: "equal: nothing",
    declared: { name: "Old" },
    live: [ev("m.room.name", { name: "Old" })],
    changes: [],
    steps: [],
  },
  {
    name: "differs: update",
    declared: { name: "New" },
    live: [ev("m.room.name", { name: "Old" })],
    changes: [["rooms.general.name", "update", "Old", "New"]],
    steps: [["configure", "m.room.name", { name: "New" }]],
  },
  {
    name: "absent live: create",
    declared: { name: "New" },
    live: [],
    changes: [["rooms.general.name", "create", null, "New"]],
    steps: [["configure", "m.room.name", { name: "New" }]],
  },
  {
    name: "without the power for it: refused",
    declared: { name: "New" },
    live: [],
    over: { state: [ev("m.room.create", { room_version: "10" }), pl({ "@bot:example.org": 10 })] },
    changes: [["rooms.general.name", "create", null, "New"]],
    steps: [["configure", "m.room.name", { name: "New" }]],
    problems: ["power.insufficient"],
  },
]);

table("topic", planTopic, [
  {
    name: "differs: update, with the rich form",
    declared: { topic: "New" },
    live: [ev("m.room.topic", { topic: "Old" })],
    changes: [["rooms.general.topic", "update", "Old", "New"]],
    steps: [
      ["configure", "m.room.topic", { topic: "New", "m.topic": { "m.text": [{ body: "New" }] } }],
    ],
  },
  {
    name: "an empty declared topic equals none",
    declared: { topic: "" },
    live: [],
    changes: [],
    steps: [],
  },
]);

table("history visibility", (c, e, r) => planOneString(c, e, r, "history_visibility"), [
  {
    name: "absent live means shared",
    declared: { history_visibility: "shared" },
    live: [],
    changes: [],
    steps: [],
  },
  {
    name: "differs: update",
    declared: { history_visibility: "joined" },
    live: [ev("m.room.history_visibility", { history_visibility: "shared" })],
    changes: [["rooms.general.history_visibility", "update", "shared", "joined"]],
    steps: [["configure", "m.room.history_visibility", { history_visibility: "joined" }]],
  },
]);

table("guest access", (c, e, r) => planOneString(c, e, r, "guest_access"), [
  {
    name: "absent live means forbidden",
    declared: { guest_access: "forbidden" },
    live: [],
    changes: [],
    steps: [],
  },
  {
    name: "absent live, can_join declared: create",
    declared: { guest_access: "can_join" },
    live: [],
    changes: [["rooms.general.guest_access", "create", null, "can_join"]],
    steps: [["configure", "m.room.guest_access", { guest_access: "can_join" }]],
  },
]);

table("encryption", planEncryption, [
  {
    name: "turned on",
    declared: { encrypted: true },
    live: [],
    changes: [["rooms.general.encrypted", "update", false, true]],
    steps: [["configure", "m.room.encryption", { algorithm: "m.megolm.v1.aes-sha2" }]],
  },
  {
    name: "never turned off",
    declared: { encrypted: false },
    live: [ev("m.room.encryption", { algorithm: "m.megolm.v1.aes-sha2" })],
    changes: [],
    steps: [],
    problems: ["encryption.irreversible"],
  },
]);

table("directory listing", planPublish, [
  { name: "not read: skipped", declared: { publish: true }, live: [], changes: [], steps: [] },
  {
    name: "published",
    declared: { publish: true },
    live: [],
    over: { directory_visibility: "private" },
    changes: [["rooms.general.publish", "update", false, true]],
    steps: [["configure", "set_visibility", "public"]],
  },
]);

table("aliases", planAliases, [
  {
    name: "a new alias: directory entry first, then the canonical alias event",
    declared: { alias: "#general" },
    live: [],
    aliases: { "#general:example.org": null },
    changes: [
      ['rooms.general.aliases["#general:example.org"]', "create", null, ROOM],
      ["rooms.general.alias", "create", null, "#general:example.org"],
    ],
    steps: [
      ["configure", "create_alias", "#general:example.org"],
      ["configure", "m.room.canonical_alias", { alias: "#general:example.org" }],
    ],
  },
  {
    name: "an alias of another room is never taken",
    declared: { alias: "#general" },
    live: [],
    aliases: { "#general:example.org": "!other:example.org" },
    changes: [],
    steps: [],
    problems: ["alias.taken"],
  },
  {
    name: "an alias on another server cannot be created",
    declared: { alt_aliases: ["#x:elsewhere.org"] },
    live: [],
    aliases: { "#x:elsewhere.org": null },
    changes: [],
    steps: [],
    problems: ["alias.foreign-server"],
  },
]);

table("join rule", (c, e, r) => planJoinRule(c, e, r, "10"), [
  {
    name: "restricted without allow admits the parent space",
    declared: { join_rule: "restricted" },
    live: [ev("m.room.join_rules", { join_rule: "invite" })],
    changes: [
      ["rooms.general.join_rule", "update", "invite", "restricted"],
      ["rooms.general.allow", "create", [], [SPACE]],
    ],
    steps: [
      [
        "configure",
        "m.room.join_rules",
        { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: SPACE }] },
      ],
    ],
  },
  {
    name: "a public rule drops the live allow list",
    declared: { join_rule: "public" },
    live: [
      ev("m.room.join_rules", {
        join_rule: "restricted",
        allow: [{ type: "m.room_membership", room_id: SPACE }],
      }),
    ],
    changes: [["rooms.general.join_rule", "update", "restricted", "public"]],
    steps: [["configure", "m.room.join_rules", { join_rule: "public" }]],
  },
  {
    name: "an unknown room in allow is refused",
    declared: { join_rule: "restricted", allow: ["#nowhere"] },
    live: [],
    changes: [],
    steps: [],
    problems: ["join-rule.unknown-room"],
  },
]);

table("join rule in an old room version", (c, e, r) => planJoinRule(c, e, r, "6"), [
  {
    name: "knock needs version 7",
    declared: { join_rule: "knock" },
    live: [],
    changes: [],
    steps: [],
    problems: ["join-rule.unsupported-version"],
  },
]);

const FILE_AVATAR = {
  kind: "file",
  written: "logo.png",
  path: "/x/logo.png",
  sha256: "ab",
  mimetype: "image/png",
  size: 3,
} as const;
table("avatar", planAvatar, [
  {
    name: "an mxc URL is set as written",
    declared: { avatar: { kind: "mxc", url: "mxc://example.org/new" as never } },
    live: [ev("m.room.avatar", { url: "mxc://example.org/old" })],
    changes: [
      [
        "rooms.general.avatar",
        "update",
        { url: "mxc://example.org/old" },
        { url: "mxc://example.org/new" },
      ],
    ],
    steps: [["configure", "m.room.avatar", { url: "mxc://example.org/new" }]],
  },
  {
    name: "a file already up (same sha256 recorded) is not uploaded again",
    declared: { avatar: FILE_AVATAR },
    live: [
      ev("m.room.avatar", { url: "mxc://example.org/a", info: { "dev.spaceform.sha256": "ab" } }),
    ],
    changes: [],
    steps: [],
  },
  {
    name: "a changed file is uploaded",
    declared: { avatar: FILE_AVATAR },
    live: [
      ev("m.room.avatar", { url: "mxc://example.org/a", info: { "dev.spaceform.sha256": "00" } }),
    ],
    changes: [
      [
        "rooms.general.avatar",
        "update",
        { url: "mxc://example.org/a", sha256: "00" },
        { file: "logo.png", sha256: "ab" },
      ],
    ],
    steps: [["configure", "set_avatar", "ab"]],
  },
]);

table("power levels", (c, e, r) => planRoomPowerLevels(c, e, r, "10", false), [
  {
    name: "equal effective levels are no change, however the live map spells them",
    declared: { power_levels: { users: { "@bot:example.org": 100 }, ban: 50 } },
    live: [],
    changes: [],
    steps: [],
  },
  {
    name: "a declared user is added; the live content is kept around it",
    declared: { power_levels: { users: { "@bot:example.org": 100, "@mod:example.org": 50 } } },
    live: [],
    over: {
      state: [
        ev("m.room.create", { room_version: "10" }),
        ev("m.room.power_levels", { users: { "@bot:example.org": 100 }, redact: 20 }),
      ],
    },
    changes: [
      [
        "rooms.general.power_levels.users",
        "update",
        { "@bot:example.org": 100 },
        { "@bot:example.org": 100, "@mod:example.org": 50 },
      ],
    ],
    steps: [
      [
        "configure",
        "m.room.power_levels",
        { users: { "@bot:example.org": 100, "@mod:example.org": 50 }, redact: 20 },
      ],
    ],
  },
  {
    name: "the managing account never lowers itself",
    declared: { power_levels: { users: { "@bot:example.org": 50 } } },
    live: [],
    changes: [
      [
        "rooms.general.power_levels.users",
        "update",
        { "@bot:example.org": 100 },
        { "@bot:example.org": 50 },
      ],
    ],
    steps: [["configure", "m.room.power_levels", { users: { "@bot:example.org": 50 } }]],
    problems: ["power.lowers-managing-account"],
  },
]);

describe("space links", () => {
  const child = (over: Partial<Entry> = {}) => entry("general", over);
  const plan = (liveChild: Record<string, unknown> | undefined, over: Partial<Entry> = {}) => {
    const general = child(over);
    const space = entry("space", {}, [general]);
    const state = live([
      bareRoom(SPACE, [
        ev("m.room.create", { room_version: "10", type: "m.space" }),
        ev("m.room.power_levels", { users: { "@bot:example.org": 100 } }),
        marker("space"),
        ...(liveChild ? [ev("m.space.child", liveChild, ROOM)] : []),
      ]),
      room(ROOM, [marker("general")]),
    ]);
    const { ctx } = planContext(manifest(space), state, DEFAULT_PLAN_OPTIONS);
    const p = planLink(ctx, space, general);
    return p.changes.map((c) => [c.address, c.action, c.before, c.after]);
  };
  it("links an unlinked child, and points it at its parent", () => {
    assert.deepEqual(plan(undefined), [
      ["space.children.general", "create", null, { via: ["example.org"] }],
      ["rooms.general.parent", "create", null, { via: ["example.org"], canonical: true }],
    ]);
  });
  it("counts a link without via as absent", () => {
    assert.deepEqual(plan({ via: [] }), [
      ["space.children.general", "create", { via: [] }, { via: ["example.org"] }],
      ["rooms.general.parent", "create", null, { via: ["example.org"], canonical: true }],
    ]);
  });
  it("updates order and suggested of a linked child, and leaves its parent events alone", () => {
    assert.deepEqual(plan({ via: ["example.org"] }, { order: "a", suggested: true }), [
      [
        "space.children.general",
        "update",
        { via: ["example.org"] },
        { via: ["example.org"], order: "a", suggested: true },
      ],
    ]);
  });
  it("leaves an equal link alone", () => {
    assert.deepEqual(plan({ via: ["example.org"], order: "a" }, { order: "a" }), []);
  });
  it("names the creator's server as via for a room version 12 room, whose id has no server", () => {
    const v12 = "!AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg";
    const general = entry("general", { id: v12 as RoomId });
    const space = entry("space", {}, [general]);
    const state = live([
      bareRoom(SPACE, [
        ev("m.room.create", { room_version: "10", type: "m.space" }),
        ev("m.room.power_levels", { users: { "@bot:example.org": 100 } }),
        marker("space"),
      ]),
      bareRoom(v12, [
        ev("m.room.create", { room_version: "12" }, "", "@alice:uni.example"),
        ev("m.room.power_levels", { users: { "@bot:example.org": 100 } }, "", "@alice:uni.example"),
      ]),
    ]);
    const { ctx } = planContext(manifest(space), state, DEFAULT_PLAN_OPTIONS);
    const p = planLink(ctx, space, general);
    assert.deepEqual(
      p.changes.map((c) => [c.address, c.action, c.after]),
      [
        ["space.children.general", "create", { via: ["uni.example"] }],
        ["rooms.general.parent", "create", { via: ["example.org"], canonical: true }],
      ],
    );
  });
});
