/**
 * Saved plans (`spaceform plan --out FILE`, then `spaceform apply FILE`) are
 * verified, not trusted. A saved plan is applied only when
 * 1. it is a plan document of a format this spaceform knows, valid against
 *    schemas/plan.schema.json (a corrupted or hand-made file is refused before
 *    anything is sent);
 * 2. it was made as this account, on this server, from the manifests as they are
 *    now (their sha256) and from the live state as it is now (its fingerprint);
 * 3. a fresh plan of the same manifests against that live state, with the same
 *    options, is the same document, every change, step and diagnostic of it: a
 *    step the reviewed plan did not show, or one edited into the file, refuses the
 *    apply.
 */
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { UserError, hasErrors } from "../diagnostics.ts";
import { packageFile } from "../package-root.ts";
import { loadManifests } from "../manifest/load.ts";
import { fingerprintState } from "../plan/fingerprint.ts";
import { PLAN_FORMAT_VERSION, combinePlans, type Plan, type SpacePlan } from "../plan/model.ts";
import { planSpace } from "../plan/planner.ts";
import { readLiveState } from "../state/read.ts";
import { VERSION } from "../version.ts";
import type { Connection } from "./run-plan.ts";

const SCHEMA = packageFile("schemas/plan.schema.json");

let validator: ReturnType<Ajv2020["compile"]> | undefined;
function validatePlanDocument(doc: unknown): ErrorObject[] {
  validator ??= new Ajv2020({ allErrors: true, strict: false }).compile(
    JSON.parse(readFileSync(SCHEMA, "utf8")) as object,
  );
  return validator(doc) ? [] : (validator.errors ?? []);
}

/**
 * A saved plan is recognised by its content, not its file name: a JSON object with
 * `format_version`. Returns undefined for anything else (a manifest, say); throws a
 * UserError for a plan that cannot be applied.
 */
export function parseSavedPlan(text: string, file = "the saved plan"): Plan | undefined {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{")) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (doc === null || typeof doc !== "object" || !("format_version" in doc)) return undefined;
  const version = doc.format_version;
  if (version !== PLAN_FORMAT_VERSION) {
    throw new UserError(
      `This saved plan has format_version ${JSON.stringify(version)}; this spaceform (${VERSION}) applies format_version ${PLAN_FORMAT_VERSION}. Run plan again with this version.`,
    );
  }
  const errors = validatePlanDocument(doc);
  if (errors.length > 0) {
    const shown = errors
      .slice(0, 5)
      .map(
        (e) =>
          `  ${e.instancePath === "" ? "(the document)" : e.instancePath}: ${e.message ?? "invalid"}`,
      );
    throw new UserError(
      `${file} is not a valid spaceform plan (schemas/plan.schema.json); it was edited or is corrupted, and nothing was sent:\n${shown.join("\n")}${errors.length > 5 ? `\n  … and ${errors.length - 5} more` : ""}\nRun plan again.`,
    );
  }
  return doc as Plan;
}

/**
 * Refuses a saved plan that no longer describes the world, or that is not what
 * spaceform plans for it: made as another account or for another server, made from
 * a manifest that has changed since, made from live state that has moved since, or
 * differing in any way from a fresh plan of the same manifests and live state.
 */
export async function checkSavedPlan(
  plan: Plan,
  connection: Connection,
  log: (line: string) => void,
): Promise<void> {
  for (const b of plan.based_on) {
    if (b.user_id !== connection.userId || b.server_name !== connection.serverName) {
      throw new UserError(
        `This saved plan was made as ${b.user_id} on ${b.server_name}, but MATRIX_ACCESS_TOKEN belongs to ${connection.userId} on ${connection.serverName}. Apply it with the account it was made for, or run plan again.`,
      );
    }
  }
  const parts: SpacePlan[] = [];
  for (const b of plan.based_on) {
    const { manifests, diagnostics } = await loadManifests([b.manifest_file]);
    const manifest = manifests.find((m) => m.name === b.space);
    if (!manifest || hasErrors(diagnostics)) {
      throw new UserError(
        `Cannot check the saved plan for ${b.space}: its manifest ${b.manifest_file} is missing or no longer valid here. Apply from the folder the plan was made in, or run plan again.`,
        diagnostics.filter((d) => d.severity === "error"),
      );
    }
    if (manifest.sha256 !== b.manifest_sha256) {
      throw new UserError(
        `Saved plan is stale: ${b.manifest_file} changed since the plan was made. Run plan again.`,
      );
    }
    log(`Checking that the live state of ${b.space} has not changed since the plan …`);
    const live = await readLiveState(connection.gateway, manifest, {
      userId: connection.userId,
      serverName: connection.serverName,
    });
    if (fingerprintState(live) !== b.state_sha256) {
      throw new UserError(
        `Saved plan is stale: the live state of ${b.space} changed since the plan was made. Run plan again.`,
      );
    }
    parts.push(
      planSpace(manifest, live, {
        unlinkUnmanaged: plan.options.unlink_unmanaged,
        maxChildRemovals: plan.options.max_removals,
        maxUpgrades: plan.options.max_upgrades,
      }),
    );
  }
  const fresh = combinePlans(parts, {
    version: plan.spaceform_version,
    now: new Date(plan.created_at),
    options: plan.options,
  });
  const difference = firstDifference(plan, fresh);
  if (difference !== null) {
    throw new UserError(
      `This saved plan is not the plan spaceform makes for these manifests and this live state: ${difference}. The file was edited or corrupted, or made by another spaceform version; nothing was sent. Run plan again.`,
    );
  }
}

/** Where the saved plan differs from the fresh one, in words; null when they are the same. */
function firstDifference(saved: Plan, fresh: Plan): string | null {
  if (saved.spaceform_version !== VERSION) {
    return `it was made by spaceform ${saved.spaceform_version}, this is ${VERSION}`;
  }
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const steps = Math.max(saved.steps.length, fresh.steps.length);
  for (let i = 0; i < steps; i++) {
    const s = saved.steps[i];
    const f = fresh.steps[i];
    if (!same(s, f)) {
      if (s === undefined) return `it lacks step ${i + 1} (${f?.description ?? "?"})`;
      return `its step ${i + 1} (${s.description}) is not what spaceform would send there`;
    }
  }
  for (const key of Object.keys(fresh) as (keyof Plan)[]) {
    if (!same(saved[key], fresh[key])) return `its ${key} differ`;
  }
  if (!same(saved, fresh)) return "it carries fields a plan does not have";
  return null;
}
