/**
 * Adds a requested room to a manifest's text. The `yaml` package's Document API finds the
 * `rooms:` map and where it ends; the entry's lines are spliced in there, so every comment,
 * blank line and quoting style of the file stays exactly as it was, and the result is read back
 * to confirm the entry. The room's `id` and `order` are double-quoted (JSON strings are valid
 * YAML): a room id starts with `!`, a YAML tag, and an order such as `60` would be a number.
 */
import { isMap, isScalar, parseDocument, Scalar, YAMLMap, type Document } from "yaml";
import { allEntries, type Manifest } from "../manifest/model.ts";
import { subspace } from "../check/choose.ts";
import type { RoomId } from "../matrix/ids.ts";

export type EditResult = { ok: true; text: string } | { ok: false; problem: string };

function quoted(value: string): Scalar {
  const s = new Scalar(value);
  s.type = "QUOTE_DOUBLE";
  return s;
}

/** The YAML path of an entry's `rooms:` map: `rooms.chapters` → ["rooms", "chapters", "rooms"]. */
function roomsPath(address: string): string[] {
  return address === "space" ? ["rooms"] : [...address.split("."), "rooms"];
}

export function addRoomEntry(
  text: string,
  manifest: Manifest,
  room: { key: string; id: RoomId; order: string; chapter?: string },
): EditResult {
  const taken = allEntries(manifest.space).find((e) => e.key === room.key);
  if (taken) {
    return { ok: false, problem: `The key "${room.key}" is taken already (by ${taken.address}).` };
  }
  const listed = allEntries(manifest.space).find((e) => e.id === room.id);
  if (listed)
    return { ok: false, problem: `The room is in the space already, as ${listed.address}.` };
  const parent = room.chapter === undefined ? manifest.space : subspace(manifest, room.chapter);
  if (!parent) {
    return {
      ok: false,
      problem: `There is no chapter (subspace) with the key "${room.chapter ?? ""}".`,
    };
  }
  const path = roomsPath(parent.address);
  const lines = [
    `${room.key}:`,
    `  id: ${JSON.stringify(room.id)}`,
    `  order: ${JSON.stringify(room.order)}`,
  ];
  const doc: Document = parseDocument(text);
  const rooms = doc.getIn(path, true);
  const spliced = isMap(rooms) && rooms.range ? splice(text, rooms, lines) : undefined;
  const result = spliced ?? viaDocument(doc, path, room);
  if (typeof result !== "string") return result;
  // The edit is checked by reading it back: the entry is where the manifest expects it.
  const back = parseDocument(result);
  if (back.errors.length > 0 || back.getIn([...path, room.key, "id"]) !== room.id) {
    return { ok: false, problem: `The entry could not be added to ${manifest.file} safely.` };
  }
  return { ok: true, text: result };
}

/**
 * The entry's lines spliced into the original text, so that nothing else moves: after the last
 * item of a block map (at its items' indentation), or in place of an empty flow map `{}`.
 */
function splice(text: string, rooms: YAMLMap, lines: readonly string[]): string | undefined {
  const [start, end] = rooms.range ?? [0, 0];
  const lineStart = (at: number): number => text.lastIndexOf("\n", at - 1) + 1;
  const block = (indent: number): string =>
    lines.map((l) => `${" ".repeat(indent)}${l}\n`).join("");
  if (!rooms.flow) {
    const first = rooms.items[0]?.key;
    if (!isScalar(first) || !first.range) return undefined;
    const indent = first.range[0] - lineStart(first.range[0]);
    const before = end > 0 && text[end - 1] !== "\n" ? "\n" : "";
    return `${text.slice(0, end)}${before}${block(indent)}${text.slice(end)}`;
  }
  if (rooms.items.length > 0) return undefined;
  const own = lineStart(start);
  const indent = (/^ */.exec(text.slice(own))?.[0].length ?? 0) + 2;
  const rest = text.slice(end).replace(/^[ \t]*\n/, "");
  return `${text.slice(0, start).trimEnd()}\n${block(indent)}${rest}`;
}

/** Without a `rooms:` map to splice into: the Document API writes one (comments kept, some may move). */
function viaDocument(
  doc: Document,
  path: string[],
  room: { key: string; id: RoomId; order: string },
): string | EditResult {
  let rooms = doc.getIn(path, true);
  if (rooms === undefined || (isScalar(rooms) && rooms.value === null)) {
    doc.setIn(path, new YAMLMap());
    rooms = doc.getIn(path, true);
  }
  if (!isMap(rooms)) return { ok: false, problem: `${path.join(".")} is not a map.` };
  const entry = new YAMLMap();
  entry.set("id", quoted(room.id));
  entry.set("order", quoted(room.order));
  rooms.flow = false;
  rooms.set(room.key, entry);
  // No folding of long lines and no padding in flow collections.
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
