/**
 * The reviewed-plan record: what the plan comment of a pull request tells the
 * apply gate (check-plan-kind.ts) about the plan people reviewed. The gate
 * believes it only when spaceform wrote it:
 *
 * - **Fixed place.** The comment starts with `<!-- spaceform-plan -->` and its
 *   second line is the record, and nothing else. A record anywhere else (a room
 *   name echoed in an apply log, a pasted comment) is never read.
 * - **Authenticated.** The record carries an HMAC-SHA256 whose key is derived
 *   from MATRIX_ACCESS_TOKEN, a secret only the workflow holds (pull requests
 *   from forks never get it). It covers the pull request's number, the head
 *   commit, the plan's kind and the sha256 of the rest of the comment, the plan
 *   reviewers saw; so a record cannot be forged, moved to another pull request,
 *   or kept under an edited plan.
 *
 * Rotating the token invalidates records made before: the gate refuses, and a
 * fresh plan (a push, or a re-run of the Plan workflow) makes a new one. docs/github.md.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { decodeBase64Json, isStringList, MAX_KIND_MARKER_CHARS, PLAN_MARKER } from "./markers.ts";
import { packKeys, unpackKeys } from "./kind-pack.ts";
import { kindDigest, type ReviewedKind } from "./plan-kind.ts";

const RECORD_PREFIX = "<!-- spaceform-plan-record ";
const RECORD_SUFFIX = " -->";
const MAC_CONTEXT = "spaceform reviewed-plan record v1";

/** What the record holds, besides the MAC. */
export interface PlanRecord extends ReviewedKind {
  /** The pull request the plan was posted on. */
  pr: number;
  /** The keys packed (kind-pack.ts) when the plain list is too long; `keys` after reading. */
  keys_z?: string;
  /** sha256 (hex) of the comment after the record line, as normalised by `contentDigest`. */
  content_sha256: string;
}

export type RecordReading = { ok: true; record: PlanRecord } | { ok: false; reason: string };

/** The MAC key, derived from the secret so the token itself never keys anything else. */
function macKey(secret: string): Buffer {
  return createHmac("sha256", secret).update(MAC_CONTEXT).digest();
}

function mac(secret: string, payload: string): string {
  return createHmac("sha256", macKey(secret)).update(payload).digest("base64url");
}

/** GitHub may store a comment with CRLF line ends and without its final newline. */
export function contentDigest(content: string): string {
  return createHash("sha256").update(content.replace(/\r\n/g, "\n").trimEnd()).digest("hex");
}

/**
 * The comment body: the marker, the record, then `content` (the rendered plan).
 * `secret` is MATRIX_ACCESS_TOKEN.
 */
export function planCommentWithRecord(
  kind: ReviewedKind,
  pr: number,
  content: string,
  secret: string,
): string {
  const full: PlanRecord = { ...kind, pr, content_sha256: contentDigest(content) };
  const encode = (r: PlanRecord): string => {
    const payload = Buffer.from(JSON.stringify(r)).toString("base64url");
    return `${RECORD_PREFIX}${payload}.${mac(secret, payload)}${RECORD_SUFFIX}`;
  };
  return `${PLAN_MARKER}\n${recordLine(full, encode)}\n${content}`;
}

/**
 * The most a packed change list may take (kind-pack.ts): some 8,000 changes. A comment
 * that shows every changed room in a table still has room for it below GitHub's limit.
 */
export const MAX_PACKED_RECORD_CHARS = 24_000;

/** The record's line: the change list plain, else packed, else (beyond any plan a comment can show) only its digest. */
function recordLine(full: PlanRecord, encode: (r: PlanRecord) => string): string {
  const plain = encode(full);
  if (plain.length <= MAX_KIND_MARKER_CHARS) return plain;
  const { keys = [], ...rest } = full;
  const packed = encode({ ...rest, keys_z: packKeys(keys) });
  if (packed.length <= MAX_PACKED_RECORD_CHARS) return packed;
  // compareKinds then accepts only an identical plan, and says so.
  return encode(rest);
}

/** True when the body is a plan comment by its first line (the author is checked by the caller). */
export function startsAsPlanComment(body: string): boolean {
  return firstLines(body)[0] === PLAN_MARKER;
}

function firstLines(body: string): [string | undefined, string | undefined, string] {
  const text = body.replace(/\r\n/g, "\n");
  const first = text.indexOf("\n");
  if (first < 0) return [text, undefined, ""];
  const second = text.indexOf("\n", first + 1);
  if (second < 0) return [text.slice(0, first), text.slice(first + 1), ""];
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}

/** Reads and verifies the record of a plan comment posted on pull request `pr`. */
export function readPlanRecord(body: string, pr: number, secret: string): RecordReading {
  const [marker, line, content] = firstLines(body);
  if (marker !== PLAN_MARKER) return { ok: false, reason: "it does not start with the marker" };
  if (line?.startsWith(RECORD_PREFIX) !== true || !line.endsWith(RECORD_SUFFIX)) {
    return { ok: false, reason: "its second line is not a plan record" };
  }
  const token = line.slice(RECORD_PREFIX.length, line.length - RECORD_SUFFIX.length);
  const [payload, given, ...rest] = token.split(".");
  if (payload === undefined || given === undefined || rest.length > 0) {
    return { ok: false, reason: "its plan record is malformed" };
  }
  const expected = Buffer.from(mac(secret, payload));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return {
      ok: false,
      reason:
        "its plan record is not signed with this workflow's key (made with another MATRIX_ACCESS_TOKEN, or not by spaceform)",
    };
  }
  const record = decode(payload);
  if (!record) return { ok: false, reason: "its plan record is malformed" };
  if (record.pr !== pr) {
    return { ok: false, reason: `its plan record belongs to pull request #${record.pr}` };
  }
  if (record.content_sha256 !== contentDigest(content)) {
    return { ok: false, reason: "the plan in it was edited after spaceform posted it" };
  }
  return { ok: true, record };
}

function decode(payload: string): PlanRecord | undefined {
  const v = decodeBase64Json(payload);
  if (!v) return undefined;
  const packed = v["keys_z"];
  const keys = typeof packed === "string" ? unpackKeys(packed) : v["keys"];
  if (
    (packed !== undefined && (keys === undefined || v["keys"] !== undefined)) ||
    typeof v["digest"] !== "string" ||
    typeof v["head_sha"] !== "string" ||
    typeof v["pr"] !== "number" ||
    typeof v["content_sha256"] !== "string" ||
    typeof v["refused"] !== "boolean" ||
    (keys !== undefined && !isStringList(keys))
  ) {
    return undefined;
  }
  const record: PlanRecord = {
    digest: v["digest"],
    head_sha: v["head_sha"],
    refused: v["refused"],
    pr: v["pr"],
    content_sha256: v["content_sha256"],
  };
  if (keys !== undefined) {
    // The list must be the one the digest names, however it was stored.
    if (typeof packed === "string" && kindDigest(keys) !== record.digest) return undefined;
    record.keys = keys;
  }
  return record;
}
