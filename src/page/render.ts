/**
 * `spaceform page`: the public Markdown section for a community's website that lists the space
 * and its rooms (name, matrix.to link, topic, in the manifest's order; subspaces as nested
 * sections) and the house rules for rooms that members add. Pure: a manifest in, text out.
 *
 * Every name, topic and identifier comes from the manifest, which may come from a fork's pull
 * request: it goes through markdown.ts, never into the output as written.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { positionOf } from "../manifest/fieldpath.ts";
import type { Entry, Manifest } from "../manifest/model.ts";
import { escapeText, link, matrixToUrl } from "./markdown.ts";
import { houseRules, patternNote } from "./rules.ts";

export interface PageOptions {
  /** The managing account's server name, for aliases written without one (`#general`). */
  serverName?: string;
}

export interface PageSection {
  /** The manifest's name, which the section's markers carry. */
  name: string;
  /** The section, markers included, ending with a newline. */
  text: string;
}

/** Manifest names that can go into an HTML comment as they are. */
const MARKER_NAME = /^[A-Za-z0-9._-]+$/;

export function beginMarker(name: string): string {
  return `<!-- BEGIN spaceform page ${name}: generated from the manifest by \`spaceform page\`; edit the manifest, not this section -->`;
}

export function endMarker(name: string): string {
  return `<!-- END spaceform page ${name} -->`;
}

/** The section for one manifest, or the diagnostics that keep it from being written. */
export function renderPage(
  manifest: Manifest,
  options: PageOptions = {},
): { section?: PageSection; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (!MARKER_NAME.test(manifest.name)) {
    diagnostics.push({
      severity: "error",
      code: "page.manifest-name",
      message: `The manifest name \`${manifest.name}\` (its file name) goes into the page's markers and may only hold letters, digits, \`.\`, \`_\` and \`-\`.`,
      hint: "Rename the manifest file.",
      file: manifest.file,
    });
  }

  /** The alias (with its server) or the id a matrix.to link points at. */
  const address = (e: Entry): string | undefined => {
    if (e.alias === undefined) return e.id;
    if (e.alias.includes(":")) return e.alias;
    if (options.serverName !== undefined) return `${e.alias}:${options.serverName}`;
    const path = `${e.address}.alias`;
    const pos = positionOf(manifest.positions, path);
    diagnostics.push({
      severity: "error",
      code: "page.alias-server",
      message: `The alias \`${e.alias}\` names no server, and the page is made without connecting to one.`,
      hint: "Pass --server-name with the managing account's server name (e.g. --server-name matrix.org), or write the alias in full.",
      file: manifest.file,
      ...(pos ? { line: pos.line, column: pos.column } : {}),
      path,
    });
    return undefined;
  };
  const title = (e: Entry): string => e.name ?? e.alias ?? e.id ?? e.key;
  const titled = (e: Entry): string => {
    const target = address(e);
    return target === undefined ? escapeText(title(e)) : link(title(e), matrixToUrl(target));
  };

  const lines: string[] = [];
  const space = (e: Entry, level: number): void => {
    lines.push(`${"#".repeat(level)} ${titled(e)}`, "");
    if (e.topic !== undefined && e.topic.trim() !== "") lines.push(escapeText(e.topic), "");
    const rooms = e.children.filter((c) => c.kind === "room");
    for (const room of rooms) {
      const topic = room.topic?.trim() ? `: ${escapeText(room.topic)}` : "";
      lines.push(`- ${titled(room)}${topic}`);
    }
    if (rooms.length > 0) lines.push("");
    for (const sub of e.children.filter((c) => c.kind === "space")) {
      space(sub, Math.min(level + 1, 6));
    }
  };
  space(manifest.space, 2);

  lines.push("### House rules for additional rooms", "");
  const intro = "Members may create rooms of their own and ask for them to be added to the space.";
  const rules = houseRules(manifest.policies);
  if (rules.length === 0) {
    lines.push(`${intro} No house rules apply to them.`, "");
  } else {
    lines.push(`${intro} A room is added when:`, "", ...rules.map((r) => `- ${r}`), "");
    const note = patternNote(manifest.policies);
    if (note !== undefined) lines.push(note, "");
  }

  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  const text = [beginMarker(manifest.name), "", ...lines, endMarker(manifest.name), ""].join("\n");
  return { section: { name: manifest.name, text }, diagnostics };
}
