/**
 * Planner behaviours that the golden cases do not show on their own: identity by
 * marker, step order and placeholders, unknowns that are skipped, determinism and
 * the state fingerprint. Manifests are built in memory here.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fingerprintState } from "../../src/plan/fingerprint.ts";
import { DEFAULT_PLAN_OPTIONS, planSpace } from "../../src/plan/planner.ts";
import { simulateApply } from "../fixtures/plan/simulate.ts";
import type { RoomId, UserId } from "../../src/matrix/ids.ts";
import { NO_POLICIES } from "../../src/policy/index.ts";
import { entry, ev, live, manifest, marker, room } from "../support/builders.ts";

describe("planSpace", () => {
  it("finds a room spaceform created by its marker when the entry has no id or alias", () => {
    const desired = manifest(
      entry("space", { name: "Demo" }, [entry("general", { name: "General" })]),
    );
    const actual = live([
      room("!s:example.org", [
        marker("space"),
        ev("m.room.name", { name: "Demo" }),
        ev("m.space.child", { via: ["example.org"] }, "!g:example.org"),
      ]),
      room("!g:example.org", [
        marker("general"),
        ev("m.room.name", { name: "Old" }),
        ev("m.space.parent", { via: ["example.org"], canonical: true }, "!s:example.org"),
      ]),
    ]);
    const plan = planSpace(desired, actual, DEFAULT_PLAN_OPTIONS);
    assert.deepEqual(
      plan.changes.map((c) => [c.address, c.before, c.after]),
      [["rooms.general.name", "Old", "General"]],
    );
    assert.equal(plan.tree.children[0]?.room_id, "!g:example.org");
  });

  it("creates, configures, then links a new room, with placeholders for rooms not created yet", () => {
    const desired = manifest(
      entry("space", { name: "Demo" }, [
        entry("general", { name: "General", join_rule: "restricted", alt_aliases: ["#lobby"] }),
      ]),
    );
    const plan = planSpace(desired, live([]), DEFAULT_PLAN_OPTIONS);
    assert.deepEqual(
      plan.steps.map((s) => s.op),
      ["create_room", "create_room", "create_alias", "send_state", "send_state"],
    );
    const child = plan.steps[1];
    assert.ok(child?.op === "create_room");
    const initial = child.request["initial_state"] as {
      type: string;
      state_key: string;
      content: unknown;
    }[];
    assert.deepEqual(initial.find((e) => e.type === "m.room.join_rules")?.content, {
      join_rule: "restricted",
      allow: [{ type: "m.room_membership", room_id: { $room: "space" } }],
    });
    assert.equal(initial.find((e) => e.type === "m.space.parent")?.state_key, "$room:space");
    const link = plan.steps[4];
    assert.ok(link?.op === "send_state");
    assert.deepEqual(
      [link.type, link.state_key, link.room],
      ["m.space.child", "$room:rooms.general", { created: "space" }],
    );
  });

  it("links each new room right after its creation and aliases; existing rooms' settings before their links", () => {
    const desired = manifest(
      entry("space", { name: "Demo" }, [
        entry("general", { topic: "New topic" }),
        entry("chapters", { alt_aliases: ["#chapters-old"] }, [
          entry("berlin", {
            address: "rooms.chapters.rooms.berlin",
            join_rule: "restricted",
            alt_aliases: ["#berlin-alt"],
          }),
        ]),
        entry("jobs", { name: "Jobs" }),
      ]),
    );
    const actual = live([
      room("!s:example.org", [marker("space"), ev("m.room.name", { name: "Old" })]),
      // An existing room, not linked yet: its topic changes, then it is linked.
      room("!g:example.org", [marker("general"), ev("m.room.topic", { topic: "Old" })]),
    ]);
    const plan = planSpace(desired, actual, DEFAULT_PLAN_OPTIONS);
    assert.deepEqual(plan.diagnostics, []);
    assert.deepEqual(
      plan.steps.map((s) => s.description),
      [
        "create space rooms.chapters",
        "create alias #chapters-old:example.org for rooms.chapters",
        "set the aliases of rooms.chapters",
        "link rooms.chapters into space",
        "create room rooms.chapters.rooms.berlin",
        "create alias #berlin-alt:example.org for rooms.chapters.rooms.berlin",
        "set the aliases of rooms.chapters.rooms.berlin",
        "link rooms.chapters.rooms.berlin into rooms.chapters",
        "create room rooms.jobs",
        "link rooms.jobs into space",
        "set the name of space",
        "set the topic of rooms.general",
        "link rooms.general into space",
        "point rooms.general at its parent space space",
      ],
    );

    // Wherever an apply stops, no room it created is left outside its space: every prefix that
    // ends before a creation leaves each created room linked into its parent.
    const after = simulateApply(actual, plan.steps);
    assert.deepEqual(planSpace(desired, after, DEFAULT_PLAN_OPTIONS).changes, []);
    const known = new Set(actual.rooms.map((r) => r.room_id as string));
    plan.steps.forEach((step, i) => {
      if (step.op !== "create_room") return;
      const partial = simulateApply(actual, plan.steps.slice(0, i));
      const linked = new Set(
        partial.rooms.flatMap((r) =>
          r.state.filter((e) => e.type === "m.space.child").map((e) => e.state_key),
        ),
      );
      const unlinked = partial.rooms
        .map((r) => r.room_id as string)
        .filter((id) => !known.has(id) && !linked.has(id));
      assert.deepEqual(unlinked, [], `stopped before step ${i + 1}`);
    });
  });

  it("skips publish when the directory listing could not be read, and plans it when it could", () => {
    const desired = manifest(entry("space", { publish: true }));
    const unknown = planSpace(
      desired,
      live([room("!s:example.org", [marker("space")])]),
      DEFAULT_PLAN_OPTIONS,
    );
    assert.deepEqual(unknown.changes, []);
    const known = planSpace(
      desired,
      live([room("!s:example.org", [marker("space")], { directory_visibility: "private" })]),
      DEFAULT_PLAN_OPTIONS,
    );
    assert.deepEqual(
      known.steps.map((s) => s.op),
      ["set_visibility"],
    );
  });

  it("takes no power levels or creators from an invited room's stripped state", () => {
    const ADMIN = "@admin:example.org" as UserId;
    const desired = manifest(
      entry("space", {}, [entry("general", { id: "!g:other.org" as RoomId })]),
      { policies: { ...NO_POLICIES, admins: [ADMIN], creators: "require" } },
    );
    const actual = live([
      room("!s:example.org", [marker("space")], {}),
      {
        room_id: "!g:other.org" as RoomId,
        membership: "invite",
        // Forged by the inviting server: the managing account and the admin as creators.
        state: [
          ev("m.room.create", { room_version: "12", additional_creators: [ADMIN] }),
          ev("m.room.power_levels", { users: { [ADMIN]: 100 } }),
        ],
      },
    ]);
    const plan = planSpace(desired, actual, DEFAULT_PLAN_OPTIONS);
    assert.deepEqual(
      plan.diagnostics
        .filter((d) => d.code.startsWith("policy.") && d.path?.startsWith("rooms.general") === true)
        .map((d) => `${d.code} ${d.message.slice(0, 22)}`),
      ["policy.unchecked house rule `admins` is", "policy.unchecked house rule `creators` "],
    );
  });

  it("reports a room it cannot read, with the reason and the entry's line", () => {
    const desired = manifest(
      entry("space", {}, [entry("general", { id: "!g:example.org" as RoomId })]),
    );
    const actual = live([
      room("!s:example.org", [marker("space")]),
      {
        room_id: "!g:example.org" as RoomId,
        membership: "leave",
        state: [],
        unreadable: "not a member and not invited",
      },
    ]);
    const plan = planSpace(desired, actual, DEFAULT_PLAN_OPTIONS);
    const d = plan.diagnostics.find((x) => x.code === "room.unreadable");
    assert.ok(d);
    assert.match(d.message, /not a member and not invited/);
    assert.deepEqual([d.file, d.line, d.path], ["spaces/demo.yaml", 5, "rooms.general"]);
    assert.ok(
      !plan.steps.some((s) => s.op === "create_room"),
      "an unreadable room is never replaced by a new one",
    );
  });

  it("removes a managed room's old link when it moved to another subspace", () => {
    const desired = manifest(
      entry("space", {}, [
        { ...entry("sub", {}, [entry("general", { address: "rooms.sub.rooms.general" })]) },
      ]),
    );
    desired.space.children[0]!.children[0]!.address = "rooms.sub.rooms.general";
    const actual = live([
      room("!s:example.org", [
        marker("space"),
        ev("m.space.child", { via: ["example.org"] }, "!sub:example.org"),
        ev("m.space.child", { via: ["example.org"] }, "!g:example.org"),
      ]),
      room("!sub:example.org", [
        marker("sub"),
        ev("m.room.create", { room_version: "10", type: "m.space" }),
        ev("m.space.parent", { via: ["example.org"], canonical: true }, "!s:example.org"),
      ]),
      room("!g:example.org", [
        marker("general"),
        ev("m.space.parent", { via: ["example.org"], canonical: true }, "!s:example.org"),
      ]),
    ]);
    const plan = planSpace(desired, actual, DEFAULT_PLAN_OPTIONS);
    assert.deepEqual(
      plan.changes.map((c) => [c.address, c.action]),
      [
        ["rooms.sub.children.general", "create"],
        ["rooms.sub.rooms.general.parent", "create"],
        ["space.children.general", "delete"],
      ],
    );
    assert.deepEqual(plan.unmanaged, []);
    const after = simulateApply(actual, plan.steps);
    assert.deepEqual(planSpace(desired, after, DEFAULT_PLAN_OPTIONS).changes, []);
  });

  it("leaves an already linked child's parent events alone, and adds one only when it links", () => {
    const desired = manifest(
      entry("space", { id: "!s:example.org" as RoomId }, [
        entry("general", { id: "!g:example.org" as RoomId }),
        entry("jobs", { id: "!j:example.org" as RoomId }),
      ]),
    );
    const actual = live([
      // general is linked but has no m.space.parent (as a client makes it); jobs is not linked.
      room("!s:example.org", [ev("m.space.child", { via: ["example.org"] }, "!g:example.org")]),
      room("!g:example.org", []),
      room("!j:example.org", []),
    ]);
    const plan = planSpace(desired, actual, DEFAULT_PLAN_OPTIONS);
    assert.deepEqual(
      plan.changes.map((c) => `${c.action} ${c.address}`),
      ["create space.children.jobs", "create rooms.jobs.parent"],
    );
  });

  it("is deterministic: the same inputs give the same plan", () => {
    const desired = manifest(
      entry("space", { name: "Demo", topic: "T" }, [entry("general", { name: "G" })]),
    );
    const a = planSpace(desired, live([]), DEFAULT_PLAN_OPTIONS);
    const b = planSpace(structuredClone(desired), live([]), DEFAULT_PLAN_OPTIONS);
    assert.deepEqual(a, b);
  });
});

describe("fingerprintState", () => {
  const a = live([
    room("!a:example.org", [ev("m.room.name", { name: "A" }), ev("m.room.topic", { topic: "x" })]),
    room("!b:example.org", []),
  ]);

  it("does not depend on the order rooms, events or keys were read in", () => {
    const b = structuredClone(a);
    b.rooms.reverse();
    b.rooms[1]!.state.reverse();
    b.rooms[1]!.state[0]!.content = { topic: "x" };
    const reordered = {
      aliases: b.aliases,
      rooms: b.rooms,
      user_id: b.user_id,
      server_name: b.server_name,
    };
    assert.equal(fingerprintState(reordered), fingerprintState(a));
    assert.match(fingerprintState(a), /^[0-9a-f]{64}$/);
  });

  it("changes when any state content changes", () => {
    const b = structuredClone(a);
    b.rooms[0]!.state[2]!.content = { name: "A2" };
    assert.notEqual(fingerprintState(b), fingerprintState(a));
  });
});
