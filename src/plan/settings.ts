/**
 * The one-event settings of an existing room: its marker, name, topic, history
 * visibility, guest access, encryption and directory listing. Each is a pure function
 * of the context, the entry and the live room; absent = unmanaged.
 */
import type { Entry } from "../manifest/model.ts";
import {
  contentOf,
  GUEST_DEFAULT,
  HISTORY_DEFAULT,
  isEncrypted,
  MARKER_EVENT_TYPE,
  MEGOLM,
  str,
} from "../matrix/vocabulary.ts";
import type { LiveRoom } from "../state/model.ts";
import type { PlanContext } from "./context.ts";
import { FieldOut, type FieldPlan } from "./field.ts";
import type { Identity } from "./identity.ts";
import type { Json } from "./model.ts";

type Existing = Extract<Identity, { status: "existing" }>;

export function topicContent(topic: string): Record<string, Json> {
  return { topic, "m.topic": { "m.text": [{ body: topic }] } };
}

/** A change of one field of an existing room: `create` when the live value is absent. */
function simple(
  out: FieldOut,
  ctx: PlanContext,
  e: Entry,
  room: LiveRoom,
  field: string,
  before: Json,
  after: Json,
): string {
  const address = ctx.fieldPath(e, field);
  out.change(e, address, before === null ? "create" : "update", before, after, room.room_id);
  return address;
}

/** Only a room spaceform created (it has a marker) follows a renamed key. */
export function planMarker(ctx: PlanContext, e: Entry, room: LiveRoom, id: Existing): FieldPlan {
  const out = new FieldOut(ctx);
  const { space } = ctx;
  if (id.marker && id.marker.manifest === space && id.marker.key !== e.key) {
    const after = { manifest: space, key: e.key };
    const address = simple(out, ctx, e, room, "marker", { ...id.marker }, after);
    out.send(e, room, MARKER_EVENT_TYPE, "", after, [address], "rename the marker");
  } else if (id.marker && id.marker.manifest !== space) {
    out.problem(
      "warning",
      "identity.other-manifest",
      e.address,
      `${room.room_id} was created by spaceform for the manifest "${id.marker.manifest}"; this manifest now manages it too.`,
    );
  }
  return out.plan();
}

export function planName(ctx: PlanContext, e: Entry, room: LiveRoom): FieldPlan {
  const out = new FieldOut(ctx);
  const liveName = str(contentOf(room, "m.room.name")?.["name"]);
  // The invite's stripped state carries name, avatar and encryption: their absence means "none".
  out.facts = { name: e.name ?? liveName ?? "" };
  if (e.name !== undefined && e.name !== (liveName ?? "")) {
    const address = simple(out, ctx, e, room, "name", liveName ?? null, e.name);
    out.send(e, room, "m.room.name", "name", { name: e.name }, [address], "set the name");
  }
  return out.plan();
}

export function planTopic(ctx: PlanContext, e: Entry, room: LiveRoom): FieldPlan {
  const out = new FieldOut(ctx);
  if (e.topic === undefined) return out.plan();
  const liveTopic = str(contentOf(room, "m.room.topic")?.["topic"]);
  if (e.topic !== (liveTopic ?? "")) {
    const address = simple(out, ctx, e, room, "topic", liveTopic ?? null, e.topic);
    out.send(e, room, "m.room.topic", "topic", topicContent(e.topic), [address], "set the topic");
  }
  return out.plan();
}

/** The one-string state events whose absence means Matrix's default. */
export const ONE_STRING_FIELDS = {
  history_visibility: {
    type: "m.room.history_visibility",
    fallback: HISTORY_DEFAULT,
    what: "set the history visibility",
  },
  guest_access: { type: "m.room.guest_access", fallback: GUEST_DEFAULT, what: "set guest access" },
} as const;

export function planOneString(
  ctx: PlanContext,
  e: Entry,
  room: LiveRoom,
  field: keyof typeof ONE_STRING_FIELDS,
): FieldPlan {
  const out = new FieldOut(ctx);
  const { type, fallback, what } = ONE_STRING_FIELDS[field];
  const wanted = e[field];
  if (wanted === undefined) return out.plan();
  const live = str(contentOf(room, type)?.[field]);
  if (wanted === (live ?? fallback)) return out.plan();
  const address = simple(out, ctx, e, room, field, live ?? null, wanted);
  out.send(e, room, type, field, { [field]: wanted }, [address], what);
  return out.plan();
}

/** Encryption can be turned on, never off. */
export function planEncryption(ctx: PlanContext, e: Entry, room: LiveRoom): FieldPlan {
  const out = new FieldOut(ctx);
  const liveEncrypted = isEncrypted(room);
  out.facts = { encrypted: e.encrypted ?? liveEncrypted, liveEncrypted };
  if (e.encrypted === true && !liveEncrypted) {
    const address = simple(out, ctx, e, room, "encrypted", false, true);
    const content = { algorithm: MEGOLM };
    out.send(e, room, "m.room.encryption", "encrypted", content, [address], "turn on encryption");
  } else if (e.encrypted === false && liveEncrypted) {
    out.problem(
      "error",
      "encryption.irreversible",
      ctx.fieldPath(e, "encrypted"),
      `${room.room_id} is encrypted, and Matrix has no way to turn encryption off again.`,
      "To get an unencrypted room, create a new room (a new entry), move the members over and tombstone this one; or set encrypted: true.",
    );
  }
  return out.plan();
}

/** The listing in the room directory (not state; checked against the canonical alias's level). */
export function planPublish(ctx: PlanContext, e: Entry, room: LiveRoom): FieldPlan {
  const out = new FieldOut(ctx);
  const live = room.directory_visibility;
  if (e.publish === undefined || live === undefined || (live === "public") === e.publish) {
    return out.plan();
  }
  const address = simple(out, ctx, e, room, "publish", live === "public", e.publish);
  out.needPower(room, "m.room.canonical_alias", address);
  out.step(
    "configure",
    {
      op: "set_visibility",
      room: { room_id: room.room_id },
      visibility: e.publish ? "public" : "private",
    },
    [address],
    `${e.publish ? "publish" : "unpublish"} ${ctx.label(e)} in the room directory`,
  );
  return out.plan();
}
