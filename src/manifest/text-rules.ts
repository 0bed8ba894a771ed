/**
 * Input rules for the text and numbers of a manifest, on the data as YAML read
 * it (before the schema, so every problem is reported at once):
 *
 * - No string and no key anywhere may hold a control character (C0, C1, DEL)
 *   or a bidirectional control (U+202A–U+202E, U+2066–U+2069, …): an error
 *   naming the field and the code point. A topic may hold newlines and tabs.
 * - An alias with non-ASCII characters gets a warning: they can look like
 *   ASCII ones (Cyrillic `а` for Latin `a`), so two aliases that look the same
 *   may differ.
 * - Every number stays within ±(2^53−1), the range of Matrix's canonical JSON;
 *   the homeserver would reject anything else with M_BAD_JSON at apply.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { describeCodePoint, isUnsafeCodePoint } from "../text/codepoints.ts";
import { formatFieldPath, type PathSegment } from "./fieldpath.ts";
import type { ParsedSource } from "./source.ts";

/** Fields where line breaks and tabs are text, not control. */
const MULTILINE_FIELDS = new Set(["topic"]);
const ALIAS_FIELDS = new Set(["alias", "alt_aliases"]);

/** A few common lookalikes, to say what a character may be mistaken for. */
const LOOKALIKES: Record<string, string> = {
  а: "a",
  е: "e",
  о: "o",
  р: "p",
  с: "c",
  у: "y",
  х: "x",
  і: "i",
  ј: "j",
  ѕ: "s",
  ο: "o",
  α: "a",
  ν: "v",
  ı: "i",
  ℓ: "l",
  "‐": "-",
  "‑": "-",
  "–": "-",
  "．": ".",
  "：": ":",
};

function unsafeIn(s: string, multiline: boolean): number | undefined {
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (multiline && (cp === 0x0a || cp === 0x09)) continue;
    if (isUnsafeCodePoint(cp)) return cp;
  }
  return undefined;
}

export function textRuleDiagnostics(
  data: unknown,
  source: Pick<ParsedSource, "locate">,
  file: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (segments: readonly PathSegment[], what: "key" | "value") => {
    const p = source.locate(segments, what);
    return { file, line: p.line, column: p.column, path: formatFieldPath(segments) };
  };
  const fieldOf = (segments: readonly PathSegment[]): string | undefined =>
    [...segments].reverse().find((s): s is string => typeof s === "string");

  const controlCharacter = (cp: number, segments: PathSegment[], what: "key" | "value"): void => {
    out.push({
      severity: "error",
      code: "text.control-character",
      message: `The ${what} contains ${describeCodePoint(cp)}, a control character that could hide or disguise text in terminals and pull requests.`,
      hint:
        what === "key"
          ? "Remove it from the key (a room key, user id or event type)."
          : "Remove it; write plain text (a topic may have line breaks).",
      ...at(segments, what),
    });
  };

  const visit = (value: unknown, segments: PathSegment[]): void => {
    if (typeof value === "string") {
      const field = fieldOf(segments);
      const cp = unsafeIn(value, field !== undefined && MULTILINE_FIELDS.has(field));
      if (cp !== undefined) controlCharacter(cp, segments, "value");
      if (field !== undefined && ALIAS_FIELDS.has(field)) aliasWarning(value, segments);
      return;
    }
    if (typeof value === "number") {
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER || Number.isNaN(value)) {
        out.push({
          severity: "error",
          code: "number.out-of-range",
          message: `${String(value)} is outside the range Matrix accepts (integers from -(2^53-1) to 2^53-1); the homeserver would reject the event.`,
          hint: "Power levels are usually between 0 and 100.",
          ...at(segments, "value"),
        });
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        visit(item, [...segments, i]);
      });
      return;
    }
    if (value !== null && typeof value === "object") {
      for (const [key, v] of Object.entries(value)) {
        const here = [...segments, key];
        const cp = unsafeIn(key, false);
        if (cp !== undefined) controlCharacter(cp, here, "key");
        visit(v, here);
      }
    }
  };

  const aliasWarning = (alias: string, segments: PathSegment[]): void => {
    let odd: string | undefined;
    for (const ch of alias) {
      if ((ch.codePointAt(0) ?? 0) > 0x7e) {
        odd = ch;
        break;
      }
    }
    if (odd === undefined) return;
    const cp = odd.codePointAt(0) ?? 0;
    const like = LOOKALIKES[odd];
    out.push({
      severity: "warning",
      code: "alias.confusable",
      message: `The alias contains the non-ASCII character ${describeCodePoint(cp)}${like !== undefined ? ` ("${odd}", which looks like "${like}")` : ` ("${odd}")`}: an alias that looks the same may not be.`,
      hint: "Use ASCII letters, digits, `-`, `_` and `.` in aliases unless the community means otherwise.",
      ...at(segments, "value"),
    });
  };

  visit(data, []);
  return out;
}
