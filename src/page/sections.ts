/**
 * A page file (the community's website page) holds one generated section per manifest between
 * its two marker lines; everything around them belongs to the page's authors and is kept.
 * Pure: text in, text out.
 */
import { beginMarker, endMarker, type PageSection } from "./render.ts";

/** The page file with each section replaced in place, or appended when the file lacks it. */
export function updatePage(
  current: string | undefined,
  sections: readonly PageSection[],
): { text: string } | { error: string } {
  if (current === undefined) return { text: sections.map((s) => s.text).join("\n") };
  let lines = current.split("\n");
  const appended: string[] = [];
  for (const section of sections) {
    const begin = beginMarker(section.name);
    const end = endMarker(section.name);
    const starts = indicesOf(lines, begin);
    const ends = indicesOf(lines, end);
    if (starts.length === 0 && ends.length === 0) {
      appended.push(section.text);
      continue;
    }
    const [start] = starts;
    const [stop] = ends;
    if (starts.length !== 1 || ends.length !== 1 || start === undefined || stop === undefined) {
      return {
        error: `the page has ${starts.length} begin and ${ends.length} end markers of the ${section.name} section; it needs one of each`,
      };
    }
    if (stop < start) {
      return {
        error: `the end marker of the ${section.name} section comes before its begin marker`,
      };
    }
    // The section's text ends with a newline: without it, its lines are the ones it replaces.
    const replacement = section.text.slice(0, -1).split("\n");
    lines = [...lines.slice(0, start), ...replacement, ...lines.slice(stop + 1)];
  }
  let text = lines.join("\n");
  if (appended.length > 0) {
    const separator =
      text === "" ? "" : text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
    text += separator + appended.join("\n");
  }
  return { text };
}

/** Marker lines are matched whole, ignoring trailing spaces and a carriage return. */
function indicesOf(lines: readonly string[], marker: string): number[] {
  const out: number[] = [];
  lines.forEach((line, i) => {
    if (line.trimEnd() === marker) out.push(i);
  });
  return out;
}
