/**
 * The one road to a plan, shared by `plan`, `apply` and the GitHub glue:
 * load the manifests (nothing is sent when they are invalid), connect, read each
 * space's live state, plan each manifest, combine.
 *
 * Each manifest is read and planned on its own, so that every space's
 * `based_on.state_sha256` fingerprints exactly the state that space was planned
 * from, and a saved plan can be checked space by space.
 */
import { UserError, hasErrors, type Diagnostic } from "../diagnostics.ts";
import { loadManifests } from "../manifest/load.ts";
import type { Manifest } from "../manifest/model.ts";
import type { MatrixGateway } from "../matrix/gateway.ts";
import { PLAN_FORMAT_VERSION, combinePlans, type Plan, type SpacePlan } from "../plan/model.ts";
import { fingerprintState } from "../plan/fingerprint.ts";
import { planSpace } from "../plan/planner.ts";
import { renderJson } from "../render/json.ts";
import { renderMarkdown } from "../render/markdown.ts";
import { renderText } from "../render/text.ts";
import type { LiveState } from "../state/model.ts";
import { readLiveState } from "../state/read.ts";
import { VERSION } from "../version.ts";
import { connectFromEnv } from "./connection.ts";

export const DEFAULT_PATHS = ["spaces/"];
export const DEFAULT_MAX_REMOVALS = 5;

export interface Connection {
  gateway: MatrixGateway;
  userId: string;
  serverName: string;
}

export interface PlanOptions {
  unlinkUnmanaged?: boolean;
  maxRemovals?: number;
  now?: Date;
}

export interface PlanRun {
  plan: Plan;
  manifests: Manifest[];
  connection: Connection;
  /** The live state each manifest was planned against, in manifest order. */
  live: LiveState[];
  /** Warnings from loading (errors stop before this). */
  loadWarnings: Diagnostic[];
}

/**
 * Loads and validates; a manifest with errors throws a UserError carrying every
 * diagnostic, before any connection is made.
 */
export async function loadOrThrow(
  paths: readonly string[],
): Promise<{ manifests: Manifest[]; warnings: Diagnostic[] }> {
  const { manifests, diagnostics } = await loadManifests(
    paths.length > 0 ? [...paths] : DEFAULT_PATHS,
  );
  if (hasErrors(diagnostics)) {
    const n = diagnostics.filter((d) => d.severity === "error").length;
    throw new UserError(
      `The manifest is not valid (${n} error${n === 1 ? "" : "s"}); nothing was sent to the homeserver.`,
      diagnostics,
    );
  }
  if (manifests.length === 0) {
    throw new UserError(
      `No manifest found in ${(paths.length > 0 ? paths : DEFAULT_PATHS).join(", ")}.`,
    );
  }
  return { manifests, warnings: diagnostics };
}

export async function connect(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<Connection> {
  const c = await connectFromEnv(env, { log });
  return { gateway: c.gateway, userId: c.userId, serverName: c.serverName };
}

/** Reads one manifest's live state and plans it. */
export async function planManifest(
  manifest: Manifest,
  connection: Connection,
  options: PlanOptions = {},
): Promise<{ part: SpacePlan; live: LiveState }> {
  const live = await readLiveState(connection.gateway, manifest, {
    userId: connection.userId,
    serverName: connection.serverName,
  });
  const part = planSpace(manifest, live, {
    unlinkUnmanaged: options.unlinkUnmanaged ?? false,
    maxChildRemovals: options.maxRemovals ?? DEFAULT_MAX_REMOVALS,
  });
  return { part, live };
}

export async function runPlan(options: {
  paths: readonly string[];
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  plan?: PlanOptions;
  /** An existing connection (tests, the GitHub glue); else one from the environment. */
  connection?: Connection;
}): Promise<PlanRun> {
  const { manifests, warnings } = await loadOrThrow(options.paths);
  const connection = options.connection ?? (await connect(options.env, options.log));
  const parts: SpacePlan[] = [];
  const live: LiveState[] = [];
  for (const manifest of manifests) {
    options.log(`Reading the live state of ${manifest.name} (${manifest.file}) …`);
    const r = await planManifest(manifest, connection, options.plan);
    parts.push(r.part);
    live.push(r.live);
  }
  const plan = combinePlans(parts, { version: VERSION, now: options.plan?.now ?? new Date() });
  return { plan, manifests, connection, live, loadWarnings: warnings };
}

/** A saved plan is recognised by its content, not its file name: a JSON object with `format_version`. */
export function parseSavedPlan(text: string): Plan | undefined {
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
  const plan = doc as Plan;
  if (!Array.isArray(plan.steps) || !Array.isArray(plan.based_on)) {
    throw new UserError("This saved plan is incomplete (no steps or based_on). Run plan again.");
  }
  return plan;
}

/**
 * Refuses a saved plan that no longer describes the world: made as another
 * account or for another server, made from a manifest that has changed since,
 * or made from live state that has moved since (its fingerprint differs).
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
  }
}

export function renderPlan(
  plan: Plan,
  format: "text" | "markdown" | "json",
  color: boolean,
): string {
  const out =
    format === "json"
      ? renderJson(plan)
      : format === "markdown"
        ? renderMarkdown(plan, {})
        : renderText(plan, { color });
  return out.endsWith("\n") ? out : `${out}\n`;
}
