/**
 * The house rules (src/policy/) over every planned room as it will be after apply. A room the
 * managing account is only invited to shows no power levels, and its invite's create event is the
 * inviting server's unauthenticated copy: the rules that need either are named as unchecked (a
 * warning), never passed silently.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { checkPolicies, uncheckedMemberRules } from "../policy/index.ts";
import { policyView, type RoomFacts } from "../policy/view.ts";
import type { PlanContext } from "./context.ts";

export function checkHouseRules(
  ctx: PlanContext,
  facts: ReadonlyMap<string, RoomFacts>,
): Diagnostic[] {
  const policies = ctx.desired.policies;
  const views = ctx.entries.flatMap((e) => {
    const f = facts.get(e.address);
    return f ? [{ entry: e, view: policyView(e, f, ctx.managing) }] : [];
  });
  const unchecked = views.flatMap(({ entry, view }) => {
    const id = ctx.identity(entry);
    if (id.status !== "existing" || !id.invited) return [];
    return uncheckedMemberRules(policies, view).map((o): Diagnostic => ({
      severity: "warning",
      code: "policy.unchecked",
      message: `house rule \`${o.rule}\` is not checked for \`${entry.address}\`: the managing account is only invited to ${id.room.room_id}, and a room shows ${o.rule === "creators" ? "its version and creators" : "its power levels"} only to members.`,
      hint: "Plan again after the join (the apply accepts the invite), or run `spaceform check` on the room, which accepts the invite to read them.",
      path: ctx.fieldPath(entry, "power_levels"),
    }));
  });
  return [
    ...checkPolicies(
      policies,
      views.map((v) => v.view),
    ),
    ...unchecked,
  ];
}
