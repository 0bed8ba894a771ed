// The error taxonomy at the top of the CLI: a failure of the homeserver or the network, at any
// request of a plan (whoami, a directory lookup, GET /state, /joined_rooms, the discovery /sync),
// is a clear exit 1 that says "homeserver problem" and names the request; never "a bug" with a
// stack trace (exit 70), and never the token. The homeserver is scripted (test/fixtures).
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FakeHomeserver, type Reply } from "../fixtures/fake-homeserver.ts";
import { runCli, type CliResult } from "../support/run-cli.ts";

const TOKEN = "syt_ZXJyb3Jz_TOKENTOKEN_9z8y7x";
const V3 = "/_matrix/client/v3";
const SPACE = "!space:example.org";
const OTHER = "!other:example.org";
const ALIAS = "#community:example.org";

const hs = new FakeHomeserver();
let dir = "";
before(async () => {
  await hs.start();
  dir = await mkdtemp(join(tmpdir(), "spaceform-errors-"));
  await writeFile(
    join(dir, "community.yaml"),
    `version: 1\nspace:\n  alias: "${ALIAS}"\n  name: Community\n`,
  );
});
after(() => hs.stop());

function plan(): Promise<CliResult> {
  return runCli(
    ["plan", "community.yaml"],
    { MATRIX_HOMESERVER: hs.baseUrl, MATRIX_ACCESS_TOKEN: TOKEN },
    { cwd: dir },
  );
}

/** A homeserver that answers everything a plan of the manifest asks, except what `broken` replaces. */
function script(broken: Record<string, Reply>): void {
  const routes: Record<string, Reply> = {
    [`GET ${V3}/account/whoami`]: { status: 200, body: { user_id: "@bot:example.org" } },
    [`GET ${V3}/directory/room/${encodeURIComponent(ALIAS)}`]: {
      status: 200,
      body: { room_id: SPACE, servers: ["example.org"] },
    },
    [`GET ${V3}/rooms/${encodeURIComponent(SPACE)}/state`]: {
      status: 200,
      body: [
        {
          type: "m.room.create",
          state_key: "",
          sender: "@bot:example.org",
          content: { room_version: "11", type: "m.space" },
        },
        {
          type: "m.room.power_levels",
          state_key: "",
          content: { users: { "@bot:example.org": 100 } },
        },
        { type: "m.room.name", state_key: "", content: { name: "Community" } },
        { type: "m.room.canonical_alias", state_key: "", content: { alias: ALIAS } },
        {
          type: "m.room.member",
          state_key: "@bot:example.org",
          content: { membership: "join" },
        },
      ],
    },
    // A joined room the walk does not reach: discovery asks /sync about it.
    [`GET ${V3}/joined_rooms`]: { status: 200, body: { joined_rooms: [SPACE, OTHER] } },
    [`GET ${V3}/sync`]: { status: 200, body: { rooms: { join: { [OTHER]: {} } } } },
    ...broken,
  };
  hs.reset();
  for (const [route, reply] of Object.entries(routes)) hs.script(route, reply);
}

describe("homeserver failures at the top of the CLI", () => {
  it("the scripted homeserver, unbroken, plans (so each case below breaks only its request)", async () => {
    script({});
    const r = await plan();
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^No changes\. The live space matches the manifest\.$/m);
  });

  const cases: { name: string; broken: Record<string, Reply>; message: string }[] = [
    {
      name: "HTTP 500 with a Matrix error from whoami",
      broken: {
        [`GET ${V3}/account/whoami`]: {
          status: 500,
          body: { errcode: "M_UNKNOWN", error: "boom" },
        },
      },
      message: "Error: homeserver problem: M_UNKNOWN: boom (GET /whoami, HTTP 500)",
    },
    {
      name: "an answer to whoami without a user id",
      broken: { [`GET ${V3}/account/whoami`]: { status: 200, body: {} } },
      message:
        "Error: homeserver problem: the homeserver's answer to GET /whoami is not valid: no valid user_id",
    },
    {
      name: "HTTP 500 that is not JSON from the directory lookup",
      broken: {
        [`GET ${V3}/directory/room/${encodeURIComponent(ALIAS)}`]: {
          status: 500,
          raw: "<html>Internal Server Error</html>",
          headers: { "content-type": "text/html" },
        },
      },
      message:
        "Error: homeserver problem: the homeserver answered HTTP 500 to GET /directory/room, not a Matrix response",
    },
    {
      name: "a truncated JSON body from GET /state",
      broken: {
        [`GET ${V3}/rooms/${encodeURIComponent(SPACE)}/state`]: {
          status: 200,
          raw: '[{"type":"m.room.create","state_',
        },
      },
      message: "Error: homeserver problem: GET /state failed: ",
    },
    {
      name: "a connection reset on /joined_rooms, every attempt",
      broken: { [`GET ${V3}/joined_rooms`]: "drop" },
      message: `Error: homeserver problem: cannot reach BASE: `,
    },
    {
      name: "a truncated JSON body from the discovery /sync",
      broken: { [`GET ${V3}/sync`]: { status: 200, raw: '{"rooms":{"join":{' } },
      message: "Error: homeserver problem: GET /sync failed: ",
    },
    {
      name: "a rejected token",
      broken: {
        [`GET ${V3}/rooms/${encodeURIComponent(SPACE)}/state`]: {
          status: 401,
          body: { errcode: "M_UNKNOWN_TOKEN", error: `Invalid token ${TOKEN}` },
        },
      },
      message: `Error: homeserver problem: the homeserver BASE rejected MATRIX_ACCESS_TOKEN (M_UNKNOWN_TOKEN, GET /state).`,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: exit 1, "homeserver problem", the request named, no bug report, no token`, async () => {
      script(c.broken);
      const r = await plan();
      const expected = c.message.replace("BASE", hs.baseUrl);
      assert.equal(r.code, 1, r.stderr);
      const line = r.stderr.split("\n").find((l) => l.startsWith("Error: "));
      assert.ok(line?.startsWith(expected), `${line ?? "(no Error: line)"}\n≠ ${expected}`);
      assert.doesNotMatch(r.stderr, /internal error|a bug in spaceform|\n\s+at /);
      assert.ok(!`${r.stdout}${r.stderr}`.includes(TOKEN), "the token appeared in the output");
    });
  }
});
