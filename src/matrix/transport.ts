/**
 * What sits between the SDK and the network, and between the SDK's errors and
 * spaceform's: a fetch with a request timeout and failures that name their cause,
 * a silenced SDK logger, and the one conversion of any failure into a GatewayError
 * whose message never carries the access token.
 */
import { logger as sdkRootLogger } from "matrix-js-sdk/lib/logger.js";
import { GatewayError } from "./gateway.ts";
import { nodeFetch } from "./node-fetch.ts";
import { RateLimitedError, formatSeconds } from "./retry.ts";

/** The SDK logs through loglevel to the console; spaceform says what it does itself. */
const silentLogger = {
  trace: (): void => undefined,
  debug: (): void => undefined,
  info: (): void => undefined,
  warn: (): void => undefined,
  error: (): void => undefined,
  getChild: () => silentLogger,
};

let sdkSilenced = false;
export function silenceSdk(): void {
  if (sdkSilenced) return;
  sdkSilenced = true;
  // Module-level log calls in the SDK go to its root loglevel logger, and loggers
  // made from it later copy its method factory: a no-op factory silences them all.
  // The SDK deprecates its global logger for logging, not for silencing it.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const root = sdkRootLogger as unknown as {
    methodFactory?: unknown;
    rebuild?: () => void;
    setLevel?: (level: string, persist?: boolean) => void;
  };
  root.methodFactory = () => () => undefined;
  root.rebuild?.();
  root.setLevel?.("silent", false);
}

/**
 * fetch with a request timeout, and failures that say what went wrong. The SDK
 * keeps only the message of a failed fetch ("fetch failed"), not its cause, so
 * the cause (`ECONNREFUSED`, `ENOTFOUND`, a timeout) is put into the message here.
 * The timeout is ours rather than the SDK's `localTimeoutMs`, whose timer is not
 * unref'd and would hold the process open after the last request.
 */
export function fetchWithTimeout(
  timeoutMs: number,
  fetch: typeof globalThis.fetch = nodeFetch(),
): typeof globalThis.fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await fetch(input, { ...init, signal });
    } catch (err) {
      if (timeout.aborted) {
        throw new TypeError(`no answer within ${formatSeconds(timeoutMs)}`, { cause: err });
      }
      if ((err as { name?: unknown }).name === "AbortError") throw err;
      throw new TypeError(fetchFailureReason(err), { cause: err });
    }
  };
}

/** The reason a request failed, without the user and password of a URL in it (a proxy's). */
function fetchFailureReason(err: unknown): string {
  return failureReason(err).replace(/\/\/[^\s/@]*@/g, "//");
}

function failureReason(err: unknown): string {
  // undici: TypeError("fetch failed") caused by the real reason, e.g.
  // Error("connect ECONNREFUSED 127.0.0.1:18008") with code ECONNREFUSED.
  let reason = err instanceof Error ? err.message : String(err);
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e !== null && typeof e === "object"; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof message === "string" && message !== "") reason = message;
    if (typeof code === "string") return reason.includes(code) ? reason : `${code}: ${reason}`;
    e = cause;
  }
  return reason;
}

/**
 * Any failure of a request as a GatewayError: a Matrix error keeps its errcode and
 * status, a rejected token says which variable to fix, a lost connection is marked
 * `connection`, and anything else (a body that is not JSON, a reset) names the
 * request. `scrub` removes the access token from every message.
 */
export function toGatewayError(
  err: unknown,
  kind: string,
  baseUrl: string,
  scrub: (text: string) => string,
): GatewayError {
  if (err instanceof GatewayError) return err;
  const e = (err ?? {}) as {
    name?: unknown;
    message?: unknown;
    errcode?: unknown;
    httpStatus?: unknown;
    data?: { error?: unknown };
  };
  const errcode = typeof e.errcode === "string" ? e.errcode : undefined;
  const httpStatus = typeof e.httpStatus === "number" ? e.httpStatus : undefined;
  let message: string;
  let connection = false;
  if (errcode === "M_UNKNOWN_TOKEN" || (httpStatus === 401 && errcode === undefined)) {
    message = `the homeserver ${baseUrl} rejected MATRIX_ACCESS_TOKEN (${errcode ?? "HTTP 401"}, ${kind}). Check that the token is current and belongs to the managing account`;
  } else if (err instanceof RateLimitedError) {
    message = err.message;
  } else if (e.name === "ConnectionError") {
    connection = true;
    const reason = typeof e.message === "string" ? e.message.replace(/^fetch failed: /, "") : "";
    message = `cannot reach ${baseUrl}: ${reason || "no connection"} (${kind})`;
  } else if (errcode !== undefined) {
    const text = typeof e.data?.error === "string" ? e.data.error : "";
    message = `${errcode}${text ? `: ${text}` : ""} (${kind}, HTTP ${httpStatus ?? "?"})`;
  } else if (httpStatus !== undefined) {
    message = `the homeserver answered HTTP ${httpStatus} to ${kind}, not a Matrix response`;
  } else {
    const reason = typeof e.message === "string" ? e.message : String(err);
    message = `${kind} failed: ${reason}`;
  }
  return new GatewayError(scrub(message), {
    kind,
    ...(errcode !== undefined ? { errcode } : {}),
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    connection,
  });
}
