// The lock that gives one test run at a time a homeserver for itself (crash.test.ts): a second
// holder waits for the first, a lock whose holder is gone is taken, a wait has a bound.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { holdExclusive } from "../homeserver/exclusive.ts";

let dir = "";
let saved: string | undefined;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "spaceform-exclusive-"));
  saved = process.env["SPACEFORM_HS_CACHE_DIR"];
  process.env["SPACEFORM_HS_CACHE_DIR"] = dir;
});
after(() => {
  if (saved === undefined) delete process.env["SPACEFORM_HS_CACHE_DIR"];
  else process.env["SPACEFORM_HS_CACHE_DIR"] = saved;
  rmSync(dir, { recursive: true, force: true });
});

/** A process id that no process has (one that has just exited). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

describe("holdExclusive", () => {
  it("holds the lock under the process id and removes it on release", async () => {
    const release = await holdExclusive("t1", { log: () => undefined, timeoutMs: 1000 });
    assert.equal(readFileSync(join(dir, "t1.lock"), "utf8"), String(process.pid));
    await release();
    assert.equal(existsSync(join(dir, "t1.lock")), false);
    assert.equal(existsSync(join(dir, `t1.lock.${String(process.pid)}`)), false);
  });

  it("makes a second holder wait until the first releases", async () => {
    const first = await holdExclusive("t2", { log: () => undefined, timeoutMs: 1000 });
    const logs: string[] = [];
    const events: string[] = [];
    const second = holdExclusive("t2", {
      log: (line) => logs.push(line),
      timeoutMs: 10_000,
      pollMs: 20,
    }).then((release) => {
      events.push("second holds");
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    events.push("first releases");
    await first();
    await (
      await second
    )();
    assert.deepEqual(events, ["first releases", "second holds"]);
    assert.deepEqual(logs, [
      `waiting for process ${String(process.pid)}, which holds ${join(dir, "t2.lock")}`,
    ]);
  });

  it("takes a lock whose holder is gone", async () => {
    writeFileSync(join(dir, "t3.lock"), String(deadPid()));
    const logs: string[] = [];
    const release = await holdExclusive("t3", { log: (l) => logs.push(l), timeoutMs: 1000 });
    assert.equal(readFileSync(join(dir, "t3.lock"), "utf8"), String(process.pid));
    assert.deepEqual(logs, []);
    await release();
  });

  it("gives up after the bound, naming the holder", async () => {
    // The parent of this test process is alive for as long as the test runs.
    writeFileSync(join(dir, "t4.lock"), String(process.ppid));
    await assert.rejects(
      holdExclusive("t4", { log: () => undefined, timeoutMs: 100, pollMs: 20 }),
      new Error(
        `${join(dir, "t4.lock")} is still held by process ${String(process.ppid)} after 0.1 s: another run of this test uses the server`,
      ),
    );
    assert.equal(readFileSync(join(dir, "t4.lock"), "utf8"), String(process.ppid));
  });
});
