/**
 * The GitHub Actions context, from the standard environment a runner sets.
 * https://docs.github.com/actions/reference/variables-reference
 *
 * GITHUB_API_URL is honoured (GitHub Enterprise Server, and the tests' local
 * stand-in). The token is kept out of every message.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { UserError } from "../diagnostics.ts";
import { scrubSecrets } from "../secrets.ts";

export interface GitHubContext {
  token: string;
  owner: string;
  repo: string;
  apiUrl: string;
  /** Web URL of the repository, for links in comments. */
  repoUrl: string;
  /** Link to the workflow run, when known. */
  runUrl?: string;
  eventName?: string;
  /** The parsed event payload (GITHUB_EVENT_PATH), or {}. */
  event: Record<string, unknown>;
  /** The commit the workflow runs for. */
  sha?: string;
  /** File that becomes the job summary, when set. */
  stepSummary?: string;
  /** The step's outputs file (GITHUB_OUTPUT), when set. */
  outputFile?: string;
  /**
   * The secret the reviewed-plan record is signed with (plan-record.ts):
   * MATRIX_ACCESS_TOKEN, which only the workflow holds. Absent without it.
   */
  planKey?: string;
}

type Env = Record<string, string | undefined>;

export function readGitHubContext(env: Env = process.env): GitHubContext {
  const missing: string[] = [];
  const token = env["GITHUB_TOKEN"] ?? "";
  if (token === "") missing.push("GITHUB_TOKEN");
  const repository = env["GITHUB_REPOSITORY"] ?? "";
  if (repository === "") missing.push("GITHUB_REPOSITORY");
  if (missing.length > 0) {
    throw new UserError(
      `spaceform github needs ${missing.join(" and ")} in the environment. ` +
        "Inside GitHub Actions, pass the token with `env: GITHUB_TOKEN: ${{ github.token }}` (the runner sets GITHUB_REPOSITORY).",
    );
  }
  const [owner, repo, ...rest] = repository.split("/");
  if (!owner || !repo || rest.length > 0) {
    throw new UserError(`GITHUB_REPOSITORY must be "owner/name", not "${repository}".`);
  }
  const apiUrl = (env["GITHUB_API_URL"] || "https://api.github.com").replace(/\/+$/, "");
  const serverUrl = (env["GITHUB_SERVER_URL"] || "https://github.com").replace(/\/+$/, "");
  const ctx: GitHubContext = {
    token,
    owner,
    repo,
    apiUrl,
    repoUrl: `${serverUrl}/${owner}/${repo}`,
    event: readEvent(env["GITHUB_EVENT_PATH"]),
  };
  const runId = env["GITHUB_RUN_ID"];
  if (runId) ctx.runUrl = `${ctx.repoUrl}/actions/runs/${runId}`;
  if (env["GITHUB_EVENT_NAME"]) ctx.eventName = env["GITHUB_EVENT_NAME"];
  if (env["GITHUB_SHA"]) ctx.sha = env["GITHUB_SHA"];
  if (env["GITHUB_STEP_SUMMARY"]) ctx.stepSummary = env["GITHUB_STEP_SUMMARY"];
  if (env["GITHUB_OUTPUT"]) ctx.outputFile = env["GITHUB_OUTPUT"];
  const planKey = (env["MATRIX_ACCESS_TOKEN"] ?? "").trim().replace(/^Bearer\s+/i, "");
  if (planKey !== "") ctx.planKey = planKey;
  return ctx;
}

export function readEvent(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UserError(`Cannot read the event payload GITHUB_EVENT_PATH=${path}: ${String(err)}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    throw new UserError(`The event payload ${path} is not JSON.`);
  }
}

/** The pull request of a `pull_request` event: its number and head commit. */
export function eventPullRequest(
  ctx: Pick<GitHubContext, "event">,
): { number: number; headSha: string } | undefined {
  const pr = ctx.event["pull_request"];
  if (typeof pr !== "object" || pr === null) return undefined;
  const p = pr as { number?: unknown; head?: { sha?: unknown } };
  if (typeof p.number !== "number" || typeof p.head?.sha !== "string") return undefined;
  return { number: p.number, headSha: p.head.sha };
}

/**
 * Appends Markdown to the job summary; without GITHUB_STEP_SUMMARY (a local run) it does nothing.
 * Secrets are scrubbed from it like from every other output.
 */
export function appendStepSummary(ctx: Pick<GitHubContext, "stepSummary">, markdown: string): void {
  if (!ctx.stepSummary) return;
  const text = scrubSecrets(markdown);
  appendFileSync(ctx.stepSummary, text.endsWith("\n") ? text : `${text}\n`);
}

/** Sets a step output (`name=value`); the value is spaceform's own (a number), never user text. */
export function setStepOutput(
  ctx: Pick<GitHubContext, "outputFile">,
  name: string,
  value: string,
): void {
  if (!ctx.outputFile || !/^[a-z-]+$/.test(name) || !/^[\w.-]*$/.test(value)) return;
  appendFileSync(ctx.outputFile, `${name}=${value}\n`);
}

/**
 * Sets step outputs (GITHUB_OUTPUT) for the action's later steps; without it
 * (a local run) they are printed. Values are single-line by construction.
 */
export function setStepOutputs(
  env: Record<string, string | undefined>,
  outputs: Record<string, string>,
): void {
  const lines = Object.entries(outputs).map(([k, v]) => `${k}=${v.replace(/[\r\n]/g, " ")}\n`);
  const file = env["GITHUB_OUTPUT"];
  if (file) appendFileSync(file, lines.join(""));
  else process.stdout.write(lines.join(""));
}
