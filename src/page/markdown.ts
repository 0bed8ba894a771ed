/**
 * Untrusted text (names, topics, ids from a manifest that may come from a fork's pull request)
 * made safe for Markdown: it reads as the same words, but cannot start a block, add a link, an
 * image, a mention or HTML, nor carry control characters.
 *
 * Local to the page renderer for now; a shared escaper for every Markdown output may replace it.
 */

/** Line breaks and other whitespace that would end a line or a block: folded to one space. */
const BREAKS = /[\t\n\v\f\r \u0085\u2028\u2029]+/g;
const LINE_BREAKS = /\r\n|[\n\v\f\r\u0085\u2028\u2029]/g;
/** C0 and C1 controls, DEL, and the bidirectional overrides and isolates that reorder text. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/**
 * ASCII punctuation that has a meaning somewhere inside a line in CommonMark, GFM or a common
 * extension (emphasis, code, links, images, HTML, entities, tables, strikethrough, math,
 * footnotes, attributes, headings, block quotes). CommonMark lets a backslash escape each.
 */
const INLINE_SYNTAX = /[\\`*_[\]<>!&|~#(){}$^]/g;
/** Invisible, zero-width, unbreakable: splits what a linkifier or mention filter would match. */
const WORD_JOINER = "\u2060";

/** One line of plain text: breaks folded, controls shown as U+FFFD. */
export function plainLine(text: string): string {
  return text.replace(BREAKS, " ").replace(CONTROLS, "\uFFFD").trim();
}

/**
 * Text for inline Markdown (a paragraph, a list item, a heading, a link text). Punctuation with
 * a meaning inside a line is backslash-escaped, and so is what would start a block at the start
 * of a line (`-`, `+`, `=`, `1.`), so no emphasis, code, link, image, autolink, HTML, entity,
 * table cell or block can form. Renderers that linkify or mention after parsing (bare URLs,
 * `www.`, e-mail addresses, `@user`, `#123`, `:emoji:`) find a word joiner after every `@`, `#`
 * and `:` and inside `www.`, so nothing they look for is left intact.
 */
export function escapeText(text: string): string {
  return plainLine(text)
    .replace(INLINE_SYNTAX, (c) => `\\${c}`)
    .replace(/^([-+=])/, "\\$1")
    .replace(/^(\d+)([.)])/, "$1\\$2")
    .replace(/([@#:])/g, `$1${WORD_JOINER}`)
    .replace(/(w)(ww\.)/gi, `$1${WORD_JOINER}$2`);
}

/**
 * A code span around `text`, which it shows literally (identifiers, prefixes, globs): spaces
 * are kept as they are, line breaks become spaces, controls U+FFFD.
 */
export function codeSpan(text: string): string {
  const line = text.replace(LINE_BREAKS, " ").replace(CONTROLS, "\uFFFD");
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  // CommonMark strips one space from each end when both ends have one: pad to keep them.
  const spaced = line.startsWith(" ") && line.endsWith(" ") && line.trim() !== "";
  const pad = line.startsWith("`") || line.endsWith("`") || spaced ? " " : "";
  return `${fence}${pad}${line}${pad}${fence}`;
}

/**
 * The matrix.to link for a room alias or id (percent-encoded, as the Matrix specification's
 * matrix.to examples are), with `via` for a room id that names its server.
 */
export function matrixToUrl(identifier: string): string {
  const encoded = encodeURIComponent(identifier).replace(
    /[()'*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  let url = `https://matrix.to/#/${encoded}`;
  if (identifier.startsWith("!")) {
    const colon = identifier.indexOf(":");
    if (colon > 0) url += `?via=${encodeURIComponent(identifier.slice(colon + 1))}`;
  }
  return url;
}

/** `[text](url)`: the text escaped, the URL one that matrixToUrl made (no spaces, no parentheses). */
export function link(text: string, url: string): string {
  return `[${escapeText(text)}](${url})`;
}
