/**
 * Hidden HTML markers in comments and issues: how a later run finds the comment
 * it wrote before (to update it in place) and reads back what it recorded.
 * GitHub renders neither, and both survive edits made through the API.
 * A marker counts only as the first line of a body, never inside it: the rest
 * of a body quotes untrusted text (room names, logs). The plan comment's record
 * is signed as well (plan-record.ts).
 */
import type { ReviewedKind } from "./plan-kind.ts";

/** On the one plan comment of a pull request. */
export const PLAN_MARKER = "<!-- spaceform-plan -->";
/** On the one open drift issue. */
export const DRIFT_MARKER = "<!-- spaceform-drift -->";
/** On the apply report for one merge commit (a re-run updates it). */
export function applyMarker(sha: string): string {
  return `<!-- spaceform-apply ${sha} -->`;
}

const KIND_PREFIX = "<!-- spaceform-plan-kind ";
const KIND_SUFFIX = " -->";
/**
 * Beyond this many characters the change list is left out and only its digest
 * kept, so the marker never eats a large part of GitHub's 65,536-character limit.
 */
export const MAX_KIND_MARKER_CHARS = 16_000;

/**
 * `<!-- spaceform-plan-kind BASE64URL(JSON) -->`. base64url because addresses are
 * user-chosen and could contain `--` or `>`, which would end an HTML comment.
 */
export function kindMarker(kind: ReviewedKind): string {
  const encode = (k: ReviewedKind): string =>
    `${KIND_PREFIX}${Buffer.from(JSON.stringify(k)).toString("base64url")}${KIND_SUFFIX}`;
  const full = encode(kind);
  if (full.length <= MAX_KIND_MARKER_CHARS) return full;
  const { keys: _omitted, ...digestOnly } = kind;
  return encode(digestOnly);
}

/** True when `marker` is the body's first line. */
export function startsWithMarker(body: string, marker: string): boolean {
  return body === marker || body.startsWith(`${marker}\n`) || body.startsWith(`${marker}\r\n`);
}

/**
 * Reads the kind marker from the second line of a body (the drift issue, whose
 * first line is its marker); undefined when absent or unreadable. A kind marker
 * anywhere else is not read.
 */
export function parseKindMarker(body: string): ReviewedKind | undefined {
  const line = body.replace(/\r\n/g, "\n").split("\n", 2)[1] ?? "";
  if (!line.startsWith(KIND_PREFIX) || !line.endsWith(KIND_SUFFIX)) return undefined;
  const v = decodeBase64Json(
    line.slice(KIND_PREFIX.length, line.length - KIND_SUFFIX.length).trim(),
  );
  if (!v || typeof v["digest"] !== "string" || typeof v["head_sha"] !== "string") return undefined;
  const keys = v["keys"];
  if (keys !== undefined && !isStringList(keys)) return undefined;
  const kind: ReviewedKind = {
    digest: v["digest"],
    head_sha: v["head_sha"],
    refused: v["refused"] === true,
  };
  if (keys !== undefined) kind.keys = keys;
  return kind;
}

/** base64url of a JSON object → the object; undefined for anything else. */
export function decodeBase64Json(encoded: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export const isStringList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((k) => typeof k === "string");
