// Room upgrades on the real Synapse: a space of five rooms made at room version 10, upgraded to 12
// by one changed `room_version`; checked afterwards with plain HTTP as a member's client would
// see it. Also: a room upgraded by hand (POST /upgrade, as a client does) is followed, and an
// apply that stops right after the upgrades is finished by the next run.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyPlan } from "../../src/apply/apply.ts";
import { renderPlan } from "../../src/cli/run-plan.ts";
import { checkSavedPlan, parseSavedPlan } from "../../src/cli/saved-plan.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import type { Plan } from "../../src/plan/model.ts";
import { upgradedRoom } from "../../src/plan/upgrade.ts";
import type { LiveRoom } from "../../src/state/model.ts";
import { freshWorld, type TestUser, type World } from "../homeserver/harness.ts";
import { applyWith, connectAs, manifestDir, planWith, writeManifest } from "./apply.support.ts";

/** JSON with object keys sorted, so contents compare whatever order the server wrote them in. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

const ROOMS = ["general", "introductions", "jobs", "events", "offtopic"] as const;

/** The space: public, five rooms, `general` restricted to the space with two aliases. */
function manifest(world: World, version: string | undefined, only?: string): string {
  const a = (name: string): string => `"#${world.aliasLocalpart(name)}"`;
  const v = (key: string): string =>
    version !== undefined && (only === undefined || only === key)
      ? `\n    room_version: "${version}"`
      : "";
  const room = (key: string, i: number): string =>
    [
      `  ${key}:`,
      `    alias: ${a(key)}`,
      `    name: Upgrade ${key}`,
      `    order: "${String((i + 1) * 10)}"`,
      ...(i < 2 ? ["    suggested: true"] : []),
      ...(key === "general"
        ? [`    alt_aliases: [${a("general-alt")}]`, "    join_rule: restricted"]
        : []),
    ].join("\n") + v(key);
  return `version: 1
space:
  alias: ${a("space")}
  name: Upgrade test space
  join_rule: public${v("space").replace("\n    ", "\n  ")}
defaults:
  join_rule: invite
  history_visibility: shared
rooms:
${ROOMS.map(room).join("\n")}
`;
}

/** Plain Client-Server API calls, as any Matrix client makes them. */
function http(world: World, user: TestUser) {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const r = await fetch(`${world.hs.baseUrl}/_matrix/client/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${user.accessToken}`, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json: unknown = await r.json();
    assert.equal(r.status, 200, `${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  };
  const enc = encodeURIComponent;
  return {
    alias: async (alias: string) =>
      ((await call("GET", `/directory/room/${enc(alias)}`)) as { room_id: string }).room_id,
    state: async (room: string, type: string, key = "") =>
      (await call("GET", `/rooms/${enc(room)}/state/${enc(type)}/${enc(key)}`)) as Record<
        string,
        unknown
      >,
    allState: async (room: string) =>
      (await call("GET", `/rooms/${enc(room)}/state`)) as {
        type: string;
        state_key: string;
        content: Record<string, unknown>;
      }[],
    upgrade: async (room: string, version: string) =>
      (
        (await call("POST", `/rooms/${enc(room)}/upgrade`, { new_version: version })) as {
          replacement_room: string;
        }
      ).replacement_room,
    join: async (room: string) => call("POST", `/join/${enc(room)}`, {}),
    invite: async (room: string, userId: string) =>
      call("POST", `/rooms/${enc(room)}/invite`, { user_id: userId }),
    send: async (room: string, type: string, content: unknown) =>
      call("PUT", `/rooms/${enc(room)}/state/${enc(type)}/`, content),
    visibility: async (room: string) =>
      ((await call("GET", `/directory/list/room/${enc(room)}`)) as { visibility: string })
        .visibility,
  };
}

async function setUp(t: { name: string; diagnostic: (s: string) => void }) {
  const world = await freshWorld(t);
  const dir = await manifestDir();
  const bot = await connectAs(world.hs, world.bot);
  const client = http(world, world.bot);
  const file = await writeManifest(dir, "upgrade", manifest(world, "10"));
  const created = await applyWith(bot, (await planWith(bot, [file])).plan);
  assert.equal(created.ok, true, created.failure?.error);
  const ids: Record<string, string> = {};
  for (const key of ["space", ...ROOMS]) ids[key] = await client.alias(world.alias(key));
  return { world, dir, bot, client, file, ids };
}

/** What a member's client sees after the upgrade of everything, checked with plain HTTP. */
async function assertUpgraded(
  world: World,
  client: ReturnType<typeof http>,
  old: Record<string, string>,
): Promise<Record<string, string>> {
  const now: Record<string, string> = {};
  for (const key of ["space", ...ROOMS]) {
    const id = await client.alias(world.alias(key));
    now[key] = id;
    assert.notEqual(id, old[key], `${key} still resolves to its old room`);
    const tomb = await client.state(old[key] ?? "", "m.room.tombstone");
    assert.equal(tomb["replacement_room"], id, `the tombstone of ${key}'s old room`);
    const create = await client.state(id, "m.room.create");
    assert.equal(create["room_version"], "12");
    // Power carried by the v12 rules: the managing account is the creator, so not in users,
    // and replacing the room again needs 150, more than any admin who is not a creator has.
    const pl = await client.state(id, "m.room.power_levels");
    assert.equal((pl["users"] as Record<string, unknown>)[world.bot.userId], undefined);
    const events = pl["events"] as Record<string, number>;
    assert.equal(events["m.room.tombstone"], 150, JSON.stringify(pl));
    const marker = await client.state(id, "dev.spaceform.entry");
    assert.deepEqual(marker, { manifest: "upgrade", key });
  }
  assert.equal(await client.alias(world.alias("general-alt")), now["general"]);
  // The new space links exactly the new rooms, in the same order, with suggested kept.
  const links = (await client.allState(now["space"] ?? ""))
    .filter((e) => e.type === "m.space.child" && Array.isArray(e.content["via"]))
    .map((e) => ({
      room: e.state_key,
      order: e.content["order"],
      suggested: e.content["suggested"],
    }))
    .sort((a, b) => (String(a.order) < String(b.order) ? -1 : 1));
  assert.deepEqual(
    links,
    ROOMS.map((key, i) => ({
      room: now[key],
      order: String((i + 1) * 10),
      suggested: i < 2 ? true : undefined,
    })),
  );
  const parent = await client.state(now["general"] ?? "", "m.space.parent", now["space"]);
  assert.deepEqual(parent, { via: [world.hs.serverName], canonical: true });
  const rules = await client.state(now["general"] ?? "", "m.room.join_rules");
  assert.deepEqual(rules, {
    join_rule: "restricted",
    allow: [
      { type: "m.room_membership", room_id: now["space"] },
      { type: "m.room_membership", room_id: old["space"] },
    ],
  });
  // A member finds and joins the new space and, through it, the restricted room.
  const member = http(world, world.user);
  await member.join(world.alias("space"));
  await member.join(world.alias("general"));
  return now;
}

describe("room upgrades (end to end)", () => {
  it("upgrades a space of five rooms from version 10 to 12 in one plan", async (t) => {
    const { world, bot, client, file, dir, ids } = await setUp(t);
    await writeManifest(dir, "upgrade", manifest(world, "12"));
    const { plan } = await planWith(bot, [file]);
    assert.equal(plan.refused, false, JSON.stringify(plan.diagnostics));
    assert.deepEqual(
      plan.changes.filter((c) => c.action === "replace").map((c) => c.address),
      ["space", ...ROOMS.map((k) => `rooms.${k}`)],
    );
    assert.equal(plan.resource_summary?.replace, 6);
    // Saved and applied as a saved plan: valid against the plan schema, and what spaceform plans.
    const saved = parseSavedPlan(renderPlan(plan, "json", false));
    assert.ok(saved);
    await checkSavedPlan(saved, bot, () => undefined);
    const applied = await applyWith(bot, saved);
    assert.equal(applied.ok, true, applied.failure?.error);

    await assertUpgraded(world, client, ids);
    const again = (await planWith(bot, [file])).plan;
    assert.deepEqual(again.changes, []);
    assert.deepEqual(again.diagnostics, []);
  });

  it("finishes an apply that stopped right after the upgrades", async (t) => {
    const { world, bot, client, file, dir, ids } = await setUp(t);
    await writeManifest(dir, "upgrade", manifest(world, "12"));
    const { plan } = await planWith(bot, [file]);
    // The apply stops after its upgrade steps: nothing re-linked, no marker in the new rooms.
    const upgradesOnly: Plan = {
      ...plan,
      steps: plan.steps.filter((s) => s.op === "upgrade_room"),
    };
    assert.equal(upgradesOnly.steps.length, 6);
    const cut = await applyPlan(upgradesOnly, bot.gateway);
    assert.equal(cut.ok, true, cut.failure?.error);

    const resumed = (await planWith(bot, [file])).plan;
    assert.equal(resumed.refused, false, JSON.stringify(resumed.diagnostics));
    assert.equal(
      resumed.steps.some((s) => s.op === "upgrade_room" || s.op === "create_room"),
      false,
    );
    assert.deepEqual(
      resumed.diagnostics.map((d) => [d.code, d.path]),
      [
        ["identity.upgraded", "space.alias"],
        ...ROOMS.map((k) => ["identity.upgraded", `rooms.${k}.alias`]),
      ],
    );
    const applied = await applyWith(bot, resumed);
    assert.equal(applied.ok, true, applied.failure?.error);
    await assertUpgraded(world, client, ids);
    assert.deepEqual((await planWith(bot, [file])).plan.changes, []);
  });

  it("finishes an apply that stopped right after upgrading the space", async (t) => {
    const { world, bot, client, file, dir, ids } = await setUp(t);
    await writeManifest(dir, "upgrade", manifest(world, "12"));
    const { plan } = await planWith(bot, [file]);
    // The process dies right after its first step, the space's upgrade, has completed.
    const stop = new Error("the apply was stopped");
    await assert.rejects(
      applyPlan(plan, bot.gateway, {
        progress: (event) => {
          if (event.kind === "step" && event.index === 1) throw stop;
        },
      }),
      stop,
    );
    assert.notEqual(await client.alias(world.alias("space")), ids["space"]);

    const resumed = (await planWith(bot, [file])).plan;
    assert.equal(resumed.refused, false, JSON.stringify(resumed.diagnostics));
    assert.deepEqual(
      resumed.changes.filter((c) => c.action === "replace").map((c) => c.address),
      ROOMS.map((k) => `rooms.${k}`),
    );
    assert.deepEqual(
      resumed.diagnostics.map((d) => [d.code, d.path]),
      [["identity.upgraded", "space.alias"]],
    );
    const applied = await applyWith(bot, resumed);
    assert.equal(applied.ok, true, applied.failure?.error);
    await assertUpgraded(world, client, ids);
    assert.deepEqual((await planWith(bot, [file])).plan.changes, []);
  });

  it("Synapse's upgrade leaves the new room as the planner predicts", async (t) => {
    const { world, client, ids } = await setUp(t);
    for (const key of ["space", "general"]) {
      const oldId = ids[key] ?? "";
      const from: LiveRoom = {
        room_id: oldId as RoomId,
        membership: "join",
        state: (await client.allState(oldId)).filter(
          (e) => e.type !== "m.room.member" || e.state_key === world.bot.userId,
        ),
        directory_visibility: (await client.visibility(oldId)) as "public" | "private",
      };
      const predicted = upgradedRoom(key, { from, version: "12", creators: [] }, world.bot.userId);
      const newId = await client.upgrade(oldId, "12");
      const actual = (await client.allState(newId)).filter((e) => e.type !== "m.room.member");
      const shape = (events: readonly { type: string; state_key: string; content: object }[]) =>
        events
          .filter((e) => e.type !== "m.room.member" && e.type !== "m.room.create")
          .map((e) => `${e.type} ${e.state_key} ${canonicalJson(e.content)}`)
          .sort();
      assert.deepEqual(shape(actual), shape(predicted.state), key);
      const create = actual.find((e) => e.type === "m.room.create");
      assert.deepEqual(create?.content, predicted.state[0]?.content);
      assert.equal(await client.visibility(newId), predicted.directory_visibility);
      assert.equal(await client.alias(world.alias(key)), newId, "the local alias moved");
    }
  });

  it("follows a room upgraded by hand instead of managing the dead one", async (t) => {
    const { world, bot, client, file, dir, ids } = await setUp(t);
    const jobs = ids["jobs"] ?? "";
    // Another member, an admin at 100 like the managing account, upgrades the room in a client:
    // the new room is theirs (its creator), and the managing account is only invited to it.
    const admin = http(world, world.user);
    await client.invite(jobs, world.user.userId);
    await admin.join(jobs);
    const levels = await client.state(jobs, "m.room.power_levels");
    const users = { ...(levels["users"] as Record<string, number>), [world.user.userId]: 100 };
    await client.send(jobs, "m.room.power_levels", { ...levels, users });
    const successor = await admin.upgrade(jobs, "12");
    await admin.invite(successor, world.bot.userId);
    // The manifest now says what the room is.
    await writeManifest(dir, "upgrade", manifest(world, "12", "jobs"));

    const invited = (await planWith(bot, [file])).plan;
    assert.deepEqual(
      invited.diagnostics.map((d) => [d.severity, d.code, d.message]),
      [
        [
          "error",
          "identity.successor-unreadable",
          `${jobs} was upgraded to ${successor}, which the managing account ${world.bot.userId} is invited to but has not joined; spaceform manages neither the dead room nor a new one in its place.`,
        ],
      ],
    );

    await client.join(successor);
    const { plan } = await planWith(bot, [file]);
    assert.equal(plan.refused, false, JSON.stringify(plan.diagnostics));
    assert.deepEqual(
      plan.diagnostics.map((d) => [d.code, d.message]),
      [
        [
          "identity.upgraded",
          `${jobs} was upgraded: its tombstone points to ${successor} (room version 12), which this plan manages instead.`,
        ],
        // The admin who upgraded is the new room's creator, which the creators rule (warn) says.
        [
          "policy.creators",
          `\`rooms.jobs\` has room version 12, and ${world.user.userId} is a creator of it: power above every level, which no power_levels change can take away.`,
        ],
      ],
    );
    assert.equal(
      plan.steps.some((s) => s.op === "create_room" || s.op === "upgrade_room"),
      false,
    );
    assert.deepEqual(
      plan.changes.map((c) => `${c.action} ${c.address}`),
      ["create rooms.jobs.marker", "update space.children.jobs", "create rooms.jobs.parent"],
    );
    const applied = await applyWith(bot, plan);
    assert.equal(applied.ok, true, applied.failure?.error);

    const link = await client.state(ids["space"] ?? "", "m.space.child", successor);
    assert.deepEqual(link, { via: [world.hs.serverName], order: "30" });
    assert.deepEqual(await client.state(ids["space"] ?? "", "m.space.child", jobs), {});
    assert.deepEqual(await client.state(successor, "m.space.parent", ids["space"]), {
      via: [world.hs.serverName],
      canonical: true,
    });
    assert.deepEqual((await planWith(bot, [file])).plan.changes, []);
  });
});
