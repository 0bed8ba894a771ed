// A kill -9 of the homeserver at any moment of an apply is repaired by one rerun. The test's own
// Synapse (profile "crash") sits behind a loopback proxy that, when the apply sends its n-th
// request of a kind, lets it through and kills Synapse with SIGKILL a few milliseconds later, so
// the request dies inside the homeserver (inside createRoom among them). After a restart, one
// `spaceform apply` succeeds, the plan after it is clean, and no room exists twice. At least one
// kill must cut a creation short; on a busy machine every planned moment can miss one, so further
// moments are tried (each measured again, each with every check) up to a bound. The test takes
// the `crash` server for itself: a second run on the machine waits for the first (a lock file in
// the homeserver cache dir).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { MARKER_EVENT_TYPE } from "../../src/state/model.ts";
import { holdExclusive } from "../homeserver/exclusive.ts";
import { freshWorld, type World } from "../homeserver/harness.ts";
import { localServer } from "../homeserver/local.ts";
import { envFor, manifestDir, runCli, writeManifest } from "./apply.support.ts";

const HOMESERVER_CLI = fileURLToPath(new URL("../homeserver/cli.ts", import.meta.url));
const server = localServer("crash");
const ROOMS = 12;

function homeserver(command: "start" | "stop"): void {
  const r = spawnSync(process.execPath, [HOMESERVER_CLI, command, "--profile", "crash"], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, `homeserver ${command}: ${r.stderr}`);
}

async function killHomeserver(): Promise<void> {
  const pid = Number((await readFile(server.pidFile, "utf8")).trim());
  process.kill(pid, "SIGKILL");
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Synapse (pid ${pid}) survived SIGKILL`);
}

/**
 * Forwards to Synapse; the `nth` request whose "METHOD /path" matches `route` is forwarded, and
 * `delayMs` later Synapse is killed. Resolves `killed` once that happened.
 */
async function killingProxy(route: RegExp, nth: number, delayMs: number) {
  let seen = 0;
  let fired = false;
  let onKilled: () => void = () => undefined;
  const killed = new Promise<void>((resolve) => (onKilled = resolve));
  const proxy = createServer((req: IncomingMessage, res) => {
    const out = request(
      {
        host: "127.0.0.1",
        port: server.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (!fired && route.test(`${req.method ?? ""} ${path}`) && ++seen === nth) {
      fired = true;
      setTimeout(() => {
        void killHomeserver().then(onKilled);
      }, delayMs);
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    /** Whether the kill happened, waiting at most 10 s for it. */
    killed: () =>
      Promise.race([
        killed.then(() => true),
        new Promise<boolean>((resolve) =>
          setTimeout(() => {
            resolve(false);
          }, 10_000).unref(),
        ),
      ]),
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => {
          resolve();
        });
      }),
  };
}

/** Twelve rooms: every other one with an alias, the rest found by spaceform's marker alone. */
function manifest(world: World): string {
  const bot = world.bot.userId;
  const mod = world.moderators[0].userId;
  const rooms = Array.from({ length: ROOMS }, (_, i) => {
    const key = `room-${String(i).padStart(2, "0")}`;
    return [
      `  ${key}:`,
      ...(i % 2 === 0 ? [`    alias: "#${world.aliasLocalpart(key)}"`] : []),
      `    name: Room ${i}`,
      `    topic: "Topic ${i}"`,
      `    order: "${String(i).padStart(2, "0")}"`,
    ].join("\n");
  });
  return `version: 1
space:
  alias: "#${world.aliasLocalpart("space")}"
  name: Crash test space
  avatar: logo.png
  join_rule: public
  power_levels:
    users:
      "${bot}": 100
      "${mod}": 50
defaults:
  avatar: logo.png
  join_rule: restricted
  history_visibility: shared
  encrypted: false
  power_levels:
    users:
      "${bot}": 100
      "${mod}": 50
rooms:
${rooms.join("\n")}
policies:
  admins: ["${bot}"]
  forbid_encryption: true
  min_moderators: 1
`;
}

let measured: number | undefined;
/**
 * How long a createRoom like the applier's takes on this server (median of three), in ms: measured
 * once, or again with `fresh` (the machine's load may have changed since).
 */
async function creationTime(world: World, fresh = false): Promise<number> {
  if (measured !== undefined && !fresh) return measured;
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const r = await fetch(`${world.hs.baseUrl}/_matrix/client/v3/createRoom`, {
      method: "POST",
      headers: { authorization: `Bearer ${world.user.accessToken}` },
      body: JSON.stringify({
        preset: "private_chat",
        name: `Calibration ${i}`,
        topic: "How long does a creation take?",
        initial_state: [
          {
            type: "m.room.history_visibility",
            state_key: "",
            content: { history_visibility: "shared" },
          },
          {
            type: MARKER_EVENT_TYPE,
            state_key: "",
            content: { manifest: "calibration", key: `k${i}` },
          },
        ],
      }),
    });
    assert.equal(r.status, 200);
    times.push(performance.now() - start);
  }
  measured = times.sort((a, b) => a - b)[1] ?? 100;
  return measured;
}

/** Every room the account has joined, by the manifest key its marker names. */
async function roomsByKey(world: World): Promise<Map<string, string[]>> {
  const get = async (path: string): Promise<unknown> => {
    const r = await fetch(`${world.hs.baseUrl}/_matrix/client/v3${path}`, {
      headers: { authorization: `Bearer ${world.bot.accessToken}` },
    });
    assert.equal(r.status, 200, path);
    return r.json();
  };
  const { joined_rooms } = (await get("/joined_rooms")) as { joined_rooms: string[] };
  const byKey = new Map<string, string[]>();
  for (const id of joined_rooms) {
    const state = (await get(`/rooms/${encodeURIComponent(id)}/state`)) as {
      type: string;
      content: Record<string, unknown>;
    }[];
    const key = state.find((e) => e.type === MARKER_EVENT_TYPE)?.content["key"];
    const name = typeof key === "string" ? key : `(no marker: ${id})`;
    byKey.set(name, [...(byKey.get(name) ?? []), id]);
  }
  return byKey;
}

interface Moment {
  name: string;
  /** The kind of request ("METHOD /path") whose `nth` one the homeserver dies in. */
  route: RegExp;
  nth: number;
  /** How far into that request, as a share of the time a creation takes. */
  share: number;
}

/**
 * Kills the homeserver at `moment` of an apply, restarts it, and checks that one rerun converges,
 * the plan after it is clean and no room exists twice. Returns how many rooms the rerun found cut
 * short inside their creation and finished.
 */
async function crashAndRerun(t: TestContext, moment: Moment, remeasure = false): Promise<number> {
  const world = await freshWorld(t, { profile: "crash" });
  const dir = await manifestDir();
  const file = await writeManifest(dir, "crash", manifest(world));
  const env = envFor(world.hs, world.bot);

  const delayMs = Math.round(moment.share * (await creationTime(world, remeasure)));
  t.diagnostic(`${moment.name}: kill ${delayMs} ms after request ${moment.nth} of its kind`);
  const proxy = await killingProxy(moment.route, moment.nth, delayMs);
  const first = await runCli(
    ["apply", "--auto-approve", file],
    { ...env, MATRIX_HOMESERVER: proxy.url },
    { cwd: dir },
  );
  const killed = await proxy.killed();
  await proxy.close();
  assert.ok(killed, `the homeserver was killed ${moment.name}\n${first.stdout}\n${first.stderr}`);
  assert.equal(
    first.code,
    1,
    `the first apply fails when its homeserver dies\n${first.stdout}\n${first.stderr}`,
  );
  homeserver("start");

  const rerun = await runCli(["apply", "--auto-approve", file], env, { cwd: dir });
  assert.equal(rerun.code, 0, `${rerun.stdout}\n${rerun.stderr}`);
  const finished = rerun.stdout.match(/\[room\.half-created\]/g)?.length ?? 0;
  t.diagnostic(
    `first apply: ${first.stderr.match(/ done$/gm)?.length ?? 0} steps done; rerun finished ${finished} half-created room(s)`,
  );
  const plan = await runCli(["plan", "--detailed-exitcode", file], env, { cwd: dir });
  assert.equal(plan.code, 0, `${plan.stdout}\n${plan.stderr}`);
  assert.match(plan.stdout, /^No changes\. The live space matches the manifest\.$/m);

  const byKey = await roomsByKey(world);
  const expected = [
    "space",
    ...Array.from({ length: ROOMS }, (_, i) => `room-${String(i).padStart(2, "0")}`),
  ];
  assert.deepEqual(
    [...byKey.keys()].sort(),
    expected.sort(),
    "one marked room per entry, and no other",
  );
  for (const [key, ids] of byKey) assert.equal(ids.length, 1, `${key} exists ${ids.length} times`);
  return finished;
}

const createRoom = /^POST \/_matrix\/client\/v3\/createRoom$/;
/**
 * Where else to kill when none of the planned moments landed inside a creation: other shares of
 * other creations, the creation time measured again before each.
 */
const FURTHER_MOMENTS: Moment[] = [0.5, 0.3, 0.7, 0.1, 0.9, 0.4].map((share, i) => ({
  name: `${share * 100} % into createRoom number ${2 + 2 * i} (a further moment)`,
  route: createRoom,
  nth: 2 + 2 * i,
  share,
}));

const external = process.env["SPACEFORM_TEST_HOMESERVER"] !== undefined;
/** Moments after which the rerun found a room whose createRoom was cut short, and finished it. */
let halfCreated = 0;

describe("a kill -9 of the homeserver during apply (end to end)", () => {
  let release: (() => Promise<void>) | undefined;
  before(async () => {
    if (external) return;
    // Another run of this test on the machine kills and restarts the same server: wait for it.
    release = await holdExclusive("crash", {
      log: (line) => process.stderr.write(`crash.test.ts: ${line}\n`),
      timeoutMs: 30 * 60_000,
    });
    homeserver("start");
  });
  after(async () => {
    // Not holding the lock (it was never had): the server is another run's to stop.
    if (release === undefined) return;
    try {
      homeserver("stop");
    } finally {
      await release();
    }
  });

  // Where the homeserver dies: inside room creations at fractions of the time a creation takes
  // on this machine (measured first: Synapse persists a room's events in steps, so each fraction
  // stops it at another point), and inside a space link.
  const moments: Moment[] = [
    { name: "at the start of the first createRoom", route: createRoom, nth: 1, share: 0 },
    ...[0.2, 0.4, 0.6, 0.8].map((share, i) => ({
      name: `${share * 100} % into createRoom number ${3 + 2 * i}`,
      route: createRoom,
      nth: 3 + 2 * i,
      share,
    })),
    {
      name: "inside a space link",
      route: /^PUT \/_matrix\/client\/v3\/rooms\/[^/]+\/state\/m\.space\.child\//,
      nth: 4,
      share: 0,
    },
  ];
  for (const moment of moments) {
    it(`${moment.name}: one rerun converges, the plan after it is clean, no room exists twice`, async (t) => {
      if (external) {
        t.skip("SPACEFORM_TEST_HOMESERVER is set: that server cannot be killed by this test");
        return;
      }
      if ((await crashAndRerun(t, moment)) > 0) halfCreated++;
    });
  }

  it("cut at least one createRoom short, a room the rerun then finished", async (t) => {
    if (external) {
      t.skip("SPACEFORM_TEST_HOMESERVER is set");
      return;
    }
    t.diagnostic(`createRoom measured at ${Math.round(measured ?? 0)} ms`);
    // A busy machine can make every moment above miss: try further ones, each with every check.
    for (const moment of FURTHER_MOMENTS) {
      if (halfCreated > 0) break;
      if ((await crashAndRerun(t, moment, true)) > 0) halfCreated++;
      t.diagnostic(`createRoom measured again at ${Math.round(measured ?? 0)} ms`);
    }
    assert.ok(
      halfCreated > 0,
      `no kill landed inside a creation, not even at ${FURTHER_MOMENTS.length} further moments: the moments above test less than they say`,
    );
  });
});
