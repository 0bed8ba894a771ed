/**
 * The one answer on a room request issue, updated in place on every check: every house rule as
 * a task-list checkbox with the fix under each failure, what the check did, and the pull request
 * once every rule holds. Its second line records what later runs need (the room, whether the
 * managing account joined it only to check, the pull request, the commit the flow last wrote on
 * its branch, who closed the pull request), base64url JSON like the plan comment's kind marker,
 * so no room name can end the HTML comment; it is read back as data and checked field by field.
 */
import type { CheckReport } from "../check/evaluate.ts";
import { renderCheckMarkdown } from "../check/render.ts";
import { mdCode, mdInline } from "../text/markdown.ts";
import { decodeBase64Json } from "./markers.ts";

export const REQUEST_MARKER = "<!-- spaceform-room-request -->";
const RECORD_PREFIX = "<!-- spaceform-room-request-record ";
const RECORD_SUFFIX = " -->";

export interface RequestRecord {
  room_id: string;
  /** The managing account accepted the invite for the check (and leaves again if the request closes unmerged). */
  joined_for_check: boolean;
  pull_request?: number;
  /** The commit the flow last wrote on the request's branch: only then may it move the branch. */
  head_sha?: string;
  /**
   * Who closed the pull request unmerged: spaceform (a check failed, the request closed; it
   * reopens it when the check passes again) or a maintainer (a rejection: only a maintainer's
   * `/recheck` checks the request again).
   */
  pull_closed?: "spaceform" | "maintainer";
  /** The managing account left the room again. */
  left?: boolean;
}

const SHA = /^[0-9a-f]{40}$/;

export function recordLine(record: RequestRecord): string {
  return `${RECORD_PREFIX}${Buffer.from(JSON.stringify(record)).toString("base64url")}${RECORD_SUFFIX}`;
}

/** The record on the second line of the glue's own comment; undefined when absent or unreadable. */
export function readRecord(body: string): RequestRecord | undefined {
  const line = body.replace(/\r\n/g, "\n").split("\n", 2)[1] ?? "";
  if (!line.startsWith(RECORD_PREFIX) || !line.endsWith(RECORD_SUFFIX)) return undefined;
  const v = decodeBase64Json(line.slice(RECORD_PREFIX.length, -RECORD_SUFFIX.length));
  if (!v || typeof v["room_id"] !== "string") return undefined;
  const record: RequestRecord = {
    room_id: v["room_id"],
    joined_for_check: v["joined_for_check"] === true,
  };
  const pull = v["pull_request"];
  if (typeof pull === "number" && Number.isSafeInteger(pull) && pull > 0)
    record.pull_request = pull;
  const sha = v["head_sha"];
  if (typeof sha === "string" && SHA.test(sha)) record.head_sha = sha;
  const closed = v["pull_closed"];
  if (closed === "spaceform" || closed === "maintainer") record.pull_closed = closed;
  if (v["left"] === true) record.left = true;
  return record;
}

const HOW_TO_RECHECK =
  "Fix what is unchecked in the room's settings, then edit this issue or comment `/recheck` to check again.";

/**
 * What became of the request's pull request when a check did not propose the room: spaceform
 * closed it, or left it alone because a maintainer has changed it.
 */
export type PullNote = { kind: "withdrawn" | "changed"; number: number };

function pullNoteLines(note: PullNote | undefined): string[] {
  if (note === undefined) return [];
  return [
    "",
    note.kind === "withdrawn"
      ? `spaceform closed pull request #${note.number}, as the room no longer passes the check; it reopens it once every rule holds again.`
      : changedPull(note.number),
  ];
}

const changedPull = (n: number): string =>
  `A maintainer has changed the pull request (#${n}); spaceform no longer updates it.`;

/** The comment for a form that could not be read. */
export function formProblemsComment(
  problems: readonly string[],
  record?: RequestRecord,
  note?: PullNote,
): string {
  return [
    REQUEST_MARKER,
    ...(record ? [recordLine(record)] : []),
    "### Room request: the form needs a fix",
    "",
    ...problems.map((p) => `- ${mdInline(p)}`),
    "",
    "Edit this issue to correct it; the check runs again.",
    ...pullNoteLines(note),
  ].join("\n");
}

/**
 * The comment on a pull request spaceform closed: why, in plain words, and the request it
 * belongs to. `reason` is one of the flow's own sentences, never the member's text.
 */
export function withdrawnPullComment(issue: number, reason: string): string {
  return `spaceform closed this pull request: ${reason} (see the room request #${issue}). It reopens it when the request passes its check again.`;
}

/**
 * The answer once a maintainer closed the request's pull request unmerged, on that event and on
 * every later check the member asks for.
 */
export function rejectedComment(record: RequestRecord, left?: { managing: string }): string {
  return [
    REQUEST_MARKER,
    recordLine(record),
    "### Room request: the pull request was closed",
    "",
    `A maintainer closed the pull request (#${String(record.pull_request)}) without merging it, so the room is not added; ask them to reopen it. A maintainer's \`/recheck\` comment here checks the room again.`,
    ...(left
      ? [
          "",
          `${mdCode(left.managing)} left ${mdCode(record.room_id)}, which it had joined only to check it.`,
        ]
      : []),
  ].join("\n");
}

export interface CheckedComment {
  report: CheckReport;
  record: RequestRecord;
  manifestFile: string;
  /** The pull request that adds the room, once every rule holds. */
  pull?: { number: number; url: string; created: boolean };
  /** Why no pull request was opened although every rule holds (the key is taken, …). */
  blocked?: string;
  /** What became of an earlier pull request when this check proposed nothing. */
  note?: PullNote;
  runUrl?: string;
}

export function checkedComment(c: CheckedComment): string {
  const r = c.report;
  const title = r.name !== undefined ? `${mdCode(r.asked)} (${mdInline(r.name)})` : mdCode(r.asked);
  const lines = [
    REQUEST_MARKER,
    recordLine(c.record),
    `### Room check: ${title}`,
    "",
    `House rules of ${mdCode(c.manifestFile)}:`,
    "",
    r.rules.length > 0 ? renderCheckMarkdown(r) : "_No rule could be checked._",
    "",
    ...r.notes.map((n) => `> ${mdInline(n)}`),
    ...(r.notes.length > 0 ? [""] : []),
  ];
  if (!r.ok) lines.push(HOW_TO_RECHECK);
  else if (c.blocked !== undefined) lines.push(`Every rule holds, but: ${mdInline(c.blocked)}`);
  else if (c.pull) {
    lines.push(
      `Every rule holds. Pull request #${c.pull.number} adds the room to the space; an admin reviews its plan and merges it.`,
    );
  }
  lines.push(...pullNoteLines(c.note));
  if (c.runUrl !== undefined) lines.push("", `<sub>[Check run](${c.runUrl})</sub>`);
  return lines.join("\n");
}

/** The answer for a room the request may not look into (request-claim.ts): none of its details. */
export function claimedComment(
  record: RequestRecord,
  asked: string,
  kind: "listed" | "joined",
  note?: PullNote,
): string {
  return [
    REQUEST_MARKER,
    recordLine(record),
    `### Room request: ${mdCode(asked)}`,
    "",
    kind === "listed"
      ? "This room is already in the space; there is nothing to add."
      : "The account that manages the space is already in this room, and not for this request, so this request cannot check it. A maintainer can tell you more.",
    ...pullNoteLines(note),
  ].join("\n");
}

/** The comment once a request closed unmerged. */
export function closedComment(record: RequestRecord, managing: string, left: boolean): string {
  return [
    REQUEST_MARKER,
    recordLine({ ...record, left: left || record.left === true }),
    "### Room request closed",
    "",
    left
      ? `The request was closed without adding the room; ${mdCode(managing)} left ${mdCode(record.room_id)}, which it had joined only to check it.`
      : "The request was closed without adding the room.",
  ].join("\n");
}

/**
 * The title and body of the pull request that adds the room. The room id comes from the member
 * or a remote alias's directory entry and may hold `` ` `` `@` `<`: a code span, like the key.
 */
export function pullRequestText(p: {
  key: string;
  roomId: string;
  issue: number;
  chapter?: string;
}): { title: string; body: string } {
  const chapter = p.chapter !== undefined ? ` in the chapter ${mdCode(p.chapter)}` : "";
  return {
    title: `Add the room ${p.key} to the space`,
    body: [
      `Adds the room ${mdCode(p.roomId)} as ${mdCode(p.key)}${chapter}, as requested in #${p.issue}, whose every house rule held when it was checked.`,
      "",
      `Closes #${p.issue}`,
    ].join("\n"),
  };
}
