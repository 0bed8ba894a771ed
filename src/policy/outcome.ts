/**
 * What one house rule says about one room: pass, fail, warn (a rule that only recommends), or
 * unknown (the view lacks what the rule needs). Each outcome carries two wordings of the same
 * finding: diagnostics for whoever edits the manifest (validate, plan, import), and a message
 * with a fix for the member whose room it is (`spaceform check`, the request comment).
 * Member texts are plain: the renderer escapes them for its medium.
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { Policies } from "../manifest/model.ts";
import type { PolicyRoomView } from "./index.ts";

/** A rule's name: its key under `policies:` in the manifest. */
export type RuleName =
  | "admins"
  | "forbid_encryption"
  | "require_avatar"
  | "min_moderators"
  | "name_prefixes"
  | "creators";

export type RuleStatus = "pass" | "fail" | "warn" | "unknown";

export interface RuleOutcome {
  rule: RuleName;
  status: RuleStatus;
  /** For the member: what holds, or what is wrong. */
  message: string;
  /** For the member: what to do about a failure, a warning or an unchecked rule. */
  fix?: string;
  /** For the manifest: the violations (fail: errors, warn: warnings; none otherwise). */
  diagnostics: Diagnostic[];
}

export interface HouseRule {
  name: RuleName;
  /**
   * Reads what only a member sees as it is: the power levels, and the create event (version,
   * creators), which an invite shows only as the inviting server's unauthenticated copy.
   */
  needsMembership: boolean;
  /** Undefined when the policies do not switch the rule on (or it does not apply to the room). */
  evaluate(policies: Policies, room: PolicyRoomView): RuleOutcome | undefined;
}

export function outcome(
  rule: RuleName,
  status: RuleStatus,
  message: string,
  fix?: string,
  diagnostics: Diagnostic[] = [],
): RuleOutcome {
  return { rule, status, message, ...(fix !== undefined ? { fix } : {}), diagnostics };
}

/** "a", "a and b", "a, b and c". */
export function inWords(items: readonly string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1] ?? ""}`;
}
