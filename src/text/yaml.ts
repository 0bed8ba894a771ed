/**
 * Untrusted text in the YAML that import writes. A comment is one line, so a
 * note quoting a room name shows its control characters and newlines escaped
 * (a newline would end the comment and start YAML). In values, the `yaml`
 * library escapes C0 controls in double-quoted scalars but writes DEL, C1, bidi
 * controls and line separators raw, which other parsers reject or read as line
 * breaks: `forceDoubleQuotes` marks every scalar that holds one, and
 * `escapeRawControls` then writes them as `\uXXXX`, a double-quoted escape.
 */
import { isScalar, visit, type Document } from "yaml";
import { showControls } from "./codepoints.ts";

const RAW_IN_YAML = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const hasRaw = (s: string): boolean => new RegExp(RAW_IN_YAML.source).test(s);

/** A line for a YAML comment. */
export function yamlComment(s: string): string {
  return showControls(s);
}

/** Every string scalar (keys too) with a character `escapeRawControls` must escape becomes double-quoted. */
export function forceDoubleQuotes(doc: Document): void {
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === "string" && hasRaw(node.value)) {
        node.type = "QUOTE_DOUBLE";
      }
    },
  });
}

/** The YAML text with those characters escaped; only valid after forceDoubleQuotes and with comments from yamlComment. */
export function escapeRawControls(text: string): string {
  return text.replace(
    RAW_IN_YAML,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}
