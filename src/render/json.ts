/**
 * The plan as JSON: the Plan document itself (docs/plan-format.md), pretty and
 * stable. Key order is the model's construction order, which the planner keeps
 * deterministic, so equal plans give byte-equal files.
 */
import type { Plan } from "../plan/model.ts";

export function renderJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
