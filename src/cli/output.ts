/**
 * Terminal output helpers shared by the commands: colour only on a TTY and never
 * under NO_COLOR (https://no-color.org), and one way to print a diagnostic.
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { UserError } from "../diagnostics.ts";

export function colorEnabled(stream: { isTTY?: boolean } = process.stdout): boolean {
  const noColor = process.env["NO_COLOR"];
  if (noColor !== undefined && noColor !== "") return false;
  if (process.env["FORCE_COLOR"] && process.env["FORCE_COLOR"] !== "0") return true;
  return stream.isTTY === true;
}

export interface Palette {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const wrap =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;

export function palette(enabled: boolean): Palette {
  if (!enabled) {
    const id = (s: string): string => s;
    return { red: id, green: id, yellow: id, cyan: id, bold: id, dim: id };
  }
  return {
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  };
}

/** `spaces/de-rse.yaml:12:5: error: rooms.general.topic: message (code)\n  hint: …` */
export function formatDiagnostic(d: Diagnostic, p: Palette = palette(false)): string {
  const where = d.file
    ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ""}` : ""}: `
    : "";
  const sev = d.severity === "error" ? p.red("error") : p.yellow("warning");
  const path = d.path ? `${p.bold(d.path)}: ` : "";
  let out = `${where}${sev}: ${path}${d.message} ${p.dim(`[${d.code}]`)}\n`;
  if (d.hint) out += `  ${p.cyan("hint:")} ${d.hint}\n`;
  return out;
}

export function formatUserError(
  err: UserError,
  p: Palette = palette(colorEnabled(process.stderr)),
): string {
  let out = `${p.red("Error:")} ${err.message}\n`;
  for (const d of err.diagnostics) out += formatDiagnostic(d, p);
  return out;
}

/**
 * Under GitHub Actions, a workflow command that annotates the line in the PR diff.
 * https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
 */
export function githubAnnotation(d: Diagnostic): string {
  const esc = (s: string): string =>
    s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const escProp = (s: string): string => esc(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
  const props: string[] = [];
  if (d.file) props.push(`file=${escProp(d.file)}`);
  if (d.line) props.push(`line=${d.line}`);
  if (d.column) props.push(`col=${d.column}`);
  props.push(`title=${escProp(`spaceform ${d.code}`)}`);
  const text = `${d.path ? `${d.path}: ` : ""}${d.message}${d.hint ? ` (${d.hint})` : ""}`;
  return `::${d.severity === "error" ? "error" : "warning"} ${props.join(",")}::${esc(text)}\n`;
}
