// Hostile live state, set on the local Synapse by other accounts (a moderator of a managed room, the
// admin of an unmanaged room linked into the space), shown by `spaceform plan` through the real CLI
// in text and Markdown: every value stays text on its own line, with no raw control character, no
// workflow command, no Markdown block, mention, link or image.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freshWorld, type World } from "../homeserver/harness.ts";
import { envFor, manifestDir, runCli, writeManifest, type CliResult } from "./apply.support.ts";
import { assertInert } from "../fixtures/hostile/corpus.ts";

describe("hostile live state in plan output (CLI, end to end)", () => {
  let world: World;
  let dir: string;
  let file: string;
  let lobby: string;
  const outputs: string[] = [];
  const hostileName = "Gen\u001b]0;owned\u0007\n::error ::x";
  const hostileTopic =
    "A long topic that goes on and on for a while\n+ power_levels: 100 for @mallory:evil.example\n\u001b[2J";
  const lobbyName = "Lobby\n<!-- spaceform-plan -->\n@everyone ![x](http://evil.example/x.png)";

  async function cli(args: string[]): Promise<CliResult> {
    const r = await runCli(args, envFor(world.hs, world.bot), { cwd: dir });
    outputs.push(r.stdout, r.stderr);
    return r;
  }
  async function as(token: string, method: string, path: string, body?: unknown) {
    const r = await fetch(`${world.hs.baseUrl}/_matrix/client/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    assert.equal(r.status, 200, `${method} ${path}: ${await r.clone().text()}`);
    return (await r.json()) as Record<string, unknown>;
  }
  const roomId = async (key: string): Promise<string> =>
    String(
      (
        await as(
          world.bot.accessToken,
          "GET",
          `/directory/room/${encodeURIComponent(world.alias(key))}`,
        )
      )["room_id"],
    );

  before(async () => {
    world = await freshWorld({ name: "hostile", diagnostic: () => undefined });
    dir = await manifestDir();
    const mod = world.moderators[0];
    file = await writeManifest(
      dir,
      "hostile",
      [
        "version: 1",
        "space:",
        `  alias: "#${world.aliasLocalpart("space")}"`,
        "  name: Hostile test space",
        "rooms:",
        "  general:",
        `    alias: "#${world.aliasLocalpart("general")}"`,
        "    name: General",
        "    topic: Hello",
        "    join_rule: public",
        "    power_levels:",
        "      users:",
        `        "${world.bot.userId}": 100`,
        `        "${mod.userId}": 50`,
        "",
      ].join("\n"),
    );
    const applied = await cli(["apply", "--auto-approve", file]);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);

    // The moderator (power 50, enough for state events) rewrites the managed room's name and topic.
    const general = await roomId("general");
    await as(mod.accessToken, "POST", `/join/${encodeURIComponent(general)}`, {});
    const state = (type: string) => `/rooms/${encodeURIComponent(general)}/state/${type}/`;
    await as(mod.accessToken, "PUT", state("m.room.name"), { name: hostileName });
    await as(mod.accessToken, "PUT", state("m.room.topic"), { topic: hostileTopic });

    // Another account's public room, linked into the space, named to forge a comment and mention.
    lobby = String(
      (
        await as(world.user.accessToken, "POST", "/createRoom", {
          preset: "public_chat",
          name: lobbyName,
        })
      )["room_id"],
    );
    await as(world.bot.accessToken, "POST", `/join/${encodeURIComponent(lobby)}`, {});
    const space = await roomId("space");
    await as(
      world.bot.accessToken,
      "PUT",
      `/rooms/${encodeURIComponent(space)}/state/m.space.child/${encodeURIComponent(lobby)}`,
      { via: [world.hs.serverName] },
    );
  });

  after(() => {
    const all = outputs.join("\n");
    for (const token of [world.bot.accessToken, world.moderators[0].accessToken]) {
      assert.equal(all.includes(token), false, "an access token appeared in the output");
    }
  });

  it("text: the hostile values are quoted and escaped, each on its own line", async () => {
    const r = await cli(["plan", file]);
    assert.equal(r.code, 0, r.stderr);
    assertInert(r.stdout, "plan stdout");
    assertInert(r.stderr, "plan stderr");
    const lines = r.stdout.split("\n");
    assert.ok(
      lines.includes('    ~ name: "Gen\\u001b]0;owned\\u0007\\n::error ::x" -> "General"'),
      r.stdout,
    );
    assert.ok(
      lines.includes(
        "    ~ topic: [-A long topic that goes on and on for a while\\n+ power_levels: 100 for @mallory:evil.example\\n\\u001b[2J-]{+Hello+}",
      ),
      r.stdout,
    );
    assert.ok(
      lines.includes(
        `  ${lobby} "Lobby\\n<!-- spaceform-plan -->\\n@everyone ![x](http://evil.example/x.png)" in space: kept linked (--unlink-unmanaged would unlink it)`,
      ),
      r.stdout,
    );
  });

  it("Markdown: the same values cannot start a block, mention, link or embed", async () => {
    const r = await cli(["plan", file, "--format", "markdown"]);
    assert.equal(r.code, 0, r.stderr);
    assertInert(r.stdout, "markdown");
    const lines = r.stdout.split("\n");
    assert.ok(
      lines.includes('! name: "Gen\\u001b]0;owned\\u0007\\n::error ::x" -> "General"'),
      r.stdout,
    );
    assert.ok(
      lines.includes(
        `- \`${lobby}\` Lobby\\\\n\\<\\!-- spaceform-plan --\\>\\\\n@&#8203;everyone \\!\\[x\\](http\\://evil.example/x.png) in \`space\`: kept`,
      ),
      r.stdout,
    );
    assert.deepEqual(
      lines.filter((l) => /^#{1,6} /.test(l)),
      ["## spaceform plan: hostile", "### Changes", "### Rooms the manifest does not name"],
    );
  });
});
