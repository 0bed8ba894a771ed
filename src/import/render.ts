/**
 * Imported entries → manifest YAML text, through the `yaml` Document API so
 * that key order and comments are ours: the file is meant to be read, reviewed
 * and committed. Live text (names, topics, notes quoting them) can hold control
 * characters: comments show them escaped and values are written as escapes in
 * double quotes (src/text/yaml.ts), so the file is valid YAML for any parser.
 */
import { Document, Pair, Scalar, YAMLMap } from "yaml";
import { escapeRawControls, forceDoubleQuotes, yamlComment } from "../text/yaml.ts";
import { MANIFEST_VERSION } from "../manifest/model.ts";
import type { BuiltImport, ImportedEntry, OmittedRoom } from "./build.ts";

export interface Header {
  /** `$schema` reference for editors, relative to the manifest or a URL. */
  schemaRef: string;
  /** What the user imported and from where: `#space:example.org on https://example.org`. */
  importedFrom: string;
  /** The account that read it. */
  userId: string;
  now: Date;
  /** spaceform's version. */
  version: string;
}

function commentLines(lines: readonly string[]): string {
  // The library prefixes every line with `#`; a leading space keeps `# text` readable.
  return lines.map((l) => ` ${yamlComment(l)}`).join("\n");
}

function omittedLine(o: OmittedRoom): string {
  return `not imported: ${o.label === undefined ? o.room_id : `${o.label} ${o.room_id}`}: ${o.reason}`;
}

function scalar(doc: Document, value: unknown): Scalar {
  return doc.createNode(value) as Scalar;
}

function entryMap(doc: Document, entry: ImportedEntry): YAMLMap {
  const map = new YAMLMap();
  for (const [field, value] of entry.fields) {
    map.items.push(new Pair(scalar(doc, field), doc.createNode(value)));
  }
  if (entry.kind === "space" && entry.address !== "space") {
    map.items.push(new Pair(scalar(doc, "rooms"), roomsMap(doc, entry)));
  }
  return map;
}

/** A space's children; rooms that could not be imported are listed as comments where they would be. */
function roomsMap(doc: Document, space: ImportedEntry): YAMLMap {
  const map = new YAMLMap();
  for (const child of space.children) {
    const key = scalar(doc, child.key);
    if (child.notes.length > 0) key.commentBefore = commentLines(child.notes);
    map.items.push(new Pair(key, entryMap(doc, child)));
  }
  if (space.omitted.length > 0) {
    map.comment = commentLines(space.omitted.map(omittedLine));
  }
  // Flow style only for an empty map (`rooms: {}`); its comment then follows it.
  if (map.items.length === 0) map.flow = true;
  return map;
}

function headerLines(built: BuiltImport, h: Header): string[] {
  return [
    `yaml-language-server: $schema=${h.schemaRef}`,
    `Imported by spaceform ${h.version} from ${h.importedFrom}`,
    `as ${h.userId} at ${h.now.toISOString()}: ${built.entryCount} rooms and spaces.`,
    "Every entry records its room id, so identity is exact. A field left out is unmanaged.",
    "Review it, then plan: it should show no changes.",
  ];
}

const POLICIES_NOTE = [
  "policies: house rules are not guessed from the live space. Declare yours, e.g.:",
  "policies:",
  '  admins: ["@admin:example.org"]',
  "  forbid_encryption: false",
  "  require_avatar: warn",
  "  min_moderators: 0",
  "See docs/manifest.md; `spaceform import --check-policies` shows what the live space already breaks.",
];

export function renderManifest(built: BuiltImport, header: Header): string {
  const doc = new Document();
  doc.commentBefore = commentLines(headerLines(built, header));
  const top = new YAMLMap();
  top.items.push(new Pair(scalar(doc, "version"), scalar(doc, MANIFEST_VERSION)));
  const space = entryMap(doc, built.root);
  const spaceKey = scalar(doc, "space");
  if (built.root.notes.length > 0) spaceKey.commentBefore = commentLines(built.root.notes);
  top.items.push(new Pair(spaceKey, space));
  if (built.defaults.length > 0) {
    const defaults = new YAMLMap();
    for (const [field, value] of built.defaults) {
      defaults.items.push(new Pair(scalar(doc, field), doc.createNode(value)));
    }
    const key = scalar(doc, "defaults");
    key.commentBefore = commentLines([
      "Settings most rooms and subspaces share (not the space itself). A room's own value",
      "replaces the default; power_levels merge field by field.",
    ]);
    top.items.push(new Pair(key, defaults));
  }
  const rooms = roomsMap(doc, built.root);
  if (rooms.items.length > 0 || built.root.omitted.length > 0) {
    top.items.push(new Pair(scalar(doc, "rooms"), rooms));
  }
  doc.contents = top;
  doc.comment = commentLines(POLICIES_NOTE);
  forceDoubleQuotes(doc);
  // No folding: a long topic stays on one line, so a later edit is a one-line diff.
  return escapeRawControls(
    doc.toString({ lineWidth: 0, indentSeq: true, doubleQuotedAsJSON: true }),
  );
}
