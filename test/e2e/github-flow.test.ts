// The GitHub flow end to end: action.yml's own shell steps (run like a runner does, by
// test/fixtures/github/run-action.ts) drive the real CLI against the local Synapse and the local
// stand-in for the GitHub REST API. A pull request gets one plan comment, updated on each push;
// a merge applies only what its pull request showed and reports on it; the scheduled drift check
// keeps one issue open while the live space differs and closes it once a reviewed apply repaired it.
// No token may appear in anything the runs print, summarise or post.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { applyMarker, kindMarker, parseKindMarker, PLAN_MARKER } from "../../src/github/markers.ts";
import { readPlanRecord } from "../../src/github/plan-record.ts";
import {
  startFakeGitHub,
  type FakeComment,
  type FakeGitHub,
  type FakeIssue,
  type FakePull,
} from "../fixtures/github/fake-github.ts";
import { runAction, runnerEnv, type ActionRun } from "../fixtures/github/run-action.ts";
import { freshWorld, type World } from "../homeserver/harness.ts";

/** A fake commit id: 40 hex digits. */
const sha = (n: number): string => n.toString(16).padStart(2, "0").repeat(20);

describe("GitHub flow: plan on pull requests, apply on merge, drift issues (end to end)", () => {
  let world: World;
  let gh: FakeGitHub;
  let workspace: string;
  // A token of its own, so that finding it anywhere means this flow leaked it.
  const githubToken = `ghs_${randomBytes(18).toString("hex")}`;
  const runs: ActionRun[] = [];
  let runNumber = 0;

  interface ManifestOptions {
    announcements?: boolean;
    extra?: boolean;
    note?: string;
    /** The house rule `forbid_encryption: true`. */
    forbidEncryption?: boolean;
  }
  /** The default branch's or a pull request's spaces/flow.yaml. */
  function writeManifest(o: ManifestOptions): void {
    const room = (key: string, name: string, topic: string) =>
      [
        `  ${key}:`,
        `    alias: "#${world.aliasLocalpart(key)}"`,
        `    name: ${name}`,
        `    topic: ${topic}`,
      ].join("\n");
    const yaml = [
      ...(o.note ? [`# ${o.note}`] : []),
      "version: 1",
      "space:",
      `  alias: "#${world.aliasLocalpart("space")}"`,
      "  name: Flow space",
      "rooms:",
      room("general", "General", "Hello"),
      ...(o.announcements ? [room("announcements", "Announcements", "News and notices")] : []),
      ...(o.extra ? [room("extra", "Extra", "Landed on the default branch")] : []),
      ...(o.forbidEncryption ? ["policies:", "  forbid_encryption: true"] : []),
      "",
    ].join("\n");
    writeFileSync(join(workspace, "spaces", "flow.yaml"), yaml);
  }

  /** Runs the composite action for one event, as the workflows call it. */
  async function action(
    command: "plan" | "apply" | "drift",
    event: { name: string; sha: string; payload?: unknown },
  ): Promise<ActionRun> {
    runNumber += 1;
    const run = await runAction({
      workspace,
      inputs: {
        command,
        "github-token": githubToken,
        "matrix-homeserver": world.hs.baseUrl,
        "matrix-access-token": world.bot.accessToken,
      },
      env: runnerEnv(gh, { ...event, payload: event.payload ?? {} }, runNumber),
    });
    runs.push(run);
    return run;
  }
  const planOnPull = (pull: FakePull) =>
    action("plan", {
      name: "pull_request",
      sha: sha(0xee), // the runner's test-merge commit; the glue uses the head from the payload
      payload: { pull_request: { number: pull.number, head: { sha: pull.head_sha } } },
    });
  const applyOnPush = (mergeSha: string) => action("apply", { name: "push", sha: mergeSha });
  const driftCheck = () => action("drift", { name: "schedule", sha: sha(0xdd) });

  /** The steps that ran and how they ended, plus the log, for assertion messages. */
  const explain = (run: ActionRun): string =>
    run.steps.map((s) => `${s.outcome.padEnd(8)} ${s.name}`).join("\n") +
    `\n--- log ---\n${run.log}`;
  const stepOutcome = (run: ActionRun, name: string): string | undefined =>
    run.steps.find((s) => s.name === name)?.outcome;

  // Pull requests live in the stand-in's state; the objects are shared with its commit index,
  // so a push or a merge is a change to the object plus the new commit's entry. Pull requests and
  // issues share one number sequence, as on GitHub.
  function openPull(head: string): FakePull {
    const number = Math.max(0, ...gh.issues.keys()) + 1;
    const pull: FakePull = { number, head_sha: head, merge_commit_sha: null, merged_at: null };
    gh.addPull(pull, [head]);
    return pull;
  }
  function pushTo(pull: FakePull, head: string): void {
    pull.head_sha = head;
    gh.commitPulls.set(head, [pull]);
  }
  function merge(pull: FakePull, mergeSha: string): void {
    pull.merge_commit_sha = mergeSha;
    pull.merged_at = new Date().toISOString();
    gh.commitPulls.set(mergeSha, [pull]);
    gh.issues.get(pull.number)!.state = "closed";
  }
  const commentsOn = (issue: number, marker: string): FakeComment[] =>
    gh.comments.filter((c) => c.issue_number === issue && c.body.includes(marker));
  const driftIssues = (state: "open" | "closed"): FakeIssue[] =>
    [...gh.issues.values()].filter(
      (i) => !i.is_pull && i.labels.includes("drift") && i.state === state,
    );

  // The live space, read and changed directly over the client-server API.
  async function matrix(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${world.hs.baseUrl}/_matrix/client/v3${path}`, {
      method,
      headers: {
        authorization: `Bearer ${world.bot.accessToken}`,
        "content-type": "application/json",
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }
  async function roomIdOf(key: string): Promise<string | undefined> {
    const r = await matrix("GET", `/directory/room/${encodeURIComponent(world.alias(key))}`);
    if (r.status === 404) return undefined;
    assert.equal(r.status, 200, `resolving ${world.alias(key)}`);
    return ((await r.json()) as { room_id: string }).room_id;
  }
  async function topicOf(key: string): Promise<string> {
    const roomId = await roomIdOf(key);
    assert.ok(roomId, `${world.alias(key)} exists`);
    const r = await matrix("GET", `/rooms/${encodeURIComponent(roomId)}/state/m.room.topic/`);
    assert.equal(r.status, 200);
    return ((await r.json()) as { topic: string }).topic;
  }
  /** A change made by hand in a Matrix client, outside spaceform. */
  async function setTopicByHand(key: string, topic: string): Promise<void> {
    const roomId = await roomIdOf(key);
    assert.ok(roomId, `${world.alias(key)} exists`);
    const r = await matrix("PUT", `/rooms/${encodeURIComponent(roomId)}/state/m.room.topic/`, {
      topic,
    });
    assert.equal(r.status, 200);
  }

  let pr4: FakePull;
  let pr6: FakePull;
  let issueNumber: number;

  before(async () => {
    world = await freshWorld({ name: "github flow", diagnostic: () => undefined });
    gh = await startFakeGitHub();
    gh.tokens.set(githubToken, { login: "github-actions[bot]" });
    workspace = mkdtempSync(join(tmpdir(), "spaceform-github-flow-"));
    mkdirSync(join(workspace, "spaces"));
  });

  after(async () => {
    await gh.close();
  });

  it("posts one plan comment on a pull request and updates it in place on the next push", async () => {
    pr4 = openPull(sha(0x41));
    writeManifest({});
    const first = await planOnPull(pr4);
    assert.equal(first.outcome, "success", explain(first));
    assert.equal(first.outputs["exit-code"], "2", "the space is new: the plan has changes");
    const [comment] = commentsOn(pr4.number, PLAN_MARKER);
    assert.ok(comment, "a plan comment was posted on the pull request");
    assert.match(comment.body, new RegExp(world.aliasLocalpart("general")));
    assert.doesNotMatch(comment.body, new RegExp(world.aliasLocalpart("announcements")));

    pushTo(pr4, sha(0x42));
    writeManifest({ announcements: true });
    const second = await planOnPull(pr4);
    assert.equal(second.outcome, "success", explain(second));
    const updated = commentsOn(pr4.number, PLAN_MARKER);
    assert.equal(updated.length, 1, "still one plan comment on the pull request");
    assert.equal(updated[0]!.id, comment.id, "the same comment, updated in place");
    assert.equal(gh.comments.filter((c) => c.issue_number === pr4.number).length, 1);
    assert.ok(
      gh.requests.includes(`PATCH /repos/${gh.owner}/${gh.repo}/issues/comments/${comment.id}`),
    );
    assert.match(updated[0]!.body, new RegExp(world.aliasLocalpart("announcements")));
    const reading = readPlanRecord(updated[0]!.body, pr4.number, world.bot.accessToken);
    assert.ok(reading.ok, "the plan record is signed with the workflow's Matrix token");
    const reviewed = reading.record;
    assert.equal(reviewed.head_sha, sha(0x42), "the comment records the planned head commit");
    assert.ok(
      reviewed.keys?.some((k) => k.startsWith("+ flow:rooms.announcements")),
      `the recorded plan creates the announcements room: ${JSON.stringify(reviewed.keys)}`,
    );
    assert.match(second.summary, new RegExp(world.aliasLocalpart("announcements")));
  });

  it("applies the merged pull request's plan and reports on the pull request", async () => {
    merge(pr4, sha(0x4f));
    const run = await applyOnPush(sha(0x4f));
    assert.equal(run.outcome, "success", explain(run));
    assert.equal(stepOutcome(run, "Check the plan against the reviewed one"), "success");
    assert.equal(stepOutcome(run, "Apply"), "success");
    assert.equal(await topicOf("general"), "Hello");
    assert.equal(await topicOf("announcements"), "News and notices");
    const reports = commentsOn(pr4.number, applyMarker(sha(0x4f)));
    assert.equal(reports.length, 1, "one apply report on the merged pull request");
    assert.match(reports[0]!.body, /spaceform apply: applied/);
    assert.match(run.summary, /spaceform apply: applied/);
    assert.match(run.summary, new RegExp(`Reported on pull request #${pr4.number}`));
    assert.match(run.log, new RegExp(`matches the one reviewed on #${pr4.number}`));
  });

  it("finds no drift right after the apply and opens no issue", async () => {
    const run = await driftCheck();
    assert.equal(run.outcome, "success", explain(run));
    assert.equal(run.outputs["exit-code"], "0");
    assert.match(run.summary, /No drift/);
    assert.equal([...gh.issues.values()].filter((i) => !i.is_pull).length, 0);
  });

  it("keeps one drift issue for a change made by hand, updating it on later runs", async () => {
    await setTopicByHand("general", "changed by hand");
    const first = await driftCheck();
    assert.equal(first.outcome, "success", explain(first));
    assert.equal(first.outputs["exit-code"], "2");
    const [opened] = driftIssues("open");
    assert.ok(opened, "a drift issue was opened");
    assert.equal(driftIssues("open").length, 1);
    issueNumber = opened.number;
    assert.deepEqual(parseKindMarker(opened.body)?.keys, ["~ flow:rooms.general.topic"]);
    assert.match(opened.body, /topic: "changed by hand" -> "Hello"/);

    // The same drift again: the issue is refreshed, nobody is notified again.
    const same = await driftCheck();
    assert.equal(same.outcome, "success", explain(same));
    assert.equal(driftIssues("open").length, 1, "the same issue, not a second one");
    assert.equal(gh.comments.filter((c) => c.issue_number === issueNumber).length, 0);

    // More drift: the one issue's description shows it, with a comment saying it changed.
    await setTopicByHand("announcements", "also changed by hand");
    const more = await driftCheck();
    assert.equal(more.outcome, "success", explain(more));
    const open = driftIssues("open");
    assert.equal(open.length, 1, "still one drift issue");
    assert.equal(open[0]!.number, issueNumber);
    assert.deepEqual(parseKindMarker(open[0]!.body)?.keys, [
      "~ flow:rooms.announcements.topic",
      "~ flow:rooms.general.topic",
    ]);
    assert.match(open[0]!.body, /topic: "also changed by hand" -> "News and notices"/);
    const notes = gh.comments.filter((c) => c.issue_number === issueNumber);
    assert.equal(notes.length, 1);
    assert.match(notes[0]!.body, /drift changed/);
    assert.equal(
      [...gh.issues.values()].filter((i) => !i.is_pull).length,
      1,
      "no other issue was ever created",
    );
  });

  it("refuses to re-apply a merge whose plan now holds changes its pull request did not show", async () => {
    const run = await applyOnPush(sha(0x4f));
    assert.equal(run.outcome, "failure", explain(run));
    assert.equal(stepOutcome(run, "Check the plan against the reviewed one"), "failure");
    assert.equal(stepOutcome(run, "Apply"), "skipped");
    assert.match(run.log, /~ flow:rooms\.general\.topic/);
    assert.match(run.summary, /Apply refused/);
    assert.equal(await topicOf("general"), "changed by hand", "nothing was applied");
    const reports = commentsOn(pr4.number, applyMarker(sha(0x4f)));
    assert.equal(
      reports.length,
      1,
      "the report on the merged pull request is updated, not duplicated",
    );
    assert.match(reports[0]!.body, /refused, nothing was applied/);
  });

  it("refuses a merge that brings changes its pull request's plan did not show", async () => {
    // This pull request only touches the manifest, so its plan shows putting the two topics back; by the time
    // it is merged, another room has landed on the default branch and is in the merge commit.
    const pr5 = openPull(sha(0x51));
    writeManifest({ announcements: true, note: "Put the hand-made topics back." });
    const plan = await planOnPull(pr5);
    assert.equal(plan.outcome, "success", explain(plan));
    const reading = readPlanRecord(
      commentsOn(pr5.number, PLAN_MARKER)[0]!.body,
      pr5.number,
      world.bot.accessToken,
    );
    assert.deepEqual(reading.ok ? reading.record.keys : reading.reason, [
      "~ flow:rooms.announcements.topic",
      "~ flow:rooms.general.topic",
    ]);

    merge(pr5, sha(0x5f));
    writeManifest({ announcements: true, extra: true, note: "Put the hand-made topics back." });
    const run = await applyOnPush(sha(0x5f));
    assert.equal(run.outcome, "failure", explain(run));
    assert.equal(stepOutcome(run, "Apply"), "skipped");
    assert.match(run.log, /\+ flow:rooms\.extra/);
    assert.equal(await roomIdOf("extra"), undefined, "the extra room was not created");
    assert.equal(await topicOf("general"), "changed by hand", "nothing was applied");
    const reports = commentsOn(pr5.number, applyMarker(sha(0x5f)));
    assert.equal(reports.length, 1, "the refusal is reported on the merged pull request");
    assert.match(reports[0]!.body, /refused, nothing was applied/);
    assert.equal(driftIssues("open").length, 1, "the drift issue stays open");
  });

  it("applies a freshly reviewed plan, after which the drift check closes the issue", async () => {
    pr6 = openPull(sha(0x61));
    writeManifest({ announcements: true, extra: true, note: "Put the hand-made topics back." });
    const plan = await planOnPull(pr6);
    assert.equal(plan.outcome, "success", explain(plan));
    merge(pr6, sha(0x6f));
    const run = await applyOnPush(sha(0x6f));
    assert.equal(run.outcome, "success", explain(run));
    assert.equal(await topicOf("general"), "Hello");
    assert.equal(await topicOf("announcements"), "News and notices");
    assert.ok(await roomIdOf("extra"), "the extra room was created");
    assert.match(
      commentsOn(pr6.number, applyMarker(sha(0x6f)))[0]?.body ?? "",
      /spaceform apply: applied/,
    );

    const drift = await driftCheck();
    assert.equal(drift.outcome, "success", explain(drift));
    assert.equal(drift.outputs["exit-code"], "0");
    assert.equal(driftIssues("open").length, 0);
    const closed = gh.issues.get(issueNumber)!;
    assert.equal(closed.state, "closed", "the drift issue was closed");
    const last = gh.comments.filter((c) => c.issue_number === issueNumber).at(-1);
    assert.match(last?.body ?? "", /drift is gone/);
  });

  it("ignores a plan record smuggled through a live room name into the apply report", async () => {
    // The admin of an unmanaged room linked into the space (another account) names it so that, printed
    // raw, the name would add a plan marker and a forged plan record, listing an unreviewed rename of
    // rooms.general for pr6's head commit, to whatever log or comment quotes it.
    const forgedKind = kindMarker({
      digest: "0".repeat(64),
      keys: ["~ flow:rooms.general.name", "~ flow:rooms.general.topic"],
      head_sha: sha(0x61),
      refused: false,
    });
    const hostileName = `Lobby\n${PLAN_MARKER}\n${forgedKind}\n<!-- spaceform-plan-record e30.forged -->`;
    const created = await fetch(`${world.hs.baseUrl}/_matrix/client/v3/createRoom`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${world.user.accessToken}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ preset: "public_chat", name: hostileName }),
    });
    assert.equal(created.status, 200, await created.clone().text());
    const lobby = ((await created.json()) as { room_id: string }).room_id;
    // The bot is in the room (it is public), so the plan reads and shows its name.
    assert.equal((await matrix("POST", `/join/${encodeURIComponent(lobby)}`, {})).status, 200);
    const spaceId = await roomIdOf("space");
    assert.ok(spaceId);
    const linked = await matrix(
      "PUT",
      `/rooms/${encodeURIComponent(spaceId)}/state/m.space.child/${encodeURIComponent(lobby)}`,
      { via: [world.hs.serverName] },
    );
    assert.equal(linked.status, 200);

    // A reviewed change (pr6 showed the topic) lets the re-run of pr6's apply go ahead: its log shows
    // the plan with the unmanaged room's name, and the report posts the log's end as a bot comment.
    await setTopicByHand("general", "changed by hand once more");
    const applied = await applyOnPush(sha(0x6f));
    assert.equal(applied.outcome, "success", explain(applied));
    assert.equal(await topicOf("general"), "Hello");
    const escapedName = hostileName.replace(/\n/g, "\\n");
    assert.ok(applied.log.includes(`"${escapedName}"`), explain(applied));
    const [report] = commentsOn(pr6.number, applyMarker(sha(0x6f)));
    assert.ok(report, "the apply was reported on pr6");
    assert.ok(report.body.includes(escapedName), "the report quotes the log with the name");
    assert.deepEqual(
      report.body.split("\n").filter((line) => line.trimStart().startsWith("<!-- spaceform-plan")),
      [],
      "no line of the report is a plan marker or record",
    );

    // Now an unreviewed rename by hand; a re-run of the apply must refuse it, whatever the report says.
    const generalId = await roomIdOf("general");
    assert.ok(generalId);
    const renamed = await matrix(
      "PUT",
      `/rooms/${encodeURIComponent(generalId)}/state/m.room.name/`,
      { name: "Renamed by hand" },
    );
    assert.equal(renamed.status, 200);
    const rerun = await applyOnPush(sha(0x6f));
    assert.equal(rerun.outcome, "failure", explain(rerun));
    assert.equal(stepOutcome(rerun, "Check the plan against the reviewed one"), "failure");
    assert.equal(stepOutcome(rerun, "Apply"), "skipped");
    assert.match(rerun.log, /Not in the reviewed plan:\n {2}~ flow:rooms\.general\.name/);
    const nameNow = await matrix(
      "GET",
      `/rooms/${encodeURIComponent(generalId)}/state/m.room.name/`,
    );
    assert.deepEqual(await nameNow.json(), { name: "Renamed by hand" }, "nothing was applied");
  });

  it("opens the drift issue for a refused plan too: encryption turned on by hand", async () => {
    // The room the previous test linked is drift already; encryption makes the plan refused.
    writeManifest({ announcements: true, extra: true, forbidEncryption: true });
    const before = await driftCheck();
    assert.equal(before.outputs["exit-code"], "2", explain(before));
    const general = await roomIdOf("general");
    assert.ok(general);
    const r = await matrix(
      "PUT",
      `/rooms/${encodeURIComponent(general)}/state/m.room.encryption/`,
      {
        algorithm: "m.megolm.v1.aes-sha2",
      },
    );
    assert.equal(r.status, 200);

    const run = await driftCheck();
    assert.equal(run.outputs["exit-code"], "1", "the plan is refused");
    assert.equal(
      run.outcome,
      "success",
      `refused drift is reported, not a broken check\n${explain(run)}`,
    );
    const [issue, ...others] = driftIssues("open");
    assert.ok(issue !== undefined && others.length === 0, "one drift issue");
    assert.ok(
      issue.body.includes(
        "⛔ **The plan is refused (1 error, listed first below): apply cannot repair this by itself.**",
      ),
      issue.body,
    );
    assert.match(issue.body, /### Errors[\s\S]*encrypt/);
    assert.ok(
      issue.body.indexOf("### Errors") < issue.body.indexOf("rooms.general"),
      "the reasons come first",
    );
  });

  it("shows no token in any log, summary, comment or issue", () => {
    assert.ok(runs.length >= 12, "every run above is checked");
    assert.ok(
      gh.authHeaders.some((h) => h.includes(githubToken)),
      "the GitHub token was used, so its absence below means something",
    );
    const printed = runs.flatMap((r) => [r.log, r.summary, ...r.steps.map((s) => s.output)]);
    const posted = [
      ...gh.comments.map((c) => c.body),
      ...[...gh.issues.values()].flatMap((i) => [i.title, i.body]),
    ];
    const everything = [...printed, ...posted].join("\n");
    assert.ok(everything.length > 10_000, "the runs printed and posted their output");
    for (const [what, token] of [
      ["the Matrix access token", world.bot.accessToken],
      ["the GitHub token", githubToken],
    ] as const) {
      assert.equal(everything.includes(token), false, `${what} appeared in the output`);
    }
  });
});
