/**
 * One way to show a diagnostic on a terminal, for every command and renderer.
 * Its file, field path and message may quote a manifest or the live space:
 * each is shown through `term`, so it stays on its line and emits no control.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { term } from "../text/terminal.ts";
import { palette, type Palette } from "./palette.ts";

/** `spaces/de-rse.yaml:12:5: error: rooms.general.topic: message [code]\n  hint: …` */
export function formatDiagnostic(d: Diagnostic, p: Palette = palette(false)): string {
  const where = d.file
    ? `${term(d.file)}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ""}` : ""}: `
    : "";
  const sev = d.severity === "error" ? p.red("error") : p.yellow("warning");
  const path = d.path ? `${p.bold(term(d.path))}: ` : "";
  let out = `${where}${sev}: ${path}${term(d.message)} ${p.dim(`[${term(d.code)}]`)}\n`;
  if (d.hint) out += `  ${p.cyan("hint:")} ${term(d.hint)}\n`;
  return out;
}
