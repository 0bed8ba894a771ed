/**
 * The Matrix gateway: the only code in spaceform that talks HTTP.
 *
 * The planner never sees it; the live-state reader, the applier and the importer
 * receive it. The implementation (matrix/sdk-gateway.ts and the gateway-*.ts modules) sits on matrix-js-sdk
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
  /**
   * Joined rooms and the state events the filter let through (state and timeline
   * sections merged). Discovery only: `/sync` does not return a room's current state.
   */
  joined: { room_id: RoomId; state: StateEvent[] }[];
  invited: { room_id: RoomId; state: StateEvent[] }[];
}

/**
 * The capabilities, each a small interface: a stage receives only the ones it uses
 * (the reader a LiveStateSource, the applier a SpaceWriter, import also media and
 * the hierarchy). The SDK gateway implements them all.
 */

/** Who the managing account is. */
export interface AccountSource {
  /** The managing account and its homeserver name. */
  whoami(): Promise<{ user_id: UserId; server_name: string }>;
}

/** What the live-state reader needs. */
export interface LiveStateSource extends AccountSource {
  /** All current state of a room (`GET /rooms/{id}/state`). Throws a GatewayError on 403/404. */
  roomState(roomId: RoomId): Promise<StateEvent[]>;
  /** `GET /directory/room/{alias}`; null when the alias does not exist. */
  resolveAlias(alias: string): Promise<{ room_id: RoomId; servers: string[] } | null>;
  directoryVisibility(roomId: RoomId): Promise<"public" | "private">;
  /** Rooms the account has joined (`GET /joined_rooms`). */
  joinedRooms(): Promise<RoomId[]>;
  /** One `/sync` without `since` and with the given filter, answering at once (discovery). */
  syncRooms(filter: object): Promise<SyncRooms>;
}

/** What the applier sends. */
export interface SpaceWriter {
  createRoom(request: CreateRoomRequest): Promise<RoomId>;
  /** `POST /rooms/{id}/upgrade`: the new room's id (the homeserver tombstones the old room). */
  upgradeRoom(roomId: RoomId, newVersion: string, additionalCreators: string[]): Promise<RoomId>;
  sendState(roomId: RoomId, type: string, stateKey: string, content: object): Promise<void>;
  join(roomIdOrAlias: string, via: string[]): Promise<RoomId>;
  createAlias(alias: string, roomId: RoomId): Promise<void>;
  deleteAlias(alias: string): Promise<void>;
  directoryVisibility(roomId: RoomId): Promise<"public" | "private">;
  setDirectoryVisibility(roomId: RoomId, visibility: "public" | "private"): Promise<void>;
  upload(data: Uint8Array, opts: { type: string; name: string }): Promise<string>;
  /** The homeserver's upload size limit in bytes (`m.upload.size`), null when it names none. */
  uploadLimit(): Promise<number | null>;
}

/**
 * What `GET /_matrix/client/v1/room_summary/{roomIdOrAlias}` (spec v1.15, MSC3266) says about
 * a room without joining it: the fields a house rule can use. Absent = not said.
 */
export interface RoomSummary {
  room_id: RoomId;
  name?: string;
  avatar_url?: string;
  /** `m.megolm.v1.aes-sha2` when the room is encrypted. */
  encryption?: string;
  room_version?: string;
  room_type?: string;
  join_rule?: string;
  /** The asking account's membership, when it has one. */
  membership?: string;
}

/** What `spaceform check` reads about a member's room, and the one thing it may do: accept an invite. */
export interface RoomCheckSource extends AccountSource {
  resolveAlias(alias: string): Promise<{ room_id: RoomId; servers: string[] } | null>;
  /** `GET /rooms/{id}/state`; throws a GatewayError (403) when not a member. */
  roomState(roomId: RoomId): Promise<StateEvent[]>;
  /** The room summary; null when the homeserver does not know the room (404). */
  roomSummary(roomIdOrAlias: string, via: readonly string[]): Promise<RoomSummary | null>;
  /** The invites' stripped state (discovery `/sync`). */
  syncRooms(filter: object): Promise<SyncRooms>;
  /** Accepts an invite. */
  join(roomIdOrAlias: string, via: string[]): Promise<RoomId>;
}

/** Leaving a room the account joined only to check it (`POST /rooms/{id}/leave`). */
export interface RoomLeaver {
  leave(roomId: RoomId): Promise<void>;
}

/** Media bytes, for `import --download-avatars`. */
export interface MediaSource {
  /** `GET /_matrix/client/v1/media/download/{server}/{id}` (authenticated). */
  download(mxc: string): Promise<{ data: Uint8Array; contentType?: string }>;
}

/** The space hierarchy, for import's names of rooms it cannot read. */
export interface HierarchySource {
  /** Children of a space, all pages (`GET /rooms/{id}/hierarchy`). */
  hierarchy(roomId: RoomId, opts?: { maxDepth?: number }): Promise<HierarchyRoom[]>;
}

export interface RequestCounter {
  /**
   * Requests made so far, by kind (e.g. `GET /state`, `PUT /state`), and in all.
   * Retries are requests too: they count in `total` and `byKind`, and `retries`
   * says how many of them were retries.
   */
  requestCount(): { total: number; byKind: Record<string, number>; retries: number };
}

/** Everything, as the SDK gateway provides it and a connection carries it. */
export type MatrixGateway = LiveStateSource &
  SpaceWriter &
  RoomCheckSource &
  RoomLeaver &
  MediaSource &
  HierarchySource &
  RequestCounter;
