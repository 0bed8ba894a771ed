// Shared by the plan/apply/adopt/cli end-to-end tests: a de-RSE-like manifest for a fresh world,
// connections as the world's accounts, the CLI as a child process, and plain matrix-js-sdk
// clients for changes made "out of band" (as a person with a Matrix client would).
import { spawn } from "node:child_process";
import { copyFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type MatrixClient } from "matrix-js-sdk";
import { applyPlan, type ApplyResult } from "../../src/apply/apply.ts";
import { connectFromEnv } from "../../src/cli/connection.ts";
import { runPlan, type Connection, type PlanRun } from "../../src/cli/run-plan.ts";
import type { Plan } from "../../src/plan/model.ts";
import {
  quietSdkLogger,
  type TestHomeserver,
  type TestUser,
  type World,
} from "../homeserver/harness.ts";
import { CLI, NODE, type CliResult } from "../support/run-cli.ts";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const LOGO = join(repoRoot, "examples", "demo", "de-rse-demo-logo.png");

export function sdkClient(hs: TestHomeserver, user: TestUser): MatrixClient {
  return createClient({
    baseUrl: hs.baseUrl,
    accessToken: user.accessToken,
    userId: user.userId,
    logger: quietSdkLogger,
  });
}

export function envFor(hs: TestHomeserver, user: TestUser): NodeJS.ProcessEnv {
  return { MATRIX_HOMESERVER: hs.baseUrl, MATRIX_ACCESS_TOKEN: user.accessToken };
}

/** Connects as `user` the way the CLI does; `logs` collects the gateway's notes (waits, retries). */
export async function connectAs(
  hs: TestHomeserver,
  user: TestUser,
  logs: string[] = [],
): Promise<Connection> {
  const c = await connectFromEnv(envFor(hs, user), { log: (line: string) => logs.push(line) });
  return { gateway: c.gateway, userId: c.userId, serverName: c.serverName };
}

export async function planWith(connection: Connection, paths: string[]): Promise<PlanRun> {
  return runPlan({ paths, env: {}, log: () => undefined, connection });
}

export async function applyWith(connection: Connection, plan: Plan): Promise<ApplyResult> {
  return applyPlan(plan, connection.gateway);
}

/** A temporary folder with the demo logo in it, for manifests that name `logo.png`. */
export async function manifestDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "spaceform-e2e-"));
  await copyFile(LOGO, join(dir, "logo.png"));
  return dir;
}

export async function writeManifest(dir: string, name: string, yaml: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, yaml);
  return file;
}

export interface DeRseOptions {
  /** Power of the bot in rooms.general (default 100): lower it to provoke a lock-out. */
  botLevelInGeneral?: number;
  /**
   * Leave out the `admins` house rule, which would already make `validate` reject a manifest that
   * lowers the bot; without it, only the planner's lock-out guard stands in the way.
   */
  withoutAdminsRule?: boolean;
  /** Extra rooms appended under `rooms:` (YAML, indented by two spaces). */
  extraRooms?: string;
}

/**
 * The de-RSE space in miniature: a space with an avatar file, five rooms (restricted by default,
 * one public), a subspace with a chapter room, a moderator at 50 everywhere, order and suggested.
 */
export function deRseManifest(world: World, options: DeRseOptions = {}): string {
  const bot = world.bot.userId;
  const mod = world.moderators[0].userId;
  const a = (name: string): string => `"#${world.aliasLocalpart(name)}"`;
  const room = (key: string, name: string, topic: string, extra = ""): string =>
    [
      `  ${key}:`,
      `    alias: ${a(key)}`,
      `    name: ${name}`,
      `    topic: ${JSON.stringify(topic)}`,
      ...(extra === "" ? [] : [extra]),
    ].join("\n");
  return `version: 1
space:
  alias: ${a("space")}
  name: deRSE test space
  topic: Gesellschaft für Forschungssoftware (test)
  avatar: logo.png
  join_rule: public
  power_levels:
    users:
      "${bot}": 100
      "${mod}": 50
defaults:
  avatar: logo.png
  join_rule: restricted
  history_visibility: shared
  encrypted: false
  power_levels:
    users:
      "${bot}": 100
      "${mod}": 50
rooms:
${room("general", "deRSE-general", "General discussion", `    join_rule: public\n    suggested: true\n    order: "10"\n    power_levels:\n      users:\n        "${bot}": ${options.botLevelInGeneral ?? 100}\n        "${mod}": 50`)}
${room("introductions", "deRSE-introductions", "Who are you?", `    suggested: true\n    order: "20"`)}
${room("jobs", "deRSE-jobs", "RSE positions", `    order: "30"`)}
${room("events", "deRSE-events", "Conferences and meetups", `    order: "40"`)}
${room("offtopic", "deRSE-offtopic", "Everything else", `    order: "90"`)}
  chapters:
    alias: ${a("chapters")}
    name: deRSE chapters
    topic: Local chapters
    order: "50"
    rooms:
      chapter-berlin:
        alias: ${a("chapter-berlin")}
        name: deRSE-chapter-berlin
        topic: The Berlin chapter
${options.extraRooms ?? ""}
policies:
${options.withoutAdminsRule === true ? "" : `  admins: ["${bot}"]\n`}  forbid_encryption: true
  require_avatar: error
  min_moderators: 1
  name_prefixes:
    - match: "chapter-*"
      prefix: "deRSE-chapter-"
`;
}

export { runCli, type CliResult } from "../support/run-cli.ts";

/**
 * Runs `spaceform …` on a pseudo-terminal (util-linux `script`), so that apply asks its question;
 * `input` is typed once the prompt appears. stdout and stderr arrive merged, as on a terminal.
 */
export function runCliOnTty(
  args: string[],
  env: NodeJS.ProcessEnv,
  input: string,
  options: { cwd?: string } = {},
): Promise<CliResult> {
  const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;
  const command = [NODE, CLI, ...args].map(quote).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qefc", command, "/dev/null"], {
      cwd: options.cwd ?? repoRoot,
      env: { PATH: process.env["PATH"], NO_COLOR: "1", TERM: "dumb", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let answered = false;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (!answered && stdout.includes("Only 'yes' will be accepted")) {
        answered = true;
        child.stdin.write(`${input}\n`);
      }
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      child.stdin.destroy();
      resolve({ code, stdout, stderr });
    });
  });
}

/** The room id behind an alias of this world. */
export async function roomOf(client: MatrixClient, alias: string): Promise<string> {
  return (await client.getRoomIdForAlias(alias)).room_id;
}
