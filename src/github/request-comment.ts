/**
 * The one answer on a room request issue, updated in place on every check: every house rule as
 * a task-list checkbox with the fix under each failure, what the check did, and the pull request
 * once every rule holds. Its second line records what later runs need (the room, whether the
 * managing account joined it only to check, the pull request), base64url JSON like the plan
 * comment's kind marker, so no room name can end the HTML comment.
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
  /** The managing account left the room again. */
  left?: boolean;
}

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
  if (typeof v["pull_request"] === "number") record.pull_request = v["pull_request"];
  if (v["left"] === true) record.left = true;
  return record;
}

const HOW_TO_RECHECK =
  "Fix what is unchecked in the room's settings, then edit this issue or comment `/recheck` to check again.";

/** The comment for a form that could not be read. */
export function formProblemsComment(problems: readonly string[], record?: RequestRecord): string {
  return [
    REQUEST_MARKER,
    ...(record ? [recordLine(record)] : []),
    "### Room request: the form needs a fix",
    "",
    ...problems.map((p) => `- ${mdInline(p)}`),
    "",
    "Edit this issue to correct it; the check runs again.",
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
  if (c.runUrl !== undefined) lines.push("", `<sub>[Check run](${c.runUrl})</sub>`);
  return lines.join("\n");
}

/** The answer for a room the request may not look into (request-claim.ts): none of its details. */
export function claimedComment(
  record: RequestRecord,
  asked: string,
  kind: "listed" | "joined",
): string {
  return [
    REQUEST_MARKER,
    recordLine(record),
    `### Room request: ${mdCode(asked)}`,
    "",
    kind === "listed"
      ? "This room is already in the space; there is nothing to add."
      : "The account that manages the space is already in this room, and not for this request, so this request cannot check it. A maintainer can tell you more.",
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
