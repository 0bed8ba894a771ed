/**
 * The room request flow (docs/github.md, "Members add their own rooms"): on an opened, edited or
 * reopened request issue, or a `/recheck` comment on one, check the room (src/check/) and answer
 * with one comment; when every rule holds, open or update the pull request that adds the room.
 * A later check that fails closes that pull request again (request-pull.ts). When the request
 * closes, or a maintainer closes its pull request unmerged (a rejection, recorded: only a
 * maintainer's `/recheck` checks the request again), the managing account leaves a room it
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
import type { RepoApi } from "./repo-api.ts";
import {
  checkedComment,
  claimedComment,
  closedComment,
  formProblemsComment,
  readRecord,
  rejectedComment,
  REQUEST_MARKER,
  type PullNote,
  type RequestRecord,
} from "./request-comment.ts";
import { parseRoomRequest } from "./request-form.ts";
import { requestEvent, type RequestEvent } from "./request-event.ts";
import { claimedRoom } from "./request-claim.ts";
import { noticeRejection, pullFields, propose, withdraw, withdrawIf } from "./request-pull.ts";

export const REQUEST_LABEL = "room-request";

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
  | { action: "rejected"; issue: number }
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
  const recorded = await previousRecord(deps, issue);
  let previous = recorded && (await noticeRejection(deps, issue, recorded));
  if (previous?.pull_closed === "maintainer") {
    // author_association MEMBER is any member of the organisation: undoing a maintainer's
    // rejection takes one who may push to the repository.
    const maintainer =
      event.maintainer &&
      event.commenter !== undefined &&
      (await deps.repo.canPush(event.commenter));
    if (!maintainer) return rejected(deps, issue, previous, recorded?.pull_closed === undefined);
    // A maintainer's /recheck undoes the rejection: the pull request is spaceform's to reopen.
    previous = { ...previous, pull_closed: "spaceform" };
  }
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
  if (!form.ok || manifest === undefined) {
    // The record stays: a room joined for an earlier check is still left when the request closes.
    const { record, note } = await withdrawIf(
      deps,
      issue,
      previous,
      "the request form has mistakes",
    );
    const body = formProblemsComment(problems, record, note);
    await upsertComment(api, issue, REQUEST_MARKER, commentAuthor, body);
    deps.log(`#${issue}: the form needs a fix (${problems.length} problem(s)).`);
    return { action: "form-problems", issue };
  }
  const request = form.request;
  const { gateway, managing } = await deps.matrix();
  const claim = await claimedRoom(gateway, deps.manifests, request.room, managing, previous);
  if (claim) {
    const withdrawn = await withdrawIf(
      deps,
      issue,
      previous,
      "the request now names a room that is in the space already, or one this request cannot check",
    );
    const record = {
      room_id: claim.roomId,
      joined_for_check: false,
      ...pullFields(withdrawn.record),
    };
    await upsertComment(
      api,
      issue,
      REQUEST_MARKER,
      commentAuthor,
      claimedComment(record, request.room, claim.kind, withdrawn.note),
    );
    deps.log(
      `#${issue}: the room is ${claim.kind === "listed" ? "in the space" : "joined already"}.`,
    );
    return { action: "checked", issue, ok: false };
  }
  const report = await checkRoom(gateway, manifest, request.room, { managing, key: request.key });
  if (previous && previous.room_id !== report.room_id)
    await leaveIfOnlyChecked(deps, gateway, previous);
  let record: RequestRecord = {
    room_id: report.room_id ?? previous?.room_id ?? request.room,
    joined_for_check:
      report.joinedForCheck ||
      (previous?.joined_for_check === true &&
        previous.left !== true &&
        previous.room_id === report.room_id),
    ...pullFields(previous),
  };
  let pull: { number: number; url: string; created: boolean } | undefined;
  let blocked: string | undefined;
  let note: PullNote | undefined;
  if (report.ok && report.room_id !== null && isRoomId(report.room_id)) {
    const proposed = await propose(deps, {
      manifest,
      request,
      roomId: report.room_id,
      issue,
      record,
    });
    if ("rejected" in proposed) {
      return rejected(deps, issue, { ...record, pull_closed: "maintainer" }, true);
    }
    if ("problem" in proposed) blocked = proposed.problem;
    else if ("changed" in proposed) note = { kind: "changed", number: proposed.changed };
    else {
      pull = proposed;
      record = { ...record, pull_request: proposed.number, head_sha: proposed.headSha };
      delete record.pull_closed;
    }
  }
  if (!pull && note === undefined) {
    const reason = report.ok
      ? "the room's entry can no longer be added to the manifest"
      : "the room no longer passes every house rule";
    ({ record, note } = await withdraw(deps, issue, record, reason));
  }
  const body = checkedComment({
    report,
    record,
    manifestFile: manifest.file,
    ...(pull ? { pull } : {}),
    ...(blocked !== undefined ? { blocked } : {}),
    ...(note ? { note } : {}),
    ...(deps.ctx.runUrl !== undefined ? { runUrl: deps.ctx.runUrl } : {}),
  });
  const posted = await upsertComment(api, issue, REQUEST_MARKER, commentAuthor, body);
  deps.log(
    `#${issue}: ${report.ok ? "every rule holds" : "not every rule holds"}; ${posted.created ? "posted" : "updated"} ${posted.comment.url}`,
  );
  return { action: "checked", issue, ok: report.ok, ...(pull ? { pullRequest: pull.number } : {}) };
}

/**
 * The answer to the member's check after a maintainer closed the pull request. When this run is
 * the first to see that close (its own event's run was lost), it leaves the room as that run would.
 */
async function rejected(
  deps: RequestDeps,
  issue: number,
  record: RequestRecord,
  noticed: boolean,
): Promise<RequestOutcome> {
  let left: { managing: UserId } | undefined;
  if (noticed) {
    const { gateway, managing } = await deps.matrix();
    if (await leaveIfOnlyChecked(deps, gateway, record)) left = { managing };
  }
  const body = rejectedComment({ ...record, ...(left ? { left: true } : {}) }, left);
  await upsertComment(deps.api, issue, REQUEST_MARKER, deps.commentAuthor, body);
  deps.log(
    `#${issue}: a maintainer closed the pull request; only a maintainer's /recheck checks it again.`,
  );
  return { action: "rejected", issue };
}

async function previousRecord(
  deps: RequestDeps,
  issue: number,
): Promise<RequestRecord | undefined> {
  const found = await findMarkedComment(deps.api, issue, REQUEST_MARKER, deps.commentAuthor);
  return found ? readRecord(found.body) : undefined;
}

/**
 * A request or its pull request closed: leave a room joined only to check, unless it was added.
 * The flow's own pull request closed by a maintainer is a rejection, recorded; one spaceform
 * closed itself is not.
 */
async function close(deps: RequestDeps, issue: number, pull?: number): Promise<RequestOutcome> {
  const found = await findMarkedComment(deps.api, issue, REQUEST_MARKER, deps.commentAuthor);
  let record = found ? readRecord(found.body) : undefined;
  if (!found || !record) return { action: "ignored", reason: `#${issue} has no request record` };
  if (pull !== undefined) {
    // A pull request counts only if it is the one this flow opened for the request.
    if (record.pull_request !== pull) {
      return { action: "ignored", reason: `#${pull} is not the pull request of #${issue}` };
    }
    if (record.pull_closed === "maintainer") {
      return { action: "ignored", reason: `#${pull} was closed by maintainer already` };
    }
    const pr = await deps.repo.getPull(pull);
    if (pr?.state !== "closed" || pr.merged) {
      return {
        action: "ignored",
        reason: `#${pull} is ${pr?.merged === true ? "merged" : "open"}`,
      };
    }
    // GitHub says who closed it: spaceform's own close (4, 6 in docs/github.md) is no rejection.
    if (pr.closedBy === deps.commentAuthor) {
      return { action: "ignored", reason: `#${pull} was closed by spaceform already` };
    }
    record = { ...record, pull_closed: "maintainer" };
  } else if (record.pull_request !== undefined) {
    const pr = await deps.repo.getPull(record.pull_request);
    if (pr?.merged === true) return { action: "ignored", reason: `#${pr.number} was merged` };
    record = (await withdraw(deps, issue, record, "the room request was closed")).record;
  }
  const { managing, gateway } = await deps.matrix();
  const left = await leaveIfOnlyChecked(deps, gateway, record);
  const body =
    record.pull_closed === "maintainer" && pull !== undefined
      ? rejectedComment(
          { ...record, left: left || record.left === true },
          left ? { managing } : undefined,
        )
      : closedComment(record, managing, left);
  await deps.api.updateIssueComment(found.id, body);
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
