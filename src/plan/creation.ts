/**
 * A new room: one `createRoom` request carrying everything it can (preset, version,
 * name, alias, initial state with the marker and the parent link, the power-level
 * override), then the steps that need the room to exist (further aliases). All its
 * steps are placed in the room's own group, so it is made whole before the next.
 */
import type { Entry } from "../manifest/model.ts";
import {
  creatorsHavePower,
  DEFAULT_ROOM_VERSION,
  GUEST_DEFAULT,
  MARKER_EVENT_TYPE,
  MEGOLM,
  type MarkerContent,
} from "../matrix/vocabulary.ts";
import { aliasUsable } from "./aliases.ts";
import { avatarFileOf, avatarValue } from "./avatar.ts";
import type { PlanContext } from "./context.ts";
import { FieldOut, type FieldPlan } from "./field.ts";
import { checkJoinRuleVersion, joinRuleContent } from "./join-rules.ts";
import type { Json } from "./model.ts";
import { creationPowerOverride } from "./power.ts";
import { topicContent } from "./settings.ts";

/** The state events a new room gets in `initial_state` from its declared settings. */
export function initialSettings(
  ctx: PlanContext,
  out: FieldOut,
  e: Entry,
): { type: string; content: Record<string, Json> }[] {
  const events: { type: string; content: Record<string, Json> }[] = [];
  const add = (type: string, content: Record<string, Json>): void => {
    events.push({ type, content });
  };
  if (e.topic !== undefined) add("m.room.topic", topicContent(e.topic));
  if (e.avatar?.kind === "mxc") add("m.room.avatar", { url: e.avatar.url });
  if (e.join_rule !== undefined) {
    const jr = joinRuleContent(ctx, out, e, e.join_rule);
    if (jr) add("m.room.join_rules", jr);
  }
  if (e.history_visibility !== undefined) {
    add("m.room.history_visibility", { history_visibility: e.history_visibility });
  }
  // The private_chat preset lets guests join; an undeclared guest_access gets Matrix's quieter default.
  add("m.room.guest_access", { guest_access: e.guest_access ?? GUEST_DEFAULT });
  if (e.encrypted === true) add("m.room.encryption", { algorithm: MEGOLM });
  return events;
}

export function planCreation(ctx: PlanContext, e: Entry): FieldPlan {
  const out = new FieldOut(ctx);
  const { managing } = ctx;
  const parent = ctx.parentOf(e);
  const version = e.room_version ?? DEFAULT_ROOM_VERSION;
  const v12 = creatorsHavePower(version);
  checkJoinRuleVersion(ctx, out, e, version, `room version ${version}`);

  const marker: MarkerContent = { manifest: ctx.space, key: e.key };
  const request: Record<string, Json> = { preset: "private_chat", room_version: version };
  // The marker also goes into m.room.create, so that a creation cut short can be found again.
  request["creation_content"] = {
    ...(e.kind === "space" ? { type: "m.space" } : {}),
    [MARKER_EVENT_TYPE]: { ...marker },
  };
  if (e.name !== undefined) request["name"] = e.name;
  // Synapse ≥ 1.126 may silently not publish from createRoom; the applier checks afterwards.
  request["visibility"] = e.publish === true ? "public" : "private";

  const group = { newRoom: e.address };
  const later = new FieldOut(ctx);
  // The aliases are made after the room, not by createRoom's room_alias_name: Synapse makes that
  // directory entry before the room's first event, so a crash in between would leave the alias
  // pointing at a room nobody is in, which no rerun could read or repair. Made afterwards, a
  // cut-short room is found by the marker in its create event, and the alias follows.
  const alias = e.alias !== undefined ? ctx.qualify(e.alias) : undefined;
  const mainUsable = alias !== undefined && aliasUsable(ctx, out, e, "alias", alias, null);
  const alts = (e.alt_aliases ?? []).map((a) => ctx.qualify(a));
  const altsUsable = alts.filter((a) => aliasUsable(ctx, out, e, "alt_aliases", a, null));
  const made = [...(mainUsable ? [alias] : []), ...(altsUsable.length === alts.length ? alts : [])];
  for (const a of made) {
    const body = { op: "create_alias", alias: a, room: { created: e.address } } as const;
    later.step(group, body, [e.address], `create alias ${a} for ${e.address}`);
  }
  if (made.length > 0) {
    const content: Record<string, Json> = {};
    if (mainUsable) content["alias"] = alias;
    if (alts.length > 0 && altsUsable.length === alts.length) content["alt_aliases"] = alts;
    later.sendState(
      group,
      { created: e.address },
      "m.room.canonical_alias",
      "",
      content,
      [e.address],
      `set the aliases of ${e.address}`,
    );
  }

  const initialState: Json[] = initialSettings(ctx, out, e).map(({ type, content }) => ({
    type,
    state_key: "",
    content,
  }));
  initialState.push({ type: MARKER_EVENT_TYPE, state_key: "", content: { ...marker } });
  if (parent && ctx.identity(parent).status !== "unusable") {
    initialState.push({
      type: "m.space.parent",
      state_key: ctx.idStateKey(parent),
      content: { via: ctx.viaFor(parent), canonical: true },
    });
  }

  let users: Record<string, number> = v12 ? {} : { [managing]: 100 };
  let usersDefault = 0;
  if (e.power_levels !== undefined) {
    const { override, problems, projected } = creationPowerOverride(e.power_levels, managing, v12);
    for (const p of problems)
      out.problem("error", p.code, ctx.fieldPath(e, p.field), p.message, p.hint);
    if (Object.keys(override).length > 0) request["power_level_content_override"] = override;
    users = projected.users;
    usersDefault = projected.users_default;
  }
  request["initial_state"] = initialState;

  const avatarFile = e.avatar?.kind === "file" ? avatarFileOf(e.avatar) : undefined;
  out.step(
    group,
    {
      op: "create_room",
      entry: e.address,
      request,
      ...(avatarFile ? { avatar_file: avatarFile } : {}),
    },
    [e.address],
    `create ${e.kind === "space" ? "space" : "room"} ${ctx.label(e)}`,
  );
  out.add(later.plan());
  out.change(e, e.address, "create", null, declaredFields(ctx, e, version));
  out.facts = {
    name: e.name ?? "",
    hasAvatar: e.avatar !== undefined,
    encrypted: e.encrypted === true,
    users,
    usersDefault,
    ...(v12 ? { creators: [managing] } : {}),
  };
  return out.plan();
}

/** What a `create` change shows as `after`: the declared fields, aliases qualified. */
function declaredFields(ctx: PlanContext, e: Entry, version: string): Json {
  const out: Record<string, Json> = {};
  if (e.name !== undefined) out["name"] = e.name;
  if (e.topic !== undefined) out["topic"] = e.topic;
  if (e.avatar !== undefined) out["avatar"] = avatarValue(e.avatar);
  if (e.alias !== undefined) out["alias"] = ctx.qualify(e.alias);
  if (e.alt_aliases !== undefined) out["alt_aliases"] = e.alt_aliases.map((a) => ctx.qualify(a));
  if (e.join_rule !== undefined) out["join_rule"] = e.join_rule;
  if (e.allow !== undefined) out["allow"] = e.allow;
  if (e.history_visibility !== undefined) out["history_visibility"] = e.history_visibility;
  if (e.guest_access !== undefined) out["guest_access"] = e.guest_access;
  if (e.encrypted !== undefined) out["encrypted"] = e.encrypted;
  if (e.publish !== undefined) out["publish"] = e.publish;
  out["room_version"] = version;
  if (e.power_levels !== undefined) out["power_levels"] = e.power_levels as Json;
  if (e.suggested !== undefined) out["suggested"] = e.suggested;
  if (e.order !== undefined) out["order"] = e.order;
  return out;
}
