/**
 * Reads a manifest's YAML keeping source positions, so that every later check
 * (schema, identifiers, policies, even the planner) can point at a line.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Node as YamlNode } from "yaml";
import type { Diagnostic } from "../diagnostics.ts";
import type { SourcePosition } from "./model.ts";
import { formatFieldPath, parseFieldPath } from "./fieldpath.ts";
import type { PathSegment } from "./fieldpath.ts";

interface NodePositions {
  /** Where the key is (`topic:`), for map entries; where the item starts, for list items. */
  key: SourcePosition;
  /** Where the value starts. */
  value: SourcePosition;
}

export interface ParsedSource {
  /** The document as plain data; undefined when YAML syntax errors make it untrustworthy. */
  data: unknown;
  /** YAML syntax errors, duplicate keys, YAML warnings. */
  diagnostics: Diagnostic[];
  /** Field path → position of its key, for every field in the file (first occurrence wins). */
  positions: Record<string, SourcePosition>;
  /**
   * The best position for a path: its value (or its key, with `at: "key"`), else the
   * nearest enclosing field that exists in the file, else the start of the file.
   */
  locate(path: string | readonly PathSegment[], at?: "key" | "value"): SourcePosition;
}

const START: SourcePosition = { line: 1, column: 1 };

export function parseSource(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const pos = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };

  const nodes = new Map<string, NodePositions>();
  const keyAtOffset = new Map<number, { path: string; key: string }>();
  walk(doc.contents, [], (segments, keyOffset, valueOffset, key) => {
    const path = formatFieldPath(segments);
    if (!nodes.has(path)) nodes.set(path, { key: pos(keyOffset), value: pos(valueOffset) });
    if (key !== undefined) keyAtOffset.set(keyOffset, { path, key });
  });

  const diagnostics: Diagnostic[] = [];
  let syntaxBroken = false;
  for (const err of doc.errors) {
    const at = pos(err.pos[0]);
    if (err.code === "DUPLICATE_KEY") {
      const dup = keyAtOffset.get(err.pos[0]);
      const first = dup ? nodes.get(dup.path) : undefined;
      diagnostics.push({
        severity: "error",
        code: "yaml.duplicate-key",
        message: dup
          ? `\`${dup.key}\` appears twice in the same mapping${first ? ` (first on line ${first.key.line})` : ""}.`
          : "A key appears twice in the same mapping.",
        hint: "Keep one of them; YAML would silently use only the last.",
        file,
        line: at.line,
        column: at.column,
        ...(dup ? { path: dup.path } : {}),
      });
      continue;
    }
    syntaxBroken = true;
    diagnostics.push({
      severity: "error",
      code: "yaml.syntax",
      message: `YAML syntax error: ${err.message.split("\n")[0] ?? err.message}`,
      hint:
        err.code === "TAB_AS_INDENT"
          ? "Indent with spaces, not tabs."
          : err.code === "MULTIPLE_DOCS"
            ? "Write one manifest per file, without a `---` separator."
            : "Check indentation, quotes and brackets around this line.",
      file,
      line: at.line,
      column: at.column,
    });
  }
  for (const warn of doc.warnings) {
    const at = pos(warn.pos[0]);
    diagnostics.push({
      severity: "warning",
      code: "yaml.warning",
      message: warn.message.split("\n")[0] ?? warn.message,
      file,
      line: at.line,
      column: at.column,
    });
  }

  const positions: Record<string, SourcePosition> = {};
  for (const [path, p] of nodes) if (path !== "") positions[path] = p.key;

  const locate = (
    path: string | readonly PathSegment[],
    at: "key" | "value" = "value",
  ): SourcePosition => {
    const segments = typeof path === "string" ? parseFieldPath(path) : [...path];
    for (let n = segments.length; n >= 0; n--) {
      const found = nodes.get(formatFieldPath(segments.slice(0, n)));
      if (found) return n === segments.length && at === "value" ? found.value : found.key;
    }
    return START;
  };

  let data: unknown;
  if (!syntaxBroken) {
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      // yaml refuses documents whose aliases expand too much (a resource exhaustion guard).
      diagnostics.push({
        severity: "error",
        code: "yaml.syntax",
        message: `The YAML cannot be read: ${err instanceof Error ? err.message : String(err)}`,
        hint: "Write the values out instead of nesting many aliases (*name).",
        file,
        line: 1,
        column: 1,
      });
    }
  }

  return {
    data,
    diagnostics,
    positions,
    locate,
  };
}

type Visit = (
  segments: PathSegment[],
  keyOffset: number,
  valueOffset: number,
  key: string | undefined,
) => void;

function walk(node: unknown, segments: PathSegment[], visit: Visit): void {
  // An alias (`*anchor`) is not followed: fields inside it are located at the alias
  // itself, and a document of nested aliases cannot make this walk explode.
  if (isAlias(node)) return;
  if (segments.length === 0 && node && typeof node === "object" && "range" in node) {
    const start = (node as YamlNode).range?.[0] ?? 0;
    visit([], start, start, undefined);
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const keyOffset = isScalar(keyNode) ? (keyNode.range?.[0] ?? 0) : 0;
      const value = pair.value as YamlNode | null;
      const valueOffset = value?.range?.[0] ?? keyOffset;
      const here = [...segments, key];
      visit(here, keyOffset, valueOffset, key);
      walk(value, here, visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const offset = (item as YamlNode | null)?.range?.[0] ?? 0;
      const here = [...segments, i];
      visit(here, offset, offset, undefined);
      walk(item, here, visit);
    });
  }
}
