/**
 * Untrusted text (room names, topics, aliases, diagnostics that quote them) in
 * GitHub-flavoured Markdown: one function per context, so that the text shows
 * as itself and can never start a block, close a fence, mention someone, link,
 * embed an image or forge an HTML comment.
 *
 * Every context first shows control characters and newlines as visible escapes
 * (`\n`, `\u001b`), so a field never spans two lines: nothing after a newline
 * can start a heading, a list item, a table, a fence or a `+`/`-` line of a
 * diff block.
 */
import { showControls } from "./codepoints.ts";

/**
 * GitHub links `@user`, `@org/team` and `#123` in the rendered HTML's text, even
 * after escaping. A zero-width space after the sign breaks the link and keeps
 * the text readable (Renovate sanitises its pull requests the same way).
 */
function breakMentions(s: string): string {
  return s.replace(/@(?=[\p{L}\p{N}_])|#(?=\d)/gu, "$&&#8203;");
}

/**
 * Text in a Markdown paragraph, list item or heading (never at the start of a
 * line: spaceform writes what begins each line). The characters that make
 * emphasis, code, links, images, HTML, entities, strikethrough and table cells
 * are backslash-escaped, as are the `://` and `www.` that GitHub would turn
 * into links, and mentions are broken.
 */
export function mdInline(s: string): string {
  return breakMentions(
    showControls(s)
      .replace(/[\\`*_[\]<>&!|~]/g, "\\$&")
      .replace(/:(?=\/\/)/g, "\\:")
      .replace(/\b(www)\./gi, "$1\\."),
  );
}

/**
 * Text inside an HTML block (`<details><summary>…</summary>`), where Markdown
 * is not parsed: entities for the HTML metacharacters, and broken mentions.
 */
export function mdHtml(s: string): string {
  return breakMentions(
    showControls(s)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;"),
  );
}

/**
 * Inline code: a backtick would end the span early, so it becomes `'`.
 * GitHub neither links nor mentions inside code.
 */
export function mdCode(s: string): string {
  return `\`${showControls(s).replace(/`/g, "'")}\``;
}

/** Text on a line of a fenced code block (a `diff` block): one line, whatever it contains. */
export function mdCodeLine(s: string): string {
  return showControls(s);
}

/**
 * A fence for a code block: longer than any run of backticks in the content,
 * so the content cannot close it (with newlines escaped it cannot anyway; the
 * fence holds for text that is shown with its lines, such as an apply log).
 */
export function fenceFor(content: string): string {
  const longest = Math.max(2, ...Array.from(content.matchAll(/`+/g), (m) => m[0].length));
  return "`".repeat(longest + 1);
}

/**
 * A multi-line text (an apply log) in a fenced code block: its lines are kept,
 * control characters are shown escaped, and the fence cannot be closed from inside.
 */
export function mdCodeBlock(text: string, info = "text"): string {
  const body = text
    .split("\n")
    .map((line) => showControls(line))
    .join("\n");
  const fence = fenceFor(body);
  return `${fence}${info}\n${body}\n${fence}`;
}
