/**
 * The planner: a pure function of the manifest and the live state.
 *
 * It reads nothing and sends nothing. It decides which live room each entry is
 * (identity.ts), compares only the fields an entry declares (absent = unmanaged),
 * refuses what Matrix would reject halfway or what would lose something (error
 * diagnostics), and orders the applier's steps so that every request finds what it
 * needs already in place: joins; the finishing of rooms whose creation was cut short;
 * the upgrades (upgrade.ts; what they leave pointing at the old rooms is repaired by
 * upgrade-relink.ts); then each new room, parents first, made whole before the next (its creation, its
 * aliases, its link into its parent space); then the existing rooms' settings, their
 * space links, and unlinks.
 *
 * Each concern is a field planner in its own module, a pure function returning data
 * (field.ts); the builder (builder.ts) collects their results in the order below.
 */
import type { Manifest } from "../manifest/model.ts";
import type { LiveState } from "../state/model.ts";
import { PlanBuilder } from "./builder.ts";
import { DEFAULT_PLAN_OPTIONS, planContext, type PlanOptions } from "./context.ts";
import { planCreation } from "./creation.ts";
import { planExisting } from "./existing.ts";
import { fingerprintState } from "./fingerprint.ts";
import { checkHouseRules } from "./house-rules.ts";
import { planLink } from "./links.ts";
import type { SpacePlan } from "./model.ts";
import { buildTree } from "./tree.ts";
import { checkRemovals, planUnmanaged } from "./unmanaged.ts";
import { checkUpgrades, retarget, upgradedEntries } from "./upgrade.ts";
import { planParentRepoint } from "./upgrade-relink.ts";

export { DEFAULT_PLAN_OPTIONS, type PlanOptions } from "./context.ts";
export { DEFAULT_ROOM_VERSION, MEGOLM } from "../matrix/vocabulary.ts";

export function planSpace(
  desired: Manifest,
  actual: LiveState,
  options: PlanOptions = DEFAULT_PLAN_OPTIONS,
): SpacePlan {
  const { ctx, warnings } = planContext(desired, actual, options);
  const plan = new PlanBuilder(desired);

  // Which room each entry is.
  for (const w of warnings) {
    plan.problem({
      severity: "warning",
      code: w.code,
      path: ctx.fieldPath(w.entry, w.field),
      message: w.message,
    });
  }
  for (const e of ctx.entries) {
    const id = ctx.identity(e);
    if (id.status !== "unusable") continue;
    const { code, field, message, hint } = id.problem;
    plan.problem({
      severity: "error",
      code,
      path: ctx.fieldPath(e, field),
      message,
      ...(hint !== undefined ? { hint } : {}),
    });
  }

  // Each room: created, or its declared fields compared with the live ones.
  for (const e of ctx.entries) {
    const id = ctx.identity(e);
    if (id.status === "new") plan.add(planCreation(ctx, e), e.address);
    else if (id.status === "existing") plan.add(planExisting(ctx, e, id), e.address);
  }

  // Space links, then the children nobody declared, then the removal guard.
  for (const e of ctx.entries) {
    const parent = ctx.parentOf(e);
    if (parent) plan.add(planLink(ctx, parent, e));
    if (parent) plan.add(planParentRepoint(ctx, parent, e));
  }
  const unmanaged = planUnmanaged(ctx);
  plan.add(unmanaged.plan);
  plan.add(checkRemovals(ctx, plan.changes));
  plan.add(checkUpgrades(ctx, plan.changes));

  // The house rules, over every room as it will be.
  for (const d of checkHouseRules(ctx, plan.facts)) plan.diagnostic(d);

  return {
    space: ctx.space,
    based_on: {
      space: ctx.space,
      manifest_file: desired.file,
      manifest_sha256: desired.sha256,
      server_name: ctx.serverName,
      user_id: ctx.managing,
      state_sha256: fingerprintState(actual),
    },
    ...retarget(upgradedEntries(ctx), plan.changes, plan.steps()),
    diagnostics: plan.diagnostics,
    tree: buildTree(ctx, desired.space, plan.changes),
    unmanaged: unmanaged.unmanaged,
  };
}
