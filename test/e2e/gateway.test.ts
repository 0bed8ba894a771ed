// The gateway against a real Synapse: with Synapse's default rate limits (rc_message: burst 10,
// then 0.2/s) a burst of state events is refused with 429 part-way, and the gateway waits as
// told and gets every event through, saying so; a rejected token is the user's error.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GatewayError } from "../../src/matrix/gateway.ts";
import { connectFromEnv } from "../../src/cli/connection.ts";
import { createGateway } from "../../src/matrix/sdk-gateway.ts";
import { freshWorld } from "../homeserver/harness.ts";

describe("gateway on Synapse", () => {
  it("default profile: waits through 429s of a burst of state events and sends them all", async (t) => {
    const world = await freshWorld(t, { profile: "default" });
    if (world.hs.kind === "external") {
      t.skip("SPACEFORM_TEST_HOMESERVER is set: that server's rate limits are unknown");
      return;
    }
    const logs: string[] = [];
    const gateway = createGateway({
      baseUrl: world.hs.baseUrl,
      accessToken: world.bot.accessToken,
      log: (line) => logs.push(line),
    });
    const roomId = await gateway.createRoom({ name: "Burst" });
    const events = 13;
    const started = Date.now();
    for (let i = 0; i < events; i++) {
      await gateway.sendState(roomId, "m.room.topic", "", { topic: `burst ${i}` });
    }
    const seconds = (Date.now() - started) / 1000;
    const counts = gateway.requestCount();
    t.diagnostic(`${events} events in ${seconds.toFixed(1)} s; ${JSON.stringify(counts)}`);
    for (const line of logs) t.diagnostic(line);

    assert.ok(counts.retries > 0, "the burst was rate limited");
    assert.equal(counts.byKind["PUT /state"], events + counts.retries);
    assert.equal(logs.length, counts.retries, "every wait is told");
    for (const line of logs) {
      assert.match(line, /^waiting \d+(\.\d+)? s: rate limited by the homeserver \(PUT \/state\)$/);
    }
    const topic = (await gateway.roomState(roomId)).find((e) => e.type === "m.room.topic");
    assert.equal(topic?.content["topic"], `burst ${events - 1}`, "the last event landed");
  });

  it("connectFromEnv: the real account and server; a wrong token is a GatewayError naming the variable", async (t) => {
    const world = await freshWorld(t);
    const c = await connectFromEnv({
      MATRIX_HOMESERVER: world.hs.baseUrl,
      MATRIX_ACCESS_TOKEN: world.bot.accessToken,
    });
    assert.equal(c.userId, world.bot.userId);
    assert.equal(c.serverName, world.hs.serverName);

    const wrong = `${world.bot.accessToken}x`;
    await assert.rejects(
      connectFromEnv({ MATRIX_HOMESERVER: world.hs.baseUrl, MATRIX_ACCESS_TOKEN: wrong }),
      (err) => {
        assert.ok(err instanceof GatewayError);
        assert.equal(err.errcode, "M_UNKNOWN_TOKEN");
        assert.match(err.message, /rejected MATRIX_ACCESS_TOKEN \(M_UNKNOWN_TOKEN, GET \/whoami\)/);
        assert.ok(!err.message.includes(wrong));
        return true;
      },
    );
  });
});
