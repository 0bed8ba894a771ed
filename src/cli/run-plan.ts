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
import { combinePlans, type Plan, type PlanOptionsRecord, type SpacePlan } from "../plan/model.ts";
import { planSpace } from "../plan/planner.ts";
import { renderJson } from "../render/json.ts";
import { renderMarkdown } from "../render/markdown.ts";
import { renderText } from "../render/text.ts";
import type { LiveState } from "../state/model.ts";
import { readLiveState } from "../state/read.ts";
import { VERSION } from "../version.ts";
import { connectFromEnv, preloadGateway } from "./connection.ts";

export const DEFAULT_PATHS = ["spaces/"];
export const DEFAULT_MAX_REMOVALS = 5;
export const DEFAULT_MAX_UPGRADES = 10;

export interface Connection {
  gateway: MatrixGateway;
  userId: string;
  serverName: string;
}

export interface PlanOptions {
  unlinkUnmanaged?: boolean | undefined;
  maxRemovals?: number | undefined;
  maxUpgrades?: number | undefined;
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
    maxUpgrades: options.maxUpgrades ?? DEFAULT_MAX_UPGRADES,
  });
  return { part, live };
}

/** The options as the plan document records them. */
export function optionsRecord(options: PlanOptions = {}): PlanOptionsRecord {
  return {
    unlink_unmanaged: options.unlinkUnmanaged ?? false,
    max_removals: options.maxRemovals ?? DEFAULT_MAX_REMOVALS,
    max_upgrades: options.maxUpgrades ?? DEFAULT_MAX_UPGRADES,
  };
}

export async function runPlan(options: {
  paths: readonly string[];
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  plan?: PlanOptions;
  /** An existing connection (tests, the GitHub glue); else one from the environment. */
  connection?: Connection;
}): Promise<PlanRun> {
  // The SDK loads while the manifests are read; nothing is sent before they are valid.
  if (options.connection === undefined) void preloadGateway().catch(() => undefined);
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
  const plan = combinePlans(parts, {
    version: VERSION,
    now: options.plan?.now ?? new Date(),
    options: optionsRecord(options.plan),
  });
  return { plan, manifests, connection, live, loadWarnings: warnings };
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
