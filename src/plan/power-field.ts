/**
 * Power levels of an existing room as a field planner: planPowerLevels (power.ts) decides
 * the content and the refusals; this turns its result into changes, one step and the
 * room's facts for the house rules. Planned after the other fields, whose power
 * requirements are checked against the levels that hold now.
 */
import type { Entry } from "../manifest/model.ts";
import { effectivePowerLevels, roomPowerLevels } from "../matrix/powerlevels.ts";
import { contentOf, creatorsHavePower, unlimitedCreators } from "../matrix/vocabulary.ts";
import type { LiveRoom } from "../state/model.ts";
import { versionFacts } from "../policy/view.ts";
import type { PlanContext } from "./context.ts";
import { FieldOut, type FieldPlan } from "./field.ts";
import { planPowerLevels } from "./power.ts";

export function planRoomPowerLevels(
  ctx: PlanContext,
  e: Entry,
  room: LiveRoom,
  version: string,
  invited: boolean,
): FieldPlan {
  const out = new FieldOut(ctx);
  const plContent = contentOf(room, "m.room.power_levels");
  const creators = unlimitedCreators(room);
  if (e.power_levels !== undefined && !invited) {
    const pl = planPowerLevels({
      spec: e.power_levels,
      liveContent: plContent,
      live: roomPowerLevels(room),
      creators,
      managing: ctx.managing,
      v12: creatorsHavePower(version),
    });
    for (const p of pl.problems) {
      out.problem("error", p.code, ctx.fieldPath(e, p.field), p.message, p.hint);
    }
    if (pl.content) {
      const addresses = pl.changes.map((c) =>
        out.change(
          e,
          ctx.fieldPath(e, `power_levels.${c.field}`),
          "update",
          c.before,
          c.after,
          room.room_id,
        ),
      );
      out.sendState(
        "configure",
        { room_id: room.room_id },
        "m.room.power_levels",
        "",
        pl.content,
        addresses,
        `set the power levels of ${ctx.label(e)}`,
      );
    }
    out.facts = { users: pl.projected.users, usersDefault: pl.projected.users_default };
  } else if (!invited) {
    const live = plContent !== undefined ? effectivePowerLevels(plContent) : roomPowerLevels(room);
    out.facts = { users: live.users, usersDefault: live.users_default };
  } else if (e.power_levels !== undefined) {
    out.problem(
      "warning",
      "power.unknown-until-joined",
      ctx.fieldPath(e, "power_levels"),
      `the power levels of ${room.room_id} are not visible before joining; plan again after the join to manage them.`,
    );
  }
  // An invite's stripped state is the inviting server's word, unauthenticated: its power levels
  // and creators are not facts until the join shows the room's own state.
  if (!invited) out.facts = { ...out.facts, ...versionFacts(room) };
  return out.plan();
}
