/**
 * What a field planner returns: plain data the planner's builder (builder.ts) adds to
 * the plan. A field planner is a pure function (context and entry in, FieldPlan out);
 * `FieldOut` is the small accumulator each one fills and returns.
 */
import type { Severity } from "../diagnostics.ts";
import type { Entry } from "../manifest/model.ts";
import { roomPowerLevels, roomPowerOf, stateEventLevel } from "../matrix/powerlevels.ts";
import type { LiveRoom } from "../state/model.ts";
import type { PlanContext } from "./context.ts";
import type { Change, ChangeAction, Json, RoomRef, Step } from "./model.ts";
import type { RoomFacts } from "../policy/view.ts";

export type { RoomFacts };

/**
 * Where a step goes: a phase, or the steps that make one new room. A new room is linked as
 * soon as it is configured rather than after every creation: a failure then leaves no room
 * created but unlinked, and under Synapse's rate limits the links are sent while room
 * creations wait (rc_room_creation) instead of all at the end. `finish` completes rooms
 * whose creation was cut short, before anything else is sent to them. `upgrade` replaces
 * rooms before new rooms and settings, which may name the new rooms.
 */
export type Phase = "join" | "finish" | "upgrade" | "configure" | "link" | "unlink";
export type Placement = Phase | { newRoom: string };

export type StepBody = Step extends infer S
  ? S extends Step
    ? Omit<S, "space" | "addresses" | "description">
    : never
  : never;

export interface PlannedStep {
  placement: Placement;
  body: StepBody;
  addresses: string[];
  description: string;
}

export interface FieldProblem {
  severity: Severity;
  code: string;
  /** Field path in the manifest; the builder adds file, line and column. */
  path: string;
  message: string;
  hint?: string;
  /** Reported once per plan for the same key (a power requirement per room and event type). */
  once?: string;
}

export interface FieldPlan {
  changes: Change[];
  steps: PlannedStep[];
  problems: FieldProblem[];
  /** The entry's room after apply, for the house rules. */
  facts: RoomFacts;
}

export class FieldOut {
  readonly changes: Change[] = [];
  readonly steps: PlannedStep[] = [];
  readonly problems: FieldProblem[] = [];
  facts: RoomFacts = {};

  private readonly ctx: PlanContext;

  constructor(ctx: PlanContext) {
    this.ctx = ctx;
  }

  change(
    e: Entry,
    address: string,
    action: ChangeAction,
    before: Json,
    after: Json,
    roomId?: string,
  ): string {
    this.changes.push({
      space: this.ctx.space,
      address,
      action,
      before,
      after,
      entry: e.address,
      ...(roomId !== undefined ? { room_id: roomId } : {}),
    });
    return address;
  }

  step(placement: Placement, body: StepBody, addresses: string[], description: string): void {
    this.steps.push({ placement, body, addresses, description });
  }

  problem(
    severity: Severity,
    code: string,
    path: string,
    message: string,
    hint?: string,
    once?: string,
  ): void {
    this.problems.push({
      severity,
      code,
      path,
      message,
      ...(hint !== undefined ? { hint } : {}),
      ...(once !== undefined ? { once } : {}),
    });
  }

  /** Refuses a state change the managing account lacks the power for (before apply fails halfway). */
  needPower(room: LiveRoom, type: string, path: string): void {
    if (room.membership === "invite") return; // unknown until joined; noted as a warning
    const managing = this.ctx.managing;
    const own = roomPowerOf(room, managing);
    const need = stateEventLevel(roomPowerLevels(room), type);
    if (own >= need) return;
    this.problem(
      "error",
      "power.insufficient",
      path,
      `the managing account ${managing} has power ${own} in ${room.room_id}, but sending ${type} there needs ${need}.`,
      `Have a room admin raise ${managing} to at least ${need}, or stop managing this field.`,
      `${room.room_id}\u0000${type}`,
    );
  }

  /** A `send_state` step. */
  sendState(
    placement: Placement,
    room: RoomRef,
    type: string,
    stateKey: string,
    content: Record<string, Json>,
    addresses: string[],
    description: string,
  ): void {
    this.step(
      placement,
      { op: "send_state", room, type, state_key: stateKey, content },
      addresses,
      description,
    );
  }

  /** Sends a state event (state key "") to an existing room in the configure phase. */
  send(
    e: Entry,
    room: LiveRoom,
    type: string,
    field: string,
    content: Record<string, Json>,
    addresses: string[],
    what: string,
    placement: Phase = "configure",
  ): void {
    this.needPower(room, type, this.ctx.fieldPath(e, field));
    const description = `${what} of ${this.ctx.label(e)}`;
    this.sendState(placement, { room_id: room.room_id }, type, "", content, addresses, description);
  }

  /** Adds another field planner's results after this one's. */
  add(plan: FieldPlan): void {
    this.changes.push(...plan.changes);
    this.steps.push(...plan.steps);
    this.problems.push(...plan.problems);
    this.facts = { ...this.facts, ...plan.facts };
  }

  plan(): FieldPlan {
    return {
      changes: this.changes,
      steps: this.steps,
      problems: this.problems,
      facts: this.facts,
    };
  }
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
