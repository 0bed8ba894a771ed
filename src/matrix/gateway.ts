/**
 * The Matrix gateway: the only code in spaceform that talks HTTP.
 *
 * The planner never sees it; the live-state reader, the applier and the importer
 * receive it. The implementation (matrix/sdk-gateway.ts) sits on matrix-js-sdk
 * without its sync loop, retries rate-limited requests and counts every request,
 * so tests and the benchmark can assert how many were made.
 */
import type { RoomId, UserId } from "./ids.ts";
import type { StateEvent } from "../state/model.ts";

export interface CreateRoomRequest {
  [key: string]: unknown;
}

export interface HierarchyRoom {
  room_id: RoomId;
  name?: string;
  canonical_alias?: string;
  room_type?: string;
  join_rule?: string;
  children_state: StateEvent[];
}

/** A Matrix error the caller may want to branch on (`M_FORBIDDEN`, `M_NOT_FOUND`, …). */
export interface GatewayErrorInfo {
  errcode?: string;
  httpStatus?: number;
  message: string;
}

/**
 * What a failed gateway request throws: a clear message (never the access token),
 * the request kind (`PUT /state`), and the Matrix errcode / HTTP status when the
 * homeserver answered. `connection` is true when it did not answer at all.
 */
export class GatewayError extends Error implements GatewayErrorInfo {
  readonly kind: string;
  readonly errcode?: string;
  readonly httpStatus?: number;
  readonly connection: boolean;
  constructor(
    message: string,
    info: { kind: string; errcode?: string; httpStatus?: number; connection?: boolean },
  ) {
    super(message);
    this.name = "GatewayError";
    this.kind = info.kind;
    if (info.errcode !== undefined) this.errcode = info.errcode;
    if (info.httpStatus !== undefined) this.httpStatus = info.httpStatus;
    this.connection = info.connection ?? false;
  }
}

/** The rooms part of one `/sync` (no `since`): state events by joined room, stripped state by invite. */
export interface SyncRooms {
  /** Joined rooms and the state events the filter let through (state and timeline sections merged). */
  joined: { room_id: RoomId; state: StateEvent[] }[];
  invited: { room_id: RoomId; state: StateEvent[] }[];
}

export interface MatrixGateway {
  /** The managing account and its homeserver name. */
  whoami(): Promise<{ user_id: UserId; server_name: string }>;
  /** All current state of a room (`GET /rooms/{id}/state`). Throws on 403/404. */
  roomState(roomId: RoomId): Promise<StateEvent[]>;
  /** Rooms the account has joined, and rooms it is invited to (with the invite's stripped state). */
  joinedRooms(): Promise<RoomId[]>;
  invitedRooms(): Promise<{ room_id: RoomId; state: StateEvent[] }[]>;
  resolveAlias(alias: string): Promise<{ room_id: RoomId; servers: string[] } | null>;
  directoryVisibility(roomId: RoomId): Promise<"public" | "private">;
  /** Children of a space, all pages (`GET /rooms/{id}/hierarchy`). */
  hierarchy(roomId: RoomId, opts?: { maxDepth?: number }): Promise<HierarchyRoom[]>;

  createRoom(request: CreateRoomRequest): Promise<RoomId>;
  sendState(roomId: RoomId, type: string, stateKey: string, content: object): Promise<void>;
  join(roomIdOrAlias: string, via: string[]): Promise<RoomId>;
  createAlias(alias: string, roomId: RoomId): Promise<void>;
  deleteAlias(alias: string): Promise<void>;
  setDirectoryVisibility(roomId: RoomId, visibility: "public" | "private"): Promise<void>;
  upload(data: Uint8Array, opts: { type: string; name: string }): Promise<string>;
  /**
   * A media file's bytes (`GET /_matrix/client/v1/media/download/{server}/{id}`,
   * authenticated), for `import --download-avatars`. Optional so that test doubles
   * need not implement it.
   */
  download?(mxc: string): Promise<{ data: Uint8Array; contentType?: string }>;

  /**
   * One `/sync` without `since` and with the given filter (the filter JSON of the
   * spec), answering at once. Optional so that test doubles need not implement it;
   * the live-state reader falls back to `joinedRooms` and `roomState` without it.
   */
  syncRooms?(filter: object): Promise<SyncRooms>;
  /** One state event's content (`GET /rooms/{id}/state/{type}/{key}`), null when absent. */
  stateEvent?(
    roomId: RoomId,
    type: string,
    stateKey: string,
  ): Promise<Record<string, unknown> | null>;

  /**
   * Requests made so far, by kind (e.g. `GET /state`, `PUT /state`), and in all.
   * Retries are requests too: they count in `total` and `byKind`, and `retries`
   * says how many of them were retries.
   */
  requestCount(): { total: number; byKind: Record<string, number>; retries?: number };
}
