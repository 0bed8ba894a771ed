// `spaceform import` against a real Synapse: a space built with plain client-server API calls
// (as Element or a script would, not by spaceform) is imported, the manifest validates, plans to
// zero changes, and an edited topic plans exactly that one change.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { parse } from "yaml";
import { freshWorld, type TestUser, type World } from "../homeserver/harness.ts";
import { runCliSync } from "../support/run-cli.ts";

/** One client-server API call as `user`; throws with the homeserver's answer on failure. */
async function api(
  world: World,
  user: TestUser,
  method: "GET" | "POST" | "PUT",
  path: string,
  body?: unknown,
  contentType = "application/json",
): Promise<Record<string, unknown>> {
  const response = await fetch(`${world.hs.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${user.accessToken}`, "content-type": contentType },
    ...(body === undefined
      ? {}
      : { body: body instanceof Uint8Array ? body : JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** A 2×2 PNG (red pixels), built by hand: a real image, as an avatar must be. */
function png(): Uint8Array {
  const hex =
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73" +
    "0000001049444154789c63f8cfc000440c100a001fee03fd8b5f14d40000000049454e44ae426082";
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

interface Built {
  space: string;
  general: string;
  jobs: string;
  chapters: string;
  berlin: string;
  foreign: string;
}

const enc = encodeURIComponent;

async function createRoom(world: World, body: Record<string, unknown>): Promise<string> {
  const r = await api(world, world.bot, "POST", "/_matrix/client/v3/createRoom", body);
  return r["room_id"] as string;
}

async function setState(
  world: World,
  user: TestUser,
  room: string,
  type: string,
  key: string,
  content: unknown,
): Promise<void> {
  await api(
    world,
    user,
    "PUT",
    `/_matrix/client/v3/rooms/${enc(room)}/state/${enc(type)}/${enc(key)}`,
    content,
  );
}

/** The space the way a client builds one: children with a canonical parent link, set at creation. */
async function buildSpace(world: World): Promise<Built> {
  const server = world.hs.serverName;
  const bot = world.bot.userId;
  const [mod1, mod2] = world.moderators;
  const via = [server];
  const space = await createRoom(world, {
    preset: "public_chat",
    name: "deRSE import",
    topic: "Gesellschaft für Forschungssoftware",
    room_alias_name: world.aliasLocalpart("space"),
    creation_content: { type: "m.space" },
    room_version: "10",
    power_level_content_override: { users: { [bot]: 100, [mod1.userId]: 50 }, invite: 50 },
    initial_state: [
      {
        type: "m.room.history_visibility",
        state_key: "",
        content: { history_visibility: "world_readable" },
      },
    ],
  });
  const parent = (id: string) => ({
    type: "m.space.parent",
    state_key: id,
    content: { via, canonical: true },
  });
  const general = await createRoom(world, {
    preset: "public_chat",
    name: "deRSE-general",
    topic: "General discussion",
    room_alias_name: world.aliasLocalpart("space-general"),
    initial_state: [parent(space)],
  });
  const jobs = await createRoom(world, {
    preset: "private_chat",
    name: "deRSE-jobs",
    topic: "Jobs in research software",
    room_version: "10",
    power_level_content_override: { users: { [bot]: 100, [mod2.userId]: 50 }, kick: 75 },
    initial_state: [
      parent(space),
      {
        type: "m.room.join_rules",
        state_key: "",
        content: {
          join_rule: "restricted",
          allow: [{ type: "m.room_membership", room_id: space }],
        },
      },
    ],
  });
  const chapters = await createRoom(world, {
    preset: "private_chat",
    name: "Chapters",
    room_alias_name: world.aliasLocalpart("space-chapters"),
    creation_content: { type: "m.space" },
    initial_state: [parent(space)],
  });
  const berlin = await createRoom(world, {
    preset: "private_chat",
    name: "deRSE-chapter-Berlin",
    room_version: "10",
    initial_state: [
      parent(chapters),
      {
        type: "m.room.join_rules",
        state_key: "",
        content: {
          join_rule: "knock_restricted",
          allow: [{ type: "m.room_membership", room_id: chapters }],
        },
      },
    ],
  });
  // A room of another account that the bot never joined: linked, but unreadable for it.
  const foreign = (
    await api(world, world.user, "POST", "/_matrix/client/v3/createRoom", {
      preset: "private_chat",
      name: "Board (private)",
    })
  )["room_id"] as string;

  await setState(world, world.bot, space, "m.space.child", general, {
    via,
    order: "a",
    suggested: true,
  });
  await setState(world, world.bot, space, "m.space.child", jobs, { via, order: "b" });
  await setState(world, world.bot, space, "m.space.child", chapters, { via, order: "c" });
  await setState(world, world.bot, space, "m.space.child", foreign, { via });
  await setState(world, world.bot, chapters, "m.space.child", berlin, { via, suggested: true });

  // Avatars: the space's uploaded by a client (no hash recorded); the general room's set the way
  // spaceform sets one, with the image's sha256 in its info.
  const image = png();
  const upload = async (): Promise<string> =>
    (
      await api(
        world,
        world.bot,
        "POST",
        "/_matrix/media/v3/upload?filename=logo.png",
        image,
        "image/png",
      )
    )["content_uri"] as string;
  await setState(world, world.bot, space, "m.room.avatar", "", {
    url: await upload(),
    info: { mimetype: "image/png", size: image.length },
  });
  await setState(world, world.bot, general, "m.room.avatar", "", {
    url: await upload(),
    info: {
      mimetype: "image/png",
      size: image.length,
      "dev.spaceform.sha256": createHash("sha256").update(image).digest("hex"),
    },
  });
  return { space, general, jobs, chapters, berlin, foreign };
}

function cli(world: World, args: string[], cwd: string) {
  const r = runCliSync(
    args,
    { MATRIX_HOMESERVER: world.hs.baseUrl, MATRIX_ACCESS_TOKEN: world.bot.accessToken },
    { cwd, timeoutMs: 120_000 },
  );
  assert.ok(
    !`${r.stdout}${r.stderr}`.includes(world.bot.accessToken),
    "the access token appears in the output",
  );
  return r;
}

type Obj = Record<string, unknown>;

describe("spaceform import against Synapse", () => {
  let world: World;
  let built: Built;
  let dir: string;
  let file: string;
  let imported: { code: number | null; stdout: string; stderr: string };

  before(async () => {
    world = await freshWorld({ name: "import", diagnostic: () => undefined });
    built = await buildSpace(world);
    dir = mkdtempSync(join(tmpdir(), "spaceform-import-e2e-"));
    file = join(dir, "spaces", "imported.yaml");
    imported = cli(
      world,
      [
        "import",
        world.alias("space"),
        "--out",
        "spaces/imported.yaml",
        "--download-avatars",
        "spaces/avatars",
      ],
      dir,
    );
  });

  it("writes a manifest with every readable room, its id and settings", () => {
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(imported.stdout, "", "the manifest goes to --out, not stdout");
    const doc = parse(readFileSync(file, "utf8")) as Obj;
    const space = doc["space"] as Obj;
    assert.equal(space["id"], built.space);
    assert.equal(space["alias"], world.alias("space"));
    assert.equal(space["topic"], "Gesellschaft für Forschungssoftware");
    assert.equal(space["history_visibility"], "world_readable");
    assert.match(String(space["avatar"]), /^mxc:\/\//, "no recorded hash: stays an mxc URL");
    const pl = space["power_levels"] as Obj;
    assert.deepEqual(pl["users"], { [world.bot.userId]: 100, [world.moderators[0].userId]: 50 });
    assert.equal(pl["invite"], 50);

    const rooms = doc["rooms"] as Obj;
    assert.deepEqual(Object.keys(rooms), ["general", "derse-jobs", "chapters"]);
    const general = rooms["general"] as Obj;
    assert.equal(general["id"], built.general);
    assert.equal(general["suggested"], true);
    assert.equal(general["order"], "a");
    assert.equal(general["avatar"], "avatars/general.png", "recorded hash: the saved file");
    const jobs = rooms["derse-jobs"] as Obj;
    assert.equal(jobs["join_rule"], "restricted");
    assert.ok(!("allow" in jobs), "allow = the parent space is implied");
    assert.equal((jobs["power_levels"] as Obj)["kick"], 75);
    const chapters = rooms["chapters"] as Obj;
    const berlin = (chapters["rooms"] as Obj)["derse-chapter-berlin"] as Obj;
    assert.equal(berlin["id"], built.berlin);
    assert.equal(berlin["join_rule"], "knock_restricted");
    assert.equal(berlin["suggested"], true);

    assert.ok(existsSync(join(dir, "spaces", "avatars", "general.png")));
    assert.ok(existsSync(join(dir, "spaces", "avatars", "space.png")));
  });

  it("lists the room it cannot read, in the file and on stderr", () => {
    const text = readFileSync(file, "utf8");
    assert.match(text, new RegExp(`# not imported: .*${built.foreign.replace(/[.!]/g, "\\$&")}`));
    assert.match(imported.stderr, /import\.unreadable-room/);
  });

  it("validates and plans to zero changes", () => {
    const validate = cli(world, ["validate", "spaces/imported.yaml"], dir);
    assert.equal(validate.code, 0, validate.stdout + validate.stderr);
    const plan = cli(
      world,
      ["plan", "spaces/imported.yaml", "--format", "json", "--detailed-exitcode"],
      dir,
    );
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    const json = JSON.parse(plan.stdout) as { changes: unknown[]; steps: unknown[] };
    assert.deepEqual(json.changes, []);
    assert.deepEqual(json.steps, []);
  });

  it("plans exactly one change after one topic is edited", () => {
    const edited = join(dir, "spaces", "edited.yaml");
    const text = readFileSync(file, "utf8").replace(
      "topic: General discussion",
      "topic: General discussion of the German RSE community",
    );
    writeFileSync(edited, text);
    const plan = cli(
      world,
      ["plan", "spaces/edited.yaml", "--format", "json", "--detailed-exitcode"],
      dir,
    );
    assert.equal(plan.code, 2, plan.stdout + plan.stderr);
    const json = JSON.parse(plan.stdout) as { changes: Obj[] };
    assert.deepEqual(
      json.changes.map((c) => [c["address"], c["action"], c["before"], c["after"]]),
      [
        [
          "rooms.general.topic",
          "update",
          "General discussion",
          "General discussion of the German RSE community",
        ],
      ],
    );
  });

  it("refuses to overwrite the manifest without --force, and then sends nothing", () => {
    const before = readFileSync(file, "utf8");
    const again = cli(
      world,
      ["import", world.alias("space"), "--out", "spaces/imported.yaml"],
      dir,
    );
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists; pass --force/);
    assert.equal(readFileSync(file, "utf8"), before);
  });

  it("reports the house rules the live space already breaks", () => {
    writeFileSync(
      join(dir, "rules.yaml"),
      [
        "version: 1",
        "space: {}",
        "policies:",
        `  admins: ["${world.moderators[0].userId}"]`,
        "  require_avatar: error",
        "",
      ].join("\n"),
    );
    const out = cli(world, ["import", built.space, "--check-policies", "rules.yaml"], dir);
    assert.equal(out.code, 0, out.stderr);
    // mod1 is at 50 in the space and absent elsewhere; only the space and general have avatars.
    const admins = out.stderr.split("\n").filter((l) => l.includes("[policy.admins]"));
    assert.equal(admins.length, 5, out.stderr);
    const avatars = out.stderr.split("\n").filter((l) => l.includes("[policy.require-avatar]"));
    assert.deepEqual(avatars.map((l) => /error: (\S+):/.exec(l)?.[1]).sort(), [
      "rooms.chapters.avatar",
      "rooms.chapters.rooms.derse-chapter-berlin.avatar",
      "rooms.derse-jobs.avatar",
    ]);
  });

  it("plans zero changes for a space whose children are linked without m.space.parent", async () => {
    // As a client adds existing rooms to a space: m.space.child in the space, nothing in the
    // rooms (one gets a parent event without `canonical`, as some clients send it).
    const via = [world.hs.serverName];
    const space = await createRoom(world, {
      preset: "private_chat",
      name: "deRSE linked",
      creation_content: { type: "m.space" },
    });
    const bare = await createRoom(world, { preset: "private_chat", name: "deRSE-offtopic" });
    const loose = await createRoom(world, { preset: "private_chat", name: "deRSE-events" });
    await setState(world, world.bot, loose, "m.space.parent", space, { via });
    await setState(world, world.bot, space, "m.space.child", bare, { via, order: "a" });
    await setState(world, world.bot, space, "m.space.child", loose, { via, order: "b" });

    const out = cli(world, ["import", space, "--out", "spaces/linked.yaml"], dir);
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(out.stderr, /m\.space\.parent/);
    const rooms = (parse(readFileSync(join(dir, "spaces/linked.yaml"), "utf8")) as Obj)[
      "rooms"
    ] as Obj;
    assert.deepEqual(
      Object.values(rooms).map((r) => (r as Obj)["id"]),
      [bare, loose],
    );
    const plan = cli(
      world,
      ["plan", "spaces/linked.yaml", "--format", "json", "--detailed-exitcode"],
      dir,
    );
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    const json = JSON.parse(plan.stdout) as { changes: unknown[]; steps: unknown[] };
    assert.deepEqual(json.changes, []);
    assert.deepEqual(json.steps, []);
  });

  it("creates the folder of --out when it does not exist", () => {
    const out = cli(world, ["import", built.space, "--out", "new/folder/space.yaml"], dir);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(
      (parse(readFileSync(join(dir, "new/folder/space.yaml"), "utf8")) as { space: Obj }).space[
        "id"
      ],
      built.space,
    );
  });

  it("writes to stdout without --out, and says why for a missing alias", () => {
    const out = cli(world, ["import", built.space], dir);
    assert.equal(out.code, 0, out.stderr);
    assert.equal((parse(out.stdout) as { space: Obj }).space["id"], built.space);
    const missing = cli(world, ["import", `#${world.prefix}-nope:${world.hs.serverName}`], dir);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /does not exist/);
  });
});
