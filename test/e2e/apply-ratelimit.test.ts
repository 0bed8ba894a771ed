// Against Synapse's own rate limits (the "default" profile): an apply that exceeds the state-event
// burst (rc_message: 0.2/s, burst 10) completes because the gateway waits, and says that it waits.
// The space and 9 rooms stay inside room creation's burst of 10 (each creation beyond it would
// cost a minute); linking the 9 rooms into the space (and each to its parent) goes beyond the
// state-event burst. The rooms have no aliases: the plan right after finds them by their markers.
// Synapse's default publication rules (only server admins publish) give a warning, not a loop.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { freshWorld, type World } from "../homeserver/harness.ts";
import {
  applyWith,
  connectAs,
  manifestDir,
  planWith,
  sdkClient,
  writeManifest,
} from "./apply.support.ts";

const ROOMS = 9;

function manifest(world: World): string {
  const rooms = Array.from(
    { length: ROOMS },
    (_, i) => `  room${i}:\n    name: Room ${i}\n    topic: Topic ${i}\n`,
  ).join("");
  return `version: 1
space:
  alias: "#${world.aliasLocalpart("space")}"
  name: Rate-limited space
rooms:
${rooms}`;
}

describe("apply under Synapse's default rate limits (end to end)", () => {
  it("waits for the homeserver instead of failing", async (t) => {
    const world = await freshWorld(t, { profile: "default" });
    const dir = await manifestDir();
    const logs: string[] = [];
    const bot = await connectAs(world.hs, world.bot, logs);

    const file = await writeManifest(dir, "limited", manifest(world));
    const first = await planWith(bot, [file]);
    assert.equal(first.plan.refused, false, JSON.stringify(first.plan.diagnostics));
    const started = Date.now();
    const created = await applyWith(bot, first.plan);
    assert.equal(created.ok, true, created.failure?.error);
    const counts = bot.gateway.requestCount();
    t.diagnostic(`apply: ${Date.now() - started} ms, ${created.requests} requests`);
    t.diagnostic(JSON.stringify(counts));
    assert.ok(counts.retries > 0, "the homeserver rate-limited the apply");
    assert.ok(
      logs.some((l) => /wait/i.test(l) && /rate/i.test(l)),
      `the gateway said it waited: ${logs.join(" | ")}`,
    );

    const botClient = sdkClient(world.hs, world.bot);
    const spaceId = (await botClient.getRoomIdForAlias(world.alias("space"))).room_id;
    assert.ok(spaceId);
    const last = await planWith(bot, [file]);
    assert.deepEqual(last.plan.changes, []);
  });

  it("warns once when the homeserver does not let the account publish, and does not loop", async (t) => {
    const world = await freshWorld(t, { profile: "default" });
    const dir = await manifestDir();
    const bot = await connectAs(world.hs, world.bot);
    const file = await writeManifest(
      dir,
      "published",
      `version: 1\nspace:\n  alias: "#${world.aliasLocalpart("space")}"\n  name: Published\n  publish: true\n`,
    );
    const created = await applyWith(bot, (await planWith(bot, [file])).plan);
    assert.equal(created.ok, true, created.failure?.error);
    assert.deepEqual(
      created.warnings.map((w) => w.code),
      ["apply.publish-denied"],
    );
    assert.match(created.warnings[0]!.message, /does not let this account publish rooms/);

    // The next plan asks again (the space is still unlisted); applying it warns again, once.
    const again = (await planWith(bot, [file])).plan;
    assert.deepEqual(
      again.steps.map((s) => s.op),
      ["set_visibility"],
    );
    const directoryPuts = (): number =>
      Object.entries(bot.gateway.requestCount().byKind)
        .filter(([kind]) => kind.startsWith("PUT") && kind.includes("directory"))
        .reduce((n, [, count]) => n + count, 0);
    const before = directoryPuts();
    const retried = await applyWith(bot, again);
    assert.equal(retried.ok, true);
    assert.equal(retried.warnings.length, 1);
    assert.equal(directoryPuts() - before, 1, "one request, no retry loop");
  });
});
