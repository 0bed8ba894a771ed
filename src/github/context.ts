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

/** A step output's name: what `steps.<id>.outputs.<name>` can name, and nothing that changes the line's meaning. */
const OUTPUT_NAME = /^[a-z][a-z0-9-]*$/;
/** A value on one line with no control characters: it cannot start another output or a `<<` heredoc. */
// eslint-disable-next-line no-control-regex -- control characters are what it rejects
const OUTPUT_VALUE = /^[^\u0000-\u001f\u007f]*$/;

/**
 * Sets step outputs (GITHUB_OUTPUT, `name=value` lines) for the action's later
 * steps; without GITHUB_OUTPUT (a local run) they are printed. Strict: a name
 * that is not lowercase letters, digits and dashes, or a value with a line break
 * or another control character, could write an output of its own choosing (a
 * second line, or `name<<DELIMITER` starting a heredoc), so either is refused and
 * nothing at all is written.
 */
export function setStepOutputs(
  ctx: Pick<GitHubContext, "outputFile">,
  outputs: Readonly<Record<string, string>>,
): void {
  const entries = Object.entries(outputs);
  for (const [name, value] of entries) {
    if (!OUTPUT_NAME.test(name)) throw new Error(`not a step output name: ${JSON.stringify(name)}`);
    if (!OUTPUT_VALUE.test(value)) {
      throw new Error(`step output ${name}: the value must be one line without control characters`);
    }
  }
  const text = entries.map(([name, value]) => `${name}=${value}\n`).join("");
  if (ctx.outputFile) appendFileSync(ctx.outputFile, text);
  else process.stdout.write(text);
}
