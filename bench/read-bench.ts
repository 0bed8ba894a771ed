// `spaceform plan` of a matching space as a whole process, against the floor: a bare Node process
// that only fetches every room's GET /state, 8 at a time (what reading the current state of N
// rooms costs at least). Both run side by side in one run, through the same loopback proxy, which
// adds a delay to every request (--latency) and counts requests and writes.
//
// Needs the local relaxed test homeserver (npm run homeserver:start). Not a test: it prints a
// table, and docs/benchmarks.md records what it printed.
//
//   node bench/read-bench.ts [--sizes 100,500] [--rounds 3] [--latency 0,50]
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import type { RoomId } from "../src/matrix/ids.ts";
import { createGateway } from "../src/matrix/sdk-gateway.ts";
import { MARKER_EVENT_TYPE } from "../src/state/model.ts";
import { mapLimit } from "../src/util/concurrency.ts";
import { getTestHomeserver, randomId, type TestHomeserver } from "../test/homeserver/harness.ts";
import { startProxy, type Proxy } from "./proxy.ts";
import { markdownTable, median } from "./synthetic.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,500" },
    rounds: { type: "string", default: "3" },
    latency: { type: "string", default: "0,50" },
  },
});
const sizes = values.sizes.split(",").map(Number);
const latencies = values.latency.split(",").map(Number);
const rounds = Number(values.rounds);

const NODE = process.execPath;
// What `npx spaceform` runs: the build (`npm ci` makes it; `npm run build` after a change).
const CLI = fileURLToPath(new URL("../dist/spaceform.js", import.meta.url));
const FLOOR = fileURLToPath(new URL("./floor.ts", import.meta.url));
const MAX_RSS = fileURLToPath(new URL("./max-rss.ts", import.meta.url));

/** Children linked inside the space's creation request; the rest one by one. */
const INITIAL_LINKS = 500;

interface Fixture {
  token: string;
  manifestFile: string;
  roomIds: RoomId[];
}

/** A space of `n` rooms as spaceform would have created them (name, topic, marker), and its manifest. */
async function buildSpace(hs: TestHomeserver, n: number, dir: string): Promise<Fixture> {
  const bot = await hs.registerUser(`bench-${n}`);
  // Synapse takes minutes to create a room with thousands of initial state events.
  const gateway = createGateway({
    baseUrl: hs.baseUrl,
    accessToken: bot.accessToken,
    requestTimeoutMs: 600_000,
  });
  const name = `bench-${n}-${randomId(4)}`;
  const marker = (key: string) => ({
    type: MARKER_EVENT_TYPE,
    state_key: "",
    content: { manifest: name, key },
  });
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
      ...rooms.slice(0, INITIAL_LINKS).map((id) => ({
        type: "m.space.child",
        state_key: id,
        content: { via: [hs.serverName] },
      })),
    ],
  });
  await mapLimit(rooms.slice(INITIAL_LINKS), 4, (id) =>
    gateway.sendState(root, "m.space.child", id, { via: [hs.serverName] }),
  );
  // Rooms are found by their marker (no alias each: an alias costs one directory lookup).
  const manifest = {
    version: 1,
    space: { alias: `#${aliasLocalpart}`, name: `Bench ${n}` },
    rooms: Object.fromEntries(
      rooms.map((_, i) => [
        `room${i}`,
        {
          name: `Room ${i}`,
          topic: `Topic of room ${i}, long enough to be a realistic one-line description.`,
        },
      ]),
    ),
  };
  const manifestFile = join(dir, `${name}.yaml`);
  await writeFile(manifestFile, stringify(manifest));
  return { token: bot.accessToken, manifestFile, roomIds: [root, ...rooms] };
}

interface Run {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  maxRssMb: number;
  /** CPU time the process used: what start-up costs, whatever else the machine runs. */
  cpuMs: number;
}

/** Runs a Node process to its end, timing it from spawn to exit, and reads its peak RSS. */
async function timed(args: string[], env: NodeJS.ProcessEnv, dir: string): Promise<Run> {
  const rssFile = join(dir, `rss-${randomId(6)}`);
  const start = performance.now();
  const r = await new Promise<Omit<Run, "ms" | "maxRssMb" | "cpuMs">>((resolve, reject) => {
    const child = spawn(
      NODE,
      [
        "--import",
        MAX_RSS,
        ...(process.env["TRACE"] ? ["--import", process.env["TRACE"]] : []),
        ...args,
      ],
      {
        cwd: dir,
        env: {
          PATH: process.env["PATH"],
          NO_COLOR: "1",
          SPACEFORM_BENCH_RSS_FILE: rssFile,
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, stdout, stderr });
    });
  });
  const ms = performance.now() - start;
  const [rssKb, cpuUs] = (await readFile(rssFile, "utf8")).split(" ").map(Number);
  return { ...r, ms, maxRssMb: (rssKb ?? 0) / 1024, cpuMs: (cpuUs ?? 0) / 1000 };
}

const hs = await getTestHomeserver("relaxed");
const dir = await mkdtemp(join(tmpdir(), "spaceform-read-bench-"));
console.log(
  `read benchmark: ${await hs.serverVersion()} at ${hs.baseUrl}; ${cpus().length} cores; ${rounds} rounds; ${new Date().toISOString().slice(0, 10)}`,
);
const rows: string[][] = [];
let failed = false;
for (const n of sizes) {
  const t0 = performance.now();
  const fixture = await buildSpace(hs, n, dir);
  const idsFile = join(dir, `ids-${n}.json`);
  await writeFile(idsFile, JSON.stringify(fixture.roomIds));
  console.log(`built a space of ${n} rooms in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const latency of latencies) {
    const proxy: Proxy = await startProxy(hs.baseUrl, latency);
    const env = { MATRIX_HOMESERVER: proxy.url, MATRIX_ACCESS_TOKEN: fixture.token };
    try {
      // A warm-up of each, so that neither pays for Synapse's cold caches alone.
      await timed([FLOOR, idsFile], env, dir);
      await timed([CLI, "plan", fixture.manifestFile], env, dir);
      const floor: Run[] = [];
      const plan: Run[] = [];
      let planRequests = 0;
      let planWrites = 0;
      for (let r = 0; r < rounds; r++) {
        floor.push(await timed([FLOOR, idsFile], env, dir));
        proxy.reset();
        const p = await timed([CLI, "plan", "--detailed-exitcode", fixture.manifestFile], env, dir);
        plan.push(p);
        if (process.env["TRACE"])
          console.log(
            p.stderr
              .split("\n")
              .filter((l) => l.includes("TRACE") || l.startsWith("  /"))
              .join("\n"),
          );
        planRequests = proxy.requests();
        planWrites = proxy.writes();
        if (p.code !== 0) {
          failed = true;
          console.error(`plan exited ${String(p.code)}:\n${p.stdout}\n${p.stderr}`);
        }
      }
      const f = median(floor.map((x) => x.ms));
      const p = median(plan.map((x) => x.ms));
      const ratio = p / f;
      const withinRequests = planRequests <= n + 1 + 5;
      if (ratio > 1.5 || !withinRequests || planWrites > 0) failed = true;
      rows.push([
        String(n),
        `${latency} ms`,
        f.toFixed(0),
        p.toFixed(0),
        ratio.toFixed(2),
        `${planRequests} (≤ ${n + 1 + 5})`,
        String(planWrites),
        Math.max(...plan.map((x) => x.maxRssMb)).toFixed(0),
        median(floor.map((x) => x.cpuMs)).toFixed(0),
        median(plan.map((x) => x.cpuMs)).toFixed(0),
      ]);
      console.log(rows.at(-1)?.join(" | "));
    } finally {
      await proxy.close();
    }
  }
}

console.log(
  `\n${markdownTable(
    [
      "rooms",
      "latency",
      "floor ms (median)",
      "plan ms (median)",
      "plan / floor",
      "plan requests",
      "writes",
      "plan peak RSS MB",
      "floor CPU ms",
      "plan CPU ms",
    ],
    rows,
    2,
  )}`,
);
console.log(
  failed
    ? "\nA target was missed (plan ≤ 1.5 × floor, ≤ N + 5 requests, 0 writes, exit 0): see above."
    : "\nEvery target held: plan ≤ 1.5 × floor, ≤ N + 5 requests, 0 writes, no changes planned.",
);
process.exitCode = failed ? 1 : 0;
