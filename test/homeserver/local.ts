// Where the local test homeservers live and how to reach them: shared by cli.ts (which runs them)
// and harness.ts (which tests use). See docs/homeserver.md.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const PROFILES = ["relaxed", "default"] as const;
export type Profile = (typeof PROFILES)[number];

export function isProfile(value: string): value is Profile {
  return (PROFILES as readonly string[]).includes(value);
}

const DEFAULT_PORTS: Record<Profile, number> = { relaxed: 18008, default: 18009 };

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const homeserverDir = fileURLToPath(new URL(".", import.meta.url));

export function cacheDir(): string {
  return process.env["SPACEFORM_HS_CACHE_DIR"] ?? join(repoRoot, ".cache", "homeserver");
}

function envName(prefix: string, profile: Profile): string {
  return `${prefix}_${profile.toUpperCase()}`;
}

export interface LocalServer {
  readonly profile: Profile;
  readonly port: number;
  /** The URL this machine's harness listens on (cli.ts prints it). */
  readonly baseUrl: string;
  /** The profile's data folder, seen from outside the chroot. */
  readonly dataDir: string;
  /** The same folder, seen from inside the chroot. */
  readonly dataDirInRoot: string;
  readonly rootDir: string;
  readonly pidFile: string;
  /** Synapse's stdout and stderr. */
  readonly outFile: string;
  /** Synapse's own log (warnings and errors). */
  readonly logFile: string;
}

export function localServer(profile: Profile): LocalServer {
  const name = envName("SPACEFORM_HS_PORT", profile);
  const raw = process.env[name];
  const port = raw === undefined || raw === "" ? DEFAULT_PORTS[profile] : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a TCP port number, not ${JSON.stringify(raw)}`);
  }
  const rootDir = join(cacheDir(), "root");
  const dataDirInRoot = `/srv/spaceform/${profile}`;
  const dataDir = join(rootDir, dataDirInRoot);
  return {
    profile,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    dataDirInRoot,
    rootDir,
    pidFile: join(dataDir, "synapse.pid"),
    outFile: join(dataDir, "synapse.out"),
    logFile: join(dataDir, "homeserver.log"),
  };
}

/** The URL tests use for a local profile: SPACEFORM_HS_URL_<PROFILE>, else the harness's own. */
export function localBaseUrl(profile: Profile): string {
  const url = process.env[envName("SPACEFORM_HS_URL", profile)];
  return url !== undefined && url !== "" ? url.replace(/\/+$/, "") : localServer(profile).baseUrl;
}

export interface LocalConfig {
  readonly serverName: string;
  readonly registrationSharedSecret: string;
}

/** Reads the server name and shared secret that provision.sh generated; undefined if not provisioned. */
export async function readLocalConfig(profile: Profile): Promise<LocalConfig | undefined> {
  let text: string;
  try {
    text = await readFile(join(localServer(profile).dataDir, "homeserver.yaml"), "utf8");
  } catch {
    return undefined;
  }
  const config: unknown = parse(text);
  if (typeof config !== "object" || config === null) return undefined;
  const { server_name: serverName, registration_shared_secret: secret } = config as Record<
    string,
    unknown
  >;
  if (typeof serverName !== "string" || typeof secret !== "string") return undefined;
  return { serverName, registrationSharedSecret: secret };
}

/** True if a Matrix server answers GET /_matrix/client/versions at baseUrl. */
export async function isHealthy(baseUrl: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/_matrix/client/versions`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
