// The SDK gateway against a scripted local HTTP server (node:http on 127.0.0.1, port 0): rate
// limits and lost connections are retried as the policy says, every request is counted, errors
// are clear and never carry the access token, and the SDK prints nothing. This fake only stands
// in for failures a real homeserver will not produce on demand; test/e2e covers real Synapse.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { UserError } from "../../src/diagnostics.ts";
import { connectFromEnv } from "../../src/cli/connection.ts";
import { GatewayError } from "../../src/matrix/gateway.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import { createGateway, type GatewayOptions } from "../../src/matrix/sdk-gateway.ts";
import { FakeHomeserver, type Reply } from "../fixtures/fake-homeserver.ts";

const TOKEN = "syt_c3BhY2Vmb3Jt_SECRETSECRET_0a1b2c";

const V3 = "/_matrix/client/v3";
const hs = new FakeHomeserver();
before(() => hs.start());
after(() => hs.stop());

function gateway(overrides: Partial<GatewayOptions> = {}) {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const g = createGateway({
    baseUrl: hs.baseUrl,
    accessToken: TOKEN,
    log: (line) => logs.push(line),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...overrides,
  });
  return { g, sleeps, logs };
}

const limited = (extra: { retryAfter?: string; retryAfterMs?: number } = {}): Reply => ({
  status: 429,
  body: {
    errcode: "M_LIMIT_EXCEEDED",
    error: "Too Many Requests",
    ...(extra.retryAfterMs !== undefined ? { retry_after_ms: extra.retryAfterMs } : {}),
  },
  ...(extra.retryAfter !== undefined ? { headers: { "retry-after": extra.retryAfter } } : {}),
});

const ROOM = "!room:example.org" as RoomId;
const STATE_PATH = `${V3}/rooms/${encodeURIComponent(ROOM)}/state/m.room.topic/`;

describe("sdk gateway against a scripted server", () => {
  it("waits out a 429 as Retry-After says, tells the user, then succeeds; the retry is counted", async () => {
    hs.script(`PUT ${STATE_PATH}`, limited({ retryAfter: "3" }), {
      status: 200,
      body: { event_id: "$e" },
    });
    const { g, sleeps, logs } = gateway();
    await g.sendState(ROOM, "m.room.topic", "", { topic: "hello" });
    assert.deepEqual(sleeps, [3000]);
    assert.deepEqual(logs, ["waiting 3 s: rate limited by the homeserver (PUT /state)"]);
    assert.equal(hs.count(`PUT ${STATE_PATH}`), 2);
    assert.deepEqual(JSON.parse(hs.seen[1]?.body ?? ""), { topic: "hello" });
    assert.deepEqual(g.requestCount(), { total: 2, byKind: { "PUT /state": 2 }, retries: 1 });
  });

  it("honours retry_after_ms in the body when there is no header", async () => {
    hs.script(`PUT ${STATE_PATH}`, limited({ retryAfterMs: 4200 }), {
      status: 200,
      body: { event_id: "$e" },
    });
    const { g, sleeps, logs } = gateway();
    await g.sendState(ROOM, "m.room.topic", "", { topic: "x" });
    assert.deepEqual(sleeps, [4200]);
    assert.equal(logs[0], "waiting 4.2 s: rate limited by the homeserver (PUT /state)");
  });

  it("caps the wait and gives up after the last attempt with a clear error", async () => {
    hs.script(`PUT ${STATE_PATH}`, limited({ retryAfterMs: 600_000 }));
    const { g, sleeps } = gateway({ retry: { maxWaitMs: 5000, maxRateLimitAttempts: 3 } });
    await assert.rejects(g.sendState(ROOM, "m.room.topic", "", { topic: "x" }), (err) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.httpStatus, 429);
      assert.equal(err.errcode, "M_LIMIT_EXCEEDED");
      assert.match(err.message, /still rate-limits PUT \/state after 3 attempts/);
      return true;
    });
    assert.deepEqual(sleeps, [5000, 5000]);
    assert.deepEqual(g.requestCount(), { total: 3, byKind: { "PUT /state": 3 }, retries: 2 });
  });

  it("retries createRoom after a 429 (nothing was created)", async () => {
    hs.script(`POST ${V3}/createRoom`, limited({ retryAfterMs: 100 }), {
      status: 200,
      body: { room_id: "!new:example.org" },
    });
    const { g } = gateway();
    assert.equal(await g.createRoom({ name: "New" }), "!new:example.org");
    assert.equal(hs.count(`POST ${V3}/createRoom`), 2);
  });

  it("paces an upgrade through a 429 and never repeats one whose answer was lost", async () => {
    const path = `POST ${V3}/rooms/${encodeURIComponent("!old:example.org")}/upgrade`;
    hs.script(path, limited({ retryAfterMs: 100 }), {
      status: 200,
      body: { replacement_room: "!new" },
    });
    const { g, sleeps } = gateway();
    assert.equal(await g.upgradeRoom("!old:example.org" as RoomId, "12", []), "!new");
    assert.equal(hs.count(path), 2);
    assert.deepEqual(sleeps, [100]);
    hs.script(path, "drop", { status: 200, body: { replacement_room: "!twin" } });
    await assert.rejects(g.upgradeRoom("!old:example.org" as RoomId, "12", ["@a:example.org"]));
    assert.equal(hs.count(path), 1, "the lost one was sent exactly once");
  });

  it("never retries createRoom after a lost answer: the room may exist", async () => {
    hs.script(`POST ${V3}/createRoom`, "drop", { status: 200, body: { room_id: "!twin:x" } });
    const { g, sleeps } = gateway();
    await assert.rejects(g.createRoom({ name: "New" }), (err) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.connection, true);
      assert.match(
        err.message,
        new RegExp(`^cannot reach ${hs.baseUrl}: .*\\(POST /createRoom\\)$`),
      );
      return true;
    });
    assert.equal(hs.count(`POST ${V3}/createRoom`), 1, "sent exactly once");
    assert.deepEqual(sleeps, []);
  });

  it("retries a GET after a lost connection, with backoff", async () => {
    const path = `${V3}/rooms/${encodeURIComponent(ROOM)}/state`;
    hs.script(`GET ${path}`, "drop", "drop", {
      status: 200,
      body: [{ type: "m.room.name", state_key: "", content: { name: "N" }, sender: "@a:x" }],
    });
    const { g, sleeps, logs } = gateway();
    const state = await g.roomState(ROOM);
    assert.deepEqual(state, [
      { type: "m.room.name", state_key: "", content: { name: "N" }, sender: "@a:x" },
    ]);
    assert.deepEqual(sleeps, [500, 1000]);
    assert.equal(logs[0], "waiting 0.5 s: the connection to the homeserver failed (GET /state)");
    assert.deepEqual(g.requestCount(), { total: 3, byKind: { "GET /state": 3 }, retries: 2 });
  });

  it("turns a request that never answers into a connection error after the timeout", async () => {
    hs.script(`GET ${V3}/rooms/${encodeURIComponent(ROOM)}/state`, "hang");
    const { g } = gateway({ requestTimeoutMs: 150, retry: { maxConnectionAttempts: 2 } });
    await assert.rejects(g.roomState(ROOM), (err) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.connection, true);
      assert.match(err.message, /no answer within 0\.15 s \(GET \/state\)/);
      return true;
    });
    assert.equal(hs.count(`GET ${V3}/rooms/${encodeURIComponent(ROOM)}/state`), 2);
  });

  it("a rejected token is a GatewayError naming MATRIX_ACCESS_TOKEN and the request, without the token", async () => {
    hs.script(`GET ${V3}/account/whoami`, {
      status: 401,
      body: { errcode: "M_UNKNOWN_TOKEN", error: `Unknown token ${TOKEN}`, soft_logout: false },
    });
    const { g } = gateway();
    await assert.rejects(g.whoami(), (err) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.errcode, "M_UNKNOWN_TOKEN");
      assert.match(err.message, /rejected MATRIX_ACCESS_TOKEN \(M_UNKNOWN_TOKEN, GET \/whoami\)/);
      assert.ok(!err.message.includes(TOKEN));
      return true;
    });
  });

  it("a Matrix error keeps errcode and status, and its message never carries the token", async () => {
    hs.script(`PUT ${STATE_PATH}`, {
      status: 403,
      body: { errcode: "M_FORBIDDEN", error: `You may not; your token ${TOKEN} lacks power` },
    });
    const { g } = gateway();
    await assert.rejects(g.sendState(ROOM, "m.room.topic", "", {}), (err) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.errcode, "M_FORBIDDEN");
      assert.equal(err.httpStatus, 403);
      assert.equal(err.kind, "PUT /state");
      assert.equal(
        err.message,
        "M_FORBIDDEN: You may not; your token <redacted> lacks power (PUT /state, HTTP 403)",
      );
      assert.ok(!String(err.stack).includes(TOKEN));
      return true;
    });
  });

  it("sends the token only in the Authorization header", async () => {
    hs.script(`GET ${V3}/account/whoami`, { status: 200, body: { user_id: "@bot:example.org" } });
    const { g } = gateway();
    assert.deepEqual(await g.whoami(), { user_id: "@bot:example.org", server_name: "example.org" });
    assert.equal(hs.seen[0]?.authorization, `Bearer ${TOKEN}`);
    assert.ok(hs.seen.every((s) => !s.url.includes(TOKEN)));
  });

  it("resolves a missing alias to null and an existing one to its room", async () => {
    const path = `${V3}/directory/room/${encodeURIComponent("#gone:example.org")}`;
    hs.script(`GET ${path}`, { status: 404, body: { errcode: "M_NOT_FOUND", error: "no alias" } });
    const { g } = gateway();
    assert.equal(await g.resolveAlias("#gone:example.org"), null);
    const found = `${V3}/directory/room/${encodeURIComponent("#here:example.org")}`;
    hs.script(`GET ${found}`, { status: 200, body: { room_id: ROOM, servers: ["example.org"] } });
    assert.deepEqual(await g.resolveAlias("#here:example.org"), {
      room_id: ROOM,
      servers: ["example.org"],
    });
  });

  it("reads a room summary (spec v1.15), or MSC3266's unstable one from an older server", async () => {
    const V1 = "/_matrix/client/v1";
    const stable = `${V1}/room_summary/${encodeURIComponent(ROOM)}`;
    const unstable = `/_matrix/client/unstable/im.nheko.summary/summary/${encodeURIComponent(ROOM)}`;
    hs.script(`GET ${stable}`, {
      status: 200,
      body: {
        room_id: ROOM,
        name: "R",
        avatar_url: "mxc://e/a",
        room_version: "12",
        num_joined_members: 3,
      },
    });
    const { g } = gateway();
    assert.deepEqual(await g.roomSummary(ROOM, ["example.org", "other.org"]), {
      room_id: ROOM,
      name: "R",
      avatar_url: "mxc://e/a",
      room_version: "12",
    });
    assert.equal(hs.seen[0]?.url, `${stable}?via=example.org&via=other.org`);

    hs.reset(); // the stable path is unknown (M_UNRECOGNIZED): the unstable one answers
    hs.script(`GET ${unstable}`, {
      status: 200,
      body: { room_id: ROOM, "im.nheko.summary.encryption": "m.megolm.v1.aes-sha2" },
    });
    assert.deepEqual(await g.roomSummary(ROOM, []), {
      room_id: ROOM,
      encryption: "m.megolm.v1.aes-sha2",
    });

    hs.reset(); // a room the server does not know: null, and no second question
    hs.script(`GET ${stable}`, { status: 404, body: { errcode: "M_NOT_FOUND", error: "no room" } });
    assert.equal(await g.roomSummary(ROOM, []), null);
    assert.equal(hs.count(`GET ${unstable}`), 0);
  });

  it("leaves a room with POST /rooms/{id}/leave", async () => {
    const path = `${V3}/rooms/${encodeURIComponent(ROOM)}/leave`;
    hs.script(`POST ${path}`, { status: 200, body: {} });
    const { g } = gateway();
    await g.leave(ROOM);
    assert.equal(hs.count(`POST ${path}`), 1);
    assert.deepEqual(g.requestCount().byKind, { "POST /leave": 1 });
  });

  it("a server that is not a homeserver gives a plain message, not a stack of SDK text", async () => {
    hs.script(`GET ${V3}/account/whoami`, {
      status: 502,
      body: "Bad Gateway",
      headers: {
        "content-type": "text/html",
      },
    });
    const { g } = gateway();
    await assert.rejects(g.whoami(), (err) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.httpStatus, 502);
      assert.equal(
        err.message,
        "the homeserver answered HTTP 502 to GET /whoami, not a Matrix response",
      );
      return true;
    });
  });

  it("follows hierarchy pages until next_batch runs out", async () => {
    const path = `/_matrix/client/v1/rooms/${encodeURIComponent(ROOM)}/hierarchy`;
    hs.script(
      `GET ${path}`,
      {
        status: 200,
        body: {
          rooms: [{ room_id: ROOM, room_type: "m.space", children_state: [] }],
          next_batch: "p2",
        },
      },
      {
        status: 200,
        body: { rooms: [{ room_id: "!child:example.org", name: "Child", children_state: [] }] },
      },
    );
    const { g } = gateway();
    const rooms = await g.hierarchy(ROOM);
    assert.deepEqual(
      rooms.map((r) => [r.room_id, r.room_type ?? r.name]),
      [
        [ROOM, "m.space"],
        ["!child:example.org", "Child"],
      ],
    );
    assert.match(hs.seen[1]?.url ?? "", /from=p2/);
    assert.equal(g.requestCount().byKind["GET /hierarchy"], 2);
  });

  it("makes every /sync filter unique (Synapse caches answers per filter) and merges state", async () => {
    const room = (state: unknown[], timeline: unknown[]) => ({
      state: { events: state },
      timeline: { events: timeline },
    });
    const topic = (text: string) => ({
      type: "m.room.topic",
      state_key: "",
      content: { topic: text },
    });
    hs.script(`GET ${V3}/sync`, {
      status: 200,
      body: {
        rooms: {
          join: { [ROOM]: room([topic("old")], [topic("new"), { type: "m.room.message" }]) },
          invite: { "!inv:x": { invite_state: { events: [topic("come")] } } },
        },
      },
    });
    const { g } = gateway();
    const filter = { room: { state: { types: ["m.room.topic"] } } };
    const first = await g.syncRooms(filter);
    await g.syncRooms(filter);
    assert.deepEqual(first, {
      joined: [{ room_id: ROOM, state: [topic("new")] }],
      invited: [{ room_id: "!inv:x", state: [topic("come")] }],
    });
    const sent = hs.seen.map((s) => new URL(s.url, hs.baseUrl).searchParams.get("filter") ?? "");
    assert.equal(sent.length, 2);
    assert.notEqual(sent[0], sent[1]);
    for (const f of sent) {
      const parsed = JSON.parse(f) as { room?: unknown; account_data?: { not_types?: string[] } };
      assert.deepEqual(parsed.room, filter.room, "the caller's filter is kept");
      assert.match(parsed.account_data?.not_types?.[0] ?? "", /^dev\.spaceform\.nonce\./);
    }
    assert.deepEqual(filter, { room: { state: { types: ["m.room.topic"] } } }, "not mutated");
  });

  it("matrix-js-sdk prints nothing, even for failures", async () => {
    const printed: unknown[] = [];
    const saved = { ...console };
    for (const level of ["log", "debug", "info", "warn", "error", "trace"] as const) {
      console[level] = (...args: unknown[]) => printed.push(args);
    }
    try {
      hs.script(`GET ${V3}/account/whoami`, { status: 500, body: { errcode: "M_UNKNOWN" } });
      const { g } = gateway();
      await assert.rejects(g.whoami());
      hs.script(`POST ${V3}/createRoom`, "drop");
      await assert.rejects(g.createRoom({}));
    } finally {
      Object.assign(console, saved);
    }
    assert.deepEqual(printed, []);
  });
});

describe("connectFromEnv", () => {
  const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

  it("names the missing or malformed variable, before any request", async () => {
    hs.script(`GET ${V3}/account/whoami`, { status: 200, body: { user_id: "@bot:example.org" } });
    const cases: [Record<string, string>, RegExp][] = [
      [{ MATRIX_ACCESS_TOKEN: TOKEN }, /^MATRIX_HOMESERVER is not set/],
      [{ MATRIX_HOMESERVER: " ", MATRIX_ACCESS_TOKEN: TOKEN }, /^MATRIX_HOMESERVER is not set/],
      [
        { MATRIX_HOMESERVER: "matrix.org", MATRIX_ACCESS_TOKEN: TOKEN },
        /^MATRIX_HOMESERVER is not a URL: "matrix.org"\. .*https:\/\/matrix\.org/,
      ],
      [
        { MATRIX_HOMESERVER: "ftp://matrix.org", MATRIX_ACCESS_TOKEN: TOKEN },
        /^MATRIX_HOMESERVER must be an http\(s\) URL/,
      ],
      [
        { MATRIX_HOMESERVER: "https://matrix.org/?access_token=x", MATRIX_ACCESS_TOKEN: TOKEN },
        /^MATRIX_HOMESERVER must be a plain base URL/,
      ],
      [{ MATRIX_HOMESERVER: hs.baseUrl }, /^MATRIX_ACCESS_TOKEN is not set/],
      [
        { MATRIX_HOMESERVER: hs.baseUrl, MATRIX_ACCESS_TOKEN: "\n" },
        /^MATRIX_ACCESS_TOKEN is not set/,
      ],
    ];
    for (const [vars, message] of cases) {
      await assert.rejects(connectFromEnv(env(vars)), (err) => {
        assert.ok(err instanceof UserError, `${JSON.stringify(vars)}: ${String(err)}`);
        assert.match(err.message, message);
        assert.ok(!err.message.includes(TOKEN));
        return true;
      });
    }
    assert.equal(hs.seen.length, 0, "nothing was sent");
  });

  it("asks whoami and returns the account and its server; a pasted line end is forgiven", async () => {
    hs.script(`GET ${V3}/account/whoami`, { status: 200, body: { user_id: "@bot:example.org" } });
    const logs: string[] = [];
    const c = await connectFromEnv(
      env({ MATRIX_HOMESERVER: `${hs.baseUrl}/`, MATRIX_ACCESS_TOKEN: `${TOKEN}\n` }),
      { log: (line) => logs.push(line) },
    );
    assert.equal(c.userId, "@bot:example.org");
    assert.equal(c.serverName, "example.org");
    assert.equal(c.baseUrl, hs.baseUrl);
    assert.equal(hs.seen[0]?.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(c.gateway.requestCount().byKind, { "GET /whoami": 1 });
    assert.deepEqual(logs, [], "loopback http is not warned about");
  });

  it("a server that is not a homeserver, or not reachable, is a UserError that says so", async () => {
    hs.script(`GET ${V3}/account/whoami`, {
      status: 404,
      body: "<html>Not Found</html>",
      headers: { "content-type": "text/html" },
    });
    await assert.rejects(
      connectFromEnv(env({ MATRIX_HOMESERVER: hs.baseUrl, MATRIX_ACCESS_TOKEN: TOKEN })),
      (err) => {
        assert.ok(err instanceof UserError);
        assert.match(err.message, /does not look like a Matrix homeserver: .*HTTP 404/);
        return true;
      },
    );

    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => {
      probe.close(() => {
        resolve();
      });
    });
    await assert.rejects(
      connectFromEnv(
        env({ MATRIX_HOMESERVER: `http://127.0.0.1:${port}`, MATRIX_ACCESS_TOKEN: TOKEN }),
        { gateway: { sleep: () => Promise.resolve() } },
      ),
      (err) => {
        assert.ok(err instanceof UserError);
        assert.match(
          err.message,
          new RegExp(
            `^cannot reach http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*Check MATRIX_HOMESERVER`,
          ),
        );
        return true;
      },
    );
  });

  it("warns when the token would travel over plain http to another machine", async () => {
    const logs: string[] = [];
    await assert.rejects(
      connectFromEnv(
        env({ MATRIX_HOMESERVER: "http://homeserver.invalid", MATRIX_ACCESS_TOKEN: TOKEN }),
        { log: (line) => logs.push(line), gateway: { sleep: () => Promise.resolve() } },
      ),
      UserError,
    );
    assert.match(logs[0] ?? "", /^warning: MATRIX_HOMESERVER is plain http .* unencrypted/);
  });
});
