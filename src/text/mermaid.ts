/**
 * Untrusted text in a Mermaid label (`id["label"]`). Mermaid decodes `#name;`
 * and `#123;` entities and reads a label in backticks as Markdown, so `"`, `#`,
 * `` ` ``, `<`, `>`, `&` and `%` all become numeric entities; control characters
 * and newlines are shown escaped, so a label can end neither its statement, the
 * diagram nor the surrounding ```mermaid fence.
 */
import { showControls } from "./codepoints.ts";

export function mermaidLabel(s: string): string {
  return showControls(s).replace(/["#`<>&%]/g, (c) => `#${c.charCodeAt(0)};`);
}
