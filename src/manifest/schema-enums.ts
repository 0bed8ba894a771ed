/**
 * The manifest schema's Matrix enums come from the vocabulary (src/matrix/vocabulary.ts):
 * `npm run schema:generate` writes them into schemas/space.schema.json, and a unit test
 * fails when the file and the vocabulary disagree.
 */
import { GUEST_ACCESS, HISTORY_VISIBILITIES, JOIN_RULES } from "../matrix/vocabulary.ts";

/** `$defs` name → the values its `enum` lists. */
export const VOCABULARY_ENUMS: Readonly<Record<string, readonly string[]>> = {
  join_rule: JOIN_RULES,
  history_visibility: HISTORY_VISIBILITIES,
  guest_access: GUEST_ACCESS,
};

/**
 * The schema's text with each vocabulary `$defs` entry's `enum` replaced by the
 * vocabulary's values; everything else stays as written (and as Prettier keeps it).
 */
export function withVocabularyEnumsText(text: string): string {
  let out = text;
  for (const [name, values] of Object.entries(VOCABULARY_ENUMS)) {
    // A `$defs` entry is a line of its own at the second level: `    "join_rule": {`.
    const start = out.search(new RegExp(`^ {4}"${name}": \\{$`, "m"));
    const at = start < 0 ? -1 : out.indexOf('"enum": [', start);
    const end = at < 0 ? -1 : out.indexOf("]", at);
    if (end < 0) throw new Error(`the schema has no $defs.${name}.enum`);
    out = `${out.slice(0, at)}"enum": ${JSON.stringify(values)}${out.slice(end + 1)}`;
  }
  return out;
}
