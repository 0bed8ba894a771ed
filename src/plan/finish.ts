/**
 * Finishing a room whose `createRoom` was cut short (the homeserver crashed while it
 * created the room): the room has its `m.room.create` event and the creator's join,
 * maybe the alias, but no `m.room.power_levels`. When the managing account created it,
 * the plan sends what the creation request would have set, as visible changes, before
 * anything else goes to the room: first the power levels (with none, the auth rules let
 * the creator send any state), then the marker and the preset's join rule, history
 * visibility and guest access. The other declared fields are planned as for any room.
 */
import type { Entry } from "../manifest/model.ts";
import {
  contentOf,
  createSender,
  creatorsHavePower,
  GUEST_DEFAULT,
  HISTORY_DEFAULT,
  MARKER_EVENT_TYPE,
  stateMarkerOf,
  roomVersionOf,
} from "../matrix/vocabulary.ts";
import type { LiveRoom } from "../state/model.ts";
import type { PlanContext } from "./context.ts";
import { FieldOut, type FieldPlan } from "./field.ts";
import type { Json } from "./model.ts";
import { creationPowerOverride, synapseCreationPowerLevels } from "./power.ts";

/** A room the managing account created and whose creation stopped before its power levels. */
export function isHalfCreated(ctx: PlanContext, room: LiveRoom): boolean {
  return (
    room.membership === "join" &&
    contentOf(room, "m.room.power_levels") === undefined &&
    createSender(room) === ctx.managing
  );
}

/** The `createRoom` preset's events (private_chat) and the values a creation would give them. */
function presetEvents(e: Entry): {
  field: "join_rule" | "history_visibility" | "guest_access";
  type: string;
  key: string;
  value: string;
}[] {
  return [
    {
      field: "join_rule",
      type: "m.room.join_rules",
      key: "join_rule",
      value: "invite",
    },
    {
      field: "history_visibility",
      type: "m.room.history_visibility",
      key: "history_visibility",
      value: e.history_visibility ?? HISTORY_DEFAULT,
    },
    {
      field: "guest_access",
      type: "m.room.guest_access",
      key: "guest_access",
      value: e.guest_access ?? GUEST_DEFAULT,
    },
  ];
}

/**
 * The finishing steps of a half-created room, and the entry left for the other field
 * planners (without the fields finishing has taken over).
 */
export function planFinish(
  ctx: PlanContext,
  e: Entry,
  room: LiveRoom,
): { plan: FieldPlan; rest: Entry } {
  const out = new FieldOut(ctx);
  const rest: Entry = { ...e };
  const v12 = creatorsHavePower(roomVersionOf(room));
  out.problem(
    "warning",
    "room.half-created",
    e.address,
    `${room.room_id} has no m.room.power_levels: its creation by ${ctx.managing} was cut short; this plan finishes it.`,
  );

  let content: Record<string, Json> = synapseCreationPowerLevels(ctx.managing, v12);
  if (e.power_levels !== undefined) {
    const { override, problems, projected } = creationPowerOverride(
      e.power_levels,
      ctx.managing,
      v12,
    );
    for (const p of problems)
      out.problem("error", p.code, ctx.fieldPath(e, p.field), p.message, p.hint);
    content = { ...content, ...override };
    out.facts = { users: projected.users, usersDefault: projected.users_default };
  } else {
    out.facts = { users: v12 ? {} : { [ctx.managing]: 100 }, usersDefault: 0 };
  }
  if (v12) out.facts = { ...out.facts, creators: [ctx.managing] };
  const plAddress = out.change(
    e,
    ctx.fieldPath(e, "power_levels"),
    "create",
    null,
    content,
    room.room_id,
  );
  out.send(
    e,
    room,
    "m.room.power_levels",
    "power_levels",
    content,
    [plAddress],
    "set the initial power levels",
    "finish",
  );

  if (stateMarkerOf(room) === undefined) {
    const marker = { manifest: ctx.space, key: e.key };
    const address = out.change(e, ctx.fieldPath(e, "marker"), "create", null, marker, room.room_id);
    out.send(e, room, MARKER_EVENT_TYPE, "", marker, [address], "set the marker", "finish");
  }

  for (const p of presetEvents(e)) {
    if (contentOf(room, p.type) !== undefined) continue;
    // A declared join rule is planned as for any room (it may need its allow list).
    if (p.field === "join_rule" && e.join_rule !== undefined) continue;
    if (p.field === "history_visibility") delete rest.history_visibility;
    if (p.field === "guest_access") delete rest.guest_access;
    const address = out.change(e, ctx.fieldPath(e, p.field), "create", null, p.value, room.room_id);
    out.send(
      e,
      room,
      p.type,
      p.field,
      { [p.key]: p.value },
      [address],
      `set the ${p.field.replace("_", " ")}`,
      "finish",
    );
  }
  return { plan: out.plan(), rest };
}
