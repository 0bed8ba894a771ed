/**
 * Field paths: how diagnostics and `Manifest.positions` name a place in a manifest.
 *
 * `rooms.general.topic`, `policies.admins[0]`, `rooms.general.power_levels.users["@bot:example.org"]`:
 * keys that look like identifiers join with a dot, list indices go in brackets, and
 * any other key (user ids, event types with dots) is quoted in brackets so that the
 * path stays unambiguous.
 */
import type { SourcePosition } from "./model.ts";

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

export function formatFieldPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const seg of segments) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `a.b[0]["x.y"]` → `["a", "b", 0, "x.y"]`; the inverse of formatFieldPath. */
export function parseFieldPath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  const re = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([A-Za-z0-9_-]+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(JSON.parse(m[2]) as string);
    else if (m[3] !== undefined) out.push(m[3]);
    if (re.lastIndex === path.length) break;
  }
  return out;
}

/**
 * Where a field path is in the manifest: its own position, else that of the
 * nearest enclosing field that has one (a diagnostic about
 * `rooms.general.power_levels.users["@a:b"]` points at `users:` when that user is not listed).
 */
export function positionOf(
  positions: Readonly<Record<string, SourcePosition>>,
  path: string,
): SourcePosition | undefined {
  const segments = parseFieldPath(path);
  for (let n = segments.length; n > 0; n--) {
    const found = positions[formatFieldPath(segments.slice(0, n))];
    if (found) return found;
  }
  return undefined;
}
