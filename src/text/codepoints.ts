/**
 * The code points that must never reach a reader raw: C0 and C1 controls, DEL,
 * and the Unicode bidirectional controls that reorder what a reader sees
 * (Trojan Source, CVE-2021-42574). One table, shared by the output escapers
 * (src/text/*.ts) and the manifest's input rules (src/manifest/text-rules.ts).
 */

const C0_NAMES = [
  "NULL",
  "START OF HEADING",
  "START OF TEXT",
  "END OF TEXT",
  "END OF TRANSMISSION",
  "ENQUIRY",
  "ACKNOWLEDGE",
  "BELL",
  "BACKSPACE",
  "CHARACTER TABULATION",
  "LINE FEED",
  "LINE TABULATION",
  "FORM FEED",
  "CARRIAGE RETURN",
  "SHIFT OUT",
  "SHIFT IN",
  "DATA LINK ESCAPE",
  "DEVICE CONTROL ONE",
  "DEVICE CONTROL TWO",
  "DEVICE CONTROL THREE",
  "DEVICE CONTROL FOUR",
  "NEGATIVE ACKNOWLEDGE",
  "SYNCHRONOUS IDLE",
  "END OF TRANSMISSION BLOCK",
  "CANCEL",
  "END OF MEDIUM",
  "SUBSTITUTE",
  "ESCAPE",
  "INFORMATION SEPARATOR FOUR",
  "INFORMATION SEPARATOR THREE",
  "INFORMATION SEPARATOR TWO",
  "INFORMATION SEPARATOR ONE",
];

/** Bidirectional formatting characters, and the line and paragraph separators some renderers break on. */
const FORMAT_NAMES: Record<number, string> = {
  0x061c: "ARABIC LETTER MARK",
  0x200e: "LEFT-TO-RIGHT MARK",
  0x200f: "RIGHT-TO-LEFT MARK",
  0x2028: "LINE SEPARATOR",
  0x2029: "PARAGRAPH SEPARATOR",
  0x202a: "LEFT-TO-RIGHT EMBEDDING",
  0x202b: "RIGHT-TO-LEFT EMBEDDING",
  0x202c: "POP DIRECTIONAL FORMATTING",
  0x202d: "LEFT-TO-RIGHT OVERRIDE",
  0x202e: "RIGHT-TO-LEFT OVERRIDE",
  0x2066: "LEFT-TO-RIGHT ISOLATE",
  0x2067: "RIGHT-TO-LEFT ISOLATE",
  0x2068: "FIRST STRONG ISOLATE",
  0x2069: "POP DIRECTIONAL ISOLATE",
};

/** True for a code point no output may carry raw. */
export function isUnsafeCodePoint(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || FORMAT_NAMES[cp] !== undefined;
}

/** Every unsafe code point, as a global regex (for replace). */
// Finding control characters is the point of these patterns.
/* eslint-disable no-control-regex */
export const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

/** `U+202E RIGHT-TO-LEFT OVERRIDE`, `U+001B ESCAPE`, `U+0085 C1 CONTROL`. */
export function describeCodePoint(cp: number): string {
  const hex = cp.toString(16).toUpperCase().padStart(4, "0");
  const name =
    cp < 0x20
      ? C0_NAMES[cp]
      : cp === 0x7f
        ? "DELETE"
        : cp >= 0x80 && cp <= 0x9f
          ? "C1 CONTROL"
          : FORMAT_NAMES[cp];
  return name === undefined ? `U+${hex}` : `U+${hex} ${name}`;
}

/** `\n`, `\r`, `\t`, else `\u001b`: how an unsafe code point is shown. */
export function visibleEscape(ch: string): string {
  if (ch === "\n") return "\\n";
  if (ch === "\r") return "\\r";
  if (ch === "\t") return "\\t";
  return `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
}

/** The text with every unsafe code point shown as its escape; newlines too, so a field stays one line. */
export function showControls(s: string): string {
  return s.replace(UNSAFE, visibleEscape);
}

/** The first unsafe code point of a string, if any, with its index. */
export function firstUnsafe(s: string): { index: number; codePoint: number } | undefined {
  UNSAFE.lastIndex = 0;
  const m = new RegExp(UNSAFE.source).exec(s);
  if (!m) return undefined;
  return { index: m.index, codePoint: m[0].codePointAt(0) ?? 0 };
}
