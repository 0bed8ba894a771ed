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

const root = join(import.meta.dirname, "..", "..");
let gh: FakeGitHub;
before(async () => {
  gh = await startFakeGitHub();
});
after(async () => {
  await gh.close();
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "spaceform-ws-"));
  cpSync(join(root, "spaces"), join(dir, "spaces"), { recursive: true });
  const event = join(dir, "event.json");
  writeFileSync(
    event,
    JSON.stringify({ pull_request: { number: 4, head: { sha: "a".repeat(40) } } }),
  );
  return dir;
}

const env = (ws: string): Record<string, string> => ({
  GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
  GITHUB_API_URL: gh.url,
  GITHUB_EVENT_NAME: "pull_request",
  GITHUB_EVENT_PATH: join(ws, "event.json"),
  GITHUB_SHA: "b".repeat(40),
});

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

  it("plan without Matrix secrets (a fork's pull request): validates, says a maintainer must plan, touches nothing", async () => {
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
    assert.match(run.summary, /plan needs a maintainer/);
    assert.match(run.log, /::notice title=spaceform: plan needs a maintainer::/);
    assert.deepEqual(gh.requests, []);
  });

  for (const command of ["apply", "drift"]) {
    it(`${command} without Matrix secrets fails and says which secrets`, async () => {
      const ws = workspace();
      const run = await runAction({ workspace: ws, inputs: { command }, env: env(ws) });
      assert.equal(run.outcome, "failure");
      assert.match(run.log, /::error title=spaceform::.*MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN/);
      assert.equal(outcomeOf(run, "Plan"), "skipped");
    });
  }

  it("refuses an unknown command", async () => {
    const ws = workspace();
    const run = await runAction({ workspace: ws, inputs: { command: "destroy" }, env: env(ws) });
    assert.equal(run.outcome, "failure");
    assert.match(run.log, /command must be validate, plan, apply or drift, not 'destroy'/);
  });
});
