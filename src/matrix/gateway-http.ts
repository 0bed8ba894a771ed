/**
 * The one place that talks HTTP to a homeserver: matrix-js-sdk's HTTP layer,
 * `MatrixHttpApi` (authentication, JSON, the Matrix error types with their
 * rate-limit fields, uploads), and the wrapper every request goes through: the
 * retry policy (retry.ts), a count by kind, and any failure turned into a
 * GatewayError whose message never contains the access token. The capability
 * modules (gateway-read.ts, gateway-write.ts, gateway-rooms.ts, gateway-media.ts)
 * send their requests through it.
 */
import { MatrixHttpApi } from "matrix-js-sdk/lib/http-api/index.js";
import type {
  HttpApiEvent,
  HttpApiEventHandlerMap,
  IRequestOpts,
} from "matrix-js-sdk/lib/http-api/interface.js";
import { Method } from "matrix-js-sdk/lib/http-api/method.js";
import { ClientPrefix } from "matrix-js-sdk/lib/http-api/prefix.js";
import { TypedEventEmitter } from "matrix-js-sdk/lib/models/typed-event-emitter.js";
import { registerSecret, scrubSecrets } from "../secrets.ts";
import { DEFAULT_RETRY_POLICY, realSleep, withRetry, type RetryPolicy } from "./retry.ts";
import { fetchWithTimeout, silenceSdk, toGatewayError } from "./transport.ts";

export interface GatewayOptions {
  /** Base URL, e.g. `https://matrix.org`. */
  baseUrl: string;
  accessToken: string;
  /** Tells the user about waits (rate limits, retries); the CLI prints to stderr. */
  log?: (line: string) => void;
  /** Known already (saves nothing, but lets the SDK fill in `userId`). */
  userId?: string;
  retry?: Partial<RetryPolicy>;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** A request that takes longer fails as a lost connection. Default 90 s. */
  requestTimeoutMs?: number;
  /** The fetch underneath (tests and benchmarks put a delay or a fault into it). */
  fetch?: typeof globalThis.fetch;
}

export type HttpApi = MatrixHttpApi<{ baseUrl: string; prefix: string; onlyData: true }>;

export { ClientPrefix, Method };

export const enc = encodeURIComponent;

/** Request options; the SDK's type borrows `priority` from the DOM's RequestInit, which Node's types make required. */
export function requestOpts(opts: { prefix: string; rawResponseBody?: true }): IRequestOpts {
  return opts as IRequestOpts;
}

export class GatewayHttp {
  readonly baseUrl: string;
  /** The SDK's HTTP layer; send through `call`, never directly. */
  readonly api: HttpApi;
  private readonly secret: string;
  private readonly log: (line: string) => void;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly counts = new Map<string, number>();
  private total = 0;
  private retries = 0;

  constructor(options: GatewayOptions) {
    silenceSdk();
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.secret = options.accessToken;
    registerSecret(options.accessToken);
    this.log = options.log ?? (() => undefined);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? realSleep;
    this.api = new MatrixHttpApi(new TypedEventEmitter<HttpApiEvent, HttpApiEventHandlerMap>(), {
      baseUrl: this.baseUrl,
      prefix: ClientPrefix.V3,
      onlyData: true,
      accessToken: options.accessToken,
      useAuthorizationHeader: true,
      fetchFn: fetchWithTimeout(options.requestTimeoutMs ?? 90_000, options.fetch),
    });
  }

  requestCount(): { total: number; byKind: Record<string, number>; retries: number } {
    return {
      total: this.total,
      byKind: Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : 1))),
      retries: this.retries,
    };
  }

  /** A plain authenticated GET of a client-server v3 path. */
  get(path: string): Promise<unknown> {
    return this.api.authedRequest<unknown>(Method.Get, path);
  }

  /**
   * One request: retried as the policy says (`idempotent`: sent again after a lost
   * connection), counted under `kind`, any failure a GatewayError.
   */
  async call<T>(kind: string, idempotent: boolean, send: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(
        {
          kind,
          idempotent,
          policy: this.policy,
          sleep: this.sleep,
          log: this.log,
          onAttempt: (n) => {
            this.total++;
            this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
            if (n > 1) this.retries++;
          },
        },
        send,
      );
    } catch (err) {
      throw toGatewayError(err, kind, this.baseUrl, (text) => this.scrub(text));
    }
  }

  /** Belt and braces: the token is sent in a header, but no message may ever carry it. */
  private scrub(text: string): string {
    // Also every other secret the process holds (src/secrets.ts).
    return scrubSecrets(this.secret === "" ? text : text.split(this.secret).join("<redacted>"));
  }
}
