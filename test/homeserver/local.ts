// Where the local test homeservers live and how to reach them: shared by cli.ts (which runs them)
// and harness.ts (which tests use). See docs/homeserver.md.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/**
 * "relaxed" and "default": one server each, named `localhost`, without federation. "fed1" and
 * "fed2": two servers named by IP literal and port (`127.0.0.1:18448`, `127.0.0.1:18449`) that
 * federate with each other over loopback, with relaxed rate limits. "crash": like relaxed, for
 * the test that kills its homeserver (`kill -9`) during an apply; that test starts and stops it.
 */
export const PROFILES = ["relaxed", "default", "fed1", "fed2", "crash"] as const;
export type Profile = (typeof PROFILES)[number];
export const FEDERATION_PROFILES = ["fed1", "fed2"] as const;
export type FederationProfile = (typeof FEDERATION_PROFILES)[number];

export function isProfile(value: string): value is Profile {
  return (PROFILES as readonly string[]).includes(value);
}

export function isFederationProfile(profile: Profile): profile is FederationProfile {
  return (FEDERATION_PROFILES as readonly string[]).includes(profile);
}

/** Client (plain HTTP) ports. */
const DEFAULT_PORTS: Record<Profile, number> = {
  relaxed: 18008,
  default: 18009,
  fed1: 18010,
  fed2: 18011,
  crash: 18012,
};
/** Federation (TLS) ports; a federating profile's server name is `127.0.0.1:<this port>`. */
const DEFAULT_FEDERATION_PORTS: Record<FederationProfile, number> = { fed1: 18448, fed2: 18449 };

/** The files of profiles/ that Synapse reads after common.yaml, in order. */
const LAYERS: Record<Profile, readonly string[]> = {
  relaxed: ["relaxed"],
  default: ["default"],
  fed1: ["relaxed", "federation"],
  fed2: ["relaxed", "federation"],
  crash: ["relaxed"],
};

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const homeserverDir = fileURLToPath(new URL(".", import.meta.url));

export function cacheDir(): string {
  return process.env["SPACEFORM_HS_CACHE_DIR"] ?? join(repoRoot, ".cache", "homeserver");
}

function envName(prefix: string, profile: Profile): string {
  return `${prefix}_${profile.toUpperCase()}`;
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a TCP port number, not ${JSON.stringify(raw)}`);
  }
  return port;
}

export interface Federation {
  /** The TLS listener other servers reach this one on. */
  readonly port: number;
  /** Where the self-signed certificate and its key live, seen from inside the chroot. */
  readonly certificateInRoot: string;
  readonly privateKeyInRoot: string;
  /** Every federating profile's server name, this one's included (federation_domain_whitelist). */
  readonly peers: readonly string[];
}

export interface LocalServer {
  readonly profile: Profile;
  /** The client listener's port. */
  readonly port: number;
  /** `localhost`, or `127.0.0.1:<federation port>` for a federating profile. */
  readonly serverName: string;
  /** Config files from profiles/ that Synapse reads after common.yaml. */
  readonly layers: readonly string[];
  /** Set for a federating profile. */
  readonly federation?: Federation;
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

function federationPort(profile: FederationProfile): number {
  return portFromEnv(
    envName("SPACEFORM_HS_FEDERATION_PORT", profile),
    DEFAULT_FEDERATION_PORTS[profile],
  );
}

export function localServer(profile: Profile): LocalServer {
  const port = portFromEnv(envName("SPACEFORM_HS_PORT", profile), DEFAULT_PORTS[profile]);
  const rootDir = join(cacheDir(), "root");
  const dataDirInRoot = `/srv/spaceform/${profile}`;
  const dataDir = join(rootDir, dataDirInRoot);
  let federation: Federation | undefined;
  if (isFederationProfile(profile)) {
    federation = {
      port: federationPort(profile),
      certificateInRoot: `${dataDirInRoot}/tls.crt`,
      privateKeyInRoot: `${dataDirInRoot}/tls.key`,
      peers: FEDERATION_PROFILES.map((p) => `127.0.0.1:${federationPort(p)}`),
    };
  }
  return {
    profile,
    port,
    serverName: federation === undefined ? "localhost" : `127.0.0.1:${federation.port}`,
    layers: LAYERS[profile],
    ...(federation === undefined ? {} : { federation }),
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
