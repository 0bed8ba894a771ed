/**
 * Terminal output shared by the commands: colour only on a TTY and never under
 * NO_COLOR (https://no-color.org), one way to print a diagnostic, and the guard
 * every byte written to stdout and stderr passes (installOutputGuard).
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { Diagnostic, UserError } from "../diagnostics.ts";
import { formatDiagnostic } from "../render/diagnostic.ts";
import { palette, type Palette } from "../render/palette.ts";
import { scrubSecrets } from "../secrets.ts";
import { escapeOutputControls, term } from "../text/terminal.ts";
import { defuseLine, workflowCommand } from "../text/workflow.ts";

export { formatDiagnostic } from "../render/diagnostic.ts";
export { palette, type Palette } from "../render/palette.ts";

/** The line after a usage mistake. */
export const USAGE_HINT = "Run 'spaceform --help', or 'spaceform <command> --help', for usage.";

export function colorEnabled(stream: { isTTY?: boolean } = process.stdout): boolean {
  const noColor = process.env["NO_COLOR"];
  if (noColor !== undefined && noColor !== "") return false;
  if (process.env["FORCE_COLOR"] && process.env["FORCE_COLOR"] !== "0") return true;
  return stream.isTTY === true;
}

export function formatUserError(
  err: UserError,
  p: Palette = palette(colorEnabled(process.stderr)),
): string {
  // The message's own lines are kept; each is shown escaped.
  let out = `${p.red("Error:")} ${err.message.split("\n").map(term).join("\n")}\n`;
  for (const d of err.diagnostics) out += formatDiagnostic(d, p);
  return out;
}

/**
 * GitHub places an annotation by its file path relative to the repository root, but
 * a diagnostic's file is relative to where spaceform runs (the action's
 * `working-directory`). With SPACEFORM_ANNOTATION_ROOT set (the action sets the
 * checkout's root), the path is made relative to it.
 */
export function annotationPath(
  file: string,
  root = process.env["SPACEFORM_ANNOTATION_ROOT"],
): string {
  if (root === undefined || root === "") return file;
  const rel = relative(resolve(root), resolve(file));
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return file;
  return rel.split(sep).join("/");
}

/**
 * Under GitHub Actions, a workflow command that annotates the line in the PR diff.
 * https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
 */
export function githubAnnotation(d: Diagnostic): string {
  const props: [string, string][] = [];
  if (d.file) props.push(["file", term(annotationPath(d.file))]);
  if (d.line) props.push(["line", String(d.line)]);
  if (d.column) props.push(["col", String(d.column)]);
  props.push(["title", `spaceform ${term(d.code)}`]);
  const text = `${d.path ? `${d.path}: ` : ""}${d.message}${d.hint ? ` (${d.hint})` : ""}`;
  return workflowCommand(d.severity === "error" ? "error" : "warning", props, term(text));
}

/**
 * What any text becomes on its way out: secrets removed, control characters
 * other than newlines, tabs and colour codes shown escaped, and every line that
 * GitHub Actions would read as a workflow command defused (unless it is one
 * spaceform made, see src/text/workflow.ts). `atLineStart` says whether the
 * text starts a line (a write that continues one is not a command).
 */
export function safeOutput(text: string, atLineStart = true): string {
  const lines = escapeOutputControls(scrubSecrets(text)).split("\n");
  return lines
    .map((line, i) =>
      i > 0 || atLineStart ? defuseLine(line) : line.replace(/##\[/g, "#\\u0023["),
    )
    .join("\n");
}

let installed = false;

/**
 * Routes every write to stdout and stderr through `safeOutput`, for the whole
 * process: renderers, diagnostics, progress lines, yargs' messages and the
 * top-level error handler alike. Called once, first thing, by the CLI.
 */
export function installOutputGuard(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    let atLineStart = true;
    const guarded = (chunk: unknown, ...rest: unknown[]): boolean => {
      if (typeof chunk !== "string" && !(chunk instanceof Uint8Array))
        return original(chunk, ...rest);
      const encoding = typeof rest[0] === "string" ? (rest[0] as BufferEncoding) : "utf8";
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(encoding);
      const safe = safeOutput(text, atLineStart);
      if (text !== "") atLineStart = text.endsWith("\n");
      const tail = rest.filter((r) => typeof r === "function");
      return original(safe, "utf8", ...tail);
    };
    stream.write = guarded;
  }
}
