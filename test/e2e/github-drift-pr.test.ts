// Accepting drift as a pull request, end to end through action.yml's drift steps, the GitHub
// stand-in and the real Synapse: a topic changed in a chat client gives the drift issue and one
// drift pull request whose manifest holds the live topic, with every other line of the file as it
// was; a second check updates the same pull request; once its manifest is merged the plan is clean,
// and the next check closes both.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DRIFT_BRANCH } from "../../src/github/drift-pr.ts";
import { startFakeGitHub, type FakeGitHub } from "../fixtures/github/fake-github.ts";
import { explainRun, workflowRunner } from "../fixtures/github/run-action.ts";
import { freshWorld, type World } from "../homeserver/harness.ts";
import { envFor, runCli } from "./apply.support.ts";

const BASE = "ba5e".repeat(10);
const FILE = "spaces/drift.yaml";

describe("GitHub flow: drift adopted by a pull request (end to end)", () => {
  let world: World;
  let gh: FakeGitHub;
  let workspace: string;
  let manifest: string;
  const githubToken = `ghs_${randomBytes(18).toString("hex")}`;
  const liveTopic = "Changed in a chat client: #1 topic\nwith a second line: {not: yaml}";

  let action: ReturnType<typeof workflowRunner>;
  const driftCheck = () =>
    action("drift", { name: "schedule", sha: BASE }, { "drift-pull-request": "true" });
  const explain = explainRun;
  const driftIssues = () =>
    [...gh.issues.values()].filter((i) => !i.is_pull && i.labels.includes("drift"));
  const pulls = () => [...gh.repository.pulls.values()];

  async function setTopicByHand(name: string, topic: string): Promise<void> {
    const headers = { authorization: `Bearer ${world.bot.accessToken}` };
    const base = `${world.hs.baseUrl}/_matrix/client/v3`;
    const r = await fetch(`${base}/directory/room/${encodeURIComponent(world.alias(name))}`, {
      headers,
    });
    const { room_id } = (await r.json()) as { room_id: string };
    const put = await fetch(`${base}/rooms/${encodeURIComponent(room_id)}/state/m.room.topic/`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ topic }),
    });
    assert.equal(put.status, 200);
  }

  before(async () => {
    world = await freshWorld({ name: "github drift pr", diagnostic: () => undefined });
    gh = await startFakeGitHub();
    gh.tokens.set(githubToken, { login: "github-actions[bot]" });
    workspace = mkdtempSync(join(tmpdir(), "spaceform-github-drift-pr-"));
    mkdirSync(join(workspace, "spaces"));
    action = workflowRunner({
      workspace,
      gh,
      githubToken,
      homeserver: () => world.hs.baseUrl,
      matrixToken: world.bot.accessToken,
    });
    manifest = [
      "# The drift test space. This comment, the layout and the order stay.",
      "version: 1",
      "space:",
      `  alias: "#${world.aliasLocalpart("space")}"`,
      "  name: Drift space # named by the board",
      "rooms:",
      "  general:",
      `    alias: "#${world.aliasLocalpart("general")}"`,
      "    name: General",
      "    # the topic people see first",
      "    topic: Hello",
      "  news:",
      `    alias: "#${world.aliasLocalpart("news")}"`,
      "    topic: >-",
      "      News, folded",
      "      over two lines",
      "",
    ].join("\n");
    writeFileSync(join(workspace, FILE), manifest);
    gh.repository.commits.set(BASE, new Map([[FILE, manifest]]));
    gh.repository.branches.set("main", BASE);
    const applied = await runCli(
      ["apply", join(workspace, FILE), "--auto-approve"],
      envFor(world.hs, world.bot),
    );
    assert.equal(applied.code, 0, applied.stderr);
  });

  after(async () => {
    await gh.close();
  });

  it("opens the drift issue and one pull request with the live topic, linked from the issue", async () => {
    await setTopicByHand("general", liveTopic);
    const run = await driftCheck();
    assert.equal(run.outcome, "success", explain(run));
    assert.equal(run.outputs["exit-code"], "2");

    assert.equal(pulls().length, 1);
    const pull = pulls()[0]!;
    assert.deepEqual([pull.head, pull.base, pull.state], [DRIFT_BRANCH, "main", "open"]);
    const [issue] = driftIssues();
    assert.ok(issue);
    assert.ok(
      issue.body.includes(
        `**To keep them:** pull request #${pull.number} (https://github.test/${gh.owner}/${gh.repo}/pull/${pull.number}) writes the live values of 1 drifted field into the manifests; review and merge it.`,
      ),
      issue.body,
    );
    assert.match(pull.body, /Live values written \(1\)/);

    const proposed = gh.repository.filesOn(DRIFT_BRANCH).get(FILE);
    assert.equal(
      proposed,
      manifest.replace("    topic: Hello\n", `    topic: ${JSON.stringify(liveTopic)}\n`),
    );
    assert.equal(
      gh.repository.filesOn("main").get(FILE),
      manifest,
      "the default branch is untouched",
    );
  });

  it("updates the same pull request on the next check", async () => {
    const run = await driftCheck();
    assert.equal(run.outcome, "success", explain(run));
    assert.equal(pulls().length, 1);
    assert.equal(pulls()[0]!.state, "open");
    assert.ok(
      gh.requests.includes(`PATCH /repos/${gh.owner}/${gh.repo}/pulls/${pulls()[0]!.number}`),
      "the pull request was updated in place",
    );
    assert.equal(
      gh.repository.filesOn(DRIFT_BRANCH).get(FILE),
      manifest.replace("    topic: Hello\n", `    topic: ${JSON.stringify(liveTopic)}\n`),
      "the branch holds one rewrite of the checked-out manifest, not two",
    );
    assert.equal(driftIssues().length, 1);
  });

  it("plans clean once the pull request's manifest is merged, and the next check closes both", async () => {
    const merged = gh.repository.filesOn(DRIFT_BRANCH).get(FILE)!;
    writeFileSync(join(workspace, FILE), merged);
    const plan = await runCli(
      ["plan", join(workspace, FILE), "--detailed-exitcode"],
      envFor(world.hs, world.bot),
    );
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    const validate = await runCli(["validate", join(workspace, FILE)], {});
    assert.equal(validate.code, 0, validate.stderr);
    assert.equal(
      readFileSync(join(workspace, FILE), "utf8").split("\n")[0],
      manifest.split("\n")[0],
    );

    const run = await driftCheck();
    assert.equal(run.outcome, "success", explain(run));
    assert.equal(run.outputs["exit-code"], "0");
    assert.equal(pulls()[0]!.state, "closed");
    assert.equal(driftIssues()[0]!.state, "closed");
    assert.ok(
      gh.comments.some(
        (c) => c.issue_number === pulls()[0]!.number && c.body.startsWith("The drift is gone"),
      ),
    );
  });
});
