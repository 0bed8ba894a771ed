/**
 * The room request's pull request (docs/github.md, "Members add their own rooms"): proposed on
 * the branch `spaceform/room-request-N` once every rule holds, closed again when a later check
 * fails, reopened when it passes again. The flow touches only its own: a pull request whose
 * number the record names and whose head is the flow's branch of this repository, and a branch
 * whose head is the commit the flow last wrote there (the record's `head_sha`). A maintainer's
 * commit on the branch, or any other, is left alone.
 */
import type { Manifest } from "../manifest/model.ts";
import type { RoomId } from "../matrix/ids.ts";
import type { GitHubContext } from "./context.ts";
import { addRoomEntry } from "./manifest-edit.ts";
import type { PullState, RepoApi } from "./repo-api.ts";
import {
  pullRequestText,
  withdrawnPullComment,
  type PullNote,
  type RequestRecord,
} from "./request-comment.ts";
import type { RoomRequest } from "./request-form.ts";

export const branchFor = (issue: number): string => `spaceform/room-request-${issue}`;

export interface PullDeps {
  repo: RepoApi;
  ctx: Pick<GitHubContext, "event" | "owner" | "repo">;
  log: (line: string) => void;
  /** The flow's own account (`github-actions[bot]`): the author of its pull requests. */
  commentAuthor: string;
}

export type Proposed =
  | { number: number; url: string; created: boolean; headSha: string }
  | { problem: string }
  | { changed: number }
  | { rejected: number };

/** The flow's own pull request for the request: from its branch, in this repository. */
export function isFlowPull(
  pull: Pick<PullState, "head" | "headRepo">,
  issue: number,
  repository: { owner: string; repo: string },
): boolean {
  return (
    pull.head === branchFor(issue) && pull.headRepo === `${repository.owner}/${repository.repo}`
  );
}

/** The recorded pull request, if it is the flow's own: from its branch, opened by its account. */
async function recordedPull(
  deps: PullDeps,
  issue: number,
  record: RequestRecord | undefined,
): Promise<PullState | null> {
  if (record?.pull_request === undefined) return null;
  const pr = await deps.repo.getPull(record.pull_request);
  return pr && isFlowPull(pr, issue, deps.ctx) && pr.author === deps.commentAuthor ? pr : null;
}

/** The request's branch: absent, at the flow's last commit, or changed by someone else. */
async function branchState(
  repo: RepoApi,
  issue: number,
  record: RequestRecord | undefined,
): Promise<"absent" | "own" | "changed"> {
  const head = await repo.branchSha(branchFor(issue));
  if (head === null) return "absent";
  return head === record?.head_sha ? "own" : "changed";
}

/**
 * The request's branch at the default branch's head plus the new entry, and its pull request:
 * the recorded one, reopened if spaceform (or a maintainer's undone rejection) closed it, or a
 * new one. Nothing moves when the branch holds a commit the flow did not write.
 */
export async function propose(
  deps: PullDeps,
  input: {
    manifest: Manifest;
    request: RoomRequest;
    roomId: RoomId;
    issue: number;
    record: RequestRecord | undefined;
  },
): Promise<Proposed> {
  const { repo } = deps;
  const { manifest, request, roomId, issue, record } = input;
  const base = defaultBranch(deps.ctx);
  const path = manifest.file.replace(/^\.\//, "");
  const baseSha = await repo.branchSha(base);
  const current = await repo.getFile(path, base);
  if (baseSha === null || current === null) {
    return { problem: `${path} is not on the branch ${base}.` };
  }
  const edit = addRoomEntry(current.text, manifest, {
    key: request.key,
    id: roomId,
    order: request.order,
    ...(request.chapter !== undefined ? { chapter: request.chapter } : {}),
  });
  if (!edit.ok) return { problem: edit.problem };
  const branch = branchFor(issue);
  const state = await branchState(repo, issue, record);
  if (state === "changed") {
    if (record?.pull_request !== undefined) return { changed: record.pull_request };
    return {
      problem: `the branch ${branch} has commits spaceform did not write; a maintainer can delete it to let spaceform start over.`,
    };
  }
  let ours = await recordedPull(deps, issue, record);
  // Closed while this check ran, by someone else than spaceform: a maintainer's rejection, and
  // the branch stays as it is.
  if (
    ours?.state === "closed" &&
    !ours.merged &&
    record?.pull_closed === undefined &&
    ours.closedBy !== deps.commentAuthor
  ) {
    return { rejected: ours.number };
  }
  if (ours?.merged === true) ours = null;
  // Another open pull request from the branch (a maintainer's own, or one the record lost) is
  // taken over only if the flow's account opened it.
  const others = (await repo.openPullsFrom(branch)).filter((p) => p.number !== ours?.number);
  const foreign = others.find((p) => p.author !== deps.commentAuthor);
  if (foreign) {
    return {
      problem: `pull request #${foreign.number} from the branch ${branch} was not opened by spaceform; spaceform leaves the branch alone while it is open.`,
    };
  }
  const adopted = ours?.state === "open" ? undefined : others[0];
  // Reopened before the branch moves: GitHub keeps a pull request closed once its branch was
  // force-pushed while it was closed.
  if (ours?.state === "closed" && adopted === undefined && state === "own") {
    const reopened = await repo.reopenPull(ours.number);
    deps.log(`#${issue}: ${reopened ? "reopened" : "could not reopen"} #${ours.number}`);
    if (reopened) ours = { ...ours, state: "open" };
  }
  // One move of the branch, from the flow's last commit to the new one: it never equals the
  // default branch in between (GitHub would close its pull request).
  const commit = await repo.commitOnto({
    branch,
    base: baseSha,
    files: [{ path, text: edit.text }],
    message: `Add the room ${request.key} (requested in #${issue})`,
  });
  const { title, body } = pullRequestText({
    key: request.key,
    roomId,
    issue,
    ...(request.chapter !== undefined ? { chapter: request.chapter } : {}),
  });
  const open = ours?.state === "open" ? ours.number : adopted?.number;
  if (open !== undefined) {
    const updated = await repo.updatePull(open, { title, body });
    return { number: open, url: updated.url, created: false, headSha: commit };
  }
  const created = await repo.createPull({ title, body, head: branch, base });
  return { number: created.number, url: created.url, created: true, headSha: commit };
}

/**
 * Closes the request's open pull request when the request no longer passes (`reason`, one of the
 * flow's own sentences), with a comment saying why, and records that spaceform closed it. A pull
 * request that is not the flow's is not touched; one whose branch a maintainer has changed is
 * left open, and the note says so.
 */
export async function withdraw(
  deps: PullDeps,
  issue: number,
  record: RequestRecord,
  reason: string,
): Promise<{ record: RequestRecord; note?: PullNote }> {
  if (record.pull_request === undefined || record.pull_closed === "maintainer") return { record };
  const pr = await deps.repo.getPull(record.pull_request);
  if (!pr || !isFlowPull(pr, issue, deps.ctx)) return { record };
  if (pr.state === "closed") {
    // Closed by an earlier check: the comment keeps saying so.
    const withdrawn = record.pull_closed === "spaceform" && !pr.merged;
    return withdrawn ? { record, note: { kind: "withdrawn", number: pr.number } } : { record };
  }
  if ((await branchState(deps.repo, issue, record)) !== "own") {
    return { record, note: { kind: "changed", number: pr.number } };
  }
  await deps.repo.commentOnPull(pr.number, withdrawnPullComment(issue, reason));
  await deps.repo.updatePull(pr.number, { state: "closed" });
  deps.log(`#${issue}: closed #${pr.number}: ${reason}`);
  return {
    record: { ...record, pull_closed: "spaceform" },
    note: { kind: "withdrawn", number: pr.number },
  };
}

/**
 * The record with a maintainer's close of the flow's pull request that no run recorded yet (the
 * run of its `closed` event was cancelled, or failed): a rejection all the same.
 */
export async function noticeRejection(
  deps: PullDeps,
  issue: number,
  record: RequestRecord,
): Promise<RequestRecord> {
  if (record.pull_request === undefined) return record;
  const pr = await recordedPull(deps, issue, record);
  if (!pr || pr.merged) return record;
  if (pr.state === "open") {
    if (record.pull_closed !== "maintainer") return record;
    // A maintainer reopened it: the rejection is undone, as the rejection's answer says it may be.
    const { pull_closed: _undone, ...rest } = record;
    return rest;
  }
  // Closed: GitHub says by whom, whatever the record (whose writing may have failed) says.
  return {
    ...record,
    pull_closed: pr.closedBy === deps.commentAuthor ? "spaceform" : "maintainer",
  };
}

/** The record's fields about the pull request, carried from one check to the next. */
export function pullFields(record: RequestRecord | undefined): Partial<RequestRecord> {
  if (!record) return {};
  const { pull_request, head_sha, pull_closed } = record;
  return {
    ...(pull_request !== undefined ? { pull_request } : {}),
    ...(head_sha !== undefined ? { head_sha } : {}),
    ...(pull_closed !== undefined ? { pull_closed } : {}),
  };
}

export const withdrawIf = async (
  deps: PullDeps,
  issue: number,
  record: RequestRecord | undefined,
  reason: string,
): Promise<{ record?: RequestRecord; note?: PullNote }> =>
  record ? withdraw(deps, issue, record, reason) : {};

function defaultBranch(ctx: Pick<GitHubContext, "event">): string {
  const repository = ctx.event["repository"] as { default_branch?: unknown } | undefined;
  return typeof repository?.default_branch === "string" ? repository.default_branch : "main";
}
