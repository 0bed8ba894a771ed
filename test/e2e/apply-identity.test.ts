// Identity without a state file (docs/cli.md): renaming a key keeps the room (found by its alias,
// its marker rewritten), and changing the alias keeps it too (found by its marker).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { freshWorld, type World } from "../homeserver/harness.ts";
import {
  applyWith,
  connectAs,
  manifestDir,
  planWith,
  roomOf,
  sdkClient,
  writeManifest,
} from "./apply.support.ts";

function manifest(world: World, key: string, alias: string): string {
  return `version: 1
space:
  alias: "#${world.aliasLocalpart("space")}"
  name: Identity test
rooms:
  ${key}:
    alias: "#${world.aliasLocalpart(alias)}"
    name: Chat
`;
}

describe("identity across renames (end to end)", () => {
  it("keeps the room when the key or the alias changes", async (t) => {
    const world = await freshWorld(t);
    const dir = await manifestDir();
    const bot = await connectAs(world.hs, world.bot);
    const client = sdkClient(world.hs, world.bot);

    const file = await writeManifest(dir, "identity", manifest(world, "chat", "chat"));
    const first = await applyWith(bot, (await planWith(bot, [file])).plan);
    assert.equal(first.ok, true, first.failure?.error);
    const roomId = await roomOf(client, world.alias("chat"));

    // A new key, the same alias: found by the alias; only the marker follows the key.
    await writeManifest(dir, "identity", manifest(world, "general", "chat"));
    const renamed = (await planWith(bot, [file])).plan;
    assert.equal(renamed.refused, false, JSON.stringify(renamed.diagnostics));
    assert.equal(
      renamed.steps.some((s) => s.op === "create_room"),
      false,
    );
    assert.deepEqual(
      renamed.changes.map((c) => c.address),
      ["rooms.general.marker"],
    );
    assert.equal((await applyWith(bot, renamed)).ok, true);
    const marker = (await client.getStateEvent(roomId, "dev.spaceform.entry", "")) as Record<
      string,
      unknown
    >;
    assert.equal(marker["key"], "general");

    // The same key, a new alias: found by the marker; the new alias points at the same room.
    await writeManifest(dir, "identity", manifest(world, "general", "general"));
    const realiased = (await planWith(bot, [file])).plan;
    assert.equal(realiased.refused, false, JSON.stringify(realiased.diagnostics));
    assert.equal(
      realiased.steps.some((s) => s.op === "create_room"),
      false,
    );
    const applied = await applyWith(bot, realiased);
    assert.equal(applied.ok, true, applied.failure?.error);
    assert.equal(await roomOf(client, world.alias("general")), roomId);
    const canonical = (await client.getStateEvent(roomId, "m.room.canonical_alias", "")) as {
      alias?: string;
    };
    assert.equal(canonical.alias, world.alias("general"));

    assert.deepEqual((await planWith(bot, [file])).plan.changes, []);
  });
});
