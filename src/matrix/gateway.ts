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

  /** Requests made so far, by kind (e.g. `GET /state`, `PUT /state`), and in all. */
  requestCount(): { total: number; byKind: Record<string, number> };
}
