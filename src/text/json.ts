/**
 * JSON for files and terminals: JSON.stringify escapes C0 controls but writes
 * DEL, C1 controls, bidi controls and the line separators raw. They can only
 * occur inside strings, so writing them as `\uXXXX` keeps the same value.
 */
/** The unsafe code points (src/text/codepoints.ts) that JSON.stringify leaves raw. */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function safeJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    RAW_IN_JSON,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}
