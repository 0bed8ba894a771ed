// The homeserver that end-to-end tests talk to, and fresh accounts on it.
//
// - SPACEFORM_TEST_HOMESERVER=<base URL>: use that server for every profile. Accounts are
//   registered with SPACEFORM_TEST_REGISTRATION_SECRET (Synapse's shared-secret admin API) if set,
//   else by open registration (m.login.dummy).
//   Profile fed2, the other side of federation tests, is then SPACEFORM_TEST_FEDERATION_HOMESERVER
//   (a server that federates with the first), with SPACEFORM_TEST_FEDERATION_REGISTRATION_SECRET.
// - Otherwise the local harness server of the profile (started by test/run.sh or
//   `npm run homeserver:start -- --profile <profile>`), at SPACEFORM_HS_URL_<PROFILE> if set.
//   Accounts are registered with the profile's generated shared secret: that admin API is not
//   subject to rc_registration, so even the default profile registers accounts without waiting.
//   fed1 and fed2 federate with each other (server names 127.0.0.1:18448 and 127.0.0.1:18449).
//
// A server that does not answer is an error, never a reason to skip.
import { createHmac, randomBytes } from "node:crypto";
import type { TestContext } from "node:test";
import { isHealthy, localBaseUrl, localServer, readLocalConfig, type Profile } from "./local.ts";

export type { Profile } from "./local.ts";

export interface TestUser {
  readonly userId: string;
  readonly localpart: string;
  readonly accessToken: string;
  readonly password: string;
}

export interface TestHomeserver {
  readonly baseUrl: string;
  readonly serverName: string;
  /** "external": SPACEFORM_TEST_HOMESERVER, whose rate limits and rules are unknown. */
  readonly kind: "local" | "external";
  readonly profile: Profile;
  /** Registers a new account whose localpart starts with the prefix, plus a random suffix. */
  registerUser(localpartPrefix: string): Promise<TestUser>;
  /** "Synapse 1.160.0", or whatever the server tells about itself. */
  serverVersion(): Promise<string>;
}

interface MatrixErrorBody {
  errcode?: string;
  error?: string;
  retry_after_ms?: number;
}

async function request(
  baseUrl: string,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

/** Random lowercase letters and digits: valid in localparts and alias localparts. */
export function randomId(length = 8): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join("");
}

function toLocalpart(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9._=-]+/g, "-");
  return `${clean.slice(0, 40)}-${randomId(6)}`;
}

interface Registered {
  user_id: string;
  access_token: string;
}

function asRegistered(json: unknown, what: string): Registered {
  const body = json as Partial<Registered> | undefined;
  if (typeof body?.user_id !== "string" || typeof body.access_token !== "string") {
    throw new Error(`${what}: unexpected response ${JSON.stringify(json)}`);
  }
  return { user_id: body.user_id, access_token: body.access_token };
}

/** Synapse's shared-secret registration: HMAC-SHA1 over nonce, user, password, "notadmin". */
async function registerWithSecret(
  baseUrl: string,
  secret: string,
  localpart: string,
  password: string,
): Promise<Registered> {
  const path = "/_synapse/admin/v1/register";
  const nonceResponse = await request(baseUrl, "GET", path);
  const nonce = (nonceResponse.json as { nonce?: unknown } | undefined)?.nonce;
  if (typeof nonce !== "string") {
    throw new Error(`GET ${path}: ${nonceResponse.status} ${JSON.stringify(nonceResponse.json)}`);
  }
  const mac = createHmac("sha1", secret)
    .update([nonce, localpart, password, "notadmin"].join("\0"))
    .digest("hex");
  const response = await request(baseUrl, "POST", path, {
    nonce,
    username: localpart,
    password,
    admin: false,
    mac,
  });
  if (response.status !== 200) {
    throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(response.json)}`);
  }
  return asRegistered(response.json, `POST ${path}`);
}

/** Open registration; waits out rate limiting (rc_registration) for up to two minutes. */
async function registerOpenly(
  baseUrl: string,
  localpart: string,
  password: string,
): Promise<Registered> {
  const path = "/_matrix/client/v3/register";
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await request(baseUrl, "POST", path, {
      username: localpart,
      password,
      auth: { type: "m.login.dummy" },
      initial_device_display_name: "spaceform tests",
    });
    if (response.status === 200) return asRegistered(response.json, `POST ${path}`);
    const error = response.json as MatrixErrorBody | undefined;
    if (response.status === 429 && Date.now() < deadline) {
      const retryAfter = Number(response.headers.get("retry-after"));
      const waitMs = error?.retry_after_ms ?? (retryAfter > 0 ? retryAfter * 1000 : 1000);
      await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs + 50, 30_000)));
      continue;
    }
    throw new Error(
      `POST ${path} as ${localpart}: ${response.status} ${JSON.stringify(response.json)}` +
        (response.status === 403
          ? " (is open registration enabled? else set SPACEFORM_TEST_REGISTRATION_SECRET)"
          : ""),
    );
  }
}

async function serverVersion(baseUrl: string): Promise<string> {
  // Unauthenticated on Synapse; other servers may refuse it, then the Server header tells.
  const admin = await request(baseUrl, "GET", "/_synapse/admin/v1/server_version").catch(
    () => undefined,
  );
  const version = (admin?.json as { server_version?: unknown } | undefined)?.server_version;
  if (admin?.status === 200 && typeof version === "string") return `Synapse ${version}`;
  const versions = await request(baseUrl, "GET", "/_matrix/client/versions");
  return versions.headers.get("server") ?? "unknown server";
}

function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}

/** The external server a profile uses, if SPACEFORM_TEST_HOMESERVER is set. */
function externalServer(profile: Profile): { url: string; secret?: string } | undefined {
  const main = env("SPACEFORM_TEST_HOMESERVER");
  if (main === undefined) return undefined;
  if (profile !== "fed2") {
    const secret = env("SPACEFORM_TEST_REGISTRATION_SECRET");
    return { url: main, ...(secret === undefined ? {} : { secret }) };
  }
  const peer = env("SPACEFORM_TEST_FEDERATION_HOMESERVER");
  if (peer === undefined) {
    throw new Error(
      "the federation tests need a second homeserver that federates with SPACEFORM_TEST_HOMESERVER: " +
        "set SPACEFORM_TEST_FEDERATION_HOMESERVER (and SPACEFORM_TEST_FEDERATION_REGISTRATION_SECRET)",
    );
  }
  const secret = env("SPACEFORM_TEST_FEDERATION_REGISTRATION_SECRET");
  return { url: peer, ...(secret === undefined ? {} : { secret }) };
}

async function connect(profile: Profile): Promise<TestHomeserver> {
  const external = externalServer(profile);
  const kind = external !== undefined ? "external" : "local";
  let baseUrl: string;
  let secret: string | undefined;
  let serverName: string | undefined;
  if (external !== undefined) {
    baseUrl = external.url.replace(/\/+$/, "");
    secret = external.secret;
  } else {
    baseUrl = localBaseUrl(profile);
    const config = await readLocalConfig(profile);
    secret = config?.registrationSharedSecret;
    serverName = config?.serverName;
  }
  if (!(await isHealthy(baseUrl, 5000))) {
    const hint =
      kind === "external"
        ? `check ${profile === "fed2" ? "SPACEFORM_TEST_FEDERATION_HOMESERVER" : "SPACEFORM_TEST_HOMESERVER"}`
        : process.env[`SPACEFORM_HS_URL_${profile.toUpperCase()}`]
          ? `check SPACEFORM_HS_URL_${profile.toUpperCase()}`
          : `start it: npm run homeserver:start -- --profile ${profile} (port ${localServer(profile).port})`;
    throw new Error(
      `no Matrix homeserver answers at ${baseUrl} (${kind}, profile ${profile}); ${hint}`,
    );
  }

  const registerUser = async (localpartPrefix: string): Promise<TestUser> => {
    const localpart = toLocalpart(localpartPrefix);
    const password = randomBytes(18).toString("base64url");
    const registered =
      secret === undefined
        ? await registerOpenly(baseUrl, localpart, password)
        : await registerWithSecret(baseUrl, secret, localpart, password);
    return {
      userId: registered.user_id,
      localpart,
      accessToken: registered.access_token,
      password,
    };
  };

  if (serverName === undefined) {
    // An external server does not say its name unauthenticated; a first account does.
    const probe = await registerUser("probe");
    serverName = probe.userId.slice(probe.userId.indexOf(":") + 1);
  }
  return {
    baseUrl,
    serverName,
    kind,
    profile,
    registerUser,
    serverVersion: () => serverVersion(baseUrl),
  };
}

interface QuietLogger {
  trace: (...message: unknown[]) => void;
  debug: (...message: unknown[]) => void;
  info: (...message: unknown[]) => void;
  warn: (...message: unknown[]) => void;
  error: (...message: unknown[]) => void;
  getChild: (namespace: string) => QuietLogger;
}

/**
 * A logger for matrix-js-sdk clients in tests (`createClient({..., logger: quietSdkLogger})`):
 * warnings and errors only, instead of a line for every request and response.
 */
export const quietSdkLogger: QuietLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (...message) => {
    console.warn(...message);
  },
  error: (...message) => {
    console.error(...message);
  },
  getChild: () => quietSdkLogger,
};

const connections = new Map<string, Promise<TestHomeserver>>();

/**
 * The homeserver for a profile: "relaxed" (the default; rate limits out of the way), "default"
 * (Synapse's own limits), or "fed1" and "fed2" (two servers federating with each other, relaxed).
 * With SPACEFORM_TEST_HOMESERVER, every profile but fed2 is that one server.
 */
export async function getTestHomeserver(profile: Profile = "relaxed"): Promise<TestHomeserver> {
  const key =
    env("SPACEFORM_TEST_HOMESERVER") === undefined
      ? profile
      : profile === "fed2"
        ? "external-fed2"
        : "external";
  let connection = connections.get(key);
  if (connection === undefined) {
    connection = connect(profile);
    connections.set(key, connection);
    // A failed connection is not cached: the next caller tries again.
    connection.catch(() => connections.delete(key));
  }
  const hs = await connection;
  return hs.profile === profile ? hs : { ...hs, profile };
}

export interface World {
  readonly hs: TestHomeserver;
  /** Unique to this world: lowercase letters and digits. */
  readonly runId: string;
  /** Starts every localpart and alias of this world: "sf-<test name>-<runId>". */
  readonly prefix: string;
  /** The account that manages the space (the one spaceform runs as). */
  readonly bot: TestUser;
  readonly moderators: readonly [TestUser, TestUser];
  /** An ordinary member. */
  readonly user: TestUser;
  /** A unique alias localpart for this world: "<prefix>-<name>". */
  aliasLocalpart(name: string): string;
  /** The full alias: "#<prefix>-<name>:<server name>". */
  alias(name: string): string;
}

/**
 * Fresh, isolated accounts and names for one test: a bot, two moderators and an ordinary user,
 * all new, so that no test depends on another's leftovers.
 */
export async function freshWorld(
  t?: Pick<TestContext, "name" | "diagnostic">,
  options: { profile?: Profile } = {},
): Promise<World> {
  const hs = await getTestHomeserver(options.profile);
  const runId = randomId(8);
  const label = (t?.name ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 20)
    .replace(/-+$/, "");
  const prefix = label === "" ? `sf-${runId}` : `sf-${label}-${runId}`;
  const [bot, moderator1, moderator2, user] = await Promise.all(
    ["bot", "mod1", "mod2", "user"].map((role) => hs.registerUser(`${prefix}-${role}`)),
  );
  const aliasLocalpart = (name: string) => `${prefix}-${name}`;
  t?.diagnostic(`world ${prefix} on ${hs.baseUrl} (${hs.kind}, profile ${hs.profile})`);
  return {
    hs,
    runId,
    prefix,
    bot: bot!,
    moderators: [moderator1!, moderator2!],
    user: user!,
    aliasLocalpart,
    alias: (name) => `#${aliasLocalpart(name)}:${hs.serverName}`,
  };
}

/**
 * Two homeservers that federate with each other: fed1 (where the tests' space and managing account
 * live) and fed2 (the members' other server). Fails unless they are two servers with two names.
 */
export async function federatingHomeservers(): Promise<readonly [TestHomeserver, TestHomeserver]> {
  const [a, b] = await Promise.all([getTestHomeserver("fed1"), getTestHomeserver("fed2")]);
  if (a.serverName === b.serverName) {
    throw new Error(`fed1 and fed2 are one server (${a.serverName}); federation tests need two`);
  }
  return [a, b];
}
