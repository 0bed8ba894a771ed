/**
 * `spaceform github receive`: the trusted `workflow_run` run takes over a pull
 * request's hand-off (hand-off.ts). What it believes comes from GitHub, not
 * from the artifact: the workflow_run event names the commit that was
 * validated and whether validation passed; the pull request must be open with
 * exactly that head commit; which files it changes is asked of the API.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { GitHubApi } from "./api.ts";
import { checkHandOff } from "./hand-off.ts";

export type Received =
  /**
   * Nothing is planned. `pullRequest` and `headSha` are set when the refused hand-off is
   * nonetheless the one of that pull request's current head (its author's own doing), so the
   * refusal can be reported there.
   */
  | { kind: "refused"; problems: string[]; pullRequest?: number; headSha?: string }
  /** The pull request moved on (or was closed) since this run's commit: a newer run reports. */
  | { kind: "superseded"; pullRequest: number; headSha: string; reason: string }
  | {
      kind: "ready";
      pullRequest: number;
      headSha: string;
      /** The pull request changes a file under the manifests' folder. */
      manifestsChanged: boolean;
      /** The untrusted run (validation) succeeded. */
      validated: boolean;
    };

/** The facts of a workflow_run event that GitHub sets, not the pull request. */
export function workflowRunOf(
  event: Record<string, unknown>,
): { headSha: string; conclusion: string } | undefined {
  const run = event["workflow_run"];
  if (typeof run !== "object" || run === null) return undefined;
  const r = run as { head_sha?: unknown; conclusion?: unknown };
  if (typeof r.head_sha !== "string") return undefined;
  return { headSha: r.head_sha, conclusion: typeof r.conclusion === "string" ? r.conclusion : "" };
}

/** "spaces", "./spaces/", "a/b" → the repository paths a changed file is compared with. */
export function manifestPrefixes(manifests: string): string[] {
  return manifests
    .split(/\s+/)
    .filter(Boolean)
    .map((p) => p.replace(/^(\.\/)+/, "").replace(/\/+$/, ""))
    .filter((p) => p !== "" && p !== ".");
}

const under = (file: string, prefixes: string[]): boolean =>
  prefixes.length === 0 || prefixes.some((p) => file === p || file.startsWith(`${p}/`));

export async function receiveHandOff(
  api: GitHubApi,
  input: { dir: string; event: Record<string, unknown>; manifests: string },
): Promise<Received> {
  const run = workflowRunOf(input.event);
  if (run === undefined) {
    return {
      kind: "refused",
      problems: [
        "This is not a workflow_run event: receive runs in the workflow that a completed Plan run triggers.",
      ],
    };
  }
  const check = await checkHandOff(input.dir);
  if (!check.ok) {
    const meta = check.meta;
    if (meta === undefined || meta.headSha !== run.headSha)
      return { kind: "refused", problems: check.problems };
    const pull = await api.getPull(meta.pullRequest);
    const own = pull.headSha === meta.headSha && pull.state === "open";
    return {
      kind: "refused",
      problems: check.problems,
      ...(own ? { pullRequest: meta.pullRequest, headSha: meta.headSha } : {}),
    };
  }
  const { pullRequest, headSha } = check.meta;
  if (headSha !== run.headSha) {
    return {
      kind: "refused",
      problems: [
        `The hand-off names commit ${headSha}, but the run that made it ran for ${run.headSha}.`,
      ],
    };
  }
  const pull = await api.getPull(pullRequest);
  if (pull.headSha !== headSha) {
    // Either the pull request was pushed to again (its newer run reports), or the
    // hand-off names a pull request that is not the one this commit belongs to.
    return {
      kind: "superseded",
      pullRequest,
      headSha,
      reason: `pull request #${pullRequest} is at ${pull.headSha}, not at ${headSha}`,
    };
  }
  if (pull.state !== "open") {
    return { kind: "superseded", pullRequest, headSha, reason: `#${pullRequest} is closed` };
  }
  const prefixes = manifestPrefixes(input.manifests);
  const manifestsChanged = (await api.listPullFiles(pullRequest)).some((f) => under(f, prefixes));
  // Avatar files are read only from inside the manifests' repository (src/manifest/files.ts):
  // this marks the hand-off folder as that repository, so `../` leads nowhere outside it.
  await mkdir(join(input.dir, ".git"), { recursive: true });
  return {
    kind: "ready",
    pullRequest,
    headSha,
    manifestsChanged,
    validated: run.conclusion === "success",
  };
}
