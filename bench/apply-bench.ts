// What a first `spaceform apply --auto-approve` of a new space costs against a real Synapse, and
// what the plan right after it (nothing to do) costs: wall time and homeserver requests, by kind.
// It goes the CLI's own way: load the manifest, connect (whoami), read the live state, plan
// (src/cli/run-plan.ts), then apply the plan's steps (src/apply/apply.ts). The space is
// bench/synthetic.ts's: a root space and N rooms with names, topics, aliases, join rules, power
// levels and one avatar file shared by all, applied as a fresh account with nothing yet.
//
// From the requests the apply sent, in order and with their measured durations, it also
// predicts the wall time on a homeserver with Synapse's default rate limits (rc_message: 0.2/s,
// burst 10, counting every createRoom and state event; rc_room_creation: 0.016/s, burst 10;
// rc_media_create: 10/s, burst 50), replaying Synapse's limiter arithmetic and the gateway's
// retry policy. Run it with --profile default to compare the prediction with the real thing.
//
// Needs the local test homeserver (npm run homeserver:start [-- --profile default]). Every run
// registers fresh accounts and aliases with a random suffix there. Not a test: it prints tables,
// and docs/benchmarks.md records what it printed.
//
//   node bench/apply-bench.ts [--sizes 10,50] [--rounds 3] [--profile relaxed|default]
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { applyPlan } from "../src/apply/apply.ts";
import { connectFromEnv } from "../src/cli/connection.ts";
import { runPlan, type Connection } from "../src/cli/run-plan.ts";
import { DEFAULT_RETRY_POLICY } from "../src/matrix/retry.ts";
import { getTestHomeserver, randomId, type TestHomeserver } from "../test/homeserver/harness.ts";
import { markdownTable, median, writeSyntheticManifest } from "./synthetic.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10,50" },
    rounds: { type: "string", default: "3" },
    profile: { type: "string", default: "relaxed" },
  },
});
const sizes = values.sizes.split(",").map(Number);
const rounds = Number(values.rounds);
const profile = values.profile === "default" ? "default" : "relaxed";

// ---- requests, as the homeserver saw them ----------------------------------------------------

interface Recorded {
  kind: string;
  status: number;
  start: number;
  end: number;
}

/** `PUT /_matrix/client/v3/rooms/!x/state/m.room.name/` → `PUT /state`. */
function kindOf(method: string, url: string): string {
  const path = new URL(url).pathname;
  const m = /\/_matrix\/(?:client|media)\/[^/]+\/(.*)$/.exec(path);
  const rest = (m?.[1] ?? path).split("/");
  const head = rest[0] === "rooms" ? (rest[2] ?? "rooms") : (rest[0] ?? "");
  const twoSegments = head === "directory" || head === "account";
  return `${method} /${twoSegments ? `${head}/${rest[1] ?? ""}` : head}`;
}

class Recorder {
  log: Recorded[] = [];
  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const start = performance.now();
    const response = await fetch(input, init);
    this.log.push({
      kind: kindOf(method, url),
      status: response.status,
      start,
      end: performance.now(),
    });
    return response;
  };
  since(mark: number): Recorded[] {
    return this.log.slice(mark);
  }
}

function byKind(log: readonly Recorded[]): string {
  const counts = new Map<string, number>();
  for (const r of log) {
    const k = r.status === 429 ? `${r.kind} (429)` : r.kind;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
}

// ---- Synapse's rate limiters, replayed --------------------------------------------------------

/** synapse/api/ratelimiting.py `Ratelimiter.can_do_action` for one user: a leaky bucket. */
class Limiter {
  private count = 0;
  private since = 0;
  readonly rate: number;
  readonly burst: number;
  constructor(rate: number, burst: number) {
    this.rate = rate;
    this.burst = burst;
  }
  /** Whether one action is allowed at `now` (s), and when it would be. Records it if allowed and `update`. */
  check(now: number, update: boolean): { allowed: boolean; at: number } {
    let count = this.count;
    let since = this.since;
    if (count - (now - since) * this.rate < 0) {
      count = 0;
      since = now;
    }
    const allowed = count - (now - since) * this.rate <= this.burst - 1;
    if (allowed) count += 1;
    if (allowed && update) {
      this.count = count;
      this.since = since;
    }
    return { allowed, at: Math.max(now, since + (count - this.burst + 1) / this.rate) };
  }
}

/** Synapse's defaults (synapse/config/ratelimiting.py). */
function defaultLimiters() {
  return {
    message: new Limiter(0.2, 10),
    creation: new Limiter(0.016, 10),
    media: new Limiter(10, 50),
  };
}

/** The limiters a request goes through, in Synapse's order; undefined when none. */
function limitersFor(kind: string, l: ReturnType<typeof defaultLimiters>) {
  if (kind === "POST /createRoom") {
    // handlers/room.py: creation checked without counting, then message, then creation.
    return [
      { limiter: l.creation, update: false },
      { limiter: l.message, update: true },
      { limiter: l.creation, update: true },
    ];
  }
  if (kind === "PUT /state" || kind === "PUT /send") return [{ limiter: l.message, update: true }];
  if (kind === "POST /upload") return [{ limiter: l.media, update: true }];
  return undefined;
}

interface Prediction {
  /** Seconds spent on refused requests and the waits after them: what the limits add. */
  extraSeconds: number;
  rateLimited: number;
  /** The same, as it happened in the measured run (0 without limits), to take out of its wall time. */
  measuredExtraSeconds: number;
}

/**
 * Replays the requests (those the homeserver carried out, in order, each taking as long as it
 * took here, with the same pauses between them, waits for a limit left out) against default limits. A refused request
 * costs a round trip and the gateway's wait: Retry-After in whole seconds, at most maxWaitMs.
 * The time before the first request and after the last (loading, planning) is not in the
 * replay: the prediction is the measured wall time, less what limits cost the measured run
 * (the default profile), plus what the default limits add.
 */
function predict(log: readonly Recorded[]): Prediction {
  const limiters = defaultLimiters();
  let now = 0;
  let extraSeconds = 0;
  let rateLimited = 0;
  let measuredExtraSeconds = 0;
  for (const [i, r] of log.entries()) {
    // A request refused here (the default profile) is replayed by its successful attempt.
    if (r.status === 429) {
      measuredExtraSeconds += ((log[i + 1]?.start ?? r.end) - r.start) / 1000;
      continue;
    }
    const duration = (r.end - r.start) / 1000;
    const chain = limitersFor(r.kind, limiters);
    for (;;) {
      const refusal = chain
        ?.map((c) => c.limiter.check(now, false))
        .find((verdict) => !verdict.allowed);
      if (!refusal) break;
      rateLimited++;
      // Synapse: retry_after_ms = int(1000 × Δ), Retry-After = ceil(ms / 1000) seconds.
      const retryAfterS = Math.ceil(Math.floor(1000 * (refusal.at - now)) / 1000);
      const cost = duration + Math.min(retryAfterS * 1000, DEFAULT_RETRY_POLICY.maxWaitMs) / 1000;
      now += cost;
      extraSeconds += cost;
    }
    for (const c of chain ?? []) c.limiter.check(now, c.update);
    // The next attempt, refused or not, starts when the client was ready to send it.
    const next = log[i + 1];
    now += next ? Math.max(duration, (next.start - r.start) / 1000) : duration;
  }
  return { extraSeconds, rateLimited, measuredExtraSeconds };
}

// ---- the runs ------------------------------------------------------------------------------------

interface Run {
  phase: string;
  ms: number;
  log: Recorded[];
  prediction?: Prediction;
}

async function connectAs(
  hs: TestHomeserver,
  token: string,
  recorder: Recorder,
): Promise<Connection> {
  const env = { MATRIX_HOMESERVER: hs.baseUrl, MATRIX_ACCESS_TOKEN: token };
  const c = await connectFromEnv(env, {
    log: (line) => {
      console.error(`  ${line}`);
    },
    gateway: { fetch: recorder.fetch },
  });
  return { gateway: c.gateway, userId: c.userId, serverName: c.serverName };
}

async function firstApplyAndReplan(hs: TestHomeserver, n: number, dir: string): Promise<Run[]> {
  const name = `bench-apply-${n}-${randomId(6)}`;
  const [bot, moderator] = await Promise.all([
    hs.registerUser(`${name}-bot`),
    hs.registerUser(`${name}-mod`),
  ]);
  const file = await writeSyntheticManifest(join(dir, name), {
    name,
    rooms: n,
    managingUser: bot.userId,
    moderator: moderator.userId,
    aliasPrefix: name,
  });
  const env = { MATRIX_HOMESERVER: hs.baseUrl, MATRIX_ACCESS_TOKEN: bot.accessToken };
  const log = (line: string) => {
    console.error(`  ${line}`);
  };
  const recorder = new Recorder();

  // `spaceform apply --auto-approve`: connect, read, plan, then apply.
  let t = performance.now();
  const first = await runPlan({
    paths: [file],
    env,
    log,
    connection: await connectAs(hs, bot.accessToken, recorder),
  });
  const planMs = performance.now() - t;
  const planLog = recorder.since(0);
  if (first.plan.refused || first.plan.steps.length === 0) {
    throw new Error(
      `unexpected first plan: refused ${first.plan.refused}, ${first.plan.steps.length} steps`,
    );
  }
  t = performance.now();
  const applied = await applyPlan(first.plan, first.connection.gateway);
  const applyMs = performance.now() - t;
  if (!applied.ok) throw new Error(`apply failed: ${applied.failure?.error ?? "?"}`);
  const applyLog = recorder.since(planLog.length);

  // The next run (a new process: a new connection), which must find nothing to do.
  const again = new Recorder();
  t = performance.now();
  const second = await runPlan({
    paths: [file],
    env,
    log,
    connection: await connectAs(hs, bot.accessToken, again),
  });
  const replanMs = performance.now() - t;
  if (second.plan.changes.length > 0 || second.plan.steps.length > 0) {
    throw new Error(`the plan after apply still has ${second.plan.steps.length} steps`);
  }
  return [
    { phase: "first apply: connect, read, plan", ms: planMs, log: planLog },
    { phase: "first apply: the steps", ms: applyMs, log: applyLog, prediction: predict(applyLog) },
    {
      phase: "first apply: total",
      ms: planMs + applyMs,
      log: [...planLog, ...applyLog],
      prediction: predict([...planLog, ...applyLog]),
    },
    { phase: "second plan (no changes)", ms: replanMs, log: again.log },
  ];
}

/**
 * Other orders of the same work, replayed against default limits with every request taking
 * 30 ms: the order sent above (spaceform's plan: every createRoom, then every link), the links
 * sent right after each room's creation, and the naive apply the design notes estimate (create
 * each room bare, then 8 state events into it; the space first, with 7).
 */
function hypotheticalOrders(n: number): string[][] {
  const replay = (kinds: string[]) => {
    const log = kinds.map((kind, i) => ({ kind, status: 200, start: i * 30, end: i * 30 + 30 }));
    const p = predict(log);
    return `${seconds(kinds.length * 30 + p.extraSeconds * 1000)} (${p.rateLimited})`;
  };
  const create = "POST /createRoom";
  const state = "PUT /state";
  const times = <T>(k: number, x: T[]): T[] => Array.from({ length: k }, () => x).flat();
  return [
    [
      String(n),
      "N+1 createRoom, then N links (spaceform's order before)",
      replay([...times(n + 1, [create]), ...times(n, [state])]),
    ],
    [
      String(n),
      "links right after each creation (spaceform's order now)",
      replay([create, ...times(n, [create, state])]),
    ],
    [
      String(n),
      "naive: createRoom bare, then 8 state events each",
      replay([create, ...times(7, [state]), ...times(n, [create, ...times(8, [state])])]),
    ],
  ];
}

const hs = await getTestHomeserver(profile);
console.log(
  `apply benchmark: ${await hs.serverVersion()} at ${hs.baseUrl} (profile ${profile}); ${cpus().length} cores; ${rounds} rounds; ${new Date().toISOString().slice(0, 10)}`,
);
const seconds = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
const rows: string[][] = [];
const kinds: string[] = [];
const dir = await mkdtemp(join(tmpdir(), "spaceform-apply-bench-"));
try {
  for (const n of sizes) {
    const all: Run[][] = [];
    for (let r = 0; r < rounds; r++) {
      all.push(await firstApplyAndReplan(hs, n, dir));
      console.error(
        `  ${n} rooms, round ${r + 1}: ${all
          .at(-1)
          ?.map((x) => `${x.phase} ${seconds(x.ms)} s`)
          .join("; ")}`,
      );
    }
    for (const [p, run] of (all[0] ?? []).entries()) {
      const times = all.map((runs) => runs[p]?.ms ?? NaN);
      const requests = run.log.length;
      const limited = run.log.filter((x) => x.status === 429).length;
      rows.push([
        String(n),
        run.phase,
        seconds(median(times)),
        `${seconds(Math.min(...times))}–${seconds(Math.max(...times))}`,
        String(requests),
        (requests / n).toFixed(2),
        String(limited),
        run.prediction
          ? `${seconds(median(times) + (run.prediction.extraSeconds - run.prediction.measuredExtraSeconds) * 1000)} (${run.prediction.rateLimited})`
          : "",
      ]);
      kinds.push(`${n} rooms, ${run.phase}: ${byKind(run.log)}`);
      console.log(rows.at(-1)?.join(" | "));
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

console.log(
  `\n${markdownTable(
    [
      "rooms",
      "phase",
      "wall s (median)",
      "min–max s",
      "requests",
      "per room",
      "429s",
      "predicted s at default limits (429s)",
    ],
    rows,
    2,
  )}\n`,
);
for (const k of kinds) console.log(`- ${k}`);
console.log(
  `\n${markdownTable(["rooms", "order of the requests", "predicted s at default limits (429s)"], sizes.flatMap(hypotheticalOrders), 2)}`,
);
