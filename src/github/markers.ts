/**
 * Hidden HTML markers in comments and issues: how a later run finds the comment
 * it wrote before (to update it in place) and reads back what it recorded.
 * GitHub renders neither, and both survive edits made through the API.
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

/** Reads the kind marker from a comment body; undefined when absent or unreadable. */
export function parseKindMarker(body: string): ReviewedKind | undefined {
  const start = body.indexOf(KIND_PREFIX);
  if (start < 0) return undefined;
  const end = body.indexOf(KIND_SUFFIX, start + KIND_PREFIX.length);
  if (end < 0) return undefined;
  const encoded = body.slice(start + KIND_PREFIX.length, end).trim();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v["digest"] !== "string" || typeof v["head_sha"] !== "string") return undefined;
  const keys = v["keys"];
  if (keys !== undefined && !(Array.isArray(keys) && keys.every((k) => typeof k === "string")))
    return undefined;
  const kind: ReviewedKind = {
    digest: v["digest"],
    head_sha: v["head_sha"],
    refused: v["refused"] === true,
  };
  if (keys !== undefined) kind.keys = keys;
  return kind;
}
