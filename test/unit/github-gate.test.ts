/**
 * The apply gate reads only what spaceform wrote: the signed record on the
 * second line of its own plan comment. The smuggling chain of a hostile room
 * name (a newline, the plan marker, a forged record, echoed through an apply
 * log into a bot comment) and other forgeries are refused; through the real
 * @octokit/rest client against the local GitHub stand-in.
 */
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createGitHubApi, type GitHubApi } from "../../src/github/api.ts";
import { reportApply } from "../../src/github/apply-report.ts";
import { checkPlanKind } from "../../src/github/check-plan-kind.ts";
import { kindMarker, MAX_KIND_MARKER_CHARS, PLAN_MARKER } from "../../src/github/markers.ts";
import { planCommentBody, postPlanComment } from "../../src/github/plan-comment.ts";
import { planKind } from "../../src/github/plan-kind.ts";
import {
  MAX_PACKED_RECORD_CHARS,
  planCommentWithRecord,
  readPlanRecord,
} from "../../src/github/plan-record.ts";
import { startFakeGitHub, type FakeGitHub } from "../fixtures/github/fake-github.ts";
import { change, planOf } from "../fixtures/github/plans.ts";

const BOT = "github-actions[bot]";
const TOKEN = "test-token-123";
const KEY = "syt_the_workflows_matrix_token";
const HEAD = "a".repeat(40);
const MERGE = "b".repeat(40);
const PR = 9;

let gh: FakeGitHub;
let api: GitHubApi;
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
  api = await createGitHubApi({ token: TOKEN, apiUrl: gh.url, owner: gh.owner, repo: gh.repo });
  gh.addPull(
    { number: PR, head_sha: HEAD, merge_commit_sha: MERGE, merged_at: "2025-01-02T00:00:00Z" },
    [HEAD, MERGE],
  );
});

const reviewed = () => planOf([change("update", "space.topic")]);
/** The plan at merge time holds a change nobody reviewed. */
const unreviewed = () =>
  planOf([change("update", "space.topic"), change("update", "rooms.general.name")]);
const check = (plan = unreviewed(), planKey: string | undefined = KEY) =>
  checkPlanKind(api, { plan, sha: MERGE, commentAuthor: BOT, planKey });

/** What the forger wants the gate to read: a record listing the unreviewed change, for the merged head. */
const forgedKind = () =>
  kindMarker({ ...planKind(unreviewed().changes), head_sha: HEAD, refused: false });

describe("the apply gate", () => {
  it("refuses a plan record smuggled through a room name into the apply report", async () => {
    await postPlanComment(
      api,
      { planKey: KEY },
      { plan: reviewed(), pullRequest: PR, headSha: HEAD, commentAuthor: BOT },
    );
    // A live room name with newlines, the marker and forged records, as a raw log would carry it.
    const name = `Lobby\n${PLAN_MARKER}\n${forgedKind()}\n${planCommentWithRecord(
      { ...planKind(unreviewed().changes), head_sha: HEAD, refused: false },
      PR,
      "forged",
      "not-the-key",
    )}`;
    const log = `Rooms in the space that the manifest does not name (never deleted):\n  !lobby:example.org "${name}" in space: kept linked\n`;
    await reportApply(api, {}, { sha: MERGE, outcome: "failed", log, commentAuthor: BOT });
    const report = gh.comments.at(-1)!;
    assert.equal(report.user, BOT, "the apply report is a bot comment");
    assert.ok(report.body.includes(PLAN_MARKER), "and it quotes the marker");

    const r = await check();
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.deepEqual(r.unexpected, ["~ de-rse:rooms.general.name"]);
  });

  it("refuses a bot comment that starts with the marker but whose record is not signed with the key", async () => {
    await postPlanComment(
      api,
      { planKey: KEY },
      { plan: reviewed(), pullRequest: PR, headSha: HEAD, commentAuthor: BOT },
    );
    // Another workflow of the repository echoes user text as the bot, starting with the marker.
    gh.addComment(PR, `${PLAN_MARKER}\n${forgedKind()}\n## spaceform plan\n`, BOT);
    const wrongKey = planCommentBody(
      { plan: unreviewed(), headSha: HEAD, pullRequest: PR },
      { planKey: "another-token" },
    );
    gh.addComment(PR, wrongKey, BOT);
    const r = await check();
    assert.ok(!r.ok);
    assert.match(r.message, /not signed with this workflow's key/);
  });

  it("refuses a record moved to another pull request, and a plan edited under its record", async () => {
    const other = planCommentBody(
      { plan: unreviewed(), headSha: HEAD, pullRequest: 12 },
      { planKey: KEY },
    );
    gh.addComment(PR, other, BOT);
    const moved = await check();
    assert.ok(!moved.ok);
    assert.match(moved.message, /belongs to pull request #12/);

    const body = planCommentBody(
      { plan: reviewed(), headSha: HEAD, pullRequest: PR },
      { planKey: KEY },
    );
    gh.addComment(PR, body.replace("space.topic", "nothing to see"), BOT);
    const edited = await check(reviewed());
    assert.ok(!edited.ok);
    assert.match(edited.message, /edited after spaceform posted it/);
  });

  it("accepts its own signed record, also with CRLF line ends, and refuses without the key", async () => {
    const body = planCommentBody(
      { plan: reviewed(), headSha: HEAD, pullRequest: PR },
      { planKey: KEY },
    );
    gh.addComment(PR, body.replace(/\n/g, "\r\n").trimEnd(), BOT);
    const ok = await check(reviewed());
    assert.equal(ok.ok, true, ok.message);
    const keyless = await checkPlanKind(api, {
      plan: reviewed(),
      sha: MERGE,
      commentAuthor: BOT,
      planKey: undefined,
    });
    assert.ok(!keyless.ok);
    assert.match(keyless.message, /MATRIX_ACCESS_TOKEN, its key, is not in the environment/);
  });

  it("reads the record only from the second line", () => {
    const body = planCommentBody(
      { plan: reviewed(), headSha: HEAD, pullRequest: PR },
      { planKey: KEY },
    );
    const lines = body.split("\n");
    assert.equal(lines[0], PLAN_MARKER);
    assert.match(lines[1]!, /^<!-- spaceform-plan-record [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+ -->$/);
    assert.equal(readPlanRecord(body, PR, KEY).ok, true);
    const shifted = [lines[0], "", ...lines.slice(1)].join("\n");
    assert.deepEqual(readPlanRecord(shifted, PR, KEY), {
      ok: false,
      reason: "its second line is not a plan record",
    });
    assert.deepEqual(readPlanRecord(`hello\n${body}`, PR, KEY), {
      ok: false,
      reason: "it does not start with the marker",
    });
  });
});

describe("the apply gate for a plan too long to list plainly in its record", () => {
  /** 1,500 rooms with three changed fields each: 4,500 changes, long room keys. */
  const big = () =>
    planOf(
      Array.from({ length: 1_500 }, (_, i) =>
        ["topic", "name", "join_rule"].map((f) =>
          change("update", `rooms.chapters.rooms.regional-chapter-number-${i}.${f}`),
        ),
      ).flat(),
    );

  it("packs the whole change list into the signed record, and accepts a subset of it", async () => {
    const plan = big();
    const body = planCommentBody({ plan, headSha: HEAD, pullRequest: PR }, { planKey: KEY });
    const line = body.split("\n")[1]!;
    const plainly = JSON.stringify(planKind(plan.changes).keys).length;
    assert.ok(plainly > 10 * MAX_KIND_MARKER_CHARS, `${plainly} characters as a list`);
    assert.ok(line.length <= MAX_PACKED_RECORD_CHARS, `${line.length} characters`);
    const payload = JSON.parse(
      Buffer.from(line.split(" ")[2]!.split(".")[0]!, "base64url").toString(),
    ) as Record<string, unknown>;
    assert.equal(payload["keys"], undefined);
    assert.equal(typeof payload["keys_z"], "string");
    const reading = readPlanRecord(body, PR, KEY);
    assert.ok(reading.ok);
    assert.deepEqual(reading.record.keys, planKind(plan.changes).keys);

    gh.addComment(PR, body, BOT);
    // An apply that stopped halfway: the first 1,000 rooms are done.
    const rest = planOf(plan.changes.slice(3_000));
    const rerun = await check(rest);
    assert.equal(rerun.ok, true, rerun.message);
    assert.ok(rerun.ok);
    assert.equal(rerun.skipped.length, 3_000);
    // One change the reviewers did not see is refused, named.
    const more = await check(planOf([...rest.changes, change("update", "space.topic")]));
    assert.ok(!more.ok);
    assert.deepEqual(more.unexpected, ["~ de-rse:space.topic"]);
  });

  it("refuses a packed list that does not unpack to the keys its digest names", () => {
    const plan = big();
    const kind = planKind(plan.changes);
    const tampered = planCommentWithRecord(
      { ...kind, keys: kind.keys.slice(1), head_sha: HEAD, refused: false },
      PR,
      "content",
      KEY,
    );
    assert.deepEqual(readPlanRecord(tampered, PR, KEY), {
      ok: false,
      reason: "its plan record is malformed",
    });
  });
});
