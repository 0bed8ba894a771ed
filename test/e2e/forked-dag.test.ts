// A forked room DAG: many writers (three accounts, eight requests at a time) change a space at
// once, so events land on concurrent branches. A /sync snapshot (state before the timeline plus
// its last event) then misses some of them; GET /rooms/{id}/state has the resolved current state.
// The plan must tell that truth: a manifest written from GET /state plans to no changes, and a
// topic changed concurrently is seen with its current value.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import type { RoomId } from "../../src/matrix/ids.ts";
import { createGateway, type SdkGateway } from "../../src/matrix/sdk-gateway.ts";
import type { StateEvent } from "../../src/state/model.ts";
import { mapLimit } from "../../src/util/concurrency.ts";
import { freshWorld, type TestUser, type World } from "../homeserver/harness.ts";
import { envFor, manifestDir, runCli, writeManifest } from "./apply.support.ts";

const CHILDREN = 40;
const WRITERS = 8;

function gatewayFor(world: World, user: TestUser): SdkGateway {
  return createGateway({ baseUrl: world.hs.baseUrl, accessToken: user.accessToken });
}

const linked = (state: readonly StateEvent[]): string[] =>
  state
    .filter((e) => e.type === "m.space.child" && Array.isArray(e.content["via"]))
    .map((e) => e.state_key)
    .sort();

const topicOf = (state: readonly StateEvent[]): unknown =>
  state.find((e) => e.type === "m.room.topic" && e.state_key === "")?.content["topic"];

/** What the old reader saw: a full-state /sync, its state section merged with a 1-event timeline. */
async function syncView(g: SdkGateway, roomId: RoomId): Promise<StateEvent[]> {
  const { joined } = await g.syncRooms({
    presence: { not_types: ["*"] },
    account_data: { not_types: ["*"] },
    room: { state: { lazy_load_members: true }, timeline: { limit: 1 } },
  });
  return joined.find((r) => r.room_id === roomId)?.state ?? [];
}

describe("a forked room DAG (end to end)", () => {
  it("plans no changes for a manifest matching GET /state, and sees a concurrent topic change", async (t) => {
    const world = await freshWorld(t);
    const bot = gatewayFor(world, world.bot);
    const mods = world.moderators.map((m) => gatewayFor(world, m));
    const via = [world.hs.serverName];
    const space = await bot.createRoom({
      name: "Forked",
      creation_content: { type: "m.space" },
      invite: world.moderators.map((m) => m.userId),
      power_level_content_override: {
        users: Object.fromEntries([world.bot, ...world.moderators].map((u) => [u.userId, 100])),
      },
    });
    for (const m of mods) await m.join(space, via);
    const rooms = await mapLimit(
      Array.from({ length: CHILDREN }, (_, i) => i),
      4,
      (i) => bot.createRoom({ name: `Room ${i}` }),
    );

    // Eight writers at once: four streams of the bot, two of each moderator; the moderators also
    // set the topic now and then. Rounds repeat (at most five) until the /sync snapshot and
    // GET /state disagree, so the test is known to have built the fork it is about.
    const writers = [bot, bot, bot, bot, ...mods, ...mods];
    let round = 0;
    let state: StateEvent[];
    let synced: StateEvent[];
    do {
      round++;
      let next = 0;
      await Promise.all(
        writers.slice(0, WRITERS).map(async (w, wi) => {
          while (next < CHILDREN) {
            const i = next++;
            await w.sendState(space, "m.space.child", rooms[i] ?? "", {
              via,
              order: `r${round}`,
            });
            if (wi >= 4 && i % 4 === 0) {
              await w.sendState(space, "m.room.topic", "", { topic: `round ${round}, ${i}` });
            }
          }
        }),
      );
      state = await bot.roomState(space);
      synced = await syncView(bot, space);
    } while (
      round < 5 &&
      linked(synced).length === linked(state).length &&
      JSON.stringify(synced.filter((e) => e.type === "m.space.child")) ===
        JSON.stringify(state.filter((e) => e.type === "m.space.child"))
    );
    t.diagnostic(
      `after ${round} round(s): GET /state links ${linked(state).length}, the /sync snapshot ${linked(synced).length}`,
    );
    assert.equal(linked(state).length, CHILDREN, "every link is in the current state");
    assert.notDeepEqual(
      synced.filter((e) => e.type === "m.space.child").map((e) => [e.state_key, e.content]),
      state.filter((e) => e.type === "m.space.child").map((e) => [e.state_key, e.content]),
      "the DAG forked: the /sync snapshot differs from the current state",
    );

    // The manifest, written from GET /state alone.
    const order = (id: string) =>
      state.find((e) => e.type === "m.space.child" && e.state_key === id)?.content["order"];
    const manifest = {
      version: 1,
      space: { id: space, topic: topicOf(state) },
      rooms: Object.fromEntries(
        rooms.map((id, i) => [
          `room-${String(i).padStart(2, "0")}`,
          { id, name: `Room ${i}`, order: order(id) },
        ]),
      ),
    };
    const dir = await manifestDir();
    const file = await writeManifest(dir, "forked", stringify(manifest));
    const env = envFor(world.hs, world.bot);
    const clean = await runCli(["plan", "--detailed-exitcode", file], env, { cwd: dir });
    assert.equal(clean.code, 0, `${clean.stdout}\n${clean.stderr}`);
    assert.match(clean.stdout, /^No changes\. The live space matches the manifest\.$/m);

    // Two moderators set the topic at the same moment, among more writes of the bot.
    await Promise.all([
      mods[0]?.sendState(space, "m.room.topic", "", { topic: "from the first moderator" }),
      mods[1]?.sendState(space, "m.room.topic", "", { topic: "from the second moderator" }),
      mapLimit(rooms.slice(0, 8), 4, (id) =>
        bot.sendState(space, "m.space.child", id, { via, order: order(id) }),
      ),
    ]);
    const current = topicOf(await bot.roomState(space));
    assert.ok(typeof current === "string" && current.startsWith("from the "));
    const drift = await runCli(["plan", "--detailed-exitcode", file], env, { cwd: dir });
    assert.equal(drift.code, 2, `${drift.stdout}\n${drift.stderr}`);
    assert.ok(
      drift.stdout.includes(
        `~ topic: ${JSON.stringify(current)} -> ${JSON.stringify(manifest.space.topic)}`,
      ),
      drift.stdout,
    );
    assert.match(
      drift.stdout,
      /^Plan: 0 to create, 1 to update, 0 to delete \(1 field change\)\.$/m,
    );
  });
});
