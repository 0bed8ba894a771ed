/**
 * `spaceform import --check-policies`: which house rules the live space already
 * breaks, before anyone declares them. The same rules the planner runs
 * (src/policy/), fed with the same view of a room (src/policy/view.ts) built from
 * what the live rooms hold.
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { Policies } from "../manifest/model.ts";
import { checkPolicies, type PolicyRoomView } from "../policy/index.ts";
import { liveRoomFacts, policyView } from "../policy/view.ts";
import type { LiveRoom, LiveState } from "../state/model.ts";
import type { ImportedEntry } from "./model.ts";

export function livePolicyView(
  entry: ImportedEntry,
  room: LiveRoom,
  managingUser: string,
): PolicyRoomView {
  return policyView(entry, liveRoomFacts(room), managingUser);
}

/** House-rule violations of every imported room, as the rules would report them in a plan. */
export function checkLivePolicies(
  policies: Policies,
  root: ImportedEntry,
  live: LiveState,
): Diagnostic[] {
  const byId = new Map(live.rooms.map((r) => [r.room_id as string, r]));
  const views: PolicyRoomView[] = [];
  const walk = (e: ImportedEntry): void => {
    const room = byId.get(e.room_id);
    if (room !== undefined) views.push(livePolicyView(e, room, live.user_id));
    e.children.forEach(walk);
  };
  walk(root);
  return checkPolicies(policies, views);
}
