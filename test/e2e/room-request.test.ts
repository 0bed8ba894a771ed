// The room request flow end to end: a member of server B (fed2) creates a room, invites the
// managing account of server A (fed1) and opens the request form; action.yml's own steps (run
// like a runner does) drive `spaceform github request` against both homeservers and the local
// GitHub stand-in. One comment per request lists every house rule as a checkbox and is updated
// in place on /recheck; once every rule holds a pull request adds the entry (comments of the
// manifest kept) and its plan is clean; a failing recheck closes it again and a passing one
// reopens it; a branch a maintainer pushed to is left alone; closing a request unmerged, or a
// maintainer closing its pull request (a rejection only a maintainer's /recheck undoes), leaves
// the room. Issue bodies and room names are hostile input.
import assert from "node:assert/strict";
import { mdCode } from "../../src/text/markdown.ts";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PLAN_MARKER } from "../../src/github/markers.ts";
import {
  readRecord,
  REQUEST_MARKER,
  withdrawnPullComment,
} from "../../src/github/request-comment.ts";
import { startFakeGitHub, type FakeGitHub } from "../fixtures/github/fake-github.ts";
import { runAction, type ActionRun } from "../fixtures/github/run-action.ts";
import { envFor, runCli, sdkClient } from "./apply.support.ts";
import { eventually, federatedWorld, type FederatedWorld } from "./federation.support.ts";

const MAIN_SHA = "a".repeat(40);

describe("room requests on GitHub (federation, end to end)", () => {
  let fw: FederatedWorld;
  let gh: FakeGitHub;
  let workspace: string;
  let bot: string;
  let manifestText: string;
  const githubToken = `ghs_${randomBytes(18).toString("hex")}`;
  const runs: ActionRun[] = [];
  let runNumber = 0;

  async function action(
    inputs: Record<string, string>,
    event: { name: string; payload: unknown },
    cwd = workspace,
  ): Promise<ActionRun> {
    runNumber += 1;
    const eventPath = join(cwd, `event-${runNumber}.json`);
    writeFileSync(eventPath, JSON.stringify(event.payload));
    const run = await runAction({
      workspace: cwd,
      inputs: {
        "github-token": githubToken,
        "matrix-homeserver": fw.world.hs.baseUrl,
        "matrix-access-token": fw.world.bot.accessToken,
        ...inputs,
      },
      env: {
        GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
        GITHUB_API_URL: gh.url,
        GITHUB_SERVER_URL: "https://github.test",
        GITHUB_EVENT_NAME: event.name,
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_SHA: MAIN_SHA,
        GITHUB_RUN_ID: String(runNumber),
      },
    });
    runs.push(run);
    return run;
  }
  const explain = (run: ActionRun): string =>
    run.steps.map((s) => `${s.outcome.padEnd(8)} ${s.name}`).join("\n") +
    `\n--- log ---\n${run.log}`;

  const repository = { default_branch: "main", full_name: "community/spaces" };
  const form = (f: { room: string; key: string; position: string; chapter?: string }): string =>
    [
      "### Room id or alias",
      "",
      f.room,
      "",
      "### Key",
      "",
      f.key,
      "",
      "### Position",
      "",
      f.position,
      "",
      "### Chapter",
      "",
      f.chapter ?? "_No response_",
    ].join("\n");
  function openRequest(body: string): number {
    const number = Math.max(0, ...gh.issues.keys()) + 1;
    gh.issues.set(number, {
      number,
      title: "Add my room to the space",
      body,
      state: "open",
      labels: ["room-request"],
      user: "member",
      is_pull: false,
    });
    return number;
  }
  const issuePayload = (number: number, action: string) => {
    const issue = gh.issues.get(number)!;
    return {
      action,
      issue: {
        number,
        body: issue.body,
        state: issue.state,
        labels: issue.labels.map((name) => ({ name })),
        user: { login: issue.user },
      },
      repository,
    };
  };
  /** `/recheck` from the request's author, unless `from` names someone else (association NONE unless given). */
  const request = (number: number, action: string, from?: string, association = "NONE") =>
    action === "recheck"
      ? actionRun({
          name: "issue_comment",
          payload: {
            ...issuePayload(number, "created"),
            comment: {
              body: " /recheck\n",
              user: { login: from ?? gh.issues.get(number)!.user },
              author_association: association,
            },
          },
        })
      : actionRun({ name: "issues", payload: issuePayload(number, action) });
  /** The event of the request's pull request closed unmerged (by a maintainer, or by the flow). */
  const pullClosed = (number: number, issueNumber: number) =>
    actionRun({
      name: "pull_request",
      payload: {
        action: "closed",
        pull_request: {
          number,
          merged: false,
          head: {
            ref: `spaceform/room-request-${issueNumber}`,
            repo: { full_name: "community/spaces" },
          },
        },
        repository,
      },
    });
  /** The rooms the managing account is in (`/joined_rooms`, which no sync cache answers). */
  const joinedRooms = async (): Promise<string[]> => {
    const r = await fetch(`${fw.world.hs.baseUrl}/_matrix/client/v3/joined_rooms`, {
      headers: { authorization: `Bearer ${fw.world.bot.accessToken}` },
    });
    return ((await r.json()) as { joined_rooms: string[] }).joined_rooms;
  };
  /** Sets or removes (url undefined) the room's avatar on B and waits until A sees it. */
  async function setAvatar(room: string, url: string | undefined): Promise<void> {
    await fw.memberClient.sendStateEvent(
      room,
      "m.room.avatar" as never,
      (url ? { url } : {}) as never,
    );
    const client = sdkClient(fw.world.hs, fw.world.bot);
    await eventually(
      "the avatar change reaches A",
      () => client.getStateEvent(room, "m.room.avatar", "").catch(() => ({})),
      (c) => (c as { url?: string }).url === url,
    );
  }
  const actionRun = (event: { name: string; payload: unknown }) =>
    action({ command: "request" }, event);
  const requestComments = (issue: number) =>
    gh.comments.filter((c) => c.issue_number === issue && c.body.startsWith(REQUEST_MARKER));
  const membership = async (roomId: string): Promise<string | undefined> => {
    const r = await fetch(
      `${fw.world.hs.baseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(bot)}`,
      { headers: { authorization: `Bearer ${fw.world.bot.accessToken}` } },
    );
    return r.ok ? ((await r.json()) as { membership: string }).membership : undefined;
  };

  /** A room on B by the member (room version 12: the member is its creator), inviting A's account. */
  async function memberRoom(name: string, avatar?: string): Promise<string> {
    const { room_id } = await fw.memberClient.createRoom({
      name,
      room_version: "12",
      invite: [bot],
      power_level_content_override: { users: { [bot]: 100 } },
      ...(avatar !== undefined
        ? { initial_state: [{ type: "m.room.avatar", state_key: "", content: { url: avatar } }] }
        : {}),
    });
    return room_id;
  }

  before(async () => {
    fw = await federatedWorld({ name: "room request", diagnostic: () => undefined });
    bot = fw.world.bot.userId;
    gh = await startFakeGitHub();
    gh.tokens.set(githubToken, { login: "github-actions[bot]" });
    workspace = mkdtempSync(join(tmpdir(), "spaceform-room-request-"));
    mkdirSync(join(workspace, "spaces"));
    const kept = `    avatar: "mxc://${fw.world.hs.serverName}/logo"
    power_levels:
      users:
        "${bot}": 100
        "${fw.world.moderators[0].userId}": 50`;
    manifestText = `# The space of the request test.
version: 1
space:
  alias: "#${fw.world.aliasLocalpart("space")}"
  name: Request test
${kept.replace(/^ {2}/gm, "")}
rooms:
  # Chapters, one room each.
  chapters:
    alias: "#${fw.world.aliasLocalpart("chapters")}"
    name: Chapters
${kept}
    rooms: {}
policies:
  admins: ["${bot}"]
  forbid_encryption: true
  require_avatar: error
  min_moderators: 1
  name_prefixes:
    - match: "chapter-*"
      prefix: "deRSE-chapter-"
`;
    writeFileSync(join(workspace, "spaces", "req.yaml"), manifestText);
    gh.repository.commits.set(MAIN_SHA, new Map([["spaces/req.yaml", manifestText]]));
    gh.repository.branches.set("main", MAIN_SHA);
    // The default branch is applied: the space and the chapters subspace exist.
    const applied = await runCli(
      ["apply", "--auto-approve", "spaces"],
      envFor(fw.world.hs, fw.world.bot),
      {
        cwd: workspace,
      },
    );
    assert.equal(applied.code, 0, applied.stderr);
  });

  after(async () => {
    await gh.close();
    for (const run of runs) {
      assert.equal(run.log.includes(githubToken), false, "the GitHub token leaked into a log");
      assert.equal(run.log.includes(fw.world.bot.accessToken), false, "the Matrix token leaked");
    }
    for (const c of gh.comments) assert.equal(c.body.includes(fw.world.bot.accessToken), false);
  });

  let roomId: string;
  let issue: number;
  let pull: number;

  it("answers a request with every house rule as a checkbox and the fix for each failure", async () => {
    roomId = await memberRoom("Berlin <img src=x> @everyone [x](https://evil.example)");
    issue = openRequest(
      form({ room: roomId, key: "chapter-berlin", position: "60", chapter: "chapters" }),
    );
    const run = await request(issue, "opened");
    assert.equal(run.outcome, "success", explain(run));
    assert.equal(run.outputs["pull-request"], "", "no pull request while rules fail");
    const [comment, ...more] = requestComments(issue);
    assert.ok(comment, explain(run));
    assert.equal(more.length, 0);
    const boxes = comment.body.split("\n").filter((l) => l.startsWith("- ["));
    assert.deepEqual(
      boxes.map((l) => l.slice(0, l.indexOf(":"))),
      [
        "- [x] **admins**",
        "- [x] **forbid_encryption**",
        "- [ ] **require_avatar**",
        "- [x] **min_moderators**",
        "- [ ] **name_prefixes**",
        "- [x] **creators** (recommended)",
      ],
    );
    assert.ok(
      comment.body.includes("  - What to do: Set a room picture in the room's settings (General)."),
    );
    // The hostile name is text: no tag, no mention, no link.
    assert.doesNotMatch(comment.body, /(^|[^\\])<img/);
    assert.equal(comment.body.includes("@everyone"), false);
    assert.equal(comment.body.includes("](https://evil"), false);
    assert.ok(
      comment.body.includes("\\<img src=x\\> @&#8203;everyone \\[x\\](https\\://evil.example)"),
    );
    assert.deepEqual(readRecord(comment.body), { room_id: roomId, joined_for_check: true });
    assert.equal(await membership(roomId), "join", "the check accepted the invite");
    assert.equal(gh.repository.pulls.size, 0);
  });

  it("on /recheck after the fixes, updates the one comment and opens the pull request", async () => {
    await fw.memberClient.setRoomName(roomId, "deRSE-chapter-berlin");
    await fw.memberClient.sendStateEvent(
      roomId,
      "m.room.avatar" as never,
      {
        url: `mxc://${fw.other.serverName}/logo`,
      } as never,
    );
    const client = sdkClient(fw.world.hs, fw.world.bot);
    await eventually(
      "the fixes reach A",
      () => client.getStateEvent(roomId, "m.room.name", ""),
      (c) => (c as { name?: string }).name === "deRSE-chapter-berlin",
    );
    await eventually(
      "the avatar reaches A",
      () => client.getStateEvent(roomId, "m.room.avatar", "").catch(() => ({})),
      (c) => typeof (c as { url?: string }).url === "string",
    );
    const run = await request(issue, "recheck");
    assert.equal(run.outcome, "success", explain(run));
    const comments = requestComments(issue);
    assert.equal(comments.length, 1, "updated in place");
    const body = comments[0]!.body;
    assert.equal(body.includes("- [ ]"), false, body);
    const [opened, ...others] = [...gh.repository.pulls.values()];
    assert.ok(opened);
    assert.equal(others.length, 0);
    pull = opened.number;
    assert.equal(run.outputs["pull-request"], String(pull));
    assert.equal(opened.head, `spaceform/room-request-${issue}`);
    assert.equal(opened.base, "main");
    assert.ok(opened.body.endsWith(`Closes #${issue}`));
    assert.ok(body.includes(`Pull request #${pull} adds the room to the space`));
    assert.deepEqual(readRecord(body), {
      room_id: roomId,
      joined_for_check: true,
      pull_request: pull,
      head_sha: gh.repository.branches.get(opened.head),
    });
    // The entry, with every comment and the rest of the file as they were.
    const edited = gh.repository.filesOn(opened.head).get("spaces/req.yaml");
    assert.equal(
      edited,
      manifestText.replace(
        "    rooms: {}\n",
        `    rooms:\n      chapter-berlin:\n        id: "${roomId}"\n        order: "60"\n`,
      ),
    );
    // A second /recheck updates the same branch and pull request.
    const again = await request(issue, "recheck");
    assert.equal(again.outcome, "success", explain(again));
    assert.equal(gh.repository.pulls.size, 1);
    assert.equal(requestComments(issue).length, 1);
  });

  it("the pull request's plan (as the workflow's plan job makes it) links the room and checks every rule", async () => {
    const branch = `spaceform/room-request-${issue}`;
    const head = {
      sha: gh.repository.branches.get(branch)!,
      files: gh.repository.filesOn(branch),
    };
    const dir = mkdtempSync(join(tmpdir(), "spaceform-room-request-pr-"));
    mkdirSync(join(dir, "spaces"));
    writeFileSync(join(dir, "spaces", "req.yaml"), head.files.get("spaces/req.yaml")!);
    gh.addPull({ number: pull, head_sha: head.sha, merge_commit_sha: null, merged_at: null }, [
      head.sha,
    ]);
    const run = await action(
      { command: "plan" },
      {
        name: "pull_request",
        payload: { pull_request: { number: pull, head: { sha: head.sha } } },
      },
      dir,
    );
    assert.equal(run.outcome, "success", explain(run));
    assert.equal(run.outputs["exit-code"], "2");
    const plan = JSON.parse(readFileSync(run.outputs["plan-file"]!, "utf8")) as {
      refused: boolean;
      diagnostics: { code: string }[];
    };
    assert.equal(plan.refused, false);
    assert.deepEqual(
      plan.diagnostics.map((d) => d.code),
      ["policy.creators"],
    );
    const comments = gh.comments.filter(
      (c) => c.issue_number === pull && c.body.startsWith(PLAN_MARKER),
    );
    assert.equal(comments.length, 1);
  });

  it("ignores a /recheck from someone who neither opened the request nor is a member", async () => {
    const before = requestComments(issue).map((c) => c.body);
    const branch = gh.repository.branches.get(`spaceform/room-request-${issue}`);
    const run = await request(issue, "recheck", "stranger");
    assert.equal(run.outcome, "success", explain(run));
    assert.ok(
      run.log.includes(
        "/recheck from stranger, who neither opened the request nor is a member of the repository",
      ),
      run.log,
    );
    assert.deepEqual(
      requestComments(issue).map((c) => c.body),
      before,
    );
    assert.equal(gh.repository.branches.get(`spaceform/room-request-${issue}`), branch);
  });

  it("closes the pull request when a recheck fails, not as a rejection, and reopens it when every rule holds again", async () => {
    const branch = `spaceform/room-request-${issue}`;
    await setAvatar(roomId, undefined);
    const failed = await request(issue, "recheck");
    assert.equal(failed.outcome, "success", explain(failed));
    assert.equal(failed.outputs["pull-request"], "");
    assert.equal(gh.repository.pulls.get(pull)!.state, "closed");
    const said = gh.comments.filter(
      (c) => c.issue_number === pull && c.user === "github-actions[bot]",
    );
    assert.deepEqual(
      said.filter((c) => !c.body.startsWith(PLAN_MARKER)).map((c) => c.body),
      [withdrawnPullComment(issue, "the room no longer passes every house rule")],
    );
    assert.equal(
      said.at(-1)!.body,
      `spaceform closed this pull request: the room no longer passes every house rule (see the room request #${issue}). It reopens it when the request passes its check again.`,
    );
    const [comment] = requestComments(issue);
    assert.ok(comment!.body.includes("- [ ] **require_avatar**"));
    assert.ok(
      comment!.body
        .split("\n")
        .includes(
          `spaceform closed pull request #${pull}, as the room no longer passes the check; it reopens it once every rule holds again.`,
        ),
      comment!.body,
    );
    const closedRecord = {
      room_id: roomId,
      joined_for_check: true,
      pull_request: pull,
      head_sha: gh.repository.branches.get(branch),
      pull_closed: "spaceform",
    };
    assert.deepEqual(readRecord(comment!.body), closedRecord);
    // The workflow runs on the flow's own close too: that is no rejection, the room stays joined.
    const closedRun = await pullClosed(pull, issue);
    assert.equal(closedRun.outcome, "success", explain(closedRun));
    assert.ok(closedRun.log.includes(`#${pull} was closed by spaceform already`), closedRun.log);
    assert.equal(await membership(roomId), "join");
    assert.deepEqual(readRecord(requestComments(issue)[0]!.body), closedRecord);
    // Another failing check says so again, and closes or comments nothing more.
    const pullComments = gh.comments.filter((c) => c.issue_number === pull).length;
    const still = await request(issue, "recheck");
    assert.equal(still.outcome, "success", explain(still));
    assert.ok(
      requestComments(issue)[0]!
        .body.split("\n")
        .includes(
          `spaceform closed pull request #${pull}, as the room no longer passes the check; it reopens it once every rule holds again.`,
        ),
    );
    assert.deepEqual(readRecord(requestComments(issue)[0]!.body), closedRecord);
    assert.equal(gh.comments.filter((c) => c.issue_number === pull).length, pullComments);
    // The avatar is back: the same pull request reopens, its branch updated.
    await setAvatar(roomId, `mxc://${fw.other.serverName}/logo2`);
    const passed = await request(issue, "recheck");
    assert.equal(passed.outcome, "success", explain(passed));
    assert.equal(passed.outputs["pull-request"], String(pull));
    assert.equal(gh.repository.pulls.size, 1);
    assert.equal(gh.repository.pulls.get(pull)!.state, "open");
    const body = requestComments(issue)[0]!.body;
    assert.ok(body.includes(`Pull request #${pull} adds the room to the space`), body);
    const head = gh.repository.branches.get(branch);
    assert.notEqual(head, closedRecord.head_sha, "the flow wrote its entry again");
    assert.deepEqual(readRecord(body), {
      room_id: roomId,
      joined_for_check: true,
      pull_request: pull,
      head_sha: head,
    });
    // Each write is one move of the branch to a commit on the default branch's head, never
    // through that head itself (GitHub closes a pull request with nothing to merge).
    const main = gh.repository.branches.get("main");
    const moves = gh.repository.refLog.filter((m) => m.branch === branch);
    assert.ok(moves.length >= 2, JSON.stringify(moves));
    for (const move of moves) {
      assert.notEqual(move.sha, main);
      assert.equal(gh.repository.parents.get(move.sha), main);
    }
  });

  it("leaves the branch and its pull request alone once a maintainer pushed to it", async () => {
    const branch = `spaceform/room-request-${issue}`;
    const flowSha = gh.repository.branches.get(branch)!;
    const theirFiles = gh.repository.filesOn(branch);
    theirFiles.set(
      "spaces/req.yaml",
      theirFiles.get("spaces/req.yaml")!.replace('order: "60"', 'order: "65"'),
    );
    const theirs = gh.repository.push(branch, theirFiles);
    const pullBody = gh.repository.pulls.get(pull)!.body;
    const changed = `A maintainer has changed the pull request (#${pull}); spaceform no longer updates it.`;
    const berlin = (over: { key?: string; position?: string } = {}) =>
      form({
        room: roomId,
        key: over.key ?? "chapter-berlin",
        position: over.position ?? "60",
        chapter: "chapters",
      });
    // The member moves the room (every rule holds): the branch stays the maintainer's.
    gh.issues.get(issue)!.body = berlin({ position: "61" });
    const moved = await request(issue, "edited");
    assert.equal(moved.outcome, "success", explain(moved));
    assert.equal(moved.outputs["pull-request"], "");
    assert.equal(gh.repository.branches.get(branch), theirs);
    assert.deepEqual(gh.repository.filesOn(branch), theirFiles);
    assert.equal(gh.repository.pulls.get(pull)!.body, pullBody);
    assert.ok(
      requestComments(issue)[0]!.body.split("\n").includes(changed),
      requestComments(issue)[0]!.body,
    );
    assert.equal(readRecord(requestComments(issue)[0]!.body)?.head_sha, flowSha);
    // A form with mistakes does not close it either.
    const pullComments = gh.comments.filter((c) => c.issue_number === pull).length;
    gh.issues.get(issue)!.body = berlin({ key: "Chapter Berlin" });
    const broken = await request(issue, "edited");
    assert.equal(broken.outcome, "success", explain(broken));
    assert.equal(gh.repository.pulls.get(pull)!.state, "open");
    assert.equal(gh.repository.branches.get(branch), theirs);
    assert.equal(gh.comments.filter((c) => c.issue_number === pull).length, pullComments);
    assert.ok(
      requestComments(issue)[0]!.body.split("\n").includes(changed),
      requestComments(issue)[0]!.body,
    );
    // The maintainer takes their commit back: the branch is the flow's to update again.
    gh.repository.branches.set(branch, flowSha);
    gh.issues.get(issue)!.body = berlin();
    const resumed = await request(issue, "edited");
    assert.equal(resumed.outcome, "success", explain(resumed));
    assert.equal(resumed.outputs["pull-request"], String(pull));
    const head = gh.repository.branches.get(branch)!;
    assert.notEqual(head, flowSha);
    assert.equal(readRecord(requestComments(issue)[0]!.body)?.head_sha, head);
    assert.ok(gh.repository.filesOn(branch).get("spaces/req.yaml")!.includes('order: "60"'));
  });

  it("leaves the room when a maintainer closes the pull request unmerged, and records the rejection", async () => {
    gh.repository.pulls.get(pull)!.state = "closed";
    const run = await pullClosed(pull, issue);
    assert.equal(run.outcome, "success", explain(run));
    assert.equal(await membership(roomId), "leave");
    const [comment] = requestComments(issue);
    assert.deepEqual(comment!.body.split("\n").slice(2), [
      "### Room request: the pull request was closed",
      "",
      `A maintainer closed the pull request (#${pull}) without merging it, so the room is not added; ask them to reopen it. A maintainer's \`/recheck\` comment here checks the room again.`,
      "",
      `${mdCode(bot)} left ${mdCode(roomId)}, which it had joined only to check it.`,
    ]);
    assert.deepEqual(readRecord(comment!.body), {
      room_id: roomId,
      joined_for_check: true,
      pull_request: pull,
      head_sha: gh.repository.branches.get(`spaceform/room-request-${issue}`),
      pull_closed: "maintainer",
      left: true,
    });
  });

  it("answers the member's later checks with the rejection; a maintainer's /recheck checks again", async () => {
    // The member invites the managing account again (once B saw it leave), so a check could join:
    // the invite reaches A before B's invite call returns (federation's /invite is synchronous).
    await eventually(
      "the leave reaches B",
      () => fw.memberClient.getStateEvent(roomId, "m.room.member", bot),
      (c) => (c as { membership?: string }).membership === "leave",
    );
    await fw.memberClient.invite(roomId, bot);
    const before = readRecord(requestComments(issue)[0]!.body);
    const answer = [
      "### Room request: the pull request was closed",
      "",
      `A maintainer closed the pull request (#${pull}) without merging it, so the room is not added; ask them to reopen it. A maintainer's \`/recheck\` comment here checks the room again.`,
    ];
    // The member's /recheck, edit, and /recheck as a collaborator of the repository alike.
    for (const run of [
      await request(issue, "recheck"),
      await request(issue, "edited"),
      await request(issue, "recheck", "member", "COLLABORATOR"),
    ]) {
      assert.equal(run.outcome, "success", explain(run));
      assert.equal(run.outputs["pull-request"], "");
      assert.deepEqual(requestComments(issue)[0]!.body.split("\n").slice(2), answer);
      assert.deepEqual(readRecord(requestComments(issue)[0]!.body), before);
      assert.equal(gh.repository.pulls.size, 1, "no new pull request");
      assert.equal(gh.repository.pulls.get(pull)!.state, "closed");
      assert.equal((await joinedRooms()).includes(roomId), false, "no join");
    }
    // A member of the organisation who may not push to the repository is no maintainer.
    gh.repository.collaborators.set("friend", "read");
    const friend = await request(issue, "recheck", "friend", "MEMBER");
    assert.equal(friend.outcome, "success", explain(friend));
    assert.deepEqual(requestComments(issue)[0]!.body.split("\n").slice(2), answer);
    assert.equal(gh.repository.pulls.get(pull)!.state, "closed");
    gh.repository.collaborators.set("maintainer", "write");
    const undone = await request(issue, "recheck", "maintainer", "MEMBER");
    assert.equal(undone.outcome, "success", explain(undone));
    assert.equal(undone.outputs["pull-request"], String(pull));
    assert.equal(gh.repository.pulls.size, 1);
    assert.equal(gh.repository.pulls.get(pull)!.state, "open", "the same pull request reopened");
    assert.equal(await membership(roomId), "join");
    const reopened = {
      room_id: roomId,
      joined_for_check: true,
      pull_request: pull,
      head_sha: gh.repository.branches.get(`spaceform/room-request-${issue}`),
    };
    assert.deepEqual(readRecord(requestComments(issue)[0]!.body), reopened);
    // Closed again by a maintainer, its event's run lost (a newer run cancelled it while pending):
    // the member's next check sees the closed pull request and answers with the rejection.
    gh.repository.pulls.get(pull)!.state = "closed";
    // It leaves the room, as the lost run would have.
    const lost = await request(issue, "recheck");
    assert.equal(lost.outcome, "success", explain(lost));
    assert.deepEqual(requestComments(issue)[0]!.body.split("\n").slice(2), [
      ...answer,
      "",
      `${mdCode(bot)} left ${mdCode(roomId)}, which it had joined only to check it.`,
    ]);
    assert.deepEqual(readRecord(requestComments(issue)[0]!.body), {
      ...reopened,
      pull_closed: "maintainer",
      left: true,
    });
    assert.equal(await membership(roomId), "leave");
    assert.equal(gh.repository.pulls.size, 1, "no new pull request");
    assert.equal(gh.repository.pulls.get(pull)!.state, "closed");
  });

  it("leaves the room when a request closes unmerged, and ignores a forged pull request", async () => {
    const other = await memberRoom("deRSE-chapter-bonn");
    const n = openRequest(
      form({ room: other, key: "chapter-bonn", position: "70", chapter: "chapters" }),
    );
    assert.equal((await request(n, "opened")).outcome, "success");
    assert.equal(await membership(other), "join");
    // A pull request from a branch that looks like the flow's, but is not the request's.
    const forged = await pullClosed(999, n);
    assert.equal(forged.outcome, "success", explain(forged));
    assert.equal(
      await membership(other),
      "join",
      "a pull request the flow did not open changes nothing",
    );
    // The member edits the request to name another room: the first one is left, the new one checked.
    const third = await memberRoom("deRSE-chapter-koeln");
    gh.issues.get(n)!.body = form({
      room: third,
      key: "chapter-koeln",
      position: "80",
      chapter: "chapters",
    });
    const edited = await request(n, "edited");
    assert.equal(edited.outcome, "success", explain(edited));
    assert.equal(await membership(other), "leave", "the room no longer requested is left");
    assert.equal(await membership(third), "join");
    gh.issues.get(n)!.state = "closed";
    const run = await request(n, "closed");
    assert.equal(run.outcome, "success", explain(run));
    assert.equal(await membership(third), "leave");
    // No avatar: its rules never all held, so no pull request was opened for it.
    assert.deepEqual(readRecord(requestComments(n)[0]!.body), {
      room_id: third,
      joined_for_check: true,
      left: true,
    });
  });

  it("closes the pull request, saying why, when the request closes; reopening the request reopens it", async () => {
    const room = await memberRoom("deRSE-chapter-hamburg", `mxc://${fw.other.serverName}/hamburg`);
    const n = openRequest(
      form({ room, key: "chapter-hamburg", position: "75", chapter: "chapters" }),
    );
    const opened = await request(n, "opened");
    assert.equal(opened.outcome, "success", explain(opened));
    const p = Number(opened.outputs["pull-request"]);
    assert.equal(gh.repository.pulls.get(p)?.head, `spaceform/room-request-${n}`);
    gh.issues.get(n)!.state = "closed";
    const closed = await request(n, "closed");
    assert.equal(closed.outcome, "success", explain(closed));
    assert.equal(gh.repository.pulls.get(p)!.state, "closed");
    assert.deepEqual(
      gh.comments.filter((c) => c.issue_number === p).map((c) => c.body),
      [withdrawnPullComment(n, "the room request was closed")],
    );
    assert.equal(await membership(room), "leave");
    const record = readRecord(requestComments(n)[0]!.body);
    assert.equal(record?.pull_closed, "spaceform");
    assert.equal(record.left, true);
    // The run of that close's own event changes nothing.
    const event = await pullClosed(p, n);
    assert.equal(event.outcome, "success", explain(event));
    assert.deepEqual(readRecord(requestComments(n)[0]!.body), record);
    // The member reopens the request (and invites the managing account again): the same pull
    // request reopens.
    await eventually(
      "the leave reaches B",
      () => fw.memberClient.getStateEvent(room, "m.room.member", bot),
      (c) => (c as { membership?: string }).membership === "leave",
    );
    await fw.memberClient.invite(room, bot);
    gh.issues.get(n)!.state = "open";
    const reopened = await request(n, "reopened");
    assert.equal(reopened.outcome, "success", explain(reopened));
    assert.equal(reopened.outputs["pull-request"], String(p));
    assert.equal(gh.repository.pulls.get(p)!.state, "open");
    assert.equal(await membership(room), "join");
    assert.equal(readRecord(requestComments(n)[0]!.body)?.pull_closed, undefined);
  });

  it("answers a request for a room already in the space without its details, and stays in it", async () => {
    const alias = `#${fw.world.aliasLocalpart("chapters")}:${fw.world.hs.serverName}`;
    const managed = (await sdkClient(fw.world.hs, fw.world.bot).getRoomIdForAlias(alias)).room_id;
    const n = openRequest(form({ room: alias, key: "chapter-x", position: "80" }));
    const pulls = gh.repository.pulls.size;
    const run = await request(n, "opened");
    assert.equal(run.outcome, "success", explain(run));
    const [comment] = requestComments(n);
    assert.deepEqual(comment!.body.split("\n").slice(2), [
      `### Room request: ${mdCode(alias)}`,
      "",
      "This room is already in the space; there is nothing to add.",
    ]);
    assert.equal(gh.repository.pulls.size, pulls, "no pull request");
    gh.issues.get(n)!.state = "closed";
    const closed = await request(n, "closed");
    assert.equal(closed.outcome, "success", explain(closed));
    assert.equal(await membership(managed), "join", "the managing account stays in its room");
  });

  it("refuses a room the managing account is in for another request, without its details", async () => {
    // The room of the Bonn request, which the managing account left when that request closed:
    // a room joined for the first request is asked for again by a second one.
    const theirs = await memberRoom("deRSE-chapter-koeln");
    const first = openRequest(form({ room: theirs, key: "chapter-koeln", position: "90" }));
    assert.equal((await request(first, "opened")).outcome, "success");
    assert.equal(await membership(theirs), "join");
    const n = openRequest(form({ room: theirs, key: "chapter-mine", position: "91" }));
    const run = await request(n, "opened");
    assert.equal(run.outcome, "success", explain(run));
    assert.deepEqual(requestComments(n)[0]!.body.split("\n").slice(2), [
      `### Room request: ${mdCode(theirs)}`,
      "",
      "The account that manages the space is already in this room, and not for this request, so this request cannot check it. A maintainer can tell you more.",
    ]);
  });

  it("answers a hostile form with its mistakes, as text, without touching the homeserver", async () => {
    const body = [
      "### Room id or alias",
      "",
      "#x:y`; rm -rf / #",
      "",
      "### Key",
      "",
      "Bad Key <script>alert(1)</script>",
      "",
      "### Key",
      "",
      "second",
      "",
      "### Position",
      "",
      "60\u0007",
    ].join("\n");
    const n = openRequest(body);
    const run = await request(n, "opened");
    assert.equal(run.outcome, "success", explain(run));
    const [comment] = requestComments(n);
    assert.ok(comment);
    assert.doesNotMatch(comment.body, /(^|[^\\])<script>/);
    assert.deepEqual(
      comment.body.split("\n").filter((l) => l.startsWith("- ")),
      [
        '- The field "Key" appears more than once.',
        '- "Room id or alias" must be a room id (\\!…:server) or a room alias (#name:server), not "#x:y\\`; rm -rf / #".',
        '- "Key" must be lower-case letters, digits, - and \\_ (starting with a letter or digit, at most 64, not "space" or "rooms"), not "Bad Key \\<script\\>alert(1)\\</script\\>".',
        '- "Position" must be at most 50 plain characters (letters, digits, punctuation), not "60\\\\u0007".',
      ],
    );
    // The form's answer, before any connection to the homeserver is made.
    assert.ok(run.log.includes(`#${n}: the form needs a fix (4 problem(s)).`), run.log);
  });
});
