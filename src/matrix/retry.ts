/**
 * When a request to the homeserver is tried again, and how long to wait first.
 *
 * Two reasons to retry:
 * - 429 `M_LIMIT_EXCEEDED`: the homeserver refused the request and did nothing, so
 *   every request (even `createRoom`) may be sent again after the wait it asks for.
 * - A lost connection: the request may or may not have been carried out, so only
 *   requests that change nothing (GETs) are sent again.
 *
 * The policy knows nothing about matrix-js-sdk: it reads errors by shape, and the
 * clock is injected so that tests run it without waiting.
 */

export interface RetryPolicy {
  /** Attempts in all for a rate-limited request (the first one included). */
  maxRateLimitAttempts: number;
  /** Upper bound of one wait, whatever the homeserver asks for. */
  maxWaitMs: number;
  /** Wait when a 429 says nothing about how long (doubles with each further 429). */
  defaultRateLimitWaitMs: number;
  /** Attempts in all for an idempotent request whose connection failed. */
  maxConnectionAttempts: number;
  /** First wait after a connection failure; doubles with each further one. */
  connectionBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRateLimitAttempts: 10,
  maxWaitMs: 60_000,
  defaultRateLimitWaitMs: 1_000,
  maxConnectionAttempts: 3,
  connectionBackoffMs: 500,
};

export interface RetryContext {
  /** `PUT /state`: names the request in messages. */
  kind: string;
  /** True when sending the request twice does no harm (GETs). */
  idempotent: boolean;
  policy: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  /** Told about every wait, e.g. `waiting 4.2 s: rate limited by the homeserver (PUT /state)`. */
  log?: (line: string) => void;
  /** Called before every attempt (1-based), so the caller can count requests and retries. */
  onAttempt?: (attempt: number) => void;
}

export type FailureKind =
  | { kind: "rate-limited"; retryAfterMs: number | null }
  | { kind: "connection" }
  | { kind: "other" };

/** Reads an error by shape: matrix-js-sdk's MatrixError, HTTPError and ConnectionError all fit. */
export function classifyFailure(err: unknown): FailureKind {
  if (err === null || typeof err !== "object") return { kind: "other" };
  const e = err as {
    name?: unknown;
    httpStatus?: unknown;
    errcode?: unknown;
    getRetryAfterMs?: unknown;
  };
  if (e.httpStatus === 429 || e.errcode === "M_LIMIT_EXCEEDED") {
    let retryAfterMs: number | null = null;
    if (typeof e.getRetryAfterMs === "function") {
      try {
        // Throws on a malformed Retry-After; then the default wait applies.
        const ms: unknown = (e.getRetryAfterMs as () => unknown).call(err);
        if (typeof ms === "number" && Number.isFinite(ms) && ms >= 0) retryAfterMs = ms;
      } catch {
        retryAfterMs = null;
      }
    }
    return { kind: "rate-limited", retryAfterMs };
  }
  if (e.name === "ConnectionError") {
    // A certificate that does not verify, or a redirect (node-fetch.ts), fails the same way on
    // every attempt: said at once, not after waits.
    const { message } = e as { message?: unknown };
    return typeof message === "string" && PERMANENT_CONNECTION_FAILURE.test(message)
      ? { kind: "other" }
      : { kind: "connection" };
  }
  return { kind: "other" };
}

/** Node's TLS verification codes, and node-fetch.ts's refused redirect. */
const PERMANENT_CONNECTION_FAILURE =
  /\b(?:[A-Z_]*CERT[A-Z_]*|UNABLE_TO_[A-Z_]+|ERR_TLS_[A-Z_]+)\b|the homeserver redirects \(HTTP/;

/** `4.2 s`, `0.25 s`, `60 s`. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Number(s.toFixed(s < 1 ? 2 : 1))} s`;
}

/** The wait before the next attempt, or null when the failure is final. */
export function nextWait(
  failure: FailureKind,
  ctx: Pick<RetryContext, "idempotent" | "policy">,
  attempts: { rateLimited: number; connection: number },
): number | null {
  const { policy } = ctx;
  if (failure.kind === "rate-limited") {
    if (attempts.rateLimited >= policy.maxRateLimitAttempts) return null;
    const asked =
      failure.retryAfterMs ?? policy.defaultRateLimitWaitMs * 2 ** (attempts.rateLimited - 1);
    return Math.min(asked, policy.maxWaitMs);
  }
  if (failure.kind === "connection" && ctx.idempotent) {
    if (attempts.connection >= policy.maxConnectionAttempts) return null;
    return Math.min(policy.connectionBackoffMs * 2 ** (attempts.connection - 1), policy.maxWaitMs);
  }
  return null;
}

/** Thrown when a request is still rate limited after the last attempt. */
export class RateLimitedError extends Error {
  readonly errcode = "M_LIMIT_EXCEEDED";
  readonly httpStatus = 429;
  readonly attempts: number;
  constructor(kind: string, attempts: number) {
    super(
      `the homeserver still rate-limits ${kind} after ${attempts} attempts; wait a few minutes and run again`,
    );
    this.name = "RateLimitedError";
    this.attempts = attempts;
  }
}

/**
 * Runs `attempt` until it succeeds or fails for good. A final failure is rethrown
 * as it came (the caller words it), except a rate limit that outlasts every
 * attempt, which becomes a RateLimitedError.
 */
export async function withRetry<T>(ctx: RetryContext, attempt: () => Promise<T>): Promise<T> {
  const attempts = { rateLimited: 0, connection: 0 };
  for (let n = 1; ; n++) {
    ctx.onAttempt?.(n);
    try {
      return await attempt();
    } catch (err) {
      const failure = classifyFailure(err);
      if (failure.kind === "rate-limited") attempts.rateLimited++;
      if (failure.kind === "connection") attempts.connection++;
      const wait = nextWait(failure, ctx, attempts);
      if (wait === null) {
        if (failure.kind === "rate-limited") throw new RateLimitedError(ctx.kind, n);
        throw err;
      }
      const why =
        failure.kind === "rate-limited"
          ? "rate limited by the homeserver"
          : "the connection to the homeserver failed";
      ctx.log?.(`waiting ${formatSeconds(wait)}: ${why} (${ctx.kind})`);
      await ctx.sleep(wait);
    }
  }
}

export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
