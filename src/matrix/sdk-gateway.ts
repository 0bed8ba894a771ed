/**
 * The MatrixGateway on matrix-js-sdk: the only module that talks HTTP to a
 * homeserver, and the only one that imports the SDK (the CLI imports this module
 * lazily, so commands without network never load it).
 *
 * The client is used without its sync loop (`startClient()` is never called):
 * every method is one REST request through `client.http.authedRequest`, wrapped
 * in the retry policy (retry.ts) and counted by kind. Errors come out as a
 * GatewayError whose message never contains the access token.
 */
import { randomUUID } from "node:crypto";
import { createClient, Method, type MatrixClient } from "matrix-js-sdk";
import { logger as sdkRootLogger } from "matrix-js-sdk/lib/logger.js";
import { UserError } from "../diagnostics.ts";
import type { StateEvent } from "../state/model.ts";
import {
  GatewayError,
  type CreateRoomRequest,
  type HierarchyRoom,
  type MatrixGateway,
  type SyncRooms,
} from "./gateway.ts";
import { serverOf, type RoomId, type UserId } from "./ids.ts";
import {
  DEFAULT_RETRY_POLICY,
  RateLimitedError,
  formatSeconds,
  realSleep,
  withRetry,
  type RetryPolicy,
} from "./retry.ts";

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
  /** The fetch underneath (the benchmark adds network latency with it). */
  fetch?: typeof globalThis.fetch;
}

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
function silenceSdk(): void {
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

type Query = Record<string, string | string[] | number | boolean | undefined>;

interface RequestSpec {
  /** Counted and named by this: `GET /state`. */
  kind: string;
  method: Method;
  path: string;
  query?: Query;
  body?: unknown;
  prefix?: string;
  headers?: Record<string, string>;
  /** Sent again after a lost connection (GETs only). */
  idempotent: boolean;
  /** The body as bytes (a Blob), not JSON: media downloads. */
  raw?: boolean;
}

const CLIENT_V1 = "/_matrix/client/v1";
const MEDIA_V3 = "/_matrix/media/v3";
const enc = encodeURIComponent;

function asStateEvents(raw: unknown): StateEvent[] {
  if (!Array.isArray(raw)) return [];
  const out: StateEvent[] = [];
  for (const e of raw as unknown[]) {
    if (e === null || typeof e !== "object") continue;
    const { type, state_key, content, sender } = e as Record<string, unknown>;
    if (typeof type !== "string" || typeof state_key !== "string") continue;
    const event: StateEvent = {
      type,
      state_key,
      content:
        content !== null && typeof content === "object" ? (content as Record<string, unknown>) : {},
    };
    if (typeof sender === "string") event.sender = sender;
    out.push(event);
  }
  return out;
}

/** One event per (type, state key): the last one wins. */
function latestState(events: readonly StateEvent[]): StateEvent[] {
  const byKey = new Map<string, StateEvent>();
  for (const e of events) byKey.set(`${e.type}\u0000${e.state_key}`, e);
  return [...byKey.values()];
}

/**
 * fetch with a request timeout, and failures that say what went wrong. The SDK
 * keeps only the message of a failed fetch ("fetch failed"), not its cause, so
 * the cause (`ECONNREFUSED`, `ENOTFOUND`, a timeout) is put into the message here.
 * The timeout is ours rather than the SDK's `localTimeoutMs`, whose timer is not
 * unref'd and would hold the process open after the last request.
 */
function fetchWithTimeout(
  timeoutMs: number,
  fetch: typeof globalThis.fetch = globalThis.fetch,
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

function fetchFailureReason(err: unknown): string {
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

export class SdkGateway implements MatrixGateway {
  readonly baseUrl: string;
  private readonly client: MatrixClient;
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
    this.log = options.log ?? (() => undefined);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? realSleep;
    this.client = createClient({
      baseUrl: this.baseUrl,
      accessToken: options.accessToken,
      ...(options.userId !== undefined ? { userId: options.userId } : {}),
      logger: silentLogger,
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

  private async request<T>(spec: RequestSpec): Promise<T> {
    try {
      return await withRetry(
        {
          kind: spec.kind,
          idempotent: spec.idempotent,
          policy: this.policy,
          sleep: this.sleep,
          log: this.log,
          onAttempt: (n) => {
            this.total++;
            this.counts.set(spec.kind, (this.counts.get(spec.kind) ?? 0) + 1);
            if (n > 1) this.retries++;
          },
        },
        () =>
          this.client.http.authedRequest<T>(
            spec.method,
            spec.path,
            spec.query as Parameters<MatrixClient["http"]["authedRequest"]>[2],
            spec.body as Parameters<MatrixClient["http"]["authedRequest"]>[3],
            {
              ...(spec.prefix !== undefined ? { prefix: spec.prefix } : {}),
              ...(spec.headers !== undefined ? { headers: spec.headers } : {}),
              ...(spec.raw === true ? { rawResponseBody: true } : {}),
            } as Parameters<MatrixClient["http"]["authedRequest"]>[4],
          ),
      );
    } catch (err) {
      throw this.wrap(err, spec.kind);
    }
  }

  /** A clear error without the token; a rejected token is the user's to fix. */
  private wrap(err: unknown, kind: string): Error {
    if (err instanceof GatewayError || err instanceof UserError) return err;
    const e = (err ?? {}) as {
      name?: unknown;
      message?: unknown;
      errcode?: unknown;
      httpStatus?: unknown;
      data?: { error?: unknown };
    };
    const errcode = typeof e.errcode === "string" ? e.errcode : undefined;
    const httpStatus = typeof e.httpStatus === "number" ? e.httpStatus : undefined;
    if (errcode === "M_UNKNOWN_TOKEN" || (httpStatus === 401 && errcode === undefined)) {
      return new UserError(
        `the homeserver ${this.baseUrl} rejected MATRIX_ACCESS_TOKEN (${errcode ?? "HTTP 401"}). Check that the token is current and belongs to the managing account.`,
      );
    }
    let message: string;
    let connection = false;
    if (err instanceof RateLimitedError) {
      message = err.message;
    } else if (e.name === "ConnectionError") {
      connection = true;
      const reason = typeof e.message === "string" ? e.message.replace(/^fetch failed: /, "") : "";
      message = `cannot reach ${this.baseUrl}: ${reason || "no connection"} (${kind})`;
    } else if (errcode !== undefined) {
      const text = typeof e.data?.error === "string" ? e.data.error : "";
      message = `${errcode}${text ? `: ${text}` : ""} (${kind}, HTTP ${httpStatus ?? "?"})`;
    } else if (httpStatus !== undefined) {
      message = `the homeserver answered HTTP ${httpStatus} to ${kind}, not a Matrix response`;
    } else {
      message = `${kind} failed: ${typeof e.message === "string" ? e.message : String(err)}`;
    }
    return new GatewayError(this.scrub(message), {
      kind,
      ...(errcode !== undefined ? { errcode } : {}),
      ...(httpStatus !== undefined ? { httpStatus } : {}),
      connection,
    });
  }

  /** Belt and braces: the token is sent in a header, but no message may ever carry it. */
  private scrub(text: string): string {
    // Too short to be a real token, and it would mangle ordinary words.
    if (this.secret.length < 8) return text;
    return text.split(this.secret).join("<redacted>");
  }

  async whoami(): Promise<{ user_id: UserId; server_name: string }> {
    const r = await this.request<{ user_id: string }>({
      kind: "GET /whoami",
      method: Method.Get,
      path: "/account/whoami",
      idempotent: true,
    });
    return { user_id: r.user_id as UserId, server_name: serverOf(r.user_id) };
  }

  async roomState(roomId: RoomId): Promise<StateEvent[]> {
    const raw = await this.request<unknown>({
      kind: "GET /state",
      method: Method.Get,
      path: `/rooms/${enc(roomId)}/state`,
      idempotent: true,
    });
    return asStateEvents(raw);
  }

  async joinedRooms(): Promise<RoomId[]> {
    const r = await this.request<{ joined_rooms?: string[] }>({
      kind: "GET /joined_rooms",
      method: Method.Get,
      path: "/joined_rooms",
      idempotent: true,
    });
    return (r.joined_rooms ?? []) as RoomId[];
  }

  async syncRooms(filter: object): Promise<SyncRooms> {
    const r = await this.request<{
      rooms?: {
        join?: Record<string, { state?: { events?: unknown }; timeline?: { events?: unknown } }>;
        invite?: Record<string, { invite_state?: { events?: unknown } }>;
      };
    }>({
      kind: "GET /sync",
      method: Method.Get,
      path: "/sync",
      // No `since`: a snapshot. timeout 0 answers at once; offline keeps the
      // managing account from showing as online because spaceform looked.
      query: { filter: JSON.stringify(uncached(filter)), timeout: 0, set_presence: "offline" },
      idempotent: true,
    });
    const joined = Object.entries(r.rooms?.join ?? {}).map(([room_id, room]) => ({
      room_id: room_id as RoomId,
      // `state` is the state before the timeline; a state event in the timeline is newer.
      state: latestState([
        ...asStateEvents(room.state?.events),
        ...asStateEvents(room.timeline?.events),
      ]),
    }));
    const invited = Object.entries(r.rooms?.invite ?? {}).map(([room_id, room]) => ({
      room_id: room_id as RoomId,
      state: asStateEvents(room.invite_state?.events),
    }));
    return { joined, invited };
  }

  async resolveAlias(alias: string): Promise<{ room_id: RoomId; servers: string[] } | null> {
    try {
      const r = await this.request<{ room_id: string; servers?: string[] }>({
        kind: "GET /directory/room",
        method: Method.Get,
        path: `/directory/room/${enc(alias)}`,
        idempotent: true,
      });
      return { room_id: r.room_id as RoomId, servers: r.servers ?? [] };
    } catch (err) {
      if (err instanceof GatewayError && err.httpStatus === 404) return null;
      throw err;
    }
  }

  async directoryVisibility(roomId: RoomId): Promise<"public" | "private"> {
    const r = await this.request<{ visibility?: string }>({
      kind: "GET /directory/list/room",
      method: Method.Get,
      path: `/directory/list/room/${enc(roomId)}`,
      idempotent: true,
    });
    return r.visibility === "public" ? "public" : "private";
  }

  async hierarchy(roomId: RoomId, opts: { maxDepth?: number } = {}): Promise<HierarchyRoom[]> {
    const rooms: HierarchyRoom[] = [];
    let from: string | undefined;
    do {
      const page = await this.request<{ rooms?: unknown[]; next_batch?: string }>({
        kind: "GET /hierarchy",
        method: Method.Get,
        path: `/rooms/${enc(roomId)}/hierarchy`,
        prefix: CLIENT_V1,
        query: {
          limit: 50,
          ...(opts.maxDepth !== undefined ? { max_depth: opts.maxDepth } : {}),
          ...(from !== undefined ? { from } : {}),
        },
        idempotent: true,
      });
      for (const raw of page.rooms ?? []) {
        const r = raw as Record<string, unknown>;
        if (typeof r["room_id"] !== "string") continue;
        const room: HierarchyRoom = {
          room_id: r["room_id"] as RoomId,
          children_state: asStateEvents(r["children_state"]),
        };
        for (const key of ["name", "canonical_alias", "room_type", "join_rule"] as const) {
          const v = r[key];
          if (typeof v === "string") room[key] = v;
        }
        rooms.push(room);
      }
      from = page.next_batch;
    } while (from !== undefined && from !== "");
    return rooms;
  }

  async createRoom(request: CreateRoomRequest): Promise<RoomId> {
    // Not idempotent: a lost answer may hide a created room, so only a 429 (refused,
    // nothing created) is retried. The marker in initial_state lets a later run adopt it.
    const r = await this.request<{ room_id: string }>({
      kind: "POST /createRoom",
      method: Method.Post,
      path: "/createRoom",
      body: request,
      idempotent: false,
    });
    return r.room_id as RoomId;
  }

  async sendState(roomId: RoomId, type: string, stateKey: string, content: object): Promise<void> {
    await this.request<unknown>({
      kind: "PUT /state",
      method: Method.Put,
      path: `/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
      body: content,
      idempotent: false,
    });
  }

  async join(roomIdOrAlias: string, via: string[]): Promise<RoomId> {
    const r = await this.request<{ room_id: string }>({
      kind: "POST /join",
      method: Method.Post,
      path: `/join/${enc(roomIdOrAlias)}`,
      // `via` since Matrix 1.12; `server_name` for older servers.
      query: via.length > 0 ? { via, server_name: via } : {},
      body: {},
      idempotent: false,
    });
    return r.room_id as RoomId;
  }

  async createAlias(alias: string, roomId: RoomId): Promise<void> {
    await this.request<unknown>({
      kind: "PUT /directory/room",
      method: Method.Put,
      path: `/directory/room/${enc(alias)}`,
      body: { room_id: roomId },
      idempotent: false,
    });
  }

  async deleteAlias(alias: string): Promise<void> {
    await this.request<unknown>({
      kind: "DELETE /directory/room",
      method: Method.Delete,
      path: `/directory/room/${enc(alias)}`,
      idempotent: false,
    });
  }

  async setDirectoryVisibility(roomId: RoomId, visibility: "public" | "private"): Promise<void> {
    await this.request<unknown>({
      kind: "PUT /directory/list/room",
      method: Method.Put,
      path: `/directory/list/room/${enc(roomId)}`,
      body: { visibility },
      idempotent: false,
    });
  }

  async download(mxc: string): Promise<{ data: Uint8Array; contentType?: string }> {
    const m = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(mxc);
    if (m === null) {
      throw new GatewayError(`not an mxc:// URL: ${mxc}`, { kind: "GET /media/download" });
    }
    // Authenticated media (spec v1.11): the unauthenticated /_matrix/media/v3 download is frozen.
    const blob = await this.request<Blob>({
      kind: "GET /media/download",
      method: Method.Get,
      path: `/media/download/${enc(m[1] ?? "")}/${enc(m[2] ?? "")}`,
      prefix: CLIENT_V1,
      idempotent: true,
      raw: true,
    });
    return {
      data: new Uint8Array(await blob.arrayBuffer()),
      ...(blob.type === "" ? {} : { contentType: blob.type }),
    };
  }

  async upload(data: Uint8Array, opts: { type: string; name: string }): Promise<string> {
    const r = await this.request<{ content_uri: string }>({
      kind: "POST /upload",
      method: Method.Post,
      path: "/upload",
      prefix: MEDIA_V3,
      query: { filename: opts.name },
      headers: { "Content-Type": opts.type },
      body: data,
      idempotent: false,
    });
    return r.content_uri;
  }
}

/**
 * The filter with a fresh no-op in it. Synapse caches a /sync answer per request
 * (filter string included) for two minutes by default (sync_response_cache_duration)
 * and hands it to an identical request: a plan right after an apply would not see
 * the rooms and invites that appeared in between. Excluding an account-data type
 * nobody uses changes nothing but the string.
 */
function uncached(filter: object): object {
  const f = filter as { account_data?: { not_types?: unknown } };
  const notTypes = Array.isArray(f.account_data?.not_types) ? f.account_data.not_types : [];
  return {
    ...filter,
    account_data: {
      ...f.account_data,
      not_types: [...(notTypes as unknown[]), `dev.spaceform.nonce.${randomUUID()}`],
    },
  };
}

export function createGateway(options: GatewayOptions): SdkGateway {
  return new SdkGateway(options);
}
