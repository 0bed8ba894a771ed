/**
 * Import twin of src/plan/avatar.ts: the avatar as its `mxc://` URL, or as the file
 * `--download-avatars` saved when the live avatar records that file's sha256 (the
 * planner recognises a file avatar only by that record).
 */
import { isMxcUrl } from "../../matrix/ids.ts";
import { avatarSha256, contentOf, str } from "../../matrix/vocabulary.ts";
import type { LiveRoom } from "../../state/model.ts";
import { unmanaged, type ImportContext } from "../context.ts";
import type { ImportedEntry } from "../model.ts";

export function readAvatar(ctx: ImportContext, room: LiveRoom, entry: ImportedEntry): void {
  const c = contentOf(room, "m.room.avatar");
  const url = str(c?.["url"]);
  if (url === undefined || url === "") return;
  if (!isMxcUrl(url)) {
    const why = `avatar ${JSON.stringify(url)} is not an mxc:// URL: left unmanaged`;
    unmanaged(ctx, entry, "invalid-avatar", why);
    return;
  }
  const saved = ctx.options.avatarFiles?.[url];
  if (saved === undefined) {
    entry.fields.push(["avatar", url]);
  } else if (avatarSha256(c) === saved.sha256) {
    entry.fields.push(["avatar", saved.file]);
  } else {
    // Without a matching record the file would be uploaded again on the next apply.
    entry.fields.push(["avatar", url]);
    entry.notes.push(
      `avatar saved as ${saved.file}; it stays an mxc:// URL here because the live avatar records no sha256, ` +
        `so writing the file would upload it again once (see docs/import.md)`,
    );
  }
}
