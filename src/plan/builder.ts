/**
 * The one owner of a plan's collections while it is being made: its changes, its steps
 * with their placement, its diagnostics (with file and position), the power requirements
 * already reported, and what each entry's room will look like for the house rules.
 * Field planners return data (field.ts); the planner adds it here in order.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { positionOf } from "../manifest/fieldpath.ts";
import type { Manifest } from "../manifest/model.ts";
import type { FieldPlan, FieldProblem, Phase, PlannedStep, RoomFacts } from "./field.ts";
import type { Change, Step } from "./model.ts";

const PHASES: readonly Phase[] = ["join", "finish", "upgrade", "configure", "link", "unlink"];

export class PlanBuilder {
  readonly changes: Change[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** By entry address: what its room will look like after apply. */
  readonly facts = new Map<string, RoomFacts>();
  private readonly phases = new Map<Phase, Step[]>(PHASES.map((p) => [p, []]));
  /** By entry, in the order of creation (parents before children). */
  private readonly newRooms = new Map<string, Step[]>();
  private readonly reported = new Set<string>();

  private readonly desired: Manifest;

  constructor(desired: Manifest) {
    this.desired = desired;
  }

  /** Adds a field planner's results; `entry` records its room facts for the house rules. */
  add(plan: FieldPlan, entry?: string): void {
    for (const p of plan.problems) this.problem(p);
    this.changes.push(...plan.changes);
    for (const s of plan.steps) this.step(s);
    if (entry !== undefined) this.facts.set(entry, plan.facts);
  }

  problem(p: FieldProblem): void {
    if (p.once !== undefined) {
      if (this.reported.has(p.once)) return;
      this.reported.add(p.once);
    }
    const pos = positionOf(this.desired.positions, p.path);
    this.diagnostics.push({
      severity: p.severity,
      code: p.code,
      message: p.message,
      ...(p.hint !== undefined ? { hint: p.hint } : {}),
      file: this.desired.file,
      ...(pos ? { line: pos.line, column: pos.column } : {}),
      path: p.path,
    });
  }

  /** A diagnostic that already carries its own place (house rules); file and position are filled in. */
  diagnostic(d: Diagnostic): void {
    const path = d.path ?? "";
    const pos = d.line === undefined ? positionOf(this.desired.positions, path) : undefined;
    this.diagnostics.push({
      ...d,
      ...(d.file === undefined ? { file: this.desired.file } : {}),
      ...(pos ? { line: pos.line, column: pos.column } : {}),
    });
  }

  private step(s: PlannedStep): void {
    const step = {
      ...s.body,
      space: this.desired.name,
      addresses: s.addresses,
      description: s.description,
    };
    const list =
      typeof s.placement === "string"
        ? this.phases.get(s.placement)
        : (this.newRooms.get(s.placement.newRoom) ??
          this.newRooms.set(s.placement.newRoom, []).get(s.placement.newRoom));
    list?.push(step);
  }

  /** The steps in the order the applier runs them: joins, finishing, upgrades, new rooms, configure, links, unlinks. */
  steps(): Step[] {
    const phase = (p: Phase): Step[] => this.phases.get(p) ?? [];
    return [
      ...phase("join"),
      ...phase("finish"),
      ...phase("upgrade"),
      ...[...this.newRooms.values()].flat(),
      ...phase("configure"),
      ...phase("link"),
      ...phase("unlink"),
    ];
  }
}
