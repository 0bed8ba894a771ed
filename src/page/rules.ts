/**
 * The house rules of `policies:` in words a member understands: what a room they created needs
 * before it can be added to the space. One sentence per rule, in the order of docs/manifest.md.
 */
import type { Policies } from "../manifest/model.ts";
import { codeSpan } from "./markdown.ts";

/** "`a`", "`a` and `b`", "`a`, `b` and `c`". */
function inWords(items: readonly string[]): string {
  const spans = items.map(codeSpan);
  return spans.length <= 1
    ? spans.join("")
    : `${spans.slice(0, -1).join(", ")} and ${spans[spans.length - 1] ?? ""}`;
}

/** The list items (without the `- `), empty when no rule applies to rooms. */
export function houseRules(policies: Policies): string[] {
  const rules: string[] = [];
  const admins = policies.admins;
  if (admins.length === 1) {
    rules.push(`${inWords(admins)} is an admin of the room (power level 100).`);
  } else if (admins.length > 1) {
    rules.push(`${inWords(admins)} are admins of the room (power level 100).`);
  }
  if (policies.forbid_encryption) {
    rules.push("The room is not end-to-end encrypted (encryption can never be turned off again).");
  }
  if (policies.require_avatar === "error") rules.push("The room has an avatar.");
  if (policies.require_avatar === "warn") {
    rules.push("The room should have an avatar (recommended, not required).");
  }
  const need = policies.min_moderators;
  if (need > 0) {
    const besides =
      admins.length > 0
        ? "besides the admins above and the account that manages the space"
        : "besides the account that manages the space";
    rules.push(
      need === 1
        ? `At least one person ${besides} is a moderator (power level 50 or more).`
        : `At least ${need} people ${besides} are moderators (power level 50 or more).`,
    );
  }
  if (policies.creators === "require") {
    rules.push(
      "In a room of room version 12, the account that manages the space is one of the room's creators (creators have power above every level, which nobody can take away).",
    );
  }
  for (const rule of policies.name_prefixes) {
    rules.push(
      `A room listed under a key that matches ${codeSpan(rule.match)} has a name that starts with ${codeSpan(rule.prefix)}.`,
    );
  }
  return rules;
}

/** A note on key patterns, when a rule uses `*` or `?`. */
export function patternNote(policies: Policies): string | undefined {
  return policies.name_prefixes.some((r) => /[*?]/.test(r.match))
    ? "In a key pattern, `*` stands for any text and `?` for any one character."
    : undefined;
}
