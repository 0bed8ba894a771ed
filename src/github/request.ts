/**
 * The room request flow (docs/github.md, "Members add their own rooms"): on an opened, edited or
 * reopened request issue, or a `/recheck` comment on one, check the room (src/check/) and answer
 * with one comment; when every rule holds, open or update the pull request that adds the room.
 * When the request or its pull request closes unmerged, the managing account leaves a room it
 * joined only to check it. The issue body and comments are data: parsed in request-form.ts,
 * escaped in request-comment.ts, never run.
 */
import { checkRoom } from "../check/run.ts";
import { chooseManifest } from "../check/choose.ts";
import { UserError } from "../diagnostics.ts";
import { allEntries, type Manifest } from "../manifest/model.ts";
import type { RoomCheckSource, RoomLeaver } from "../matrix/gateway.ts";
import { isRoomId, type UserId } from "../matrix/ids.ts";
import type { GitHubApi } from "./api.ts";
import { findMarkedComment, upsertComment } from "./comments.ts";
import type { GitHubContext } from "./context.ts";
import { addRoomEntry } from "./manifest-edit.ts";
import type { RepoApi } from "./repo-api.ts";
import {
  checkedComment,
  claimedComment,
  closedComment,
  formProblemsComment,
  pullRequestText,
  readRecord,
  REQUEST_MARKER,
  type RequestRecord,
} from "./request-comment.ts";
import { parseRoomRequest, type RoomRequest } from "./request-form.ts";
import { requestEvent, type RequestEvent } from "./request-event.ts";
import { claimedRoom } from "./request-claim.ts";

export const REQUEST_LABEL = "room-request";
export const branchFor = (issue: number): string => `spaceform/room-request-${issue}`;

export interface RequestDeps {
  api: GitHubApi;
  repo: RepoApi;
  ctx: GitHubContext;
  manifests: readonly Manifest[];
  /** Connects to the homeserver when needed (not for a form with mistakes). */
  matrix: () => Promise<{ gateway: RoomCheckSource & RoomLeaver; managing: UserId }>;
  commentAuthor: string;
  log: (line: string) => void;
}

export type RequestOutcome =
  | { action: "ignored"; reason: string }
  | { action: "form-problems"; issue: number }
  | { action: "checked"; issue: number; ok: boolean; pullRequest?: number }
  | { action: "closed"; issue: number; left: boolean };

export async function handleRequest(deps: RequestDeps): Promise<RequestOutcome> {
  const event = requestEvent(deps.ctx, REQUEST_LABEL);
  switch (event.kind) {
    case "ignore":
      return { action: "ignored", reason: event.reason };
    case "check":
      return check(deps, event);
    case "closed":
      return close(deps, event.issue, event.pull);
  }
}

async function check(
  deps: RequestDeps,
  event: Extract<RequestEvent, { kind: "check" }>,
): Promise<RequestOutcome> {
  const { api, commentAuthor } = deps;
  const issue = event.issue;
  const form = parseRoomRequest(event.body);
  let manifest: Manifest | undefined;
  const problems = form.ok ? [] : form.problems;
  if (form.ok) {
    try {
      manifest = chooseManifest(deps.manifests, form.request.chapter);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problems.push(
        form.request.chapter !== undefined
          ? `There is no chapter (subspace) with the key "${form.request.chapter}".`
          : err.message,
      );
    }
  }
  const previous = await previousRecord(deps, issue);
  if (!form.ok || manifest === undefined) {
    // The record stays: a room joined for an earlier check is still left when the request closes.
    const body = formProblemsComment(problems, previous);
    await upsertComment(api, issue, REQUEST_MARKER, commentAuthor, body);
    deps.log(`#${issue}: the form needs a fix (${problems.length} problem(s)).`);
    return { action: "form-problems", issue };
  }
  const request = form.request;
  const { gateway, managing } = await deps.matrix();
  const claim = await claimedRoom(gateway, deps.manifests, request.room, managing, previous);
  if (claim) {
    const record = { room_id: claim.roomId, joined_for_check: false };
    await upsertComment(
      api,
      issue,
      REQUEST_MARKER,
      commentAuthor,
      claimedComment(record, request.room, claim.kind),
    );
    deps.log(
      `#${issue}: the room is ${claim.kind === "listed" ? "in the space" : "joined already"}.`,
    );
    return { action: "checked", issue, ok: false };
  }
  const report = await checkRoom(gateway, manifest, request.room, { managing, key: request.key });
  if (previous && previous.room_id !== report.room_id)
    await leaveIfOnlyChecked(deps, gateway, previous);
  const record: RequestRecord = {
    room_id: report.room_id ?? previous?.room_id ?? request.room,
    joined_for_check:
      report.joinedForCheck ||
      (previous?.joined_for_check === true &&
        previous.left !== true &&
        previous.room_id === report.room_id),
    ...(previous?.pull_request !== undefined ? { pull_request: previous.pull_request } : {}),
  };
  let pull: { number: number; url: string; created: boolean } | undefined;
  let blocked: string | undefined;
  if (report.ok && report.room_id !== null && isRoomId(report.room_id)) {
    const proposed = await propose(deps, manifest, request, report.room_id, issue);
    if ("problem" in proposed) blocked = proposed.problem;
    else {
      pull = proposed;
      record.pull_request = proposed.number;
    }
  }
  const body = checkedComment({
    report,
    record,
    manifestFile: manifest.file,
    ...(pull ? { pull } : {}),
    ...(blocked !== undefined ? { blocked } : {}),
    ...(deps.ctx.runUrl !== undefined ? { runUrl: deps.ctx.runUrl } : {}),
  });
  const posted = await upsertComment(api, issue, REQUEST_MARKER, commentAuthor, body);
  deps.log(
    `#${issue}: ${report.ok ? "every rule holds" : "not every rule holds"}; ${posted.created ? "posted" : "updated"} ${posted.comment.url}`,
  );
  return { action: "checked", issue, ok: report.ok, ...(pull ? { pullRequest: pull.number } : {}) };
}

async function previousRecord(
  deps: RequestDeps,
  issue: number,
): Promise<RequestRecord | undefined> {
  const found = await findMarkedComment(deps.api, issue, REQUEST_MARKER, deps.commentAuthor);
  return found ? readRecord(found.body) : undefined;
}

/** The request's branch at the default branch's head plus the new entry, and its pull request. */
async function propose(
  deps: RequestDeps,
  manifest: Manifest,
  request: RoomRequest,
  roomId: Parameters<typeof addRoomEntry>[2]["id"],
  issue: number,
): Promise<{ number: number; url: string; created: boolean } | { problem: string }> {
  const { repo } = deps;
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
  await repo.setBranch(branch, baseSha);
  await repo.putFile({
    path,
    branch,
    text: edit.text,
    message: `Add the room ${request.key} (requested in #${issue})`,
  });
  const { title, body } = pullRequestText({
    key: request.key,
    roomId,
    issue,
    ...(request.chapter !== undefined ? { chapter: request.chapter } : {}),
  });
  const [open] = await repo.openPullsFrom(branch);
  if (open) {
    await repo.updatePull(open.number, { title, body });
    return { number: open.number, url: open.url, created: false };
  }
  const created = await repo.createPull({ title, body, head: branch, base });
  return { number: created.number, url: created.url, created: true };
}

function defaultBranch(ctx: GitHubContext): string {
  const repository = ctx.event["repository"] as { default_branch?: unknown } | undefined;
  return typeof repository?.default_branch === "string" ? repository.default_branch : "main";
}

/** A request or its pull request closed: leave a room joined only to check, unless it was added. */
async function close(deps: RequestDeps, issue: number, pull?: number): Promise<RequestOutcome> {
  const found = await findMarkedComment(deps.api, issue, REQUEST_MARKER, deps.commentAuthor);
  const record = found ? readRecord(found.body) : undefined;
  if (!found || !record) return { action: "ignored", reason: `#${issue} has no request record` };
  // A pull request counts only if it is the one this flow opened for the request.
  if (pull !== undefined && record.pull_request !== pull) {
    return { action: "ignored", reason: `#${pull} is not the pull request of #${issue}` };
  }
  if (record.pull_request !== undefined) {
    const pr = await deps.repo.getPull(record.pull_request);
    if (pr?.merged === true) return { action: "ignored", reason: `#${pr.number} was merged` };
    if (pull === undefined && pr?.state === "open") {
      await deps.repo.updatePull(pr.number, { state: "closed" });
    }
  }
  const { managing, gateway } = await deps.matrix();
  const left = await leaveIfOnlyChecked(deps, gateway, record);
  await deps.api.updateIssueComment(found.id, closedComment(record, managing, left));
  deps.log(`#${issue}: closed unmerged; ${left ? `left ${record.room_id}` : "nothing to leave"}.`);
  return { action: "closed", issue, left };
}

/**
 * Leaves the request's room if the managing account joined it only for a check and no manifest
 * lists it (the request closed, or now names another room). True when it left.
 */
async function leaveIfOnlyChecked(
  deps: RequestDeps,
  gateway: RoomLeaver,
  record: RequestRecord,
): Promise<boolean> {
  const roomId = record.room_id;
  if (!record.joined_for_check || record.left === true || !isRoomId(roomId)) return false;
  if (deps.manifests.some((m) => allEntries(m.space).some((e) => e.id === roomId))) return false;
  await gateway.leave(roomId);
  deps.log(`left ${roomId}, which was joined only to check it`);
  return true;
}
