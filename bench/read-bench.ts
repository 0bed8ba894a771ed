// How long reading a space's live state takes, and in how many requests, for each strategy:
// strategy sync (the default: one /sync brings the state of every joined room), strategy state
// (a discovery /sync, then GET /state per room at a bounded parallelism) at several
// parallelisms and with marker discovery per room instead of by /sync, the full-state /sync
// request alone, and /hierarchy (discovery only, for reference).
//
// Needs the local relaxed test homeserver (npm run homeserver:start). Not a test: it prints a
// table, and docs/benchmarks.md records what it printed.
//
// A homeserver on loopback answers in about a millisecond; a real one is tens of milliseconds
// away. --latency adds that much delay to every request (before it is sent) to show how each
// strategy fares over a real network.
//
//   node bench/read-bench.ts [--sizes 50,300] [--rounds 5] [--latency 0,50]
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import type { Entry, Manifest } from "../src/manifest/model.ts";
import type { RoomId } from "../src/matrix/ids.ts";
import { createGateway, type SdkGateway } from "../src/matrix/sdk-gateway.ts";
import { MARKER_EVENT_TYPE } from "../src/state/model.ts";
import { FULL_STATE_FILTER, mapLimit, readLiveState } from "../src/state/read.ts";
import { getTestHomeserver, randomId, type TestHomeserver } from "../test/homeserver/harness.ts";
import { NO_POLICIES } from "../src/policy/index.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "50,300" },
    rounds: { type: "string", default: "5" },
    latency: { type: "string", default: "0,50" },
    noise: { type: "string", default: "0" },
  },
});
const latencies = values.latency.split(",").map(Number);
const noise = Number(values.noise);
const sizes = values.sizes.split(",").map(Number);
const rounds = Number(values.rounds);

interface Fixture {
  hs: TestHomeserver;
  token: string;
  userId: string;
  manifest: Manifest;
  root: RoomId;
}

/** A space of `n` rooms as spaceform would have created them: name, topic and marker each. */
async function buildSpace(hs: TestHomeserver, n: number): Promise<Fixture> {
  const bot = await hs.registerUser(`bench-${n}`);
  const gateway = createGateway({ baseUrl: hs.baseUrl, accessToken: bot.accessToken });
  const name = `bench-${n}-${randomId(4)}`;
  const marker = (key: string) => ({
    type: MARKER_EVENT_TYPE,
    state_key: "",
    content: { manifest: name, key },
  });
  // Rooms of the same account outside the space: what a strategy that reads every joined room
  // pays for and one that reads the space's rooms does not.
  await mapLimit(
    Array.from({ length: noise }, (_, i) => i),
    4,
    (i) =>
      gateway.createRoom({
        name: `Elsewhere ${i}`,
        topic: `A room of the same account that is not part of the space (${i}).`,
      }),
  );
  const rooms = await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    4,
    (i) =>
      gateway.createRoom({
        name: `Room ${i}`,
        topic: `Topic of room ${i}, long enough to be a realistic one-line description.`,
        initial_state: [marker(`room${i}`)],
      }),
  );
  const aliasLocalpart = `${name}-space`;
  const root = await gateway.createRoom({
    name: `Bench ${n}`,
    room_alias_name: aliasLocalpart,
    creation_content: { type: "m.space" },
    initial_state: [
      marker("space"),
      ...rooms.map((id) => ({
        type: "m.space.child",
        state_key: id,
        content: { via: [hs.serverName] },
      })),
    ],
  });
  const space: Entry = {
    key: "space",
    address: "space",
    kind: "space",
    alias: `#${aliasLocalpart}`,
    children: [],
  };
  const manifest: Manifest = {
    file: `spaces/${name}.yaml`,
    name,
    sha256: "",
    version: 1,
    space,
    policies: NO_POLICIES,
    positions: {},
  };
  return { hs, token: bot.accessToken, userId: bot.userId, manifest, root };
}

interface Strategy {
  name: string;
  run(g: SdkGateway, f: Fixture): Promise<number /* rooms with state */>;
}

const known = (f: Fixture) => ({ userId: f.userId, serverName: f.hs.serverName });

const strategies: Strategy[] = [
  ...[8, 1, 16].map((concurrency): Strategy => ({
    name: `strategy state, /state ×${concurrency}`,
    run: async (g, f) =>
      (await readLiveState(g, f.manifest, { ...known(f), strategy: "state", concurrency })).rooms
        .length,
  })),
  {
    name: "strategy state ×8, markers per room",
    run: async (g, f) =>
      (await readLiveState(g, f.manifest, { ...known(f), discovery: "per-room" })).rooms.length,
  },
  {
    name: "strategy sync",
    run: async (g, f) =>
      (await readLiveState(g, f.manifest, { ...known(f), strategy: "sync" })).rooms.length,
  },
  {
    name: "one /sync, all state (request alone)",
    run: async (g) => {
      // The gateway makes every /sync filter unique: Synapse's response cache cannot answer it.
      const { joined } = await g.syncRooms(FULL_STATE_FILTER);
      return joined.filter((r) => r.state.length > 0).length;
    },
  },
  {
    name: "/hierarchy (discovery only)",
    run: async (g, f) => (await g.hierarchy(f.root)).length,
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

const hs = await getTestHomeserver("relaxed");
console.log(
  `read benchmark: ${await hs.serverVersion()} at ${hs.baseUrl}; ${cpus().length} cores; ${rounds} rounds; ${new Date().toISOString().slice(0, 10)}`,
);
const rows: string[][] = [];
for (const n of sizes) {
  const t0 = performance.now();
  const fixture = await buildSpace(hs, n);
  console.log(
    `built a space of ${n} rooms (+${noise} elsewhere) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  // One warm-up read, so that the first strategy does not pay for Synapse's cold caches alone.
  await readLiveState(
    createGateway({ baseUrl: hs.baseUrl, accessToken: fixture.token }),
    fixture.manifest,
  );
  for (const latency of latencies) {
    const delayed: typeof fetch = async (input, init) => {
      await new Promise((resolve) => setTimeout(resolve, latency));
      return fetch(input, init);
    };
    for (const strategy of strategies) {
      const times: number[] = [];
      let requests = "";
      let rooms = 0;
      for (let r = 0; r < rounds; r++) {
        const g = createGateway({
          baseUrl: hs.baseUrl,
          accessToken: fixture.token,
          ...(latency > 0 ? { fetch: delayed } : {}),
        });
        const start = performance.now();
        rooms = await strategy.run(g, fixture);
        times.push(performance.now() - start);
        const c = g.requestCount();
        requests = `${c.total}`;
      }
      rows.push([
        String(n),
        `${latency} ms`,
        strategy.name,
        String(rooms),
        requests,
        median(times).toFixed(0),
        Math.min(...times).toFixed(0),
        Math.max(...times).toFixed(0),
      ]);
      console.log(rows.at(-1)?.join(" | "));
    }
  }
}

const header = [
  "space rooms",
  "latency",
  "strategy",
  "rooms read",
  "requests",
  "median ms",
  "min ms",
  "max ms",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
const line = (cells: string[]) =>
  `| ${cells.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
console.log(`\n${line(header)}`);
console.log(
  `|${widths.map((w, i) => (i < 3 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")}|`,
);
for (const r of rows) console.log(line(r));
