// How long the pure part of `spaceform plan` takes: loading the manifest, planning
// (src/plan/planner.ts) and rendering the plan (terminal text, Markdown for a PR comment, JSON
// for `plan --out`), for a synthetic space (bench/synthetic.ts) against three live states built
// in memory, without a homeserver:
//
// - empty: nothing exists yet, the first apply (every room is created);
// - matching: the state a faithful apply leaves (test/fixtures/plan/simulate.ts), a plan with
//   nothing to do;
// - drifted: every managed field of every room changed by hand, and the rooms unlinked from the
//   space: the largest plan short of creating everything.
//
// Not a test: it prints a table, and docs/benchmarks.md records what it printed.
//
//   node bench/plan-bench.ts [--sizes 50,300] [--rounds 21]
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { hasErrors } from "../src/diagnostics.ts";
import type { Manifest } from "../src/manifest/model.ts";
import type { UserId } from "../src/matrix/ids.ts";
import { combinePlans, type Plan } from "../src/plan/model.ts";
import { DEFAULT_PLAN_OPTIONS, planSpace } from "../src/plan/planner.ts";
import { renderJson, renderMarkdown, renderText } from "../src/render/index.ts";
import type { LiveState, StateEvent } from "../src/state/model.ts";
import { VERSION } from "../src/version.ts";
import { simulateApply } from "../test/fixtures/plan/simulate.ts";
import { loadValid, markdownTable, median, writeSyntheticManifest } from "./synthetic.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "50,300" },
    rounds: { type: "string", default: "21" },
  },
});
const sizes = values.sizes.split(",").map(Number);
const rounds = Number(values.rounds);

const SERVER = "example.org";
const BOT = `@bench:${SERVER}` as UserId;

function emptyState(): LiveState {
  return { server_name: SERVER, user_id: BOT, rooms: [], aliases: {} };
}

/** What someone editing by hand in a client could change in each room: everything spaceform manages. */
function drift(state: LiveState, spaceRoomId: string): LiveState {
  const out = structuredClone(state);
  const set = (state: StateEvent[], type: string, content: Record<string, unknown>): void => {
    const e = state.find((x) => x.type === type && x.state_key === "");
    if (e) e.content = content;
    else state.push({ type, state_key: "", content, sender: BOT });
  };
  for (const [i, room] of out.rooms.entries()) {
    set(room.state, "m.room.name", { name: `Renamed ${i}` });
    set(room.state, "m.room.topic", { topic: `Someone else's topic ${i}` });
    set(room.state, "m.room.join_rules", { join_rule: "invite" });
    set(room.state, "m.room.guest_access", { guest_access: "can_join" });
    set(room.state, "m.room.avatar", { url: `mxc://${SERVER}/other${i}` });
    const pl = room.state.find((x) => x.type === "m.room.power_levels");
    if (pl) pl.content = { ...pl.content, users: { [BOT]: 100 }, ban: 100, invite: 50 };
    if (room.room_id === spaceRoomId) {
      room.state = room.state.filter((x) => x.type !== "m.space.child");
    }
  }
  return out;
}

interface Case {
  label: string;
  live: LiveState;
}

function timeIt<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

/** Median over `rounds` runs after two warm-up runs (the JIT's first compilations are not the steady state). */
function measure<T>(fn: () => T): { ms: number; value: T } {
  fn();
  fn();
  const times: number[] = [];
  let value = fn();
  for (let r = 0; r < rounds; r++) {
    const t = timeIt(fn);
    times.push(t.ms);
    value = t.value;
  }
  return { ms: median(times), value };
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const kb = (s: string) => (Buffer.byteLength(s) / 1024).toFixed(1);

console.log(
  `plan benchmark: Node ${process.versions.node}; ${cpus().length} cores; ${rounds} rounds; ${new Date().toISOString().slice(0, 10)}`,
);
const dir = await mkdtemp(join(tmpdir(), "spaceform-plan-bench-"));
const rows: string[][] = [];
try {
  for (const n of sizes) {
    const file = await writeSyntheticManifest(join(dir, String(n)), {
      name: `bench-${n}`,
      rooms: n,
      managingUser: BOT,
      moderator: `@moderator:${SERVER}`,
      aliasPrefix: "bench",
    });
    const loadTimes: number[] = [];
    let manifest: Manifest | undefined;
    for (let r = 0; r < Math.max(5, Math.ceil(rounds / 3)); r++) {
      const start = performance.now();
      manifest = await loadValid(file);
      loadTimes.push(performance.now() - start);
    }
    if (!manifest) throw new Error("no manifest");
    const m: Manifest = manifest;
    console.log(`loaded ${file}: median ${fmt(median(loadTimes))} ms (schema, defaults, avatar)`);

    const first = planSpace(m, emptyState(), DEFAULT_PLAN_OPTIONS);
    const matching = simulateApply(emptyState(), first.steps);
    const space = matching.rooms.find((r) =>
      r.state.some((e) => e.type === "m.room.create" && e.content["type"] === "m.space"),
    );
    if (!space) throw new Error("the simulated apply created no space");
    const cases: Case[] = [
      { label: "empty (first apply)", live: emptyState() },
      { label: "matching (no changes)", live: matching },
      { label: "fully drifted", live: drift(matching, space.room_id) },
    ];
    for (const c of cases) {
      const planned = measure(() => planSpace(m, c.live, DEFAULT_PLAN_OPTIONS));
      const part = planned.value;
      if (hasErrors(part.diagnostics)) throw new Error(`${c.label}: the plan is refused`);
      if (c.label.startsWith("matching") && part.steps.length > 0) {
        throw new Error(
          `planning against the applied state still finds ${part.steps.length} steps`,
        );
      }
      const plan: Plan = combinePlans([part], { version: VERSION, now: new Date() });
      const text = measure(() => renderText(plan, { color: false }));
      const md = measure(() => renderMarkdown(plan, {}));
      const json = measure(() => renderJson(plan));
      rows.push([
        String(n),
        c.label,
        String(c.live.rooms.length),
        String(part.changes.length),
        String(part.steps.length),
        fmt(planned.ms),
        fmt(text.ms),
        fmt(md.ms),
        fmt(json.ms),
        kb(text.value),
        kb(md.value),
        kb(json.value),
      ]);
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
      "live state",
      "live rooms",
      "changes",
      "steps",
      "planSpace ms",
      "renderText ms",
      "renderMarkdown ms",
      "renderJson ms",
      "text KB",
      "Markdown KB",
      "JSON KB",
    ],
    rows,
    2,
  )}`,
);
