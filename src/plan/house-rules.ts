/** The house rules (src/policy/) over every planned room as it will be after apply. */
import type { Diagnostic } from "../diagnostics.ts";
import { checkPolicies } from "../policy/index.ts";
import { policyView, type RoomFacts } from "../policy/view.ts";
import type { PlanContext } from "./context.ts";

export function checkHouseRules(
  ctx: PlanContext,
  facts: ReadonlyMap<string, RoomFacts>,
): Diagnostic[] {
  const views = ctx.entries.flatMap((e) => {
    const f = facts.get(e.address);
    return f ? [policyView(e, f, ctx.managing)] : [];
  });
  return checkPolicies(ctx.desired.policies, views);
}
