// The room request's pull request (src/github/request-pull.ts) against an in-memory repository:
// a maintainer's close that lands while a check runs is a rejection (nothing moves, nothing new
// opens), a maintainer's own pull request on the flow's branch is never taken over, one the
// flow's account opened is, and a maintainer reopening the pull request undoes the rejection.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pull, PullState, RepoApi } from "../../src/github/repo-api.ts";
import type { RequestRecord } from "../../src/github/request-comment.ts";
import {
  branchFor,
  noticeRejection,
  propose,
  type PullDeps,
} from "../../src/github/request-pull.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import { entry, manifest } from "../support/builders.ts";

const BOT = "github-actions[bot]";
const ISSUE = 7;
const ROOM = "!room:uni.example" as RoomId;
const MANIFEST = { ...manifest(entry("space", {}, [])), file: "spaces/demo.yaml" };
const sha = (n: number): string => n.toString(16).padStart(40, "0");

interface StoredPull extends PullState {
  title: string;
}

function world() {
  const branches = new Map<string, string>([["main", sha(1)]]);
  const pulls = new Map<number, StoredPull>();
  const calls: string[] = [];
  let next = 100;
  let commits = 10;
  const asPull = (p: StoredPull): Pull => ({
    number: p.number,
    url: `u/${p.number}`,
    body: "",
    author: p.author,
  });
  const repo: RepoApi = {
    defaultBranch: () => Promise.resolve("main"),
    branchSha: (b) => Promise.resolve(branches.get(b) ?? null),
    getFile: (_path, b) =>
      Promise.resolve(branches.has(b) ? { text: "version: 1\nspace:\n  name: Demo\n" } : null),
    getPull: (n) => Promise.resolve(pulls.get(n) ?? null),
    commitOnto: ({ branch }) => {
      calls.push(`commitOnto ${branch}`);
      const commit = sha(++commits);
      branches.set(branch, commit);
      return Promise.resolve(commit);
    },
    openPullsFrom: (b) =>
      Promise.resolve(
        [...pulls.values()].filter((p) => p.state === "open" && p.head === b).map(asPull),
      ),
    createPull: (input) => {
      const p: StoredPull = {
        number: ++next,
        state: "open",
        merged: false,
        head: input.head,
        headRepo: "community/spaces",
        author: BOT,
        closedBy: null,
        title: input.title,
      };
      pulls.set(p.number, p);
      calls.push(`createPull #${p.number}`);
      return Promise.resolve(asPull(p));
    },
    updatePull: (n, input) => {
      const p = pulls.get(n);
      assert.ok(p, `#${n} exists`);
      calls.push(`updatePull #${n}`);
      if (input.title !== undefined) p.title = input.title;
      if (input.state === "closed") Object.assign(p, { state: "closed", closedBy: BOT });
      return Promise.resolve(asPull(p));
    },
    reopenPull: (n) => {
      calls.push(`reopenPull #${n}`);
      const p = pulls.get(n);
      if (p) Object.assign(p, { state: "open", closedBy: null });
      return Promise.resolve(p !== undefined);
    },
    canPush: () => Promise.resolve(false),
    commentOnPull: (n) => {
      calls.push(`commentOnPull #${n}`);
      return Promise.resolve();
    },
  };
  const deps: PullDeps = {
    repo,
    ctx: { event: { repository: { default_branch: "main" } }, owner: "community", repo: "spaces" },
    log: () => undefined,
    commentAuthor: BOT,
  };
  const addPull = (number: number, fields: Partial<StoredPull> = {}): StoredPull => {
    const p: StoredPull = {
      number,
      state: "open",
      merged: false,
      head: branchFor(ISSUE),
      headRepo: "community/spaces",
      author: BOT,
      title: "Add the room",
      ...fields,
      // A close the test makes itself is a maintainer's.
      closedBy: fields.closedBy ?? (fields.state === "closed" ? "maintainer" : null),
    };
    pulls.set(number, p);
    return p;
  };
  return { deps, branches, pulls, calls, addPull };
}

const request = { room: ROOM, key: "bonn", order: "10" };
const proposeFor = (w: ReturnType<typeof world>, record: RequestRecord | undefined) =>
  propose(w.deps, { manifest: MANIFEST, request, roomId: ROOM, issue: ISSUE, record });

describe("the request's pull request", () => {
  it("answers a close that came while the check ran as a rejection, and moves nothing", async () => {
    const w = world();
    w.branches.set(branchFor(ISSUE), sha(5));
    // Open when the check began (the record says nothing of a close); closed by a maintainer since.
    w.addPull(101, { state: "closed" });
    const record = { room_id: ROOM, joined_for_check: true, pull_request: 101, head_sha: sha(5) };
    assert.deepEqual(await proposeFor(w, record), { rejected: 101 });
    assert.deepEqual(w.calls, []);
    assert.equal(w.branches.get(branchFor(ISSUE)), sha(5));
  });

  it("never takes over a maintainer's own pull request from the branch", async () => {
    const w = world();
    w.addPull(150, { author: "maintainer", title: "My own change" });
    const result = await proposeFor(w, { room_id: ROOM, joined_for_check: false });
    assert.deepEqual(result, {
      problem: `pull request #150 from the branch ${branchFor(ISSUE)} was not opened by spaceform; spaceform leaves the branch alone while it is open.`,
    });
    assert.deepEqual(w.calls, []);
    assert.equal(w.pulls.get(150)?.title, "My own change");
  });

  it("takes up its own pull request that the record lost, instead of opening a second", async () => {
    const w = world();
    w.addPull(120);
    const result = await proposeFor(w, { room_id: ROOM, joined_for_check: false });
    assert.ok(
      "number" in result && result.number === 120 && !result.created,
      JSON.stringify(result),
    );
    assert.deepEqual(w.calls, [`commitOnto ${branchFor(ISSUE)}`, "updatePull #120"]);
  });

  it("reopens the recorded pull request it closed itself before moving the branch", async () => {
    const w = world();
    w.branches.set(branchFor(ISSUE), sha(5));
    w.addPull(101, { state: "closed" });
    const record: RequestRecord = {
      room_id: ROOM,
      joined_for_check: true,
      pull_request: 101,
      head_sha: sha(5),
      pull_closed: "spaceform",
    };
    const result = await proposeFor(w, record);
    assert.ok("number" in result && result.number === 101, JSON.stringify(result));
    assert.deepEqual(w.calls, [
      "reopenPull #101",
      `commitOnto ${branchFor(ISSUE)}`,
      "updatePull #101",
    ]);
  });
});

describe("noticeRejection", () => {
  const base = { room_id: ROOM, joined_for_check: true, pull_request: 101, head_sha: sha(5) };
  it("reads a close nobody recorded as a maintainer's, and one spaceform recorded as its own", async () => {
    const w = world();
    w.addPull(101, { state: "closed" });
    assert.equal((await noticeRejection(w.deps, ISSUE, base)).pull_closed, "maintainer");
    w.addPull(101, { state: "closed", closedBy: BOT });
    const own: RequestRecord = { ...base, pull_closed: "spaceform" };
    assert.deepEqual(await noticeRejection(w.deps, ISSUE, own), own);
  });

  it("asks GitHub who closed it: spaceform's own close is no rejection, even when its record was lost", async () => {
    const w = world();
    w.addPull(101, { state: "closed", closedBy: BOT });
    assert.equal((await noticeRejection(w.deps, ISSUE, base)).pull_closed, "spaceform");
    // Closed by spaceform, reopened, then closed by a maintainer: the stale record does not hide it.
    w.addPull(101, { state: "closed" });
    const stale: RequestRecord = { ...base, pull_closed: "spaceform" };
    assert.equal((await noticeRejection(w.deps, ISSUE, stale)).pull_closed, "maintainer");
  });

  it("takes a maintainer's reopening of the pull request as the rejection undone", async () => {
    const w = world();
    w.addPull(101);
    const rejected: RequestRecord = { ...base, pull_closed: "maintainer" };
    assert.deepEqual(await noticeRejection(w.deps, ISSUE, rejected), base);
    w.pulls.get(101)!.state = "closed";
    assert.deepEqual(await noticeRejection(w.deps, ISSUE, rejected), rejected);
  });

  it("ignores a pull request under the recorded number that the flow's account did not open", async () => {
    const w = world();
    w.addPull(101, { state: "closed", author: "someone" });
    assert.deepEqual(await noticeRejection(w.deps, ISSUE, base), base);
  });
});
