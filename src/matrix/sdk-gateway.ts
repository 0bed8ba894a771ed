/**
 * The Matrix gateway on matrix-js-sdk: the only module that talks HTTP to a
 * homeserver, and the only one that imports the SDK (the CLI imports this module
 * lazily, so commands without network never load it).
 *
 * It uses the SDK's HTTP layer, `MatrixHttpApi` (authentication, JSON, the
 * Matrix error types with their rate-limit fields, uploads), not `MatrixClient`:
 * spaceform never runs the sync loop, and loading the client costs every command
 * that connects about 0.25 s more than the HTTP layer (measured in
 * docs/benchmarks.md), as much as reading a hundred rooms. Each method is one REST
 * request, wrapped in the retry policy (retry.ts), counted by kind, and its answer
 * checked (responses.ts). Every failure comes out as a GatewayError whose message
 * never contains the access token.
 */
import { randomUUID } from "node:crypto";
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
import type { StateEvent } from "../state/model.ts";
import {
  GatewayError,
  type CreateRoomRequest,
  type HierarchyRoom,
  type MatrixGateway,
  type RoomSummary,
  type SyncRooms,
} from "./gateway.ts";
import { serverOf, type RoomId, type UserId } from "./ids.ts";
import {
  asObject,
  latestState,
  malformed,
  mxcOf,
  roomIdOf,
  roomIdsOf,
  stateEventsOf,
  summaryOf,
  userIdOf,
} from "./responses.ts";
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

const enc = encodeURIComponent;

export class SdkGateway implements MatrixGateway {
  readonly baseUrl: string;
  private readonly http: MatrixHttpApi<{ baseUrl: string; prefix: string; onlyData: true }>;
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
    this.http = new MatrixHttpApi(new TypedEventEmitter<HttpApiEvent, HttpApiEventHandlerMap>(), {
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

  private get(path: string): Promise<unknown> {
    return this.http.authedRequest<unknown>(Method.Get, path);
  }

  /**
   * One request: retried as the policy says (`idempotent`: sent again after a lost
   * connection), counted under `kind`, any failure a GatewayError.
   */
  private async call<T>(kind: string, idempotent: boolean, send: () => Promise<T>): Promise<T> {
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

  async whoami(): Promise<{ user_id: UserId; server_name: string }> {
    const kind = "GET /whoami";
    const r = await this.call(kind, true, () => this.get("/account/whoami"));
    const userId = userIdOf(kind, asObject(kind, r)["user_id"]);
    return { user_id: userId, server_name: serverOf(userId) };
  }

  async roomState(roomId: RoomId): Promise<StateEvent[]> {
    const kind = "GET /state";
    const raw: unknown = await this.call(kind, true, () => this.get(`/rooms/${enc(roomId)}/state`));
    if (!Array.isArray(raw)) throw malformed(kind, "not a list of state events");
    return stateEventsOf(raw);
  }

  async joinedRooms(): Promise<RoomId[]> {
    const kind = "GET /joined_rooms";
    const r = await this.call(kind, true, () => this.get("/joined_rooms"));
    return roomIdsOf(kind, asObject(kind, r)["joined_rooms"]);
  }

  async syncRooms(filter: object): Promise<SyncRooms> {
    const kind = "GET /sync";
    const raw = await this.call(kind, true, () =>
      this.http.authedRequest<unknown>(Method.Get, "/sync", {
        // No `since`: a snapshot. timeout 0 answers at once; offline keeps the
        // managing account from showing as online because spaceform looked.
        filter: JSON.stringify(uncached(filter)),
        timeout: "0",
        set_presence: "offline",
      }),
    );
    const rooms = asObject(kind, raw)["rooms"];
    const sections = rooms === undefined ? {} : asObject(kind, rooms);
    const section = (name: string): [string, Record<string, unknown>][] => {
      const value = sections[name];
      if (value === undefined) return [];
      return Object.entries(asObject(kind, value)).map(([id, room]) => [id, asObject(kind, room)]);
    };
    const events = (room: Record<string, unknown>, part: string): StateEvent[] => {
      const value = room[part];
      return value === undefined ? [] : stateEventsOf(asObject(kind, value)["events"]);
    };
    return {
      joined: section("join").map(([id, room]) => ({
        room_id: roomIdOf(kind, id),
        // `state` is the state before the timeline; a state event in the timeline is newer.
        state: latestState([...events(room, "state"), ...events(room, "timeline")]),
      })),
      invited: section("invite").map(([id, room]) => ({
        room_id: roomIdOf(kind, id),
        state: events(room, "invite_state"),
      })),
    };
  }

  async resolveAlias(alias: string): Promise<{ room_id: RoomId; servers: string[] } | null> {
    const kind = "GET /directory/room";
    let r: unknown;
    try {
      r = await this.call(kind, true, () => this.get(`/directory/room/${enc(alias)}`));
    } catch (err) {
      if (err instanceof GatewayError && err.httpStatus === 404) return null;
      throw err;
    }
    const o = asObject(kind, r);
    const servers = Array.isArray(o["servers"])
      ? o["servers"].filter((s): s is string => typeof s === "string")
      : [];
    return { room_id: roomIdOf(kind, o["room_id"]), servers };
  }

  async directoryVisibility(roomId: RoomId): Promise<"public" | "private"> {
    const kind = "GET /directory/list/room";
    const r = await this.call(kind, true, () => this.get(`/directory/list/room/${enc(roomId)}`));
    return asObject(kind, r)["visibility"] === "public" ? "public" : "private";
  }

  async hierarchy(roomId: RoomId, opts: { maxDepth?: number } = {}): Promise<HierarchyRoom[]> {
    const kind = "GET /hierarchy";
    const rooms: HierarchyRoom[] = [];
    let from: string | undefined;
    do {
      const page = asObject(
        kind,
        await this.call(kind, true, () =>
          this.http.authedRequest<unknown>(
            Method.Get,
            `/rooms/${enc(roomId)}/hierarchy`,
            {
              limit: "50",
              ...(opts.maxDepth !== undefined ? { max_depth: String(opts.maxDepth) } : {}),
              ...(from !== undefined ? { from } : {}),
            },
            undefined,
            requestOpts({ prefix: ClientPrefix.V1 }),
          ),
        ),
      );
      for (const raw of Array.isArray(page["rooms"]) ? (page["rooms"] as unknown[]) : []) {
        const r = asObject(kind, raw);
        if (typeof r["room_id"] !== "string") continue;
        const room: HierarchyRoom = {
          room_id: roomIdOf(kind, r["room_id"]),
          children_state: stateEventsOf(r["children_state"]),
        };
        for (const key of ["name", "canonical_alias", "room_type", "join_rule"] as const) {
          const v = r[key];
          if (typeof v === "string") room[key] = v;
        }
        rooms.push(room);
      }
      from = typeof page["next_batch"] === "string" ? page["next_batch"] : undefined;
    } while (from !== undefined && from !== "");
    return rooms;
  }

  async createRoom(request: CreateRoomRequest): Promise<RoomId> {
    const kind = "POST /createRoom";
    // Not idempotent: a lost answer may hide a created room, so only a 429 (refused,
    // nothing created) is retried. The marker in initial_state lets a later run adopt it.
    const r = await this.call(kind, false, () =>
      this.http.authedRequest<unknown>(Method.Post, "/createRoom", undefined, request),
    );
    return roomIdOf(kind, asObject(kind, r)["room_id"]);
  }

  async upgradeRoom(
    roomId: RoomId,
    newVersion: string,
    additionalCreators: string[],
  ): Promise<RoomId> {
    const kind = "POST /upgrade";
    // Not idempotent either (a lost answer may hide the new room): only a 429 is retried. The
    // old room's tombstone names the new one, so the next plan follows it and finishes the move.
    const body: Record<string, unknown> = { new_version: newVersion };
    if (additionalCreators.length > 0) body["additional_creators"] = additionalCreators;
    const r = await this.call(kind, false, () =>
      this.http.authedRequest<unknown>(
        Method.Post,
        `/rooms/${enc(roomId)}/upgrade`,
        undefined,
        body,
      ),
    );
    return roomIdOf(kind, asObject(kind, r)["replacement_room"]);
  }

  async sendState(roomId: RoomId, type: string, stateKey: string, content: object): Promise<void> {
    await this.call("PUT /state", false, () =>
      this.http.authedRequest<unknown>(
        Method.Put,
        `/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
        undefined,
        content as Record<string, unknown>,
      ),
    );
  }

  async join(roomIdOrAlias: string, via: string[]): Promise<RoomId> {
    const kind = "POST /join";
    const r = await this.call(kind, false, () =>
      this.http.authedRequest<unknown>(
        Method.Post,
        `/join/${enc(roomIdOrAlias)}`,
        // `via` since Matrix 1.12; `server_name` for older servers.
        via.length > 0 ? { via, server_name: via } : {},
        {},
      ),
    );
    return roomIdOf(kind, asObject(kind, r)["room_id"]);
  }

  async roomSummary(roomIdOrAlias: string, via: readonly string[]): Promise<RoomSummary | null> {
    const kind = "GET /room_summary";
    const query = via.length > 0 ? { via: [...via] } : undefined;
    const ask = (path: string, prefix: string) =>
      this.call(kind, true, () =>
        this.http.authedRequest<unknown>(
          Method.Get,
          path,
          query,
          undefined,
          requestOpts({ prefix }),
        ),
      );
    let raw: unknown;
    try {
      raw = await ask(`/room_summary/${enc(roomIdOrAlias)}`, ClientPrefix.V1);
    } catch (err) {
      if (!(err instanceof GatewayError) || err.httpStatus !== 404) throw err;
      // A server without the stable endpoint (before spec v1.15) answers M_UNRECOGNIZED;
      // it may still serve MSC3266's unstable one. M_NOT_FOUND: no such room.
      if (err.errcode !== "M_UNRECOGNIZED") return null;
      try {
        raw = await ask(
          `/im.nheko.summary/summary/${enc(roomIdOrAlias)}`,
          "/_matrix/client/unstable",
        );
      } catch (inner) {
        if (inner instanceof GatewayError && inner.httpStatus === 404) return null;
        throw inner;
      }
    }
    return summaryOf(kind, raw);
  }

  async leave(roomId: RoomId): Promise<void> {
    await this.call("POST /leave", false, () =>
      this.http.authedRequest(Method.Post, `/rooms/${enc(roomId)}/leave`, undefined, {}),
    );
  }

  async createAlias(alias: string, roomId: RoomId): Promise<void> {
    await this.call("PUT /directory/room", false, () =>
      this.http.authedRequest(Method.Put, `/directory/room/${enc(alias)}`, undefined, {
        room_id: roomId,
      }),
    );
  }

  async deleteAlias(alias: string): Promise<void> {
    await this.call("DELETE /directory/room", false, () =>
      this.http.authedRequest(Method.Delete, `/directory/room/${enc(alias)}`),
    );
  }

  async setDirectoryVisibility(roomId: RoomId, visibility: "public" | "private"): Promise<void> {
    await this.call("PUT /directory/list/room", false, () =>
      this.http.authedRequest(Method.Put, `/directory/list/room/${enc(roomId)}`, undefined, {
        visibility,
      }),
    );
  }

  async uploadLimit(): Promise<number | null> {
    const kind = "GET /media/config";
    const r = await this.call(kind, true, () =>
      this.http.authedRequest<unknown>(
        Method.Get,
        "/media/config",
        undefined,
        undefined,
        requestOpts({ prefix: ClientPrefix.V1 }),
      ),
    );
    const size = asObject(kind, r)["m.upload.size"];
    return typeof size === "number" && Number.isFinite(size) && size > 0 ? size : null;
  }

  async upload(data: Uint8Array, opts: { type: string; name: string }): Promise<string> {
    const kind = "POST /upload";
    const r = await this.call(kind, false, () =>
      this.http.uploadContent(new Blob([data as Uint8Array<ArrayBuffer>], { type: opts.type }), {
        type: opts.type,
        name: opts.name,
      }),
    );
    return mxcOf(kind, asObject(kind, r)["content_uri"]);
  }

  async download(mxc: string): Promise<{ data: Uint8Array; contentType?: string }> {
    const kind = "GET /media/download";
    const m = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(mxc);
    if (m === null) throw new GatewayError(`not an mxc:// URL: ${mxc}`, { kind });
    // Authenticated media (spec v1.11): the unauthenticated /_matrix/media/v3 download is frozen.
    const blob = await this.call(kind, true, () =>
      this.http.authedRequest<Blob>(
        Method.Get,
        `/media/download/${enc(m[1] ?? "")}/${enc(m[2] ?? "")}`,
        undefined,
        undefined,
        requestOpts({ prefix: ClientPrefix.V1, rawResponseBody: true }),
      ),
    );
    return {
      data: new Uint8Array(await blob.arrayBuffer()),
      ...(blob.type === "" ? {} : { contentType: blob.type }),
    };
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

/** Request options; the SDK's type borrows `priority` from the DOM's RequestInit, which Node's types make required. */
function requestOpts(opts: { prefix: string; rawResponseBody?: true }): IRequestOpts {
  return opts as IRequestOpts;
}

export function createGateway(options: GatewayOptions): SdkGateway {
  return new SdkGateway(options);
}
