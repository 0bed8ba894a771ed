// spaces/de-rse.yaml, the project's own manifest, on an empty server: it names its moderators with
// `power_levels.users_at_least`, so its house rules (`admins`, `min_moderators`, `require_avatar`)
// hold for rooms that apply creates, and a second plan finds nothing to change.
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { freshWorld, type World } from "../homeserver/harness.ts";
import { envFor, repoRoot, runCli, sdkClient } from "./apply.support.ts";
import { roomPowerOf } from "../../src/matrix/powerlevels.ts";

describe("spaces/de-rse.yaml from nothing (end to end)", () => {
  let world: World;
  let dir: string;
  let file: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    world = await freshWorld({ name: "de-rse-from-nothing", diagnostic: () => undefined });
    dir = await mkdtemp(join(tmpdir(), "spaceform-de-rse-"));
    await copyFile(join(repoRoot, "spaces", "de-rse-logo.png"), join(dir, "de-rse-logo.png"));
    // The file as it is, with matrix.org's names swapped for this server's: the aliases made
    // unique to this test, the functional account as the bot, the moderation team as a moderator.
    const original = await readFile(join(repoRoot, "spaces", "de-rse.yaml"), "utf8");
    const local = original
      .replace(/"#de-rse\.org(-[a-z]+)?:matrix\.org"/g, (_m, room: string | undefined) =>
        JSON.stringify(world.alias(room === undefined ? "space" : room.slice(1))),
      )
      .replaceAll('"@de-rse:matrix.org"', JSON.stringify(world.bot.userId))
      .replaceAll('"@de-rse-moderation:matrix.org"', JSON.stringify(world.moderators[0].userId));
    assert.doesNotMatch(local, /matrix\.org"/, "every server name was replaced");
    file = join(dir, "de-rse.yaml");
    await writeFile(file, local);
    env = envFor(world.hs, world.bot);
  });

  it("validates without a warning, plans without an error, applies, and then plans clean", async () => {
    const validate = await runCli(["validate", file], env);
    assert.equal(validate.code, 0, validate.stderr);
    assert.equal(validate.stdout, `${file}: valid, 5 rooms\n`);

    const planFile = join(dir, "plan.json");
    const plan = await runCli(["plan", file, "--detailed-exitcode", "--out", planFile], env);
    assert.equal(plan.code, 2, plan.stderr + plan.stdout);
    assert.doesNotMatch(plan.stdout + plan.stderr, /error|refused/i);
    assert.match(plan.stdout, /Plan: 6 to create, 0 to update, 0 to delete\./);

    const apply = await runCli(["apply", planFile], env);
    assert.equal(apply.code, 0, apply.stderr + apply.stdout);

    const again = await runCli(["plan", file, "--detailed-exitcode"], env);
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.match(again.stdout, /No changes\./);

    // The moderator named in users_at_least moderates every room, and nobody else was added.
    const client = sdkClient(world.hs, world.bot);
    for (const name of ["space", "general", "introductions", "jobs", "events", "offtopic"]) {
      const roomId = (await client.getRoomIdForAlias(world.alias(name))).room_id;
      const state = await client.roomState(roomId);
      const room = { state: state as never };
      assert.equal(roomPowerOf(room, world.moderators[0].userId), 50, name);
      assert.equal(roomPowerOf(room, world.moderators[1].userId), 0, name);
    }
  });
});
