/**
 * The manifest checks that need more than one field at a time: aliases and pinned ids
 * name one room each, restricted join rules have someone to admit, and a join rule
 * fits the declared room version (src/matrix/vocabulary.ts).
 */
import type { Diagnostic } from "../diagnostics.ts";
import { isRestrictedRule, joinRuleNeedsVersion } from "../matrix/vocabulary.ts";
import type { Entry } from "./model.ts";

export type Report = (
  d: Omit<Diagnostic, "file" | "line" | "column" | "path">,
  path: string,
) => void;

export function crossChecks(entries: readonly Entry[], report: Report): void {
  // Aliases and pinned ids name one room each.
  const aliasOwner = new Map<string, string>();
  const idOwner = new Map<string, string>();
  for (const e of entries) {
    const written: [string, string][] = [];
    if (e.alias !== undefined) written.push([e.alias, `${e.address}.alias`]);
    (e.alt_aliases ?? []).forEach((a, i) => written.push([a, `${e.address}.alt_aliases[${i}]`]));
    const mine = new Set<string>();
    for (const [alias, path] of written) {
      const owner = aliasOwner.get(alias);
      if (owner !== undefined && owner !== e.address) {
        report(
          {
            severity: "error",
            code: "manifest.duplicate-alias",
            message: `The alias ${alias} is also given to \`${owner}\`; an alias points at one room.`,
            hint: "Give each room its own alias.",
          },
          path,
        );
      } else if (mine.has(alias)) {
        report(
          {
            severity: "warning",
            code: "manifest.duplicate-alias",
            message: `The alias ${alias} is listed twice for \`${e.address}\`.`,
            hint: "The canonical alias does not need to appear in alt_aliases.",
          },
          path,
        );
      }
      aliasOwner.set(alias, aliasOwner.get(alias) ?? e.address);
      mine.add(alias);
    }
    if (e.id !== undefined) {
      const owner = idOwner.get(e.id);
      if (owner !== undefined) {
        report(
          {
            severity: "error",
            code: "manifest.duplicate-id",
            message: `The room id ${e.id} is also pinned by \`${owner}\`.`,
            hint: "Each entry manages a different room.",
          },
          `${e.address}.id`,
        );
      } else idOwner.set(e.id, e.address);
    }

    const restricted = isRestrictedRule(e.join_rule);
    if (e.address === "space" && restricted && (e.allow === undefined || e.allow.length === 0)) {
      report(
        {
          severity: "error",
          code: "manifest.restricted-without-parent",
          message: `The root space has join_rule \`${e.join_rule ?? ""}\` but no \`allow\`, and it has no parent space whose members could join.`,
          hint: "List the rooms or spaces whose members may join under `allow:`, or choose another join rule.",
        },
        "space.join_rule",
      );
    }
    if (!restricted && e.allow !== undefined && e.join_rule !== undefined) {
      report(
        {
          severity: "warning",
          code: "manifest.allow-unused",
          message: `\`allow\` has no effect with join_rule \`${e.join_rule}\`.`,
          hint: "`allow` applies to `restricted` and `knock_restricted` only.",
        },
        `${e.address}.allow`,
      );
    }
    const min =
      e.join_rule !== undefined && e.room_version !== undefined
        ? joinRuleNeedsVersion(e.join_rule, e.room_version)
        : undefined;
    if (min !== undefined) {
      report(
        {
          severity: "error",
          code: "manifest.join-rule-version",
          message: `join_rule \`${e.join_rule ?? ""}\` needs room version ${min} or later, but \`${e.address}\` declares room_version ${e.room_version}.`,
          hint: `Set room_version to "${Math.max(min, 11)}" or choose another join rule.`,
        },
        `${e.address}.room_version`,
      );
    }
  }
}
