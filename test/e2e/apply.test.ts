// The applier against a real Synapse: a de-RSE-like space from nothing, no changes on the second
// plan, out-of-band drift planned exactly and repaired (undeclared fields untouched, the avatar not
// uploaded again), a lock-out refused, a failure halfway that names its step and converges.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { UserError } from "../../src/diagnostics.ts";
import { formatApplyFailure } from "../../src/apply/report.ts";
import { freshWorld, type World } from "../homeserver/harness.ts";
import {
  applyWith,
  connectAs,
  deRseManifest,
  manifestDir,
  planWith,
  roomOf,
  sdkClient,
  writeManifest,
} from "./apply.support.ts";
import type { Connection } from "../../src/cli/run-plan.ts";
import type { MatrixClient } from "matrix-js-sdk";

const AVATAR_SHA256_KEY = "dev.spaceform.sha256";

function uploads(connection: Connection): number {
  const { byKind } = connection.gateway.requestCount();
  return Object.entries(byKind)
    .filter(([kind]) => /upload/i.test(kind))
    .reduce((n, [, count]) => n + count, 0);
}

async function state(
  client: MatrixClient,
  roomId: string,
  type: string,
  key = "",
): Promise<Record<string, unknown>> {
  return (await client.getStateEvent(roomId, type, key)) as Record<string, unknown>;
}

describe("apply (end to end)", () => {
  let world: World;
  let dir: string;
  let file: string;
  let bot: Connection;
  let botClient: MatrixClient;
  const ids: Record<string, string> = {};

  before(async () => {
    world = await freshWorld({ name: "apply", diagnostic: () => undefined });
    dir = await manifestDir();
    file = await writeManifest(dir, "de-rse", deRseManifest(world));
    bot = await connectAs(world.hs, world.bot);
    botClient = sdkClient(world.hs, world.bot);
  });

  it("creates the whole space on an empty server", async () => {
    const { plan } = await planWith(bot, [file]);
    assert.equal(plan.refused, false, JSON.stringify(plan.diagnostics));
    assert.equal(plan.steps.filter((s) => s.op === "create_room").length, 8);
    const result = await applyWith(bot, plan);
    assert.equal(result.ok, true, result.failure?.error);
    assert.equal(result.summary.create, plan.summary.create);

    for (const key of ["space", "general", "introductions", "jobs", "events", "offtopic"]) {
      ids[key] = await roomOf(botClient, world.alias(key));
    }
    ids["chapters"] = await roomOf(botClient, world.alias("chapters"));
    ids["berlin"] = await roomOf(botClient, world.alias("chapter-berlin"));

    const space = ids["space"]!;
    const create = await state(botClient, space, "m.room.create");
    assert.equal(create["type"], "m.space");
    for (const key of ["general", "introductions", "jobs", "events", "offtopic", "chapters"]) {
      const child = await state(botClient, space, "m.space.child", ids[key]);
      assert.ok(Array.isArray(child["via"]), `${key} is linked into the space`);
    }
    const berlin = await state(botClient, ids["chapters"], "m.space.child", ids["berlin"]);
    assert.ok(Array.isArray(berlin["via"]));
    assert.equal((await state(botClient, space, "m.space.child", ids["general"]))["order"], "10");
    assert.equal(
      (await state(botClient, space, "m.space.child", ids["general"]))["suggested"],
      true,
    );

    const jobsRule = await state(botClient, ids["jobs"]!, "m.room.join_rules");
    assert.equal(jobsRule["join_rule"], "restricted");
    assert.deepEqual(jobsRule["allow"], [{ type: "m.room_membership", room_id: space }]);
    const berlinRule = await state(botClient, ids["berlin"], "m.room.join_rules");
    assert.deepEqual(berlinRule["allow"], [
      { type: "m.room_membership", room_id: ids["chapters"] },
    ]);
    assert.equal(
      (await state(botClient, ids["general"]!, "m.room.join_rules"))["join_rule"],
      "public",
    );

    const pl = await state(botClient, ids["jobs"]!, "m.room.power_levels");
    assert.equal((pl["users"] as Record<string, number>)[world.moderators[0].userId], 50);
    const avatar = await state(botClient, space, "m.room.avatar");
    assert.match(String(avatar["url"]), /^mxc:\/\//);
    assert.match(
      String((avatar["info"] as Record<string, unknown>)[AVATAR_SHA256_KEY]),
      /^[0-9a-f]{64}$/,
    );
    assert.equal(
      (await state(botClient, ids["general"]!, "m.room.topic"))["topic"],
      "General discussion",
    );
  });

  it("plans no changes right after", async () => {
    const { plan } = await planWith(bot, [file]);
    assert.deepEqual(plan.changes, []);
    assert.deepEqual(plan.steps, []);
    assert.equal(plan.refused, false);
  });

  it("plans out-of-band drift exactly, repairs it, leaves undeclared fields alone and uploads nothing", async () => {
    // Drift a person could make with any Matrix client, as the bot (an admin everywhere).
    await botClient.sendStateEvent(
      ids["general"]!,
      "m.room.topic" as never,
      { topic: "spam" } as never,
      "",
    );
    const jobsPl = await state(botClient, ids["jobs"]!, "m.room.power_levels");
    await botClient.sendStateEvent(
      ids["jobs"]!,
      "m.room.power_levels" as never,
      {
        ...jobsPl,
        users: { ...(jobsPl["users"] as object), [world.moderators[0].userId]: 0 },
        redact: 20, // undeclared in the manifest: must survive the repair
      } as never,
      "",
    );
    await botClient.sendStateEvent(
      ids["space"]!,
      "m.space.child" as never,
      {} as never,
      ids["events"],
    );
    // Undeclared: the manifest says nothing about the space's guest access.
    await botClient.sendStateEvent(
      ids["space"]!,
      "m.room.guest_access" as never,
      { guest_access: "can_join" } as never,
      "",
    );

    const { plan } = await planWith(bot, [file]);
    assert.equal(plan.refused, false, JSON.stringify(plan.diagnostics));
    // Exactly the three drifted fields: the undeclared guest access and redact level are not changes.
    assert.deepEqual(plan.changes.map((c) => c.address).sort(), [
      "rooms.general.topic",
      "rooms.jobs.power_levels.users",
      "space.children.events",
    ]);
    const link = plan.changes.find((c) => c.address === "space.children.events")!;
    assert.deepEqual([link.action, link.before], ["create", null]);
    const users = plan.changes.find((c) => c.address === "rooms.jobs.power_levels.users")!;
    assert.equal((users.before as Record<string, number>)[world.moderators[0].userId], 0);
    assert.equal((users.after as Record<string, number>)[world.moderators[0].userId], 50);
    const topic = plan.changes.find((c) => c.address === "rooms.general.topic")!;
    assert.equal(topic.before, "spam");
    assert.equal(topic.after, "General discussion");

    const uploadsBefore = uploads(bot);
    const result = await applyWith(bot, plan);
    assert.equal(result.ok, true, result.failure?.error);
    assert.equal(uploads(bot) - uploadsBefore, 0, "an unchanged avatar is never uploaded again");

    assert.equal(
      (await state(botClient, ids["general"]!, "m.room.topic"))["topic"],
      "General discussion",
    );
    const repaired = await state(botClient, ids["jobs"]!, "m.room.power_levels");
    assert.equal((repaired["users"] as Record<string, number>)[world.moderators[0].userId], 50);
    assert.equal(repaired["redact"], 20);
    const child = await state(botClient, ids["space"]!, "m.space.child", ids["events"]);
    assert.ok(Array.isArray(child["via"]));
    assert.equal(
      (await state(botClient, ids["space"]!, "m.room.guest_access"))["guest_access"],
      "can_join",
    );

    const again = await planWith(bot, [file]);
    assert.deepEqual(again.plan.changes, []);
  });

  it("refuses a plan that would lock the bot out", async () => {
    const lowered = await writeManifest(
      dir,
      "de-rse",
      deRseManifest(world, { botLevelInGeneral: 50, withoutAdminsRule: true }),
    );
    try {
      const { plan } = await planWith(bot, [lowered]);
      assert.equal(plan.refused, true);
      assert.ok(
        plan.diagnostics.some((d) => d.severity === "error" && (d.path ?? "").includes("general")),
        JSON.stringify(plan.diagnostics),
      );
      const before = bot.gateway.requestCount().total;
      await assert.rejects(applyWith(bot, plan), UserError);
      assert.equal(bot.gateway.requestCount().total, before, "nothing is sent");
      const pl = await state(botClient, ids["general"]!, "m.room.power_levels");
      assert.equal((pl["users"] as Record<string, number>)[world.bot.userId], 100);
    } finally {
      await writeManifest(dir, "de-rse", deRseManifest(world));
    }
  });

  it("stops at a failing step, names it, and converges on the next apply", async () => {
    const extraRooms = `  news:\n    alias: "#${world.aliasLocalpart("news")}"\n    name: deRSE-news\n    topic: News\n`;
    const grown = await writeManifest(dir, "de-rse", deRseManifest(world, { extraRooms }));
    const { plan } = await planWith(bot, [grown]);
    assert.equal(plan.refused, false, JSON.stringify(plan.diagnostics));

    // Between plan and apply, someone else takes the alias the new room needs.
    const other = sdkClient(world.hs, world.moderators[1]);
    const { room_id: squatter } = await other.createRoom({});
    await other.createAlias(world.alias("news"), squatter);

    const result = await applyWith(bot, plan);
    assert.equal(result.ok, false);
    const failure = result.failure!;
    assert.ok(
      failure.step.addresses.some((a) => a.startsWith("rooms.news")),
      JSON.stringify(failure.step),
    );
    assert.match(failure.error, /M_ROOM_IN_USE|already (taken|exists)|in use/i);
    const message = formatApplyFailure(plan, result);
    assert.match(message, /apply stopped at step \d+ of \d+: \+ rooms\.news/);
    assert.match(message, /run apply again/);

    // Free the alias; a fresh plan and apply converge, and then nothing is left to do.
    await other.deleteAlias(world.alias("news"));
    const retry = await planWith(bot, [grown]);
    assert.equal(retry.plan.refused, false, JSON.stringify(retry.plan.diagnostics));
    const second = await applyWith(bot, retry.plan);
    assert.equal(second.ok, true, second.failure?.error);
    assert.notEqual(await roomOf(botClient, world.alias("news")), squatter);
    const last = await planWith(bot, [grown]);
    assert.deepEqual(last.plan.changes, []);
  });
});
