/**
 * The plan as JSON: the Plan document itself (docs/plan-format.md), pretty and
 * stable. Key order is the model's construction order, which the planner keeps
 * deterministic, so equal plans give byte-equal files. Control and bidi
 * characters inside strings are written as `\uXXXX` escapes (src/text/json.ts).
 */
import type { Plan } from "../plan/model.ts";
import { safeJson } from "../text/json.ts";

export function renderJson(plan: Plan): string {
  return `${safeJson(plan)}\n`;
}
