/**
 * The avatar (`m.room.avatar`): an `mxc://` URL is set as written; a file is uploaded
 * unless the live avatar records the same sha256 (vocabulary: AVATAR_SHA256_KEY), so an
 * unchanged image is never uploaded twice.
 */
import type { Entry } from "../manifest/model.ts";
import { avatarSha256, contentOf, str } from "../matrix/vocabulary.ts";
import type { LiveRoom } from "../state/model.ts";
import type { PlanContext } from "./context.ts";
import { FieldOut, type FieldPlan } from "./field.ts";
import type { AvatarFile, Json } from "./model.ts";

export function avatarFileOf(a: Extract<Entry["avatar"], { kind: "file" }> & object): AvatarFile {
  return {
    file: a.written,
    sha256: a.sha256,
    mimetype: a.mimetype,
    size: a.size,
    ...(a.width !== undefined ? { width: a.width } : {}),
    ...(a.height !== undefined ? { height: a.height } : {}),
  };
}

/** How a change shows a declared avatar. */
export function avatarValue(avatar: NonNullable<Entry["avatar"]>): Json {
  return avatar.kind === "file"
    ? { file: avatar.written, sha256: avatar.sha256 }
    : { url: avatar.url };
}

/** The avatar of an existing room. */
export function planAvatar(ctx: PlanContext, e: Entry, room: LiveRoom): FieldPlan {
  const out = new FieldOut(ctx);
  const live = contentOf(room, "m.room.avatar");
  const liveUrl = str(live?.["url"]);
  const liveSha = avatarSha256(live);
  out.facts = { hasAvatar: e.avatar !== undefined || liveUrl !== undefined };
  if (e.avatar === undefined) return out.plan();
  const before: Json =
    liveUrl === undefined ? null : { url: liveUrl, ...(liveSha ? { sha256: liveSha } : {}) };
  const action = before === null ? "create" : "update";
  const address = ctx.fieldPath(e, "avatar");
  if (e.avatar.kind === "file") {
    if (liveUrl !== undefined && liveSha === e.avatar.sha256) return out.plan();
    out.change(e, address, action, before, avatarValue(e.avatar), room.room_id);
    out.needPower(room, "m.room.avatar", address);
    out.step(
      "configure",
      { op: "set_avatar", room: { room_id: room.room_id }, avatar_file: avatarFileOf(e.avatar) },
      [address],
      `upload and set the avatar of ${ctx.label(e)}`,
    );
  } else if (e.avatar.url !== liveUrl) {
    out.change(e, address, action, before, avatarValue(e.avatar), room.room_id);
    out.send(
      e,
      room,
      "m.room.avatar",
      "avatar",
      { url: e.avatar.url },
      [address],
      "set the avatar",
    );
  }
  return out.plan();
}
