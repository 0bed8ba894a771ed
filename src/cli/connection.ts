/**
 * The connection to the homeserver, from the environment: MATRIX_HOMESERVER (the
 * base URL) and MATRIX_ACCESS_TOKEN (the managing account's token, never printed).
 *
 * matrix-js-sdk is imported here lazily, on the first connection, so that commands
 * without network (validate) never load it.
 */
import { UserError } from "../diagnostics.ts";
import { GatewayError, type MatrixGateway } from "../matrix/gateway.ts";
import type { UserId } from "../matrix/ids.ts";
import type { GatewayOptions } from "../matrix/sdk-gateway.ts";

export interface ConnectedGateway {
  gateway: MatrixGateway;
  userId: UserId;
  serverName: string;
  /** The base URL as used (no trailing slash). */
  baseUrl: string;
}

export interface ConnectOptions {
  /** Waits and warnings for the user; the CLI prints them to stderr. */
  log?: (line: string) => void;
  /** Passed on to the gateway (tests: retry policy, sleep). */
  gateway?: Partial<Omit<GatewayOptions, "baseUrl" | "accessToken" | "log">>;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/** Checks MATRIX_HOMESERVER and returns it without a trailing slash. */
export function parseHomeserverUrl(value: string | undefined): string {
  const raw = value?.trim() ?? "";
  if (raw === "") {
    throw new UserError(
      "MATRIX_HOMESERVER is not set. Set it to the base URL of the managing account's homeserver, e.g. MATRIX_HOMESERVER=https://matrix.org",
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(
      `MATRIX_HOMESERVER is not a URL: ${JSON.stringify(raw)}. Write the base URL with its scheme, e.g. https://${raw.replace(/^\/+/, "")}`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UserError(
      `MATRIX_HOMESERVER must be an http(s) URL, not ${JSON.stringify(raw)}. Write the base URL with its scheme, e.g. https://matrix.org`,
    );
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new UserError(
      "MATRIX_HOMESERVER must be a plain base URL (no user, password, query or fragment), e.g. https://matrix.org",
    );
  }
  return url.href.replace(/\/+$/, "");
}

export function readAccessToken(value: string | undefined): string {
  // A token pasted with its line end (or with `Bearer `) would be rejected as unknown.
  const token = (value ?? "").trim().replace(/^Bearer\s+/i, "");
  if (token === "") {
    throw new UserError(
      "MATRIX_ACCESS_TOKEN is not set. Set it to the managing account's access token (in Element: Settings → Help & About → Access Token); spaceform never prints it.",
    );
  }
  return token;
}

let gatewayModule: Promise<typeof import("../matrix/sdk-gateway.ts")> | undefined;

/**
 * Starts loading the gateway and matrix-js-sdk (a few hundred milliseconds) without
 * sending anything, so that a command can read its manifests meanwhile.
 */
export function preloadGateway(): Promise<typeof import("../matrix/sdk-gateway.ts")> {
  gatewayModule ??= import("../matrix/sdk-gateway.ts");
  return gatewayModule;
}

/**
 * Builds the gateway from the environment and asks the homeserver who the token
 * belongs to. Every problem the user can fix becomes a UserError naming the variable.
 */
export async function connectFromEnv(
  env: NodeJS.ProcessEnv,
  options: ConnectOptions = {},
): Promise<ConnectedGateway> {
  const baseUrl = parseHomeserverUrl(env["MATRIX_HOMESERVER"]);
  const accessToken = readAccessToken(env["MATRIX_ACCESS_TOKEN"]);
  const log = options.log ?? (() => undefined);
  const host = new URL(baseUrl).hostname;
  if (baseUrl.startsWith("http:") && !LOOPBACK.test(host)) {
    log(
      `warning: MATRIX_HOMESERVER is plain http (${baseUrl}): the access token travels unencrypted.`,
    );
  }

  const { createGateway } = await preloadGateway();
  const gateway = createGateway({ ...options.gateway, baseUrl, accessToken, log });
  let who: { user_id: UserId; server_name: string };
  try {
    who = await gateway.whoami();
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    const message = err.message;
    if (err.connection) {
      throw new UserError(`${message}. Check MATRIX_HOMESERVER and the network.`);
    }
    if (err.httpStatus !== undefined && err.errcode === undefined) {
      throw new UserError(
        `MATRIX_HOMESERVER (${baseUrl}) does not look like a Matrix homeserver: ${message}. Use the client-server base URL (what /.well-known/matrix/client names), e.g. https://matrix.example.org`,
      );
    }
    throw err;
  }
  return { gateway, userId: who.user_id, serverName: who.server_name, baseUrl };
}
