/**
 * Import twin of src/plan/settings.ts: name, topic, history visibility, guest access,
 * encryption, directory listing and room version, each as the planner will read it back.
 */
import {
  contentOf,
  GUEST_ACCESS,
  HISTORY_VISIBILITIES,
  isEncrypted,
  oneOf,
  roomVersionOf,
  str,
} from "../../matrix/vocabulary.ts";
import type { LiveRoom } from "../../state/model.ts";
import { unmanaged, type ImportContext } from "../context.ts";
import type { ImportedEntry } from "../model.ts";

export function roomName(room: LiveRoom): string | undefined {
  const name = str(contentOf(room, "m.room.name")?.["name"]);
  return name === "" ? undefined : name;
}

export function readName(room: LiveRoom, entry: ImportedEntry): void {
  const name = roomName(room);
  if (name !== undefined) entry.fields.push(["name", name]);
}

/** The plain-text `topic`, which is what spaceform compares; a topic only in the rich form stays unmanaged. */
export function readTopic(ctx: ImportContext, room: LiveRoom, entry: ImportedEntry): void {
  const c = contentOf(room, "m.room.topic");
  if (c === undefined) return;
  const plain = str(c["topic"]);
  if (plain !== undefined) {
    if (plain !== "") entry.fields.push(["topic", plain]);
  } else if (c["m.topic"] !== undefined) {
    const why = "the topic has no plain-text `topic` field (only `m.topic`): left unmanaged";
    unmanaged(ctx, entry, "rich-topic", why);
  }
}

export function readHistoryAndGuests(room: LiveRoom, entry: ImportedEntry): void {
  const hv = oneOf(
    contentOf(room, "m.room.history_visibility")?.["history_visibility"],
    HISTORY_VISIBILITIES,
  );
  if (hv !== undefined) entry.fields.push(["history_visibility", hv]);
  const ga = oneOf(contentOf(room, "m.room.guest_access")?.["guest_access"], GUEST_ACCESS);
  if (ga !== undefined) entry.fields.push(["guest_access", ga]);
}

export function readEncryptionAndListing(room: LiveRoom, entry: ImportedEntry): void {
  entry.fields.push(["encrypted", isEncrypted(room)]);
  if (room.directory_visibility !== undefined) {
    entry.fields.push(["publish", room.directory_visibility === "public"]);
  }
  entry.fields.push(["room_version", roomVersionOf(room)]);
}
