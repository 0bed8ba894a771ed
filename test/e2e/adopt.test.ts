// Adoption: rooms that another account created, invited the managing account to and made it admin
// in. Named by `id` in the manifest, such a room is joined, linked and managed in its declared
// fields only; one that breaks a house rule is reported at its manifest line, and nothing is sent.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MatrixClient } from "matrix-js-sdk";
import { freshWorld, type World } from "../homeserver/harness.ts";
import {
  applyWith,
  connectAs,
  manifestDir,
  planWith,
  sdkClient,
  writeManifest,
} from "./apply.support.ts";

/** A room made by `owner` with the bot invited and at power 100. */
async function roomByOther(
  owner: MatrixClient,
  ownerId: string,
  world: World,
  options: { encrypted?: boolean; topic?: string } = {},
): Promise<string> {
  const { room_id } = await owner.createRoom({
    name: "made by someone else",
    ...(options.topic === undefined ? {} : { topic: options.topic }),
    invite: [world.bot.userId],
    power_level_content_override: { users: { [ownerId]: 100, [world.bot.userId]: 100 } },
    ...(options.encrypted
      ? {
          initial_state: [
            {
              type: "m.room.encryption",
              state_key: "",
              content: { algorithm: "m.megolm.v1.aes-sha2" },
            },
          ],
        }
      : {}),
  });
  return room_id;
}

function manifest(world: World, adopted: string, extra = ""): string {
  const bot = world.bot.userId;
  return `version: 1
space:
  alias: "#${world.aliasLocalpart("space")}"
  name: Adoption test
  avatar: logo.png
  power_levels:
    users:
      "${bot}": 100
      "${world.moderators[0].userId}": 50
rooms:
  adopted:
    id: "${adopted}"
    name: deRSE-adopted
    avatar: logo.png
    suggested: true
${extra}
policies:
  admins: ["${bot}"]
  forbid_encryption: true
  require_avatar: error
  min_moderators: 1
`;
}

describe("adoption (end to end)", () => {
  it("joins, links and manages a room another account created", async (t) => {
    const world = await freshWorld(t);
    const ownerClient = sdkClient(world.hs, world.moderators[1]);
    const roomId = await roomByOther(ownerClient, world.moderators[1].userId, world, {
      topic: "the owner's topic",
    });
    const dir = await manifestDir();
    const file = await writeManifest(dir, "adopt", manifest(world, roomId));
    const bot = await connectAs(world.hs, world.bot);

    const { plan } = await planWith(bot, [file]);
    assert.equal(plan.refused, false, JSON.stringify(plan.diagnostics));
    const join = plan.steps.findIndex((s) => s.op === "join");
    assert.ok(join >= 0, "the invited room is joined first");
    const touchesAdopted = plan.steps.filter(
      (s) => "room" in s && "room_id" in s.room && s.room.room_id === roomId && s.op !== "join",
    );
    assert.ok(touchesAdopted.length > 0);
    for (const s of plan.steps.filter(
      (s) => s.op !== "join" && s.addresses.some((a) => a.startsWith("rooms.adopted")),
    )) {
      assert.ok(plan.steps.indexOf(s) > join, `${s.description} comes after the join`);
    }
    assert.equal(
      plan.steps.some((s) => s.op === "create_room" && s.entry === "rooms.adopted"),
      false,
    );

    const result = await applyWith(bot, plan);
    assert.equal(result.ok, true, result.failure?.error);

    const botClient = sdkClient(world.hs, world.bot);
    const spaceId = (await botClient.getRoomIdForAlias(world.alias("space"))).room_id;
    const child = (await botClient.getStateEvent(spaceId, "m.space.child", roomId)) as Record<
      string,
      unknown
    >;
    assert.ok(Array.isArray(child["via"]));
    assert.equal(child["suggested"], true);
    const name = (await botClient.getStateEvent(roomId, "m.room.name", "")) as { name: string };
    assert.equal(name.name, "deRSE-adopted");
    // Undeclared: the owner's topic stays.
    const topic = (await botClient.getStateEvent(roomId, "m.room.topic", "")) as { topic: string };
    assert.equal(topic.topic, "the owner's topic");

    const again = await planWith(bot, [file]);
    assert.deepEqual(again.plan.changes, [], JSON.stringify(again.plan.changes));
  });

  it("reports a room that breaks a house rule, at its manifest line, and applies nothing", async (t) => {
    const world = await freshWorld(t);
    const ownerClient = sdkClient(world.hs, world.moderators[1]);
    const encrypted = await roomByOther(ownerClient, world.moderators[1].userId, world, {
      encrypted: true,
    });
    const dir = await manifestDir();
    const file = await writeManifest(dir, "adopt", manifest(world, encrypted));
    const bot = await connectAs(world.hs, world.bot);

    const { plan } = await planWith(bot, [file]);
    assert.equal(plan.refused, true);
    const rule = plan.diagnostics.find(
      (d) => d.severity === "error" && /encrypt/i.test(`${d.code} ${d.message}`),
    );
    assert.ok(rule, JSON.stringify(plan.diagnostics));
    assert.match(rule.path ?? "", /rooms\.adopted/);
    assert.equal(rule.file, file);
    assert.ok(
      rule.line === 11 || rule.line === 12,
      `line ${rule.line}: that of \`adopted:\` or its id`,
    );
  });
});
