/**
 * The GitHub glue against a local stand-in for the GitHub REST API
 * (test/fixtures/github/fake-github.ts), through the real @octokit/rest client.
 */
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGitHubApi, type GitHubApi } from "../../src/github/api.ts";
import { reportApply } from "../../src/github/apply-report.ts";
import { checkPlanKind } from "../../src/github/check-plan-kind.ts";
import { reportDrift } from "../../src/github/drift.ts";
import { DRIFT_MARKER, PLAN_MARKER } from "../../src/github/markers.ts";
import { postPlanComment } from "../../src/github/plan-comment.ts";
import { UserError } from "../../src/diagnostics.ts";
import { startFakeGitHub, type FakeGitHub } from "../fixtures/github/fake-github.ts";
import { change, planOf } from "../fixtures/github/plans.ts";

const BOT = "github-actions[bot]";
const TOKEN = "test-token-123";
const HEAD = "a".repeat(40);
const MERGE = "b".repeat(40);

let gh: FakeGitHub;
let api: GitHubApi;
let summaryFile: string;
/** The workflow's MATRIX_ACCESS_TOKEN: the key the plan record is signed with. */
const PLAN_KEY = "syt_matrix_token_of_the_workflow";
const ctx = (): { runUrl: string; stepSummary: string; planKey: string } => ({
  runUrl: "https://github.test/community/spaces/actions/runs/7",
  stepSummary: summaryFile,
  planKey: PLAN_KEY,
});

before(async () => {
  gh = await startFakeGitHub();
});
after(async () => {
  await gh.close();
});
beforeEach(async () => {
  gh.issues.clear();
  gh.comments.length = 0;
  gh.commitPulls.clear();
  gh.requests.length = 0;
  summaryFile = join(mkdtempSync(join(tmpdir(), "spaceform-gh-")), "summary.md");
  writeFileSync(summaryFile, "");
  api = await createGitHubApi({ token: TOKEN, apiUrl: gh.url, owner: gh.owner, repo: gh.repo });
});

const twoChanges = () =>
  planOf([change("create", "rooms.general"), change("update", "space.topic")]);
const botComments = (issue: number) =>
  gh.comments.filter((c) => c.issue_number === issue && c.user === BOT);

describe("plan-comment", () => {
  it("posts one comment, and a later push updates it in place", async () => {
    gh.addPull({ number: 4, head_sha: HEAD, merge_commit_sha: null, merged_at: null }, [HEAD]);
    const first = await postPlanComment(api, ctx(), {
      plan: twoChanges(),
      pullRequest: 4,
      headSha: HEAD,
      commentAuthor: BOT,
    });
    assert.equal(first.created, true);
    const second = await postPlanComment(api, ctx(), {
      plan: planOf([change("delete", "rooms.old")]),
      pullRequest: 4,
      headSha: "c".repeat(40),
      commentAuthor: BOT,
    });
    assert.equal(second.created, false);
    assert.equal(second.comment.id, first.comment.id);
    const mine = botComments(4);
    assert.equal(mine.length, 1);
    assert.ok(mine[0]!.body.startsWith(PLAN_MARKER));
    assert.match(mine[0]!.body, /rooms\.old/);
    assert.doesNotMatch(mine[0]!.body, /rooms\.general/);
    assert.ok(mine[0]!.body.length < 65_536);
    const summary = readFileSync(summaryFile, "utf8");
    assert.match(summary, /rooms\.general/); // the first run's summary
    assert.match(summary, /rooms\.old/);
    assert.ok(
      !gh.authHeaders.some((h) => h !== "" && !h.endsWith(TOKEN)),
      "every request carries the token",
    );
  });

  it("shows the space tree with the changed rooms highlighted", async () => {
    gh.addPull({ number: 3, head_sha: HEAD, merge_commit_sha: null, merged_at: null }, [HEAD]);
    await postPlanComment(api, ctx(), {
      plan: twoChanges(),
      pullRequest: 3,
      headSha: HEAD,
      commentAuthor: BOT,
    });
    const body = botComments(3)[0]!.body;
    assert.match(body, /```mermaid\ngraph TD/);
    assert.match(body, /class \S+ create/);
  });

  it("keeps a very large plan under GitHub's limit, and the check still works on its digest", async () => {
    const many = (n: number) =>
      planOf(Array.from({ length: n }, (_, i) => change("create", `rooms.room-${i}`)));
    gh.addPull(
      { number: 2, head_sha: HEAD, merge_commit_sha: MERGE, merged_at: "2025-01-02T00:00:00Z" },
      [MERGE],
    );
    await postPlanComment(api, ctx(), {
      plan: many(3000),
      pullRequest: 2,
      headSha: HEAD,
      commentAuthor: BOT,
    });
    const body = botComments(2)[0]!.body;
    assert.ok(body.length <= 65_536, `${body.length} characters`);
    assert.equal(
      (
        await checkPlanKind(api, {
          plan: many(3000),
          sha: MERGE,
          commentAuthor: BOT,
          planKey: PLAN_KEY,
        })
      ).ok,
      true,
    );
    assert.equal(
      (
        await checkPlanKind(api, {
          plan: many(3001),
          sha: MERGE,
          commentAuthor: BOT,
          planKey: PLAN_KEY,
        })
      ).ok,
      false,
    );
  });

  it("does not take over a comment someone else wrote with the marker in it", async () => {
    gh.addPull({ number: 5, head_sha: HEAD, merge_commit_sha: null, merged_at: null }, [HEAD]);
    const spoof = gh.addComment(5, `${PLAN_MARKER}\nlooks like a plan`, "mallory");
    await postPlanComment(api, ctx(), {
      plan: twoChanges(),
      pullRequest: 5,
      headSha: HEAD,
      commentAuthor: BOT,
    });
    assert.equal(spoof.body, `${PLAN_MARKER}\nlooks like a plan`);
    assert.equal(botComments(5).length, 1);
  });

  it("finds its comment beyond the first page of comments", async () => {
    gh.addPull({ number: 6, head_sha: HEAD, merge_commit_sha: null, merged_at: null }, [HEAD]);
    await postPlanComment(api, ctx(), {
      plan: twoChanges(),
      pullRequest: 6,
      headSha: HEAD,
      commentAuthor: BOT,
    });
    for (let i = 0; i < 150; i++) gh.addComment(6, `review remark ${i}`, "reviewer");
    const again = await postPlanComment(api, ctx(), {
      plan: twoChanges(),
      pullRequest: 6,
      headSha: HEAD,
      commentAuthor: BOT,
    });
    assert.equal(again.created, false);
    assert.equal(botComments(6).length, 1);
    assert.ok(
      gh.requests.some((r) => r.includes("page=2")),
      "the listing followed the Link header",
    );
  });

  it("explains a read-only token (a fork's pull request) without showing the token", async () => {
    gh.tokens.set("read-only-token-xyz", { login: BOT, readOnly: true });
    const ro = await createGitHubApi({
      token: "read-only-token-xyz",
      apiUrl: gh.url,
      owner: gh.owner,
      repo: gh.repo,
    });
    gh.addPull({ number: 7, head_sha: HEAD, merge_commit_sha: null, merged_at: null }, [HEAD]);
    await assert.rejects(
      postPlanComment(ro, ctx(), {
        plan: twoChanges(),
        pullRequest: 7,
        headSha: HEAD,
        commentAuthor: BOT,
      }),
      (err: unknown) => {
        assert.ok(err instanceof UserError);
        assert.match(err.message, /HTTP 403/);
        assert.match(err.message, /pull-requests: write/);
        assert.doesNotMatch(err.message, /read-only-token-xyz/);
        return true;
      },
    );
  });
});

describe("check-plan-kind", () => {
  const reviewAndMerge = async (plan = twoChanges(), headSha = HEAD) => {
    gh.addPull(
      { number: 9, head_sha: HEAD, merge_commit_sha: MERGE, merged_at: "2025-01-02T00:00:00Z" },
      [HEAD, MERGE],
    );
    await postPlanComment(api, ctx(), { plan, pullRequest: 9, headSha, commentAuthor: BOT });
  };

  it("accepts the plan the merged pull request showed", async () => {
    await reviewAndMerge();
    const r = await checkPlanKind(api, {
      plan: twoChanges(),
      sha: MERGE,
      commentAuthor: BOT,
      planKey: PLAN_KEY,
    });
    assert.equal(r.ok, true);
    assert.equal(r.pullRequest, 9);
  });

  it("refuses a plan with a change the pull request did not show", async () => {
    await reviewAndMerge();
    const merged = planOf([
      change("create", "rooms.general"),
      change("update", "space.topic"),
      change("delete", "space.children.lounge"),
    ]);
    const r = await checkPlanKind(api, {
      plan: merged,
      sha: MERGE,
      commentAuthor: BOT,
      planKey: PLAN_KEY,
    });
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.deepEqual(r.unexpected, ["- de-rse:space.children.lounge"]);
    assert.match(r.message, /fresh plan/);
  });

  it("accepts what is left of the reviewed plan after an interrupted apply", async () => {
    await reviewAndMerge();
    const r = await checkPlanKind(api, {
      plan: planOf([change("update", "space.topic")]),
      sha: MERGE,
      commentAuthor: BOT,
      planKey: PLAN_KEY,
    });
    assert.ok(r.ok);
    assert.deepEqual(r.skipped, ["+ de-rse:rooms.general"]);
  });

  it("refuses when the last plan was made for an older commit of the pull request", async () => {
    await reviewAndMerge(twoChanges(), "d".repeat(40));
    const r = await checkPlanKind(api, {
      plan: twoChanges(),
      sha: MERGE,
      commentAuthor: BOT,
      planKey: PLAN_KEY,
    });
    assert.ok(!r.ok);
    assert.match(r.message, /made for commit dddddddddddd.*never planned/);
  });

  it("refuses when the reviewed plan was refused", async () => {
    await reviewAndMerge(
      planOf([change("create", "rooms.general"), change("update", "space.topic")], {
        refused: true,
      }),
    );
    const r = await checkPlanKind(api, {
      plan: twoChanges(),
      sha: MERGE,
      commentAuthor: BOT,
      planKey: PLAN_KEY,
    });
    assert.ok(!r.ok);
    assert.match(r.message, /was refused/);
  });

  it("refuses a plan comment forged by someone else", async () => {
    gh.addPull(
      { number: 9, head_sha: HEAD, merge_commit_sha: MERGE, merged_at: "2025-01-02T00:00:00Z" },
      [MERGE],
    );
    const { planCommentBody } = await import("../../src/github/plan-comment.ts");
    gh.addComment(
      9,
      planCommentBody({ plan: twoChanges(), headSha: HEAD, pullRequest: 9 }, { planKey: PLAN_KEY }),
      "mallory",
    );
    const r = await checkPlanKind(api, {
      plan: twoChanges(),
      sha: MERGE,
      commentAuthor: BOT,
      planKey: PLAN_KEY,
    });
    assert.ok(!r.ok);
    assert.match(r.message, /no spaceform plan comment by github-actions\[bot\]/);
  });

  it("refuses a commit that did not come from a pull request, unless there is nothing to do", async () => {
    const r = await checkPlanKind(api, {
      plan: twoChanges(),
      sha: MERGE,
      commentAuthor: BOT,
      planKey: PLAN_KEY,
    });
    assert.ok(!r.ok);
    assert.match(r.message, /did not come from a merged pull request/);
    gh.requests.length = 0;
    const empty = await checkPlanKind(api, {
      plan: planOf([]),
      sha: MERGE,
      commentAuthor: BOT,
      planKey: PLAN_KEY,
    });
    assert.equal(empty.ok, true);
    assert.deepEqual(gh.requests, []);
  });
});

describe("apply-report", () => {
  it("lands on the merged pull request, once per merge commit, and in the job summary", async () => {
    // A merged pull request that merely contains the commit (listed first) must not get the report.
    gh.addPull(
      {
        number: 12,
        head_sha: "e".repeat(40),
        merge_commit_sha: "f".repeat(40),
        merged_at: "2025-01-01T00:00:00Z",
      },
      [MERGE],
    );
    gh.addPull(
      { number: 11, head_sha: HEAD, merge_commit_sha: MERGE, merged_at: "2025-01-02T00:00:00Z" },
      [HEAD, MERGE],
    );
    const failed = await reportApply(api, ctx(), {
      sha: MERGE,
      outcome: "failed",
      plan: twoChanges(),
      log: "[1/2] + rooms.general … done\n[2/2] ~ space.topic … failed: M_FORBIDDEN",
      commentAuthor: BOT,
    });
    assert.equal(failed.pullRequest, 11);
    const rerun = await reportApply(api, ctx(), {
      sha: MERGE,
      outcome: "applied",
      plan: twoChanges(),
      commentAuthor: BOT,
    });
    assert.equal(rerun.comment?.id, failed.comment?.id);
    assert.equal(botComments(11).length, 1);
    assert.equal(botComments(12).length, 0);
    assert.match(botComments(11)[0]!.body, /applied/);
    const summary = readFileSync(summaryFile, "utf8");
    assert.match(summary, /failed: M_FORBIDDEN/);
    assert.match(summary, /Reported on pull request #11/);
  });

  it("reports a plan refused at merge as refused, not as a failure a re-run would repair", async () => {
    const plan = planOf([change("update", "rooms.general.encrypted")], { refused: true });
    await reportApply(api, ctx(), {
      sha: MERGE,
      outcome: "failed",
      plan,
      log: "error: encryption.irreversible",
      commentAuthor: BOT,
    });
    const summary = readFileSync(summaryFile, "utf8");
    assert.ok(summary.includes("### ⛔ spaceform apply: refused, nothing was applied\n"), summary);
    assert.ok(
      summary.includes(
        "The plan made at merge is refused (its errors are listed in the plan below), so apply did not start. Re-running the workflow is refused the same way: fix the errors in the manifests (a new pull request) or in the live space first.",
      ),
    );
    assert.doesNotMatch(summary, /failed|converges/);
    // A failure with a plan that is not refused is still a failure.
    writeFileSync(summaryFile, "");
    await reportApply(api, ctx(), {
      sha: MERGE,
      outcome: "failed",
      plan: planOf([change("update", "rooms.general.topic")]),
      commentAuthor: BOT,
    });
    assert.match(readFileSync(summaryFile, "utf8"), /❌ spaceform apply: failed[\s\S]*converges/);
  });

  it("writes only the job summary for a commit without a pull request", async () => {
    const r = await reportApply(api, ctx(), {
      sha: MERGE,
      outcome: "refused",
      log: "Apply refused. …",
      commentAuthor: BOT,
    });
    assert.equal(r.pullRequest, undefined);
    assert.equal(gh.comments.length, 0);
    assert.match(
      readFileSync(summaryFile, "utf8"),
      /refused, nothing was applied[\s\S]*No merged pull request/,
    );
  });
});

describe("drift", () => {
  const openDriftIssues = () =>
    [...gh.issues.values()].filter(
      (i) => !i.is_pull && i.state === "open" && i.labels.includes("drift"),
    );
  const drift = (exitCode: number, plan?: ReturnType<typeof planOf>) =>
    reportDrift(api, ctx(), { exitCode, label: "drift", author: BOT, ...(plan ? { plan } : {}) });

  it("opens one issue, updates it quietly for the same drift, comments when the drift changes, and closes it when resolved", async () => {
    const opened = await drift(2, planOf([change("update", "rooms.general.topic")]));
    assert.equal(opened.action, "opened");
    assert.equal(openDriftIssues().length, 1);
    const issue = openDriftIssues()[0]!;
    assert.ok(issue.body.startsWith(DRIFT_MARKER));
    assert.match(issue.body, /rooms\.general[\s\S]*topic/);

    const same = await drift(2, planOf([change("update", "rooms.general.topic")]));
    assert.equal(same.action, "unchanged");
    assert.equal(gh.comments.length, 0);

    const changed = await drift(
      2,
      planOf([change("update", "rooms.general.topic"), change("delete", "space.children.x")]),
    );
    assert.equal(changed.action, "updated");
    assert.equal(openDriftIssues().length, 1);
    assert.match(openDriftIssues()[0]!.body, /space\.children/);
    assert.equal(gh.comments.length, 1);
    assert.match(gh.comments[0]!.body, /drift changed/);

    const resolved = await drift(0);
    assert.equal(resolved.action, "closed");
    assert.equal(openDriftIssues().length, 0);
    assert.equal(gh.issues.get(issue.number)!.state, "closed");
    assert.match(gh.comments.at(-1)!.body, /drift is gone/);

    assert.equal((await drift(0)).action, "none");
    const reopened = await drift(2, planOf([change("update", "space.name")]));
    assert.equal(reopened.action, "opened");
    assert.notEqual(openDriftIssues()[0]!.number, issue.number);
  });

  it("names the check by the event that ran it", async () => {
    const sentence = (eventName?: string) =>
      reportDrift(
        api,
        { ...ctx(), ...(eventName !== undefined ? { eventName } : {}) },
        {
          exitCode: 2,
          label: "drift",
          author: BOT,
          plan: planOf([change("update", "space.name")]),
          now: new Date(0),
        },
      ).then((r) => {
        const body = "issue" in r ? r.issue.body : "";
        return body.split("\n").find((l) => l.includes(" on 1970-01-01T00:00:00.000Z "));
      });
    const run = "([workflow run](https://github.test/community/spaces/actions/runs/7))";
    const rest = `on 1970-01-01T00:00:00.000Z ${run} found that the live space`;
    assert.ok((await sentence("schedule"))?.startsWith(`The scheduled check ${rest}`));
    assert.ok((await sentence("workflow_dispatch"))?.startsWith(`The check run by hand ${rest}`));
    assert.ok((await sentence())?.startsWith(`The drift check ${rest}`));
  });

  it("ignores other issues labelled drift", async () => {
    gh.issues.set(90, {
      number: 90,
      title: "Drift in my thinking",
      body: "",
      state: "open",
      labels: ["drift"],
      user: "someone",
      is_pull: false,
    });
    const r = await drift(2, planOf([change("update", "space.name")]));
    assert.equal(r.action, "opened");
    assert.equal(gh.issues.get(90)!.body, "");
    assert.equal((await drift(0)).action, "closed");
    assert.equal(gh.issues.get(90)!.state, "open");
  });

  it("on an error leaves the issue alone and fails", async () => {
    await drift(2, planOf([change("update", "space.name")]));
    gh.requests.length = 0;
    const r = await drift(1);
    assert.equal(r.action, "error");
    assert.deepEqual(gh.requests, []);
    assert.equal(openDriftIssues().length, 1);
    assert.match(readFileSync(summaryFile, "utf8"), /Drift check failed/);
  });

  it("opens the issue for a refused plan too, reasons first, saying apply cannot repair it", async () => {
    const refused = planOf([change("update", "rooms.general.encrypted")], { refused: true });
    const r = await drift(1, refused);
    assert.equal(r.action, "opened");
    const [issue, ...others] = openDriftIssues();
    assert.ok(issue !== undefined && others.length === 0, "one drift issue");
    const lines = issue.body.split("\n");
    assert.equal(lines[0], DRIFT_MARKER);
    assert.equal(
      lines[2],
      "⛔ **The plan is refused (1 error, listed first below): apply cannot repair this by itself.** Someone changed the live space in a way spaceform will not undo or cannot undo (for example encryption turned on, the managing account demoted, the last moderator removed). A room admin has to fix the live space, or the manifests have to be changed to accept it; until then every apply is refused.",
    );
    const reason = issue.body.indexOf("Encryption cannot be turned off.");
    assert.ok(reason > 0, "the refusal reason is in the issue");
    assert.ok(reason < issue.body.indexOf("rooms.general"), "the reasons come before the changes");

    // Refused, then the same changes but no longer refused: the drift changed.
    const unrefused = await drift(2, planOf([change("update", "rooms.general.encrypted")]));
    assert.equal(unrefused.action, "updated");
    assert.equal(openDriftIssues()[0]?.number, issue.number);
    assert.ok(!openDriftIssues()[0]?.body.includes("⛔"));
    // An exit code 1 without a refused plan stays an error.
    assert.equal((await drift(1)).action, "error");
  });
});
