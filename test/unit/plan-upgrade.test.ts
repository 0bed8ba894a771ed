// Room upgrades in the planner (pure): the -/+ change, what the upgrade carries and what the plan
// repairs, identity across upgrades made by hand or cut short, and the guards.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Entry } from "../../src/manifest/model.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import { contentOf } from "../../src/matrix/vocabulary.ts";
import { DEFAULT_PLAN_OPTIONS, planSpace } from "../../src/plan/planner.ts";
import { upgradedRoom } from "../../src/plan/upgrade.ts";
import type { Change } from "../../src/plan/model.ts";
import type { LiveRoom, StateEvent } from "../../src/state/model.ts";
import { BOT, bareRoom, entry, ev, live, manifest, marker } from "../support/builders.ts";

const S = "!s:example.org";
const G = "!g:example.org";
const S2 = "!s2hash";
const G2 = "!g2hash";
const PL = ev("m.room.power_levels", {
  users: { [BOT]: 100 },
  events: { "m.room.tombstone": 100 },
});

/** `create`: more of the room's `m.room.create` content (an upgraded room's `predecessor`). */
function spaceRoom(
  id: string,
  version: string,
  state: StateEvent[],
  create: Record<string, unknown> = {},
): LiveRoom {
  return bareRoom(id, [
    ev("m.room.create", { room_version: version, type: "m.space", ...create }),
    PL,
    ...state,
  ]);
}
function plainRoom(
  id: string,
  version: string,
  state: StateEvent[],
  over: Partial<LiveRoom> = {},
  create: Record<string, unknown> = {},
) {
  return bareRoom(
    id,
    [ev("m.room.create", { room_version: version, ...create }), PL, ...state],
    over,
  );
}
/** The `m.room.create` content of a room that replaced `id`. */
const upgradeOf = (id: string) => ({ predecessor: { room_id: id } });
const allow = (...ids: string[]) =>
  ev("m.room.join_rules", {
    join_rule: "restricted",
    allow: ids.map((room_id) => ({ type: "m.room_membership", room_id })),
  });
const child = (id: string, extra: Record<string, unknown> = {}) =>
  ev("m.space.child", { via: ["example.org"], ...extra }, id);
const parentOf = (id: string) =>
  ev("m.space.parent", { via: ["example.org"], canonical: true }, id);
const canonical = (alias: string) => ev("m.room.canonical_alias", { alias });
const tombstone = (to: string) => ev("m.room.tombstone", { replacement_room: to });

function tree(
  version: string | undefined,
  general: Partial<Entry> = {},
  opts: { joinRule?: boolean; alias?: boolean } = {},
): Entry {
  const v = version !== undefined ? { room_version: version } : {};
  const rule = opts.joinRule === false ? {} : { join_rule: "restricted" as const };
  const alias = opts.alias === false ? {} : { alias: "#general" };
  return entry("space", { alias: "#demo", ...v }, [
    entry("general", { ...alias, ...rule, ...v, ...general }),
  ]);
}

/** A v10 space linking a v10 room restricted to it, both made by spaceform. */
function v10World(): LiveRoom[] {
  return [
    spaceRoom(S, "10", [
      marker("space"),
      canonical("#demo:example.org"),
      child(G, { order: "10", suggested: true }),
    ]),
    plainRoom(
      G,
      "10",
      [marker("general"), canonical("#general:example.org"), allow(S), parentOf(S)],
      {
        directory_visibility: "public",
      },
    ),
  ];
}
const aliases = { "#demo:example.org": S as RoomId, "#general:example.org": G as RoomId };

function changeAt(p: ReturnType<typeof planSpace>, address: string): Change {
  const c = p.changes.find((x) => x.address === address);
  assert.ok(c, `no change at ${address}`);
  return c;
}

/** `rooms` with the state of the room `id` changed by `change`. */
function withState(
  rooms: LiveRoom[],
  id: string,
  change: (state: StateEvent[]) => StateEvent[],
): LiveRoom[] {
  return rooms.map((r) => (r.room_id === id ? { ...r, state: change(r.state) } : r));
}
/** The v10 world with one event of `general` replaced (or several events, by `state`). */
function generalWith(change: (state: StateEvent[]) => StateEvent[]): LiveRoom[] {
  return withState(v10World(), G, change);
}
const adding =
  (...events: StateEvent[]) =>
  (state: StateEvent[]): StateEvent[] => [...state, ...events];
const replacing =
  (type: string, content: Record<string, unknown>) =>
  (state: StateEvent[]): StateEvent[] =>
    state.map((e) => (e.type === type ? ev(type, content) : e));

const lines = (p: ReturnType<typeof planSpace>) => ({
  changes: p.changes.map((c) => `${c.action} ${c.address}`),
  steps: p.steps.map(
    (s) =>
      `${s.op} ${"room" in s ? JSON.stringify(s.room) : ""}${s.op === "send_state" ? ` ${s.type} ${s.state_key} ${JSON.stringify(s.content)}` : ""}`,
  ),
});

describe("room upgrades in the plan", () => {
  it("plans the upgrade of a space and its room as -/+ with every repair after it", () => {
    const m = manifest(tree("12", { publish: true }));
    const p = planSpace(m, live(v10World(), aliases));
    assert.deepEqual(p.diagnostics, []);
    assert.deepEqual(lines(p), {
      changes: [
        "replace space",
        'update space.aliases["#demo:example.org"]',
        "create space.marker",
        "update space.power_levels.events",
        "replace rooms.general",
        'update rooms.general.aliases["#general:example.org"]',
        "update rooms.general.directory",
        "create rooms.general.marker",
        "update rooms.general.allow",
        "update rooms.general.power_levels.events",
        "update space.children.general",
        "create rooms.general.parent",
      ],
      steps: [
        'upgrade_room {"room_id":"!s:example.org"}',
        'upgrade_room {"room_id":"!g:example.org"}',
        'send_state {"created":"space"} dev.spaceform.entry  {"manifest":"demo","key":"space"}',
        'send_state {"created":"space"} m.room.power_levels  {"users":{},"events":{"m.room.tombstone":150}}',
        'send_state {"created":"rooms.general"} dev.spaceform.entry  {"manifest":"demo","key":"general"}',
        'send_state {"created":"rooms.general"} m.room.join_rules  {"join_rule":"restricted","allow":[{"type":"m.room_membership","room_id":{"$room":"space"}},{"type":"m.room_membership","room_id":"!s:example.org"}]}',
        'send_state {"created":"rooms.general"} m.room.power_levels  {"users":{},"events":{"m.room.tombstone":150}}',
        'send_state {"created":"space"} m.space.child $room:rooms.general {"via":["example.org"],"order":"10","suggested":true}',
        'send_state {"created":"rooms.general"} m.space.parent $room:space {"via":["example.org"],"canonical":true}',
        'send_state {"created":"space"} m.space.child !g:example.org {}',
      ],
    });
    const replace = changeAt(p, "rooms.general");
    assert.deepEqual(replace.before, { room_id: G, room_version: "10" });
    assert.deepEqual(replace.after, {
      room_id: { $room: "rooms.general" },
      room_version: "12",
      creators: [BOT],
    });
    const step = p.steps[1];
    assert.ok(step?.op === "upgrade_room");
    assert.deepEqual(step.additional_creators, []);
    // The tree shows no id for a room whose id is known only at apply.
    assert.equal(p.tree.room_id, undefined);
    assert.equal(p.tree.action, "replace");
  });

  it("upgrades a room alone: the live space re-links it; its parent event and allow list follow", () => {
    const m = manifest(tree(undefined, { room_version: "12" }));
    const p = planSpace(m, live(v10World(), aliases));
    assert.deepEqual(lines(p).steps, [
      'upgrade_room {"room_id":"!g:example.org"}',
      'send_state {"created":"rooms.general"} dev.spaceform.entry  {"manifest":"demo","key":"general"}',
      'send_state {"created":"rooms.general"} m.room.power_levels  {"users":{},"events":{"m.room.tombstone":150}}',
      'send_state {"room_id":"!s:example.org"} m.space.child $room:rooms.general {"via":["example.org"],"order":"10","suggested":true}',
      'send_state {"created":"rooms.general"} m.space.parent !s:example.org {"via":["example.org"],"canonical":true}',
      'send_state {"room_id":"!s:example.org"} m.space.child !g:example.org {}',
    ]);
  });

  it("upgrades a space alone: its linked children point their parent event at the new space", () => {
    const m = manifest(tree(undefined, {}));
    const ent = { ...m, space: { ...m.space, room_version: "12" } };
    const p = planSpace(ent, live(v10World(), aliases));
    assert.deepEqual(lines(p).steps, [
      'upgrade_room {"room_id":"!s:example.org"}',
      'send_state {"created":"space"} dev.spaceform.entry  {"manifest":"demo","key":"space"}',
      'send_state {"created":"space"} m.room.power_levels  {"users":{},"events":{"m.room.tombstone":150}}',
      'send_state {"room_id":"!g:example.org"} m.room.join_rules  {"join_rule":"restricted","allow":[{"type":"m.room_membership","room_id":{"$room":"space"}},{"type":"m.room_membership","room_id":"!s:example.org"}]}',
      'send_state {"room_id":"!g:example.org"} m.space.parent $room:space {"via":["example.org"],"canonical":true}',
      'send_state {"room_id":"!g:example.org"} m.space.parent !s:example.org {}',
    ]);
    const repoint = changeAt(p, "rooms.general.parent");
    assert.deepEqual(repoint.before, { room_id: S, via: ["example.org"], canonical: true });
    assert.deepEqual(repoint.after, {
      room_id: { $room: "space" },
      via: ["example.org"],
      canonical: true,
    });
  });

  it("adds the new space to an undeclared allow list, keeping the old one", () => {
    const m = manifest(tree(undefined, {}, { joinRule: false }));
    const ent = { ...m, space: { ...m.space, room_version: "12" } };
    const p = planSpace(ent, live(v10World(), aliases));
    const change = changeAt(p, "rooms.general.allow");
    assert.deepEqual(change.before, [S]);
    assert.deepEqual(change.after, [S, { $room: "space" }]);
  });

  it("gives the tombstone a level above state_default when the copied levels do not", () => {
    const rooms = generalWith(replacing("m.room.power_levels", { users: { [BOT]: 100 } }));
    const p = planSpace(manifest(tree(undefined, { room_version: "12" })), live(rooms, aliases));
    const change = changeAt(p, "rooms.general.power_levels.events");
    assert.deepEqual(change.before, {});
    assert.deepEqual(change.after, { "m.room.tombstone": 150 });
  });

  it("in version 12 raises a tombstone level that admins who are not creators reach to 150", () => {
    const withLevels = (users: Record<string, number>) =>
      generalWith(
        replacing("m.room.power_levels", {
          users: { [BOT]: 100, ...users },
          events: { "m.room.tombstone": 100 },
        }),
      );
    const tombstoneAfter = (users: Record<string, number>, version: string) =>
      planSpace(
        manifest(tree(undefined, { room_version: version })),
        live(withLevels(users), aliases),
      ).changes.find((c) => c.address === "rooms.general.power_levels.events")?.after;
    const ADMIN = "@admin:example.org";
    assert.deepEqual(tombstoneAfter({ [ADMIN]: 100 }, "12"), { "m.room.tombstone": 150 });
    assert.deepEqual(tombstoneAfter({ [ADMIN]: 180 }, "12"), { "m.room.tombstone": 181 });
    // The managing account becomes the new room's creator: it is not counted.
    assert.deepEqual(tombstoneAfter({}, "12"), { "m.room.tombstone": 150 });
    // Before version 12, a tombstone above state_default is guarded already.
    assert.equal(tombstoneAfter({ [ADMIN]: 100 }, "11"), undefined);
  });

  it("predicts the new room's canonical alias with the local aliases only, as Synapse moves them", () => {
    const predicted = (content: Record<string, unknown>) => {
      const from = plainRoom(G, "10", [ev("m.room.canonical_alias", content)]);
      return contentOf(
        upgradedRoom("rooms.general", { from, version: "12", creators: [] }, BOT),
        "m.room.canonical_alias",
      );
    };
    assert.deepEqual(
      predicted({
        alias: "#general:example.org",
        alt_aliases: ["#general:other.org", "#lobby:example.org"],
      }),
      { alias: "#general:example.org", alt_aliases: ["#lobby:example.org"] },
    );
    // A foreign canonical alias stays behind; an alt list of foreign aliases only becomes [].
    assert.deepEqual(predicted({ alias: "#general:other.org", alt_aliases: ["#x:other.org"] }), {
      alt_aliases: [],
    });
    assert.deepEqual(predicted({ alias: "#general:example.org", alt_aliases: [] }), {
      alias: "#general:example.org",
    });
  });

  it("carries the old room's creator as additional creator when another account made it", () => {
    const rooms = generalWith((state) => [
      ev("m.room.create", { room_version: "10" }, "", "@alice:example.org"),
      ev("m.room.power_levels", {
        users: { [BOT]: 100, "@alice:example.org": 100 },
        events: { "m.room.tombstone": 100 },
      }),
      ...state.filter((e) => e.type !== "m.room.create" && e.type !== "m.room.power_levels"),
    ]);
    const p = planSpace(manifest(tree(undefined, { room_version: "12" })), live(rooms, aliases));
    const step = p.steps.find((s) => s.op === "upgrade_room");
    assert.deepEqual(step?.op === "upgrade_room" ? step.additional_creators : null, [
      "@alice:example.org",
    ]);
    assert.deepEqual(changeAt(p, "rooms.general").after, {
      room_id: { $room: "rooms.general" },
      room_version: "12",
      creators: [BOT, "@alice:example.org"],
    });
  });

  it("reports an alias on another server, which the upgrade cannot move", () => {
    const rooms = generalWith(
      replacing("m.room.canonical_alias", {
        alias: "#general:example.org",
        alt_aliases: ["#g:other.org"],
      }),
    );
    const p = planSpace(manifest(tree(undefined, { room_version: "12" })), live(rooms, aliases));
    assert.deepEqual(
      p.diagnostics.map((d) => [d.severity, d.code, d.path, d.message]),
      [
        [
          "warning",
          "upgrade.foreign-alias",
          "rooms.general",
          `#g:other.org is an alias on another homeserver; the upgrade cannot move it, so it keeps pointing at the old room ${G}.`,
        ],
      ],
    );
  });

  it("refuses an upgrade the managing account lacks the power to tombstone", () => {
    const rooms = generalWith(
      replacing("m.room.power_levels", {
        users: { [BOT]: 50 },
        events: { "m.room.tombstone": 100 },
      }),
    );
    const p = planSpace(manifest(tree(undefined, { room_version: "12" })), live(rooms, aliases));
    const errors = p.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.path]);
    assert.deepEqual(errors, [["power.insufficient", "rooms.general.room_version"]]);
  });

  it("says when a room whose creation was cut short is upgraded only once it is finished", () => {
    const rooms = v10World().map((r) =>
      r.room_id === G
        ? bareRoom(G, [
            ev("m.room.create", {
              room_version: "10",
              "dev.spaceform.entry": { manifest: "demo", key: "general" },
            }),
            ev("m.room.member", { membership: "join" }, BOT),
          ])
        : r,
    );
    const p = planSpace(
      manifest(tree(undefined, { room_version: "12" }, { alias: false, joinRule: false })),
      live(rooms, aliases),
    );
    assert.deepEqual(
      p.diagnostics
        .filter((d) => d.code === "room.version-differs")
        .map((d) => [d.severity, d.path, d.message]),
      [
        [
          "warning",
          "rooms.general.room_version",
          `${G} has room version 10; its creation was cut short, so the upgrade to 12 is planned once this plan has finished it.`,
        ],
      ],
    );
  });

  it("refuses a downgrade, and more upgrades than the guard allows", () => {
    const down = planSpace(
      manifest(tree(undefined, { room_version: "9" })),
      live(v10World(), aliases),
    );
    assert.deepEqual(
      down.diagnostics.map((d) => d.code),
      ["upgrade.downgrade"],
    );
    assert.equal(
      down.steps.some((s) => s.op === "upgrade_room"),
      false,
    );
    const guarded = planSpace(manifest(tree("12")), live(v10World(), aliases), {
      ...DEFAULT_PLAN_OPTIONS,
      maxUpgrades: 1,
    });
    assert.deepEqual(
      guarded.diagnostics.map((d) => [d.severity, d.code]),
      [["error", "guard.max-upgrades"]],
    );
  });
});

describe("identity across upgrades", () => {
  /** The old rooms after POST /upgrade of both: tombstoned, nothing else changed. */
  const tombstoned = (): LiveRoom[] => [
    spaceRoom(S, "10", [
      marker("space"),
      child(G, { order: "10", suggested: true }),
      tombstone(S2),
    ]),
    plainRoom(G, "10", [marker("general"), allow(S), parentOf(S), tombstone(G2)]),
  ];
  /** The world after POST /upgrade of both rooms, before any re-linking (by hand, or cut short). */
  function upgradedByHand(): LiveRoom[] {
    return [
      ...tombstoned(),
      spaceRoom(
        S2,
        "12",
        [canonical("#demo:example.org"), child(G, { order: "10", suggested: true })],
        upgradeOf(S),
      ),
      plainRoom(G2, "12", [canonical("#general:example.org"), allow(S)], {}, upgradeOf(G)),
    ];
  }
  const moved = { "#demo:example.org": S2 as RoomId, "#general:example.org": G2 as RoomId };
  /**
   * The world once spaceform has finished the upgrade: the old rooms tombstoned, the successors
   * marked, linked and restricted to the new space; `left` adds state events an apply cut short
   * had yet to remove (the new space still linking the old room, say).
   */
  function upgradeDone(left: { space?: StateEvent[]; general?: StateEvent[] } = {}): LiveRoom[] {
    return [
      ...tombstoned(),
      spaceRoom(
        S2,
        "12",
        [
          marker("space"),
          canonical("#demo:example.org"),
          child(G2, { order: "10", suggested: true }),
          ...(left.space ?? []),
        ],
        upgradeOf(S),
      ),
      plainRoom(
        G2,
        "12",
        [
          marker("general"),
          canonical("#general:example.org"),
          allow(S2, S),
          parentOf(S2),
          ...(left.general ?? []),
        ],
        {},
        upgradeOf(G),
      ),
    ];
  }

  it("follows the successors and plans the remaining re-links, saying so", () => {
    const p = planSpace(manifest(tree("12")), live(upgradedByHand(), moved));
    assert.equal(
      p.steps.some((s) => s.op === "upgrade_room" || s.op === "create_room"),
      false,
    );
    assert.deepEqual(lines(p).steps, [
      'send_state {"room_id":"!s2hash"} dev.spaceform.entry  {"manifest":"demo","key":"space"}',
      'send_state {"room_id":"!s2hash"} m.room.power_levels  {"users":{"@bot:example.org":100},"events":{"m.room.tombstone":150}}',
      'send_state {"room_id":"!g2hash"} dev.spaceform.entry  {"manifest":"demo","key":"general"}',
      'send_state {"room_id":"!g2hash"} m.room.join_rules  {"join_rule":"restricted","allow":[{"type":"m.room_membership","room_id":"!s2hash"},{"type":"m.room_membership","room_id":"!s:example.org"}]}',
      'send_state {"room_id":"!g2hash"} m.room.power_levels  {"users":{"@bot:example.org":100},"events":{"m.room.tombstone":150}}',
      'send_state {"room_id":"!s2hash"} m.space.child !g2hash {"via":["example.org"],"order":"10","suggested":true}',
      'send_state {"room_id":"!g2hash"} m.space.parent !s2hash {"via":["example.org"],"canonical":true}',
      'send_state {"room_id":"!s2hash"} m.space.child !g:example.org {}',
    ]);
    assert.deepEqual(p.tree.room_id, S2);
  });

  it("follows a tombstone from a room pinned by id, and says so", () => {
    const pinned = tree("12", { id: G as RoomId }, { alias: false });
    const p = planSpace(manifest(pinned), live(upgradedByHand(), moved));
    const notes = p.diagnostics.map((d) => [d.severity, d.code, d.path, d.message]);
    assert.deepEqual(notes, [
      [
        "warning",
        "identity.upgraded",
        "space.alias",
        `${S} was upgraded: its tombstone points to ${S2} (room version 12), which this plan manages instead.`,
      ],
      [
        "warning",
        "identity.upgraded",
        "rooms.general.id",
        `${G} was upgraded: its tombstone points to ${G2} (room version 12), which this plan manages instead.`,
      ],
    ]);
  });

  it("refuses to manage a dead room whose successor the account cannot read", () => {
    const rooms = upgradedByHand().map((r) =>
      r.room_id === G2
        ? { ...r, membership: "none" as const, state: [], unreadable: "not a member" }
        : r,
    );
    const p = planSpace(
      manifest(tree("12")),
      live(rooms, { ...moved, "#general:example.org": G as RoomId }),
    );
    const errors = p.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
    assert.deepEqual(errors, ["identity.successor-unreadable"]);
    assert.equal(
      p.steps.some((s) => s.op === "create_room"),
      false,
    );
  });

  it("ignores a tombstone that names no room", () => {
    const hostile = generalWith(
      adding(ev("m.room.tombstone", { replacement_room: "\u001b[31m!x" })),
    );
    const p = planSpace(manifest(tree(undefined)), live(hostile, aliases));
    assert.deepEqual(p.changes, []);
    assert.deepEqual(p.diagnostics, []);
  });

  it("refuses a tombstone cycle instead of managing a dead room", () => {
    const cycle = generalWith(adding(tombstone(G2)));
    cycle.push(plainRoom(G2, "12", [tombstone(G)], {}, upgradeOf(G)));
    const q = planSpace(manifest(tree(undefined)), live(cycle, aliases));
    assert.deepEqual(
      q.diagnostics.map((d) => [d.severity, d.code, d.path, d.message]),
      [
        [
          "error",
          "identity.upgrade-loop",
          "rooms.general.alias",
          `the tombstones from ${G} lead in a circle (${G} → ${G2} → ${G}): every room on it is closed; spaceform does not follow that tombstone.`,
        ],
      ],
    );
    assert.deepEqual(q.steps, []);
  });

  it("refuses a successor that is not the same kind of room as the entry", () => {
    const rooms = withState(v10World(), S, adding(tombstone(G2)));
    rooms.push(plainRoom(G2, "12", [], {}, upgradeOf(S)));
    const p = planSpace(manifest(tree(undefined)), live(rooms, aliases));
    assert.deepEqual(
      p.diagnostics
        .filter((d) => d.code.startsWith("identity."))
        .map((d) => [d.severity, d.code, d.path, d.message]),
      [
        [
          "error",
          "identity.successor-kind",
          "space.alias",
          `${S} was upgraded to ${G2}, which is a room, not a space like the entry; spaceform does not follow that tombstone.`,
        ],
      ],
    );
    assert.deepEqual(p.steps, []);
  });

  const MALLORY = "@mallory:evil.org";
  const EVIL = "!evil:evil.org";
  /** rooms.general tombstoned to Mallory's own v12 room, which the managing account has joined. */
  function hijacked(level: number, create: Record<string, unknown>, over: Partial<LiveRoom> = {}) {
    const rooms = generalWith((state) => [
      ...state.filter((e) => e.type !== "m.room.power_levels"),
      ev("m.room.power_levels", {
        users: { [BOT]: 100, [MALLORY]: level },
        events: { "m.room.tombstone": level },
      }),
      ev("m.room.tombstone", { replacement_room: EVIL }, "", MALLORY),
    ]);
    const evil = bareRoom(
      EVIL,
      [
        ev("m.room.create", { room_version: "12", ...create }, "", MALLORY),
        ev("m.room.power_levels", { users: { [BOT]: 100 } }, "", MALLORY),
      ],
      over,
    );
    return live([...rooms, evil], aliases);
  }
  const refusal = (p: ReturnType<typeof planSpace>) => ({
    errors: p.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => [d.code, d.path, d.message]),
    joinsOrLinks: p.steps.filter(
      (s) => s.op === "join" || (s.op === "send_state" && s.type === "m.space.child"),
    ),
  });

  it("refuses a tombstone sent by someone with less power than the managing account", () => {
    const p = planSpace(manifest(tree(undefined)), hijacked(50, upgradeOf(G)));
    assert.deepEqual(refusal(p), {
      errors: [
        [
          "identity.tombstone-untrusted",
          "rooms.general.alias",
          `${G} was closed and pointed at ${EVIL} by ${MALLORY}, who has less power in it (50) than the managing account ${BOT} (100); spaceform does not follow that tombstone.`,
        ],
      ],
      joinsOrLinks: [],
    });
  });

  it("refuses a successor whose create event does not name the old room as its predecessor", () => {
    const p = planSpace(manifest(tree(undefined)), hijacked(100, {}));
    assert.deepEqual(refusal(p), {
      errors: [
        [
          "identity.upgrade-unconfirmed",
          "rooms.general.alias",
          `the tombstone of ${G} points to ${EVIL}, whose create event does not name ${G} as its predecessor; spaceform follows only a real upgrade.`,
        ],
      ],
      joinsOrLinks: [],
    });
  });

  it("refuses a successor the managing account is only invited to", () => {
    const p = planSpace(
      manifest(tree(undefined)),
      hijacked(100, upgradeOf(G), { membership: "invite" }),
    );
    assert.deepEqual(refusal(p), {
      errors: [
        [
          "identity.successor-unreadable",
          "rooms.general.alias",
          `${G} was upgraded to ${EVIL}, which the managing account ${BOT} is invited to but has not joined; spaceform manages neither the dead room nor a new one in its place.`,
        ],
      ],
      joinsOrLinks: [],
    });
  });

  it("refuses a successor found by its moved alias that the managing account is only invited to", () => {
    const rooms = upgradedByHand().map((r) =>
      r.room_id === G2 ? { ...r, membership: "invite" as const } : r,
    );
    const p = planSpace(manifest(tree("12")), live(rooms, moved));
    assert.deepEqual(
      p.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.path]),
      [["identity.successor-unreadable", "rooms.general.alias"]],
    );
    assert.equal(
      p.steps.some((s) => s.op === "join"),
      false,
    );
  });

  it("follows a genuine upgrade made by another account with as much power", () => {
    const p = planSpace(manifest(tree(undefined)), hijacked(100, upgradeOf(G)));
    // (The alias was not moved: a genuine upgrade on evil.org cannot move #general:example.org.)
    // In version 12 whoever upgraded is the new room's creator, above every level: the creators
    // house rule (default warn) says so.
    assert.deepEqual(
      p.diagnostics.map((d) => d.code),
      ["identity.upgraded", "alias.taken", "policy.creators"],
    );
    assert.equal(p.tree.children[0]?.room_id, EVIL);
  });

  it("takes no room for a predecessor that its successor does not name", () => {
    // Mallory's public room Z, linked into the space, tombstoned to the managed space S.
    const Z = "!z:evil.org";
    const rooms = withState(v10World(), S, adding(child(Z)));
    rooms.push(
      bareRoom(Z, [
        ev("m.room.create", { room_version: "10" }, "", MALLORY),
        ev("m.room.join_rules", { join_rule: "public" }, "", MALLORY),
        ev("m.room.tombstone", { replacement_room: S }, "", MALLORY),
      ]),
    );
    const p = planSpace(manifest(tree(undefined)), live(rooms, aliases));
    assert.deepEqual(lines(p), { changes: [], steps: [] });
    assert.deepEqual(p.unmanaged, [{ space: "demo", room_id: Z, parent: "space", unlink: false }]);
  });

  it("of two rooms tombstoned to one successor, takes the one the successor names", () => {
    const X = "!x:example.org";
    const rooms = withState(upgradedByHand(), S2, adding(child(X)));
    rooms.unshift(plainRoom(X, "10", [tombstone(G2)]));
    const p = planSpace(manifest(tree("12")), live(rooms, moved));
    assert.deepEqual(
      lines(p).steps.filter((s) => s.includes("m.space.child")),
      [
        'send_state {"room_id":"!s2hash"} m.space.child !g2hash {"via":["example.org"],"order":"10","suggested":true}',
        'send_state {"room_id":"!s2hash"} m.space.child !g:example.org {}',
      ],
    );
    assert.deepEqual(
      p.unmanaged.map((u) => u.room_id),
      [X],
    );
  });

  it("finishes an apply stopped between its link and unlink phases", () => {
    // Everything is in place, but the new space still links the old room, and the new room
    // still names the old space as a parent.
    const stopped = upgradeDone({
      space: [child(G, { order: "10", suggested: true })],
      general: [parentOf(S)],
    });
    const p = planSpace(manifest(tree("12")), live(stopped, moved), {
      ...DEFAULT_PLAN_OPTIONS,
      unlinkUnmanaged: true,
    });
    assert.deepEqual(p.diagnostics, []);
    assert.deepEqual(lines(p), {
      changes: ["update space.children.general", "update rooms.general.parent"],
      steps: [
        'send_state {"room_id":"!s2hash"} m.space.child !g:example.org {}',
        'send_state {"room_id":"!g2hash"} m.space.parent !s:example.org {}',
      ],
    });
    assert.deepEqual(changeAt(p, "space.children.general").before, {
      room_id: G,
      via: ["example.org"],
      order: "10",
      suggested: true,
    });
  });

  it("finishes the tombstone level of its own cut-short upgrade, not of another account's", () => {
    const own = planSpace(manifest(tree("12")), live(upgradedByHand(), moved));
    assert.deepEqual(changeAt(own, "rooms.general.power_levels.events").after, {
      "m.room.tombstone": 150,
    });
    const other = planSpace(manifest(tree(undefined)), hijacked(100, upgradeOf(G)));
    assert.equal(
      other.changes.some((c) => c.address.includes("power_levels")),
      false,
    );
  });

  it("follows only a real upgrade: a tombstone whose target does not name the room is refused", () => {
    const rooms = withState(
      upgradedByHand(),
      G2,
      replacing("m.room.create", { room_version: "12" }),
    );
    const p = planSpace(
      manifest(tree("12")),
      live(rooms, { ...moved, "#general:example.org": G as RoomId }),
    );
    assert.deepEqual(
      p.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.message]),
      [
        [
          "identity.upgrade-unconfirmed",
          `the tombstone of ${G} points to ${G2}, whose create event does not name ${G} as its predecessor; spaceform follows only a real upgrade.`,
        ],
      ],
    );
  });

  it("plans nothing once the upgrade is complete", () => {
    const p = planSpace(manifest(tree("12")), live(upgradeDone(), moved));
    assert.deepEqual(p.changes, []);
    assert.deepEqual(p.diagnostics, []);
  });
});
