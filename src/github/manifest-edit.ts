/**
 * Adds a requested room to a manifest's text with the `yaml` package's Document API, so every
 * comment, blank line and quoting style of the file stays as it was. The room's `id` and
 * `order` are double-quoted: a room id starts with `!`, a YAML tag, and an order such as `60`
 * would otherwise be read as a number.
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
  const doc: Document = parseDocument(text);
  const path = roomsPath(parent.address);
  let rooms = doc.getIn(path, true);
  if (rooms === undefined || (isScalar(rooms) && rooms.value === null)) {
    doc.setIn(path, new YAMLMap());
    rooms = doc.getIn(path, true);
  }
  if (!isMap(rooms))
    return { ok: false, problem: `${path.join(".")} in ${manifest.file} is not a map.` };
  const entry = new YAMLMap();
  entry.set("id", quoted(room.id));
  entry.set("order", quoted(room.order));
  // A flow-style `rooms: {}` gets block style once it has an entry.
  rooms.flow = false;
  rooms.set(room.key, entry);
  // No folding of long lines and no padding in flow collections: the file's own lines stay as written.
  return { ok: true, text: doc.toString({ lineWidth: 0, flowCollectionPadding: false }) };
}
