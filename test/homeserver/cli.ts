// Runs the local test homeservers (Synapse in a Debian sid chroot, see provision.sh and
// docs/homeserver.md).
//
//   node test/homeserver/cli.ts start  [--profile relaxed|default|fed1|fed2|crash]... [--lease PID]
//   node test/homeserver/cli.ts stop   [--profile relaxed|default|fed1|fed2|crash]... [--lease PID]
//   node test/homeserver/cli.ts status [--profile relaxed|default|fed1|fed2|crash]...
//   node test/homeserver/cli.ts reset  [--profile relaxed|default|fed1|fed2|crash]... [--full]
//
// `start` prints each base URL on stdout (one a line) and everything else on stderr. Leases let
// concurrent test runs in one working tree share a server: `start --lease PID` holds it for that
// process (test/run.sh passes its own pid), `stop --lease PID` drops the lease and stops the server
// only when no other holder is alive. `start` without --lease holds it until a plain `stop`, which
// always stops.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  PROFILES,
  cacheDir,
  homeserverDir,
  isHealthy,
  isProfile,
  localServer,
  type LocalServer,
  type Profile,
} from "./local.ts";

const USAGE =
  "usage: node test/homeserver/cli.ts start|stop|status|reset [--profile relaxed|default|fed1|fed2|crash]... [--lease PID] [--full]";

class UserError extends Error {}

function say(message: string): void {
  process.stderr.write(`homeserver: ${message}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** "running", "gone" (no such process, or a zombie), read from /proc. */
async function processState(pid: number): Promise<"running" | "gone"> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "Z" || state === "X" ? "gone" : "running";
  } catch {
    return "gone";
  }
}

/** The pid from the pid file, if that process is alive and is this profile's Synapse. */
async function runningPid(server: LocalServer): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number((await readFile(server.pidFile, "utf8")).trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1 || (await processState(pid)) === "gone") return undefined;
  // Guards against a reused pid: the command line names this profile's config.
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  return cmdline.includes(`${server.dataDirInRoot}/homeserver.yaml`) ? pid : undefined;
}

async function tail(file: string, lines = 40): Promise<string> {
  try {
    const text = (await readFile(file, "utf8")).trimEnd();
    return text === "" ? "(empty)" : text.split("\n").slice(-lines).join("\n");
  } catch {
    return "(missing)";
  }
}

async function failureReport(server: LocalServer, what: string): Promise<UserError> {
  return new UserError(
    `${what}\n--- ${server.outFile} (tail) ---\n${await tail(server.outFile)}\n` +
      `--- ${server.logFile} (tail) ---\n${await tail(server.logFile)}`,
  );
}

function startTimeoutMs(): number {
  const raw = process.env["SPACEFORM_HS_START_TIMEOUT"];
  const seconds = raw === undefined || raw === "" ? 60 : Number(raw);
  if (!(seconds > 0)) throw new UserError(`SPACEFORM_HS_START_TIMEOUT must be seconds, not ${raw}`);
  return seconds * 1000;
}

function provision(server: LocalServer): void {
  const script = join(homeserverDir, "provision.sh");
  const args = [script, "--profile", server.profile, "--port", String(server.port)];
  args.push("--layers", server.layers.join(","), "--server-name", server.serverName);
  if (server.federation !== undefined) {
    args.push("--federation-port", String(server.federation.port));
    args.push("--peers", server.federation.peers.join(","));
  }
  // Progress goes to stderr: stdout carries only base URLs.
  const result = spawnSync("bash", args, { stdio: ["ignore", 2, 2] });
  if (result.status !== 0) {
    throw new UserError(`provisioning failed (bash ${args.join(" ")} exited ${result.status})`);
  }
}

const leaseDir = (server: LocalServer) => join(server.dataDir, "leases");

/** A lease is an empty file named after its holder: a process id, or "manual". */
async function addLease(server: LocalServer, holder: number | undefined): Promise<void> {
  mkdirSync(leaseDir(server), { recursive: true });
  await writeFile(join(leaseDir(server), holder === undefined ? "manual" : String(holder)), "");
}

/** Drops one lease, prunes the leases of processes that are gone, returns the holders left. */
async function dropLease(server: LocalServer, holder: number): Promise<string[]> {
  await rm(join(leaseDir(server), String(holder)), { force: true });
  const left: string[] = [];
  for (const name of await readdir(leaseDir(server)).catch(() => [])) {
    if (name === "manual" || (await processState(Number(name))) === "running") left.push(name);
    else await rm(join(leaseDir(server), name), { force: true });
  }
  return left;
}

async function start(profile: Profile, lease: number | undefined): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new UserError("the test homeserver runs in a chroot and needs root");
  }
  const server = localServer(profile);
  const timeoutMs = startTimeoutMs();
  const existing = await runningPid(server);
  if (existing !== undefined) {
    const deadline = Date.now() + timeoutMs;
    while (!(await isHealthy(server.baseUrl))) {
      if (Date.now() > deadline || (await processState(existing)) === "gone") {
        throw await failureReport(server, `${profile}: Synapse (pid ${existing}) does not answer`);
      }
      await sleep(250);
    }
    await addLease(server, lease);
    say(`${profile}: already running (pid ${existing})`);
    process.stdout.write(`${server.baseUrl}\n`);
    return;
  }
  if (await isHealthy(server.baseUrl)) {
    throw new UserError(
      `${profile}: another server already answers on port ${server.port}; ` +
        `stop it or set SPACEFORM_HS_PORT_${profile.toUpperCase()}`,
    );
  }

  provision(server);
  const started = Date.now();
  const layers = server.layers.map((layer) => `layer-${layer}.yaml`);
  const configs = ["homeserver.yaml", "common.yaml", ...layers, "instance.yaml"]
    .map((file) => `-c ${server.dataDirInRoot}/${file}`)
    .join(" ");
  const command = `cd ${server.dataDirInRoot} && exec python3 -m synapse.app.homeserver ${configs}`;
  await rm(join(server.dataDir, "leases"), { recursive: true, force: true });
  const out = openSync(server.outFile, "w");
  const child = spawn("chroot", [server.rootDir, "/bin/sh", "-c", command], {
    detached: true,
    stdio: ["ignore", out, out],
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8", HOME: "/root" },
  });
  closeSync(out);
  let exit: string | undefined;
  child.on("exit", (code, signal) => (exit = signal ?? `code ${code}`));
  child.on("error", (error) => (exit = error.message));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new UserError(`${profile}: could not run chroot: ${exit}`);
  await writeFile(server.pidFile, `${pid}\n`);

  const deadline = started + timeoutMs;
  while (!(await isHealthy(server.baseUrl))) {
    if (exit !== undefined) {
      await rm(server.pidFile, { force: true });
      throw await failureReport(server, `${profile}: Synapse exited during start-up (${exit})`);
    }
    if (Date.now() > deadline) {
      await stopPid(pid);
      await rm(server.pidFile, { force: true });
      throw await failureReport(
        server,
        `${profile}: Synapse did not answer ${server.baseUrl}/_matrix/client/versions within ${timeoutMs / 1000} s`,
      );
    }
    await sleep(200);
  }
  await addLease(server, lease);
  say(`${profile}: started in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${pid})`);
  process.stdout.write(`${server.baseUrl}\n`);
}

async function stopPid(pid: number): Promise<void> {
  for (const [signal, waitMs] of [
    ["SIGTERM", 20_000],
    ["SIGKILL", 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return; // already gone
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if ((await processState(pid)) === "gone") return;
      await sleep(100);
    }
  }
  throw new UserError(`pid ${pid} survived SIGKILL`);
}

async function stop(profile: Profile, lease: number | undefined): Promise<void> {
  const server = localServer(profile);
  const pid = await runningPid(server);
  if (pid === undefined) {
    await rm(server.pidFile, { force: true });
    say(`${profile}: not running`);
    return;
  }
  if (lease !== undefined) {
    const holders = await dropLease(server, lease);
    if (holders.length > 0) {
      say(`${profile}: left running for ${holders.join(", ")}`);
      return;
    }
  }
  await stopPid(pid);
  await rm(server.pidFile, { force: true });
  await rm(leaseDir(server), { recursive: true, force: true });
  say(`${profile}: stopped (pid ${pid})`);
}

async function serverVersion(baseUrl: string): Promise<string> {
  try {
    const response = await fetch(`${baseUrl}/_synapse/admin/v1/server_version`, {
      signal: AbortSignal.timeout(2000),
    });
    const body = (await response.json()) as { server_version?: unknown };
    return typeof body.server_version === "string" ? `Synapse ${body.server_version}` : "?";
  } catch {
    return "?";
  }
}

/** Prints each profile's state; true if all of them run and answer. */
async function status(profile: Profile): Promise<boolean> {
  const server = localServer(profile);
  const pid = await runningPid(server);
  if (pid === undefined) {
    console.log(`${profile}: stopped (port ${server.port})`);
    return false;
  }
  if (!(await isHealthy(server.baseUrl))) {
    console.log(`${profile}: pid ${pid} runs but does not answer on ${server.baseUrl}`);
    return false;
  }
  const federation =
    server.federation === undefined
      ? ""
      : `, server name ${server.serverName} (federation over TLS on port ${server.federation.port})`;
  console.log(
    `${profile}: running, pid ${pid}, ${server.baseUrl}${federation}, ${await serverVersion(server.baseUrl)}`,
  );
  return true;
}

async function reset(profiles: readonly Profile[], full: boolean): Promise<void> {
  for (const profile of PROFILES)
    if (full || profiles.includes(profile)) await stop(profile, undefined);
  if (full) {
    await rm(cacheDir(), { recursive: true, force: true });
    say(`removed ${cacheDir()}; the next start provisions from scratch`);
    return;
  }
  for (const profile of profiles) {
    await rm(localServer(profile).dataDir, { recursive: true, force: true });
    await rm(join(cacheDir(), profile), { force: true });
    say(`${profile}: data removed; the next start creates a fresh server`);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      profile: { type: "string", multiple: true },
      lease: { type: "string" },
      full: { type: "boolean", default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (command === undefined || extra.length > 0) throw new UserError(USAGE);
  for (const profile of values.profile ?? []) {
    if (!isProfile(profile))
      throw new UserError(`unknown profile ${profile}; known: ${PROFILES.join(", ")}`);
  }
  const chosen = (values.profile ?? []).filter(isProfile);
  const lease = values.lease === undefined ? undefined : Number(values.lease);
  if (lease !== undefined && !(Number.isInteger(lease) && lease > 0)) {
    throw new UserError(`--lease takes the process id of the holder, not ${values.lease}`);
  }
  switch (command) {
    case "start":
      for (const profile of chosen.length > 0 ? chosen : (["relaxed"] as const)) {
        await start(profile, lease);
      }
      return 0;
    case "stop":
      for (const profile of chosen.length > 0 ? chosen : PROFILES) await stop(profile, lease);
      return 0;
    case "status": {
      let allUp = true;
      for (const profile of chosen.length > 0 ? chosen : PROFILES)
        allUp = (await status(profile)) && allUp;
      return allUp ? 0 : 3;
    }
    case "reset":
      await reset(chosen.length > 0 ? chosen : PROFILES, values.full);
      return 0;
    default:
      throw new UserError(USAGE);
  }
}

// Every command runs under one lock, so that concurrent test runs in one working tree do not
// start the same profile twice or stop it under each other.
function runLocked(): number {
  mkdirSync(cacheDir(), { recursive: true });
  // --close: Synapse, started from within, must not inherit the lock.
  const lock = join(cacheDir(), "cli.lock");
  const result = spawnSync("flock", ["--close", lock, process.execPath, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, SPACEFORM_HS_LOCKED: "1" },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

try {
  process.exitCode =
    process.env["SPACEFORM_HS_LOCKED"] === "1" ? await main(process.argv.slice(2)) : runLocked();
} catch (error) {
  const badArguments = (error as { code?: unknown }).code?.toString().startsWith("ERR_PARSE_ARGS");
  if (!(error instanceof UserError) && badArguments !== true) throw error;
  say(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
