/**
 * `spaceform github …` as the workflows run it: a child process with the
 * standard GitHub Actions environment, talking to the local stand-in.
 */
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGitHub, type FakeGitHub } from "../fixtures/github/fake-github.ts";
import { change, planOf } from "../fixtures/github/plans.ts";
import type { Plan } from "../../src/plan/model.ts";
import { runCli, type CliResult } from "../support/run-cli.ts";

const TOKEN = "test-token-123";
const HEAD = "a".repeat(40);
const MERGE = "b".repeat(40);

let gh: FakeGitHub;
let dir: string;
before(async () => {
  gh = await startFakeGitHub();
});
after(async () => {
  await gh.close();
});
beforeEach(() => {
  gh.issues.clear();
  gh.comments.length = 0;
  gh.commitPulls.clear();
  dir = mkdtempSync(join(tmpdir(), "spaceform-ghcli-"));
  writeFileSync(join(dir, "summary.md"), "");
});

function writePlan(name: string, plan: Plan): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(plan, null, 2));
  return file;
}

// Asynchronous, so the stand-in server in this process keeps answering.
async function spaceform(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const event = join(dir, "event.json");
  writeFileSync(event, JSON.stringify({ pull_request: { number: 4, head: { sha: HEAD } } }));
  const r = await runCli(
    args,
    {
      GITHUB_ACTIONS: "true",
      GITHUB_TOKEN: TOKEN,
      // The key of the plan record, as action.yml passes it to the glue.
      MATRIX_ACCESS_TOKEN: "syt_workflow_matrix_token",
      GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
      GITHUB_API_URL: gh.url,
      GITHUB_SERVER_URL: "https://github.test",
      GITHUB_RUN_ID: "99",
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: event,
      GITHUB_SHA: MERGE,
      GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
      ...env,
    },
    { cwd: dir },
  );
  // The token must never reach any output.
  assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN), "the token was printed");
  return r;
}

const summary = (): string => readFileSync(join(dir, "summary.md"), "utf8");
const bot = (issue: number) =>
  gh.comments.filter((c) => c.issue_number === issue && c.user === "github-actions[bot]");

describe("spaceform github (CLI)", () => {
  it("plan-comment posts once from the pull_request event and updates on the next push", async () => {
    gh.addPull({ number: 4, head_sha: HEAD, merge_commit_sha: null, merged_at: null }, [HEAD]);
    const plan = writePlan("plan.json", planOf([change("create", "rooms.general")]));
    const first = await spaceform(["github", "plan-comment", "--plan", plan]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Posted the plan comment on #4/);
    const second = await spaceform(["github", "plan-comment", "--plan", plan]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Updated the plan comment on #4/);
    assert.equal(bot(4).length, 1);
    assert.match(bot(4)[0]!.body, /```mermaid/);
    assert.match(summary(), /rooms\.general/);
  });

  it("plan-comment by a maintainer for another pull request (--pr, --head-sha)", async () => {
    gh.addPull(
      { number: 8, head_sha: "c".repeat(40), merge_commit_sha: null, merged_at: null },
      [],
    );
    const plan = writePlan("plan.json", planOf([change("create", "rooms.general")]));
    const r = await spaceform(
      ["github", "plan-comment", "--plan", plan, "--pr", "8", "--head-sha", "c".repeat(40)],
      {
        GITHUB_EVENT_NAME: "workflow_dispatch",
        GITHUB_EVENT_PATH: "",
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(bot(8).length, 1);
    assert.match(bot(8)[0]!.body, /commit cccccccccccc/);
  });

  it("check-plan-kind passes the reviewed plan and refuses a differing one with exit 1", async () => {
    gh.addPull(
      { number: 4, head_sha: HEAD, merge_commit_sha: MERGE, merged_at: "2025-01-02T00:00:00Z" },
      [HEAD, MERGE],
    );
    const reviewed = writePlan("reviewed.json", planOf([change("create", "rooms.general")]));
    assert.equal((await spaceform(["github", "plan-comment", "--plan", reviewed])).code, 0);

    const same = await spaceform(["github", "check-plan-kind", "--plan", reviewed]);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /matches the one reviewed on #4/);

    const other = writePlan(
      "merged.json",
      planOf([change("create", "rooms.general"), change("delete", "space.children.x")]),
    );
    const refused = await spaceform(["github", "check-plan-kind", "--plan", other]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Apply refused/);
    assert.match(refused.stderr, /- de-rse:space\.children\.x/);
    assert.match(summary(), /Apply refused/);
  });

  it("apply-report puts the log's end on the merged pull request", async () => {
    gh.addPull(
      { number: 4, head_sha: HEAD, merge_commit_sha: MERGE, merged_at: "2025-01-02T00:00:00Z" },
      [MERGE],
    );
    writeFileSync(
      join(dir, "apply.log"),
      "Apply complete: 1 created, 0 updated, 0 deleted, 3 requests.\n",
    );
    const plan = writePlan("plan.json", planOf([change("create", "rooms.general")]));
    const r = await spaceform([
      "github",
      "apply-report",
      "--outcome",
      "applied",
      "--plan",
      plan,
      "--log",
      join(dir, "apply.log"),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(bot(4)[0]!.body, /Apply complete: 1 created/);
  });

  it("drift opens, then closes the issue; a plan error fails without touching it", async () => {
    const plan = writePlan("plan.json", planOf([change("update", "rooms.general.topic")]));
    const opened = await spaceform(["github", "drift", "--exit-code", "2", "--plan", plan]);
    assert.equal(opened.code, 0, opened.stderr);
    assert.match(opened.stdout, /Drift: opened/);
    const error = await spaceform(["github", "drift", "--exit-code", "1"]);
    assert.equal(error.code, 1);
    assert.equal([...gh.issues.values()].filter((i) => i.state === "open").length, 1);
    const closed = await spaceform(["github", "drift", "--exit-code", "0", "--plan", plan]);
    assert.equal(closed.code, 0, closed.stderr);
    assert.match(closed.stdout, /closed/);
    assert.equal([...gh.issues.values()].filter((i) => i.state === "open").length, 0);
  });

  it("says what is missing without a token, and without a plan for drift", async () => {
    const noToken = await spaceform(["github", "drift", "--exit-code", "0"], { GITHUB_TOKEN: "" });
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /needs GITHUB_TOKEN/);
    const noPlan = await spaceform(["github", "drift", "--exit-code", "2"]);
    assert.equal(noPlan.code, 1);
    assert.match(noPlan.stderr, /needs the plan: pass --plan/);
  });

  it("names the subcommands when none is given", async () => {
    const r = await spaceform(["github"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /Name a subcommand: plan-comment, check-plan-kind, apply-report, drift, hand-off, receive, plan-status or request\.\n/,
    );
  });

  it("rejects a token the server does not accept, without printing it", async () => {
    const r = await spaceform(["github", "drift", "--exit-code", "0"], {
      GITHUB_TOKEN: "bad-token-456",
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /HTTP 401/);
    assert.ok(!r.stderr.includes("bad-token-456"));
  });
});
