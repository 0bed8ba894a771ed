/**
 * An existing room: the field planners in the order their changes are shown, joined into
 * one FieldPlan. Power levels come last: the other changes are checked against the levels
 * that hold now.
 */
import type { Entry } from "../manifest/model.ts";
import { serverOf } from "../matrix/ids.ts";
import { creatorsHavePower, roomVersionOf } from "../matrix/vocabulary.ts";
import { stateEvent } from "../state/model.ts";
import { planAliases } from "./aliases.ts";
import { planAvatar } from "./avatar.ts";
import type { PlanContext } from "./context.ts";
import { FieldOut, type FieldPlan } from "./field.ts";
import { isHalfCreated, planFinish } from "./finish.ts";
import type { Identity } from "./identity.ts";
import { planJoinRule } from "./join-rules.ts";
import { planRoomPowerLevels } from "./power-field.ts";
import { planUpgrade, upgradePowerSpec, upgradeUnfinished } from "./upgrade.ts";
import { planAllowRepair, planMarkerCarry } from "./upgrade-relink.ts";
import {
  planEncryption,
  planMarker,
  planName,
  planOneString,
  planPublish,
  planTopic,
} from "./settings.ts";

type Existing = Extract<Identity, { status: "existing" }>;

export function planExisting(ctx: PlanContext, e: Entry, id: Existing): FieldPlan {
  const out = new FieldOut(ctx);
  const room = id.room;
  const roomId = room.room_id as string;
  const version = roomVersionOf(room);
  if (id.invited) out.add(planJoin(ctx, e, id));
  out.add(planUpgrade(ctx, e, id));
  const finish = isHalfCreated(ctx, room) ? planFinish(ctx, e, room) : undefined;
  // An upgrade left for a later plan is said (a downgrade is refused in planUpgrade).
  const wanted = e.room_version;
  if (wanted !== undefined && wanted !== version && !id.upgrade && (id.invited || finish)) {
    out.problem(
      "warning",
      "room.version-differs",
      ctx.fieldPath(e, "room_version"),
      id.invited
        ? `${roomId} has room version ${version}; the upgrade to ${wanted} is planned once the managing account has joined.`
        : `${roomId} has room version ${version}; its creation was cut short, so the upgrade to ${wanted} is planned once this plan has finished it.`,
    );
  }
  const declared = finish?.rest ?? e;
  const fields = upgradeUnfinished(id, ctx.managing)
    ? upgradePowerSpec(declared, room, creatorsHavePower(version))
    : declared;
  if (finish) out.add(finish.plan);
  out.add(planMarker(ctx, fields, room, id));
  out.add(planMarkerCarry(ctx, fields, id));
  out.add(planName(ctx, fields, room));
  out.add(planTopic(ctx, fields, room));
  out.add(planAvatar(ctx, fields, room));
  out.add(planAliases(ctx, fields, room));
  out.add(planJoinRule(ctx, fields, room, version));
  out.add(planAllowRepair(ctx, fields, room));
  out.add(planOneString(ctx, fields, room, "history_visibility"));
  out.add(planOneString(ctx, fields, room, "guest_access"));
  out.add(planEncryption(ctx, fields, room));
  out.add(planPublish(ctx, fields, room));
  if (!finish) out.add(planRoomPowerLevels(ctx, fields, room, version, id.invited));
  return out.plan();
}

/** An invite is accepted first; until then the room is known only from the invite's stripped state. */
function planJoin(ctx: PlanContext, e: Entry, id: Existing): FieldPlan {
  const out = new FieldOut(ctx);
  const roomId = id.room.room_id as string;
  out.problem(
    "warning",
    "room.invited",
    e.address,
    `the managing account is invited to ${roomId} and will join it first; until then its state is known only from the invite, so this plan may show changes that turn out to be unnecessary and cannot check power levels.`,
  );
  const via = [
    serverOf(stateEvent(id.room, "m.room.member", ctx.managing)?.sender ?? ""),
    serverOf(roomId),
  ].filter((s, i, all) => s !== "" && all.indexOf(s) === i);
  const address = out.change(e, ctx.fieldPath(e, "membership"), "update", "invite", "join", roomId);
  out.step(
    "join",
    {
      op: "join",
      room: { room_id: id.room.room_id },
      via: via.length > 0 ? via : [ctx.serverName],
    },
    [address],
    `join ${ctx.label(e)} (${roomId})`,
  );
  return out.plan();
}
