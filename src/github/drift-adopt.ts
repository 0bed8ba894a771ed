/**
 * Accepting drift: the live values of drifted fields written into a manifest's
 * YAML, so that merging the change adopts what was done in a chat client instead
 * of reverting it (Terraform's refresh-only idea). Edits go through the `yaml`
 * Document API, which keeps the file's comments, key order and layout: only the
 * drifted fields' values change, and a field a room inherited from `defaults:`
 * is added to that room alone.
 *
 * Live values are untrusted. Each one is checked against the field's type before
 * it is written (a topic is a string, a join rule one of Matrix's values, a power
 * level an integer), is written as a YAML value, never spliced into text, and the
 * result is parsed again to prove every written field reads back as exactly the
 * live value.
 */
import { isMap, isScalar, parseDocument } from "yaml";
import { parseFieldPath, type PathSegment } from "../manifest/fieldpath.ts";
import { isRoomAlias } from "../matrix/ids.ts";
import { GUEST_ACCESS, HISTORY_VISIBILITIES, JOIN_RULES } from "../matrix/vocabulary.ts";
import { POWER_LEVEL_FIELDS } from "../matrix/powerlevels.ts";
import type { Change, Json } from "../plan/model.ts";
import { escapeRawControls } from "../text/yaml.ts";

export interface Adoption {
  /** The manifest text with the live values written in. */
  text: string;
  adopted: Change[];
  /** Drifted fields left for a person, with why. */
  skipped: { change: Change; reason: string }[];
}

type Check = (v: Json) => boolean;
const isString: Check = (v) => typeof v === "string";
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === "string" && values.includes(v);
const isInteger: Check = (v) => typeof v === "number" && Number.isInteger(v);
const isLevelMap: Check = (v) =>
  v !== null &&
  typeof v === "object" &&
  !Array.isArray(v) &&
  Object.values(v).every((l) => typeof l === "number" && Number.isInteger(l));

/** The fields whose live value can stand in the manifest as it is, by their path below an entry. */
const ADOPTABLE: Record<string, Check> = {
  name: isString,
  topic: isString,
  alias: (v) => typeof v === "string" && isRoomAlias(v),
  join_rule: oneOf(JOIN_RULES),
  history_visibility: oneOf(HISTORY_VISIBILITIES),
  guest_access: oneOf(GUEST_ACCESS),
  publish: (v) => typeof v === "boolean",
  "power_levels.users": isLevelMap,
  ...Object.fromEntries(POWER_LEVEL_FIELDS.map((f) => [`power_levels.${f}`, isInteger])),
};

/** `rooms.general.topic` → the entry's YAML path and the field below it. */
function split(change: Change): { path: PathSegment[]; field: string } | undefined {
  const entry = parseFieldPath(change.entry);
  const all = parseFieldPath(change.address);
  const same = entry.every((s, i) => all[i] === s);
  if (!same || all.length <= entry.length) return undefined;
  return { path: all, field: all.slice(entry.length).join(".") };
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let v = value;
  for (const seg of path) {
    v =
      v !== null && typeof v === "object" ? (v as Record<string, unknown>)[String(seg)] : undefined;
  }
  return v;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A value as YAML text: JSON (a subset of YAML), with the characters other YAML parsers misread escaped. */
function yamlValue(value: Json): string {
  return escapeRawControls(JSON.stringify(value));
}

/** The end of the line `offset` is on, and the column of `offset`. */
function lineEnd(text: string, offset: number): number {
  const i = text.indexOf("\n", offset);
  return i < 0 ? text.length : i;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

/**
 * The text with `value` at `path`: an existing scalar's source replaced, or the missing
 * keys added as block lines below the deepest mapping that exists. Everything else in the
 * text stays byte for byte. Undefined when the place cannot be edited that way (a flow
 * mapping, a collection where a scalar should be).
 */
function writeAt(text: string, path: readonly PathSegment[], value: Json): string | undefined {
  const doc = parseDocument(text);
  const node = doc.getIn(path, true);
  if (node !== undefined) {
    const range = (node as { range?: [number, number, number] }).range;
    if (!range || !(isScalar(node) || typeof value === "object")) return undefined;
    // A block scalar's (or mapping's) source ends with its line break, which stays. A block
    // mapping (power_levels.users) becomes the live map as a flow mapping in its place.
    let end = range[1];
    while (end > range[0] && /\s/.test(text[end - 1] ?? "")) end--;
    return text.slice(0, range[0]) + yamlValue(value) + text.slice(end);
  }
  let depth = path.length - 1;
  while (depth > 0 && !isMap(doc.getIn(path.slice(0, depth), true))) depth--;
  const parent = doc.getIn(path.slice(0, depth), true);
  if (!isMap(parent) || parent.flow === true || parent.items.length === 0 || !parent.range) {
    return undefined;
  }
  const firstKey = parent.items[0]?.key as { range?: [number, number, number] } | undefined;
  if (!firstKey?.range) return undefined;
  const indent = columnOf(text, firstKey.range[0]);
  // After the mapping's last line with content.
  let end = parent.range[1];
  while (end > 0 && /\s/.test(text[end - 1] ?? "")) end--;
  const at = lineEnd(text, end);
  const rest = path.slice(depth).map(String);
  const lines = rest.map((key, i) => {
    const pad = " ".repeat(indent + 2 * i);
    return i === rest.length - 1 ? `${pad}${key}: ${yamlValue(value)}` : `${pad}${key}:`;
  });
  return `${text.slice(0, at)}\n${lines.join("\n")}${text.slice(at)}`;
}

/** The live values (`before`) of `changes` written into `text`, the manifest they belong to. */
export function adoptLiveValues(text: string, changes: readonly Change[]): Adoption {
  let out = text;
  const adopted: Change[] = [];
  const skipped: Adoption["skipped"] = [];
  for (const change of changes) {
    const where = split(change);
    const check = where ? ADOPTABLE[where.field] : undefined;
    if (change.action !== "update" || !where || !check) {
      skipped.push({ change, reason: "not written automatically; edit the manifest by hand" });
      continue;
    }
    if (!check(change.before)) {
      skipped.push({ change, reason: "its live value cannot stand in the manifest as it is" });
      continue;
    }
    const next = writeAt(out, where.path, change.before);
    if (next === undefined) {
      skipped.push({
        change,
        reason: "its place in the file is written in a form spaceform does not edit",
      });
      continue;
    }
    out = next;
    adopted.push(change);
  }
  const again: unknown = parseDocument(out).toJS();
  for (const change of adopted) {
    if (!sameJson(valueAt(again, parseFieldPath(change.address)), change.before)) {
      throw new Error(`adoptLiveValues: ${change.address} does not read back as its live value`);
    }
  }
  return { text: out, adopted, skipped };
}
