/**
 * `spaceform …` as a child process, for the tests that run the command line: its stdout, stderr
 * and exit code, once it has exited. Both runners give the child exactly the environment named
 * (plus PATH, and NO_COLOR unless `env` sets it, to undefined for none).
 */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** Node 24 from the npm package `node`, whatever node runs the tests. */
export const NODE = join(repoRoot, "node_modules", ".bin", "node");
/** The command line from source. */
export const CLI = join(repoRoot, "src", "cli", "main.ts");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `spaceform …` in `cwd` (default: the repository), with `input` (default: nothing) on stdin: the
 * source (src/cli/main.ts), or `program`, such as the build (test/support/built-package.ts).
 * Asynchronous, so that a stand-in server in the test's own process keeps answering.
 */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; input?: string; program?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [options.program ?? CLI, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { PATH: process.env["PATH"], NO_COLOR: "1", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/**
 * The same, synchronously, for tests with no server of their own in the process: `nodeArgs` go
 * to Node before the program (`--import` a hook), and a run longer than `timeoutMs` is killed.
 */
export function runCliSync(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; nodeArgs?: string[]; program?: string; timeoutMs?: number } = {},
): CliResult {
  const r = spawnSync(NODE, [...(options.nodeArgs ?? []), options.program ?? CLI, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { PATH: process.env["PATH"], NO_COLOR: "1", ...env },
    encoding: "utf8",
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
  });
  if (r.error !== undefined) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
