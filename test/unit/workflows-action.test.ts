/**
 * action.yml's own shell steps, run locally the way a runner runs a composite
 * action (test/fixtures/github/run-action.ts), for the paths that need no
 * homeserver: validate, a pull request without secrets (a fork's), and the
 * refusals. The GitHub side is the local stand-in.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeGitHub, type FakeGitHub } from "../fixtures/github/fake-github.ts";
import { runAction } from "../fixtures/github/run-action.ts";
import { PLAN_MARKER } from "../../src/github/markers.ts";

const root = join(import.meta.dirname, "..", "..");
let gh: FakeGitHub;
before(async () => {
  gh = await startFakeGitHub();
});
after(async () => {
  await gh.close();
});

/**
 * A workspace with the repository's manifests and a pull_request event whose head is
 * in `headRepo` (`null`: a fork that was deleted; `false`: no pull request at all).
 */
function workspace(headRepo: string | null | false = "someone/spaces-fork"): string {
  const dir = mkdtempSync(join(tmpdir(), "spaceform-ws-"));
  cpSync(join(root, "spaces"), join(dir, "spaces"), { recursive: true });
  const event = join(dir, "event.json");
  const repo = headRepo === null ? null : { full_name: headRepo };
  writeFileSync(
    event,
    JSON.stringify(
      headRepo === false
        ? { inputs: { "pull-request": "4" } }
        : { pull_request: { number: 4, head: { sha: "a".repeat(40), repo } } },
    ),
  );
  return dir;
}

const env = (ws: string, event = "pull_request"): Record<string, string> => ({
  GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
  GITHUB_API_URL: gh.url,
  GITHUB_EVENT_NAME: event,
  GITHUB_EVENT_PATH: join(ws, "event.json"),
  GITHUB_SHA: "b".repeat(40),
});

const MISSING =
  "::error title=spaceform::plan needs the secrets MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN, and this run has not got them. Set them as repository secrets (Dependabot's pull requests read Dependabot secrets instead); see docs/github.md.\n";

const outcomeOf = (run: Awaited<ReturnType<typeof runAction>>, name: string) =>
  run.steps.find((s) => s.name === name)?.outcome;

describe("action.yml", () => {
  it("validate: installs the shim, validates the manifests and passes", async () => {
    const ws = workspace();
    const run = await runAction({ workspace: ws, inputs: { command: "validate" }, env: env(ws) });
    assert.equal(run.outcome, "success", run.log);
    assert.equal(outcomeOf(run, "Validate"), "success");
    assert.match(run.log, /spaces\/de-rse\.yaml: valid/);
    assert.equal(outcomeOf(run, "Plan"), "skipped");
  });

  it("validate: a broken manifest fails with an annotation on its line", async () => {
    const ws = workspace();
    writeFileSync(
      join(ws, "spaces", "broken.yaml"),
      "version: 1\nspace:\n  name: 42\n  colour: blue\n",
    );
    const run = await runAction({ workspace: ws, inputs: { command: "validate" }, env: env(ws) });
    assert.equal(run.outcome, "failure");
    assert.equal(outcomeOf(run, "Validate"), "failure");
    assert.match(run.log, /::error file=spaces\/broken\.yaml,line=\d+/);
  });

  it("validate in a working-directory annotates the path from the repository root", async () => {
    const ws = workspace();
    cpSync(join(ws, "spaces"), join(ws, "infra", "spaces"), { recursive: true });
    writeFileSync(join(ws, "infra", "spaces", "broken.yaml"), "version: 1\nspace:\n  name: 42\n");
    const run = await runAction({
      workspace: ws,
      inputs: { command: "validate", "working-directory": "infra" },
      env: env(ws),
    });
    assert.equal(run.outcome, "failure");
    assert.match(run.log, /^::error file=infra\/spaces\/broken\.yaml,line=3,/m);
    assert.doesNotMatch(run.log, /^::error file=spaces\//m);
  });

  it("plan without Matrix secrets for a fork's pull request: validates, points to the trusted run, touches nothing", async () => {
    const ws = workspace();
    gh.requests.length = 0;
    const run = await runAction({
      workspace: ws,
      inputs: { command: "plan", "github-token": "test-token-123" },
      env: env(ws),
    });
    assert.equal(run.outcome, "success", run.log);
    assert.equal(outcomeOf(run, "Validate"), "success");
    assert.equal(outcomeOf(run, "Plan"), "skipped");
    assert.equal(outcomeOf(run, "Comment the plan on the pull request"), "skipped");
    assert.match(run.summary, /### spaceform plan needs the trusted run\n/);
    assert.match(run.log, /::notice title=spaceform: plan needs the trusted run::/);
    assert.deepEqual(gh.requests, []);
  });

  it("plan without Matrix secrets for a fork that was deleted is still a fork's pull request", async () => {
    const ws = workspace(null);
    const run = await runAction({ workspace: ws, inputs: { command: "plan" }, env: env(ws) });
    assert.equal(run.outcome, "success", run.log);
    assert.match(run.log, /::notice title=spaceform: plan needs the trusted run::/);
  });

  it("plan without Matrix secrets for a pull request from the repository itself fails the check", async () => {
    const ws = workspace(`${gh.owner}/${gh.repo}`);
    gh.requests.length = 0;
    const run = await runAction({
      workspace: ws,
      inputs: { command: "plan", "github-token": "test-token-123" },
      env: env(ws),
    });
    assert.equal(run.outcome, "failure", run.log);
    assert.equal(outcomeOf(run, "Validate"), "success");
    assert.equal(outcomeOf(run, "Check the Matrix credentials"), "failure");
    assert.equal(outcomeOf(run, "Plan"), "skipped");
    assert.ok(run.log.includes(MISSING), run.log);
    assert.doesNotMatch(run.log, /fork|maintainer/);
    assert.equal(
      run.summary,
      "### ❌ spaceform: the Matrix credentials are missing\n\nplan needs the secrets MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN, and this run has not got them. Set them as repository secrets (Dependabot's pull requests read Dependabot secrets instead); see docs/github.md.\n",
    );
    assert.deepEqual(gh.requests, []);
  });

  it("plan whose validation fails marks the pull request's older plan comment out of date, and only that one", async () => {
    const ws = workspace(`${gh.owner}/${gh.repo}`);
    writeFileSync(join(ws, "spaces", "broken.yaml"), "version: 1\nunknown: 1\n");
    gh.addPull(
      { number: 4, head_sha: "a".repeat(40), merge_commit_sha: null, merged_at: null },
      [],
    );
    const old = gh.addComment(
      4,
      `${PLAN_MARKER}\n<!-- record -->\n### spaceform plan\nold plan`,
      "github-actions[bot]",
    );
    const pasted = gh.addComment(4, `${PLAN_MARKER}\npasted by someone`, "someone");
    const run = await runAction({
      workspace: ws,
      inputs: {
        command: "plan",
        "github-token": "test-token-123",
        "matrix-homeserver": "http://127.0.0.1:9",
        "matrix-access-token": "syt_not_used",
      },
      env: env(ws),
    });
    assert.equal(run.outcome, "failure", run.log);
    assert.equal(outcomeOf(run, "Validate"), "failure");
    assert.equal(outcomeOf(run, "Plan"), "skipped");
    assert.equal(outcomeOf(run, "Mark an older plan comment out of date"), "success", run.log);
    assert.ok(
      old.body.startsWith(
        `${PLAN_MARKER}\n### ⚠️ spaceform plan: out of date\n\nThe manifests are not valid`,
      ),
      old.body,
    );
    assert.ok(old.body.includes(`Commit ${"a".repeat(12)}`));
    assert.equal(pasted.body, `${PLAN_MARKER}\npasted by someone`);
    assert.deepEqual(gh.statuses, [], "--no-status: this run may not set statuses");
  });

  it("plan without Matrix secrets outside a pull request (a maintainer's run) fails the check", async () => {
    const ws = workspace(false);
    const run = await runAction({
      workspace: ws,
      inputs: { command: "plan", "pull-request": "4" },
      env: env(ws, "workflow_dispatch"),
    });
    assert.equal(run.outcome, "failure", run.log);
    assert.ok(run.log.includes(MISSING), run.log);
  });

  for (const command of ["apply", "drift"]) {
    it(`${command} without Matrix secrets fails and says which secrets`, async () => {
      const ws = workspace();
      const run = await runAction({ workspace: ws, inputs: { command }, env: env(ws) });
      assert.equal(run.outcome, "failure");
      assert.ok(
        run.log.includes(
          `::error title=spaceform::${command} needs the secrets MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN, and this run has not got them.`,
        ),
        run.log,
      );
      assert.equal(outcomeOf(run, "Plan"), "skipped");
    });
  }

  it("refuses an unknown command", async () => {
    const ws = workspace();
    const run = await runAction({ workspace: ws, inputs: { command: "destroy" }, env: env(ws) });
    assert.equal(run.outcome, "failure");
    assert.match(
      run.log,
      /command must be validate, hand-off, plan-hand-off, plan, apply, drift or request, not 'destroy'/,
    );
  });
});
