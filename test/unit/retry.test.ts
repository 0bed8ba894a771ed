// The retry policy, run with an injected clock: which failures are retried, how long each wait
// is, when it gives up, and what the user is told.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DEFAULT_RETRY_POLICY,
  RateLimitedError,
  classifyFailure,
  formatSeconds,
  withRetry,
  type RetryContext,
} from "../../src/matrix/retry.ts";

/** An error shaped like matrix-js-sdk's MatrixError for a 429. */
function rateLimited(retryAfterMs: number | null | "malformed"): Error {
  return Object.assign(new Error("Too Many Requests"), {
    httpStatus: 429,
    errcode: "M_LIMIT_EXCEEDED",
    getRetryAfterMs: () => {
      if (retryAfterMs === "malformed") throw new Error("Invalid Retry-After header");
      return retryAfterMs;
    },
  });
}

function connectionError(): Error {
  const e = new Error("fetch failed: ECONNRESET");
  e.name = "ConnectionError";
  return e;
}

function forbidden(): Error {
  return Object.assign(new Error("Forbidden"), { httpStatus: 403, errcode: "M_FORBIDDEN" });
}

/** Runs withRetry against a script of failures; records sleeps, log lines and attempts. */
async function run(
  script: (Error | "ok")[],
  options: Partial<Omit<RetryContext, "sleep" | "log" | "onAttempt">> = {},
): Promise<{ result: unknown; error: unknown; sleeps: number[]; logs: string[]; calls: number }> {
  const sleeps: number[] = [];
  const logs: string[] = [];
  let calls = 0;
  let attemptsSeen = 0;
  const ctx: RetryContext = {
    kind: "PUT /state",
    idempotent: false,
    policy: DEFAULT_RETRY_POLICY,
    ...options,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    log: (line) => logs.push(line),
    onAttempt: (n) => {
      attemptsSeen++;
      assert.equal(n, attemptsSeen, "attempts are numbered from 1");
    },
  };
  try {
    const result = await withRetry(ctx, () => {
      const step = script[Math.min(calls, script.length - 1)];
      calls++;
      return step === "ok" || step === undefined
        ? Promise.resolve(`done after ${calls}`)
        : Promise.reject(step);
    });
    return { result, error: undefined, sleeps, logs, calls };
  } catch (error) {
    return { result: undefined, error, sleeps, logs, calls };
  }
}

describe("retry policy", () => {
  it("waits as long as the 429 asks, says so, and succeeds", async () => {
    const r = await run([rateLimited(4200), "ok"]);
    assert.equal(r.result, "done after 2");
    assert.deepEqual(r.sleeps, [4200]);
    assert.deepEqual(r.logs, ["waiting 4.2 s: rate limited by the homeserver (PUT /state)"]);
  });

  it("caps one wait at maxWaitMs, whatever the homeserver asks", async () => {
    const r = await run([rateLimited(300_000), rateLimited(90_000), "ok"], {
      policy: { ...DEFAULT_RETRY_POLICY, maxWaitMs: 60_000 },
    });
    assert.equal(r.result, "done after 3");
    assert.deepEqual(r.sleeps, [60_000, 60_000]);
    assert.equal(r.logs[0], "waiting 60 s: rate limited by the homeserver (PUT /state)");
  });

  it("doubles a default wait when the 429 names none (or a malformed one)", async () => {
    const r = await run([rateLimited(null), rateLimited("malformed"), rateLimited(null), "ok"]);
    assert.equal(r.result, "done after 4");
    assert.deepEqual(r.sleeps, [1000, 2000, 4000]);
  });

  it("gives up after maxRateLimitAttempts with a RateLimitedError naming the request", async () => {
    const r = await run([rateLimited(100)], {
      policy: { ...DEFAULT_RETRY_POLICY, maxRateLimitAttempts: 4 },
    });
    assert.equal(r.calls, 4);
    assert.equal(r.sleeps.length, 3);
    assert.ok(r.error instanceof RateLimitedError);
    assert.equal(r.error.httpStatus, 429);
    assert.equal(r.error.errcode, "M_LIMIT_EXCEEDED");
    assert.match(r.error.message, /rate-limits PUT \/state after 4 attempts/);
  });

  it("retries a 429 even for a request that is not idempotent (it was refused, not done)", async () => {
    const r = await run([rateLimited(500), "ok"], { kind: "POST /createRoom", idempotent: false });
    assert.equal(r.result, "done after 2");
    assert.deepEqual(r.logs, ["waiting 0.5 s: rate limited by the homeserver (POST /createRoom)"]);
  });

  it("never retries a lost connection for a request that is not idempotent", async () => {
    const lost = connectionError();
    const r = await run([lost, "ok"], { kind: "POST /createRoom", idempotent: false });
    assert.equal(r.error, lost, "the original error comes out");
    assert.equal(r.calls, 1);
    assert.deepEqual(r.sleeps, []);
  });

  it("retries a lost connection for an idempotent request with backoff, then gives up", async () => {
    const ok = await run([connectionError(), connectionError(), "ok"], {
      kind: "GET /state",
      idempotent: true,
    });
    assert.equal(ok.result, "done after 3");
    assert.deepEqual(ok.sleeps, [500, 1000]);
    assert.deepEqual(ok.logs, [
      "waiting 0.5 s: the connection to the homeserver failed (GET /state)",
      "waiting 1 s: the connection to the homeserver failed (GET /state)",
    ]);

    const lost = connectionError();
    const fail = await run([lost], { kind: "GET /state", idempotent: true });
    assert.equal(fail.error, lost);
    assert.equal(fail.calls, DEFAULT_RETRY_POLICY.maxConnectionAttempts);
  });

  it("counts rate limits and lost connections separately", async () => {
    const r = await run(
      [connectionError(), rateLimited(10), connectionError(), rateLimited(10), "ok"],
      {
        idempotent: true,
        policy: { ...DEFAULT_RETRY_POLICY, maxConnectionAttempts: 3, maxRateLimitAttempts: 3 },
      },
    );
    assert.equal(r.result, "done after 5");
  });

  it("rethrows any other error at once", async () => {
    const err = forbidden();
    const r = await run([err, "ok"], { idempotent: true });
    assert.equal(r.error, err);
    assert.equal(r.calls, 1);
    assert.deepEqual(r.logs, []);
  });
});

describe("classifyFailure", () => {
  it("reads errors by shape", () => {
    assert.deepEqual(classifyFailure(rateLimited(1500)), {
      kind: "rate-limited",
      retryAfterMs: 1500,
    });
    assert.deepEqual(classifyFailure({ errcode: "M_LIMIT_EXCEEDED" }), {
      kind: "rate-limited",
      retryAfterMs: null,
    });
    assert.deepEqual(classifyFailure(connectionError()), { kind: "connection" });
    assert.deepEqual(classifyFailure(forbidden()), { kind: "other" });
    // What transport.ts makes of a certificate or a redirect: the same on every attempt.
    for (const reason of [
      "DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate",
      "CERT_HAS_EXPIRED: certificate has expired",
      "ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match certificate's altnames",
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate",
      "the homeserver redirects (HTTP 301) to https://matrix.example.org; set MATRIX_HOMESERVER to …",
    ]) {
      const e = new Error(`fetch failed: ${reason}`);
      e.name = "ConnectionError";
      assert.deepEqual(classifyFailure(e), { kind: "other" }, reason);
    }
    for (const reason of ["ECONNRESET: socket hang up", "no answer within 90 s", "ETIMEDOUT"]) {
      const e = new Error(`fetch failed: ${reason}`);
      e.name = "ConnectionError";
      assert.deepEqual(classifyFailure(e), { kind: "connection" }, reason);
    }
    assert.deepEqual(classifyFailure("boom"), { kind: "other" });
    assert.deepEqual(classifyFailure(null), { kind: "other" });
  });
});

describe("formatSeconds", () => {
  it("prints waits the way people read them", () => {
    assert.equal(formatSeconds(4200), "4.2 s");
    assert.equal(formatSeconds(250), "0.25 s");
    assert.equal(formatSeconds(1000), "1 s");
    assert.equal(formatSeconds(12_345), "12 s");
    assert.equal(formatSeconds(60_000), "60 s");
  });
});
