/**
 * GitHub Actions reads a line of a step's output that starts with `::` (after
 * blanks) as a workflow command (`::error …`, `::add-mask::`, `::stop-commands::`),
 * and `##[` anywhere in a line as the older form. No line spaceform prints may
 * do that unless spaceform means it: an intended command (a validate
 * annotation) is made by `workflowCommand`, which approves that exact line; every
 * other line that looks like a command is defused by `defuseWorkflowCommands`.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */

const approved = new Set<string>();

/** Percent-escapes of the runner: for a command's message … */
export function escapeCommandData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
/** … and for its properties (`file=…,line=…`). */
export function escapeCommandProperty(s: string): string {
  return escapeCommandData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * `::name props::message\n`, escaped, and approved to pass the output guard.
 * `name` and the property keys are spaceform's own words.
 */
export function workflowCommand(
  name: string,
  properties: readonly (readonly [string, string])[],
  message: string,
): string {
  const props = properties.map(([k, v]) => `${k}=${escapeCommandProperty(v)}`).join(",");
  const line = `::${name}${props === "" ? "" : ` ${props}`}::${escapeCommandData(message)}`;
  approved.add(line);
  return `${line}\n`;
}

/** True when the runner could take this line as a command. */
export function looksLikeWorkflowCommand(line: string): boolean {
  return /^\s*::/.test(line) || line.includes("##[");
}

/**
 * One line of output, made inert unless it is an approved command: the first
 * `:` of a leading `::` becomes `\u003a`, and `##[` becomes `#\u0023[`, visibly.
 */
export function defuseLine(line: string): string {
  if (!looksLikeWorkflowCommand(line) || approved.has(line)) return line;
  return line.replace(/^(\s*):(?=:)/, "$1\\u003a").replace(/##\[/g, "#\\u0023[");
}

/** Every line of a text defused (see defuseLine). */
export function defuseWorkflowCommands(text: string): string {
  return text.split("\n").map(defuseLine).join("\n");
}
