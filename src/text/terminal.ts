/**
 * Untrusted text on a terminal or in a CI log. Fields are escaped where they
 * are rendered (`term`); everything spaceform writes to stdout and stderr then
 * passes `safeOutput` as a second line of defence, which lets through only
 * newlines, tabs and spaceform's own colour codes (SGR, `ESC [ … m`).
 */
import { showControls, visibleEscape } from "./codepoints.ts";

/** A field of untrusted text for the terminal: control characters, bidi controls and newlines shown escaped. */
export function term(s: string): string {
  return showControls(s);
}

/** SGR colour sequences (`ESC[31m`, `ESC[1;32m`), the one kind of control spaceform emits. */
/* eslint-disable no-control-regex -- finding control characters is the point */
const SGR = /\u001b\[[0-9;]*m/y;
const UNSAFE_EXCEPT_LINES =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/* eslint-enable no-control-regex */

/** Output text with every control character but newline, tab and colour codes shown escaped. */
export function escapeOutputControls(text: string): string {
  if (!UNSAFE_EXCEPT_LINES.test(text)) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (ch === "\u001b") {
      SGR.lastIndex = i;
      const m = SGR.exec(text);
      if (m) {
        out += m[0];
        i += m[0].length;
        continue;
      }
    }
    out += UNSAFE_EXCEPT_LINES.test(ch) ? visibleEscape(ch) : ch;
    i += 1;
  }
  return out;
}
