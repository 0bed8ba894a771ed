/**
 * The drift pull request through the real @octokit/rest client against the local
 * GitHub stand-in: one pull request from spaceform/drift, rewritten from the
 * checked-out commit on every check, a body that stays under GitHub's limit and
 * shows live text inert, and closed when nothing of the drift can be written.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { GITHUB_BODY_LIMIT } from "../../src/github/comments.ts";
import { DRIFT_BRANCH, proposeDriftAdoption } from "../../src/github/drift-pr.ts";
import { createRepoApi, type RepoApi } from "../../src/github/repo-api.ts";
import type { Change } from "../../src/plan/model.ts";
import { startFakeGitHub, type FakeGitHub } from "../fixtures/github/fake-github.ts";
import { change, planOf } from "../fixtures/github/plans.ts";

const FILE = "spaces/de-rse.yaml";
const BASE = "c0".repeat(20);
const TEXT = readFileSync(FILE, "utf8");
const BOT = "github-actions[bot]";

let gh: FakeGitHub;
let api: RepoApi;
before(async () => {
  gh = await startFakeGitHub();
  gh.repository.commits.set(BASE, new Map([[FILE, TEXT]]));
  gh.repository.branches.set("main", BASE);
  api = await createRepoApi({
    token: "test-token-123",
    apiUrl: gh.url,
    owner: gh.owner,
    repo: gh.repo,
  });
});
after(async () => {
  await gh.close();
});

const live = (address: string, entry: string, before: Change["before"]): Change => ({
  ...change("update", address),
  entry,
  before,
});
const propose = (changes: Change[]) =>
  proposeDriftAdoption(api, {
    plan: planOf(changes),
    baseSha: BASE,
    author: BOT,
    read: () => Promise.resolve(TEXT),
    repoPath: (f) => f,
  });

describe("the drift pull request", () => {
  it("opens one, then updates it from the checked-out commit, with hostile text inert", async () => {
    const hostile = "@everyone see https://evil.example `x` <img src=x> #1";
    const first = await propose([live("rooms.jobs.topic", "rooms.jobs", hostile)]);
    assert.equal(first.action, "opened");
    const second = await propose([live("rooms.jobs.topic", "rooms.jobs", "Jobs, again")]);
    assert.equal(second.action, "updated");
    assert.equal(gh.repository.pulls.size, 1);
    const pull = [...gh.repository.pulls.values()][0]!;
    assert.equal(
      gh.repository.filesOn(DRIFT_BRANCH).get(FILE),
      TEXT.replace(
        "    topic: Job offers and job searches for research software engineers.\n",
        '    topic: "Jobs, again"\n',
      ),
      "the branch was moved back to the checked-out commit before the second rewrite",
    );
    assert.ok(
      pull.body.includes('- `de-rse:rooms.jobs.topic` in `spaces/de-rse.yaml`: `"Jobs, again"`'),
    );
    const firstBody = first.pull.body;
    assert.ok(
      firstBody.includes(
        "- `de-rse:rooms.jobs.topic` in `spaces/de-rse.yaml`: `\"@everyone see https://evil.example 'x' <img src=x> #1\"`",
      ),
      firstBody,
    );
  });

  it("keeps the body under GitHub's limit however many fields drifted", async () => {
    const many = Array.from({ length: 400 }, () =>
      live("rooms.jobs.topic", "rooms.jobs", "x".repeat(1_000)),
    );
    const r = await propose(many);
    assert.equal(r.action, "updated");
    const pull = [...gh.repository.pulls.values()][0]!;
    assert.ok(pull.body.length < GITHUB_BODY_LIMIT, `${pull.body.length} characters`);
    assert.match(pull.body, /- … and \d+ more \(the diff shows them all\)/);
  });

  it("is closed, saying why, when nothing of the drift can be written", async () => {
    const r = await propose([live("rooms.jobs.avatar", "rooms.jobs", { url: "mxc://x/y" })]);
    assert.equal(r.action, "closed");
    assert.equal([...gh.repository.pulls.values()][0]!.state, "closed");
    const again = await propose([live("rooms.jobs.avatar", "rooms.jobs", { url: "mxc://x/y" })]);
    assert.equal(again.action, "none");
  });
});
