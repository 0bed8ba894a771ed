/** The renderers: each a pure function of the Plan document. */
export { renderText, type TextOptions } from "./text.ts";
export { renderMarkdown, GITHUB_COMMENT_LIMIT, type MarkdownOptions } from "./markdown.ts";
export { renderMermaid } from "./mermaid.ts";
export { renderJson } from "./json.ts";
