// The test homeserver itself: a space with a child room through matrix-js-sdk, and proof that the
// two profiles are what they claim (relaxed: no rate limits, open publishing; default: Synapse's
// own limits and rules).
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { EventType, MatrixError, Visibility, createClient, type MatrixClient } from "matrix-js-sdk";
import {
  freshWorld,
  quietSdkLogger,
  getTestHomeserver,
  type TestHomeserver,
  type TestUser,
} from "../homeserver/harness.ts";

function clientFor(hs: TestHomeserver, user: TestUser): MatrixClient {
  const { accessToken, userId } = user;
  return createClient({ baseUrl: hs.baseUrl, accessToken, userId, logger: quietSdkLogger });
}

/** Sends up to `max` topic changes in a row; returns how many succeeded and the error that stopped them. */
async function burstOfStateEvents(
  client: MatrixClient,
  roomId: string,
  max: number,
): Promise<{ sent: number; error?: unknown }> {
  for (let sent = 0; sent < max; sent++) {
    try {
      await client.sendStateEvent(roomId, EventType.RoomTopic, { topic: `burst ${sent}` }, "");
    } catch (error) {
      return { sent, error };
    }
  }
  return { sent: max };
}

function skipIfExternal(t: TestContext, hs: TestHomeserver): boolean {
  if (hs.kind !== "external") return false;
  t.skip("SPACEFORM_TEST_HOMESERVER is set: that server's rate limits and rules are unknown");
  return true;
}

describe("test homeserver", () => {
  it("creates a space with a child room and reads both back", async (t) => {
    const world = await freshWorld(t);
    t.diagnostic(`talking to ${await world.hs.serverVersion()} at ${world.hs.baseUrl}`);
    const client = clientFor(world.hs, world.bot);
    assert.equal((await client.whoami()).user_id, world.bot.userId);

    const { room_id: spaceId } = await client.createRoom({
      name: "Harness space",
      room_alias_name: world.aliasLocalpart("space"),
      creation_content: { type: "m.space" },
    });
    const { room_id: roomId } = await client.createRoom({ name: "Harness room" });
    const via = [world.hs.serverName];
    await client.sendStateEvent(spaceId, EventType.SpaceChild, { via }, roomId);

    const state = await client.roomState(spaceId);
    const create = state.find((event) => event.type === "m.room.create");
    assert.equal(create?.content["type"], "m.space");
    assert.equal(create.sender, world.bot.userId);
    const name = state.find((event) => event.type === "m.room.name");
    assert.equal(name?.content["name"], "Harness space");
    assert.deepEqual(await client.getStateEvent(spaceId, EventType.SpaceChild, roomId), { via });
    assert.equal((await client.getRoomIdForAlias(world.alias("space"))).room_id, spaceId);
    assert.deepEqual(await client.getStateEvent(roomId, EventType.RoomName, ""), {
      name: "Harness room",
    });
  });

  it("relaxed profile: no rate limit on a burst of state events, anyone may publish", async (t) => {
    const hs = await getTestHomeserver("relaxed");
    if (skipIfExternal(t, hs)) return;
    const world = await freshWorld(t, { profile: "relaxed" });
    const client = clientFor(hs, world.user);
    const { room_id: roomId } = await client.createRoom({ name: "Burst" });

    const burst = await burstOfStateEvents(client, roomId, 30);
    assert.equal(burst.error, undefined);
    assert.equal(burst.sent, 30);

    await client.setRoomDirectoryVisibility(roomId, Visibility.Public);
    assert.equal((await client.getRoomDirectoryVisibility(roomId)).visibility, Visibility.Public);
  });

  it("default profile: Synapse's own rate limits (rc_message burst 10) and publishing rules", async (t) => {
    const hs = await getTestHomeserver("default");
    if (skipIfExternal(t, hs)) return;
    const world = await freshWorld(t, { profile: "default" });
    t.diagnostic(`talking to ${await hs.serverVersion()} at ${hs.baseUrl}`);
    const client = clientFor(hs, world.user);
    const { room_id: roomId } = await client.createRoom({ name: "Burst" });

    const burst = await burstOfStateEvents(client, roomId, 25);
    t.diagnostic(`${burst.sent} state events accepted before the first refusal`);
    assert.ok(
      burst.error instanceof MatrixError,
      `expected a MatrixError, got ${String(burst.error)}`,
    );
    assert.equal(burst.error.httpStatus, 429);
    assert.equal(burst.error.errcode, "M_LIMIT_EXCEEDED");
    assert.ok((burst.error.getRetryAfterMs() ?? 0) > 0, "the 429 says how long to wait");
    // rc_message's default burst is 10, and createRoom took one of them. A slow machine may get
    // one more as the bucket refills (0.2/s).
    assert.ok(burst.sent >= 9 && burst.sent <= 11, `sent ${burst.sent} before the 429`);

    // Since Synapse 1.126 only server admins may publish rooms in the directory by default.
    await assert.rejects(client.setRoomDirectoryVisibility(roomId, Visibility.Public), (error) => {
      assert.ok(error instanceof MatrixError);
      assert.equal(error.httpStatus, 403);
      return true;
    });
  });
});
