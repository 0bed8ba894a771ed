// The live-state reader against a real Synapse (relaxed profile): a space built with plain API
// calls is read back; the result and the number of requests it took are asserted.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Entry, Manifest } from "../../src/manifest/model.ts";
import { createGateway, type SdkGateway } from "../../src/matrix/sdk-gateway.ts";
import { MARKER_EVENT_TYPE, stateEvent, type LiveRoom } from "../../src/state/model.ts";
import { readLiveState, readSpaceTree } from "../../src/state/read.ts";
import { freshWorld, type TestUser, type World } from "../homeserver/harness.ts";
import { entry, manifest } from "../support/builders.ts";

function gatewayFor(world: World, user: TestUser): SdkGateway {
  return createGateway({ baseUrl: world.hs.baseUrl, accessToken: user.accessToken });
}

/** A manifest named `name` with no source positions (it was never a file). */
const named = (name: string, space: Entry): Manifest =>
  manifest(space, { file: `spaces/${name}.yaml`, name, positions: {} });

const marker = (name: string, key: string) => ({
  type: MARKER_EVENT_TYPE,
  state_key: "",
  content: { manifest: name, key },
});

function room(rooms: readonly LiveRoom[], id: string): LiveRoom {
  const found = rooms.find((r) => r.room_id === id);
  assert.ok(found, `room ${id} is in the live state`);
  return found;
}

function sortedByCodePoint(values: readonly string[]): boolean {
  return values.every((v, i) => i === 0 || (values[i - 1] ?? "") <= v);
}

describe("readLiveState on Synapse", () => {
  it("reads the tree, pinned, aliased, marked, invited and unreadable rooms; nothing else", async (t) => {
    const world = await freshWorld(t);
    const bot = gatewayFor(world, world.bot);
    const mod = gatewayFor(world, world.moderators[0]);
    const via = [world.hs.serverName];
    const name = `${world.prefix}-community`;

    // The tree: root space → general (aliased, published), a subspace → its room; a room the bot
    // cannot read (another account's, no invite) and one it is only invited to, both linked.
    const root = await bot.createRoom({
      name: "Community",
      creation_content: { type: "m.space" },
      room_alias_name: world.aliasLocalpart("space"),
      initial_state: [marker(name, "space")],
      invite: [world.moderators[0].userId],
    });
    await mod.join(root, via);
    const general = await bot.createRoom({
      name: "General",
      room_alias_name: world.aliasLocalpart("general"),
    });
    await bot.setDirectoryVisibility(general, "public");
    const sub = await bot.createRoom({ name: "Chapters", creation_content: { type: "m.space" } });
    const berlin = await bot.createRoom({ name: "Berlin" });
    const foreign = await mod.createRoom({ name: "Not yours" });
    const invitedTo = await mod.createRoom({ name: "Come in", invite: [world.bot.userId] });
    for (const child of [general, sub, foreign, invitedTo]) {
      await bot.sendState(root, "m.space.child", child, { via });
    }
    await bot.sendState(sub, "m.space.child", berlin, { via });
    // A child link without `via` counts as removed: not followed.
    const unlinked = await bot.createRoom({ name: "Unlinked" });
    await bot.sendState(root, "m.space.child", unlinked, {});

    // Outside the tree: a room pinned by id, a marked orphan, a room the bot left (pinned),
    // and noise that must not appear: an unrelated joined room and an unrelated invite.
    const pinned = await bot.createRoom({ name: "Pinned" });
    const orphan = await bot.createRoom({
      name: "Orphan",
      initial_state: [marker(name, "orphan")],
    });
    const otherManifest = await bot.createRoom({
      name: "Other manifest",
      initial_state: [marker("someone-else", "orphan")],
    });
    const left = await bot.createRoom({ name: "Left" });
    await bot.sendState(left, "m.room.topic", "", { topic: "before leaving" });
    // The gateway has no leave(): one raw call.
    const leaveResponse = await fetch(
      `${world.hs.baseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(left)}/leave`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${world.bot.accessToken}`,
          "content-type": "application/json",
        },
        body: "{}",
      },
    );
    assert.equal(leaveResponse.status, 200);
    const unrelatedInvite = await mod.createRoom({ name: "Spam", invite: [world.bot.userId] });

    const m = named(
      name,
      entry("space", {
        kind: "space",
        alias: `#${world.aliasLocalpart("space")}`,
        children: [
          entry("general", { alias: world.alias("general"), publish: true }),
          entry("pinned", { id: pinned }),
          entry("left", { id: left }),
          entry("missing", {
            alias: `#${world.aliasLocalpart("missing")}`,
            allow: [`#${world.aliasLocalpart("space")}`, general],
          }),
        ],
      }),
    );

    const reader = gatewayFor(world, world.bot);
    const live = await readLiveState(reader, m);
    const ids = live.rooms.map((r) => r.room_id);

    assert.equal(live.user_id, world.bot.userId);
    assert.equal(live.server_name, world.hs.serverName);
    assert.deepEqual(
      [...ids].sort(),
      [root, general, sub, berlin, foreign, invitedTo, pinned, orphan, left].sort(),
      "tree + pinned + marked + left; not the unlinked child, the other manifest's marker, the noise",
    );
    assert.ok(!ids.includes(unlinked) && !ids.includes(otherManifest));
    assert.ok(!ids.includes(unrelatedInvite));
    assert.ok(sortedByCodePoint(ids), "rooms sorted by id");

    assert.deepEqual(live.aliases, {
      [world.alias("general")]: general,
      [world.alias("missing")]: null,
      [world.alias("space")]: root,
    });

    const r = room(live.rooms, root);
    assert.equal(r.membership, "join");
    assert.equal(r.unreadable, undefined);
    assert.equal(stateEvent(r, "m.room.name")?.content["name"], "Community");
    assert.deepEqual(stateEvent(r, MARKER_EVENT_TYPE)?.content, { manifest: name, key: "space" });
    assert.deepEqual(stateEvent(r, "m.space.child", general)?.content, { via });
    assert.deepEqual(
      r.state.filter((e) => e.type === "m.room.member").map((e) => e.state_key),
      [world.bot.userId],
      "only the managing account's own member event is kept",
    );
    assert.ok(
      sortedByCodePoint(r.state.map((e) => `${e.type}\u0000${e.state_key}`)),
      "state sorted by type and key",
    );
    assert.equal(r.directory_visibility, undefined, "the root declares no publish");

    assert.equal(room(live.rooms, general).directory_visibility, "public");
    assert.equal(stateEvent(room(live.rooms, berlin), "m.room.name")?.content["name"], "Berlin");
    assert.equal(stateEvent(room(live.rooms, orphan), MARKER_EVENT_TYPE)?.content["key"], "orphan");

    assert.deepEqual(room(live.rooms, foreign), {
      room_id: foreign,
      membership: "none",
      state: [],
      unreadable: "the managing account is not a member and has no invite (M_FORBIDDEN)",
    });
    const inv = room(live.rooms, invitedTo);
    assert.equal(inv.membership, "invite");
    assert.equal(inv.unreadable, undefined);
    assert.equal(stateEvent(inv, "m.room.name")?.content["name"], "Come in");
    assert.equal(
      stateEvent(inv, "m.room.member", world.bot.userId)?.content["membership"],
      "invite",
    );
    assert.equal(stateEvent(inv, "m.room.member", world.moderators[0].userId), undefined);
    const gone = room(live.rooms, left);
    assert.equal(gone.membership, "leave");
    assert.deepEqual(gone.state, [], "the state as of leaving is stale: not passed on");
    assert.match(gone.unreadable ?? "", /membership: leave/);

    // whoami, 3 aliases, one GET /state per room (the 9 rooms, the invite among them), the
    // joined rooms, one discovery /sync about the rooms the walk did not account for (the joined
    // ones it did not reach: the orphan and the other manifest's room; the ones it could not
    // read: the invite, the foreign and the left room), one listing.
    assert.deepEqual(reader.requestCount(), {
      total: 16,
      byKind: {
        "GET /directory/list/room": 1,
        "GET /directory/room": 3,
        "GET /joined_rooms": 1,
        "GET /state": 9,
        "GET /sync": 1,
        "GET /whoami": 1,
      },
      retries: 0,
    });

    // The same world read again gives the same document (the fingerprint is stable).
    assert.deepEqual(await readLiveState(reader, m), live);
  });

  it("reads a 20-room space in 23 requests: one GET /state per room", async (t) => {
    const world = await freshWorld(t);
    const bot = gatewayFor(world, world.bot);
    const via = [world.hs.serverName];
    const root = await bot.createRoom({
      name: "Twenty",
      creation_content: { type: "m.space" },
      room_alias_name: world.aliasLocalpart("space"),
    });
    const children = await Promise.all(
      Array.from({ length: 20 }, (_, i) => bot.createRoom({ name: `Room ${i}` })),
    );
    for (const child of children) await bot.sendState(root, "m.space.child", child, { via });

    const m = named(
      "twenty",
      entry("space", { kind: "space", alias: `#${world.aliasLocalpart("space")}` }),
    );
    const known = { userId: world.bot.userId, serverName: world.hs.serverName };
    const reader = gatewayFor(world, world.bot);
    const live = await readLiveState(reader, m, known);
    assert.equal(live.rooms.length, 21);
    assert.ok(live.rooms.every((r) => r.membership === "join" && r.state.length > 0));
    // N + 2 for N rooms: the space's alias, one GET /state per room, the joined rooms (all of
    // them reached by the walk, so no discovery /sync is needed).
    assert.deepEqual(reader.requestCount(), {
      total: 23,
      byKind: { "GET /directory/room": 1, "GET /joined_rooms": 1, "GET /state": 21 },
      retries: 0,
    });
  });

  it("readSpaceTree reads an existing space by alias, with every room's listing", async (t) => {
    const world = await freshWorld(t);
    const bot = gatewayFor(world, world.bot);
    const root = await bot.createRoom({
      name: "Import me",
      creation_content: { type: "m.space" },
      room_alias_name: world.aliasLocalpart("space"),
    });
    const child = await bot.createRoom({ name: "Child" });
    await bot.sendState(root, "m.space.child", child, { via: [world.hs.serverName] });
    await bot.setDirectoryVisibility(child, "public");

    const live = await readSpaceTree(gatewayFor(world, world.bot), world.alias("space"));
    assert.equal(live.root, root);
    assert.deepEqual(live.aliases, { [world.alias("space")]: root });
    assert.deepEqual(
      live.rooms.map((r) => [r.room_id, r.directory_visibility]),
      [
        [root, "private"],
        [child, "public"],
      ].sort(([a], [b]) => ((a ?? "") < (b ?? "") ? -1 : 1)),
    );
    const none = await readSpaceTree(gatewayFor(world, world.bot), world.alias("nothing"));
    assert.equal(none.root, null);
    assert.deepEqual(none.rooms, []);
  });
});
