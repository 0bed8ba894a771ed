/**
 * The Matrix gateway on matrix-js-sdk: the only code that talks HTTP to a
 * homeserver, and the only code that imports the SDK (the CLI imports this module
 * lazily, so commands without network never load it).
 *
 * It uses the SDK's HTTP layer, `MatrixHttpApi` (authentication, JSON, the
 * Matrix error types with their rate-limit fields, uploads), not `MatrixClient`:
 * spaceform never runs the sync loop, and loading the client costs every command
 * that connects about 0.25 s more than the HTTP layer (measured in
 * docs/benchmarks.md), as much as reading a hundred rooms. The HTTP layer and the
 * wrapper every request goes through (retries, counts, errors) live in
 * gateway-http.ts; the requests, one function each, by capability in
 * gateway-read.ts, gateway-write.ts, gateway-rooms.ts and gateway-media.ts. This
 * class puts them together behind the interfaces of gateway.ts.
 */
import type { StateEvent } from "../state/model.ts";
import type {
  CreateRoomRequest,
  HierarchyRoom,
  MatrixGateway,
  RoomSummary,
  SyncRooms,
} from "./gateway.ts";
import { GatewayHttp, type GatewayOptions } from "./gateway-http.ts";
import * as media from "./gateway-media.ts";
import * as read from "./gateway-read.ts";
import * as rooms from "./gateway-rooms.ts";
import * as write from "./gateway-write.ts";
import type { RoomId, UserId } from "./ids.ts";

export type { GatewayOptions } from "./gateway-http.ts";

export class SdkGateway implements MatrixGateway {
  readonly baseUrl: string;
  private readonly http: GatewayHttp;

  constructor(options: GatewayOptions) {
    this.http = new GatewayHttp(options);
    this.baseUrl = this.http.baseUrl;
  }

  requestCount(): { total: number; byKind: Record<string, number>; retries: number } {
    return this.http.requestCount();
  }

  whoami(): Promise<{ user_id: UserId; server_name: string }> {
    return read.whoami(this.http);
  }

  roomState(roomId: RoomId): Promise<StateEvent[]> {
    return read.roomState(this.http, roomId);
  }

  joinedRooms(): Promise<RoomId[]> {
    return read.joinedRooms(this.http);
  }

  syncRooms(filter: object): Promise<SyncRooms> {
    return read.syncRooms(this.http, filter);
  }

  resolveAlias(alias: string): Promise<{ room_id: RoomId; servers: string[] } | null> {
    return read.resolveAlias(this.http, alias);
  }

  directoryVisibility(roomId: RoomId): Promise<"public" | "private"> {
    return read.directoryVisibility(this.http, roomId);
  }

  hierarchy(roomId: RoomId, opts: { maxDepth?: number } = {}): Promise<HierarchyRoom[]> {
    return read.hierarchy(this.http, roomId, opts);
  }

  createRoom(request: CreateRoomRequest): Promise<RoomId> {
    return write.createRoom(this.http, request);
  }

  sendState(roomId: RoomId, type: string, stateKey: string, content: object): Promise<void> {
    return write.sendState(this.http, roomId, type, stateKey, content);
  }

  join(roomIdOrAlias: string, via: string[]): Promise<RoomId> {
    return write.join(this.http, roomIdOrAlias, via);
  }

  createAlias(alias: string, roomId: RoomId): Promise<void> {
    return write.createAlias(this.http, alias, roomId);
  }

  deleteAlias(alias: string): Promise<void> {
    return write.deleteAlias(this.http, alias);
  }

  setDirectoryVisibility(roomId: RoomId, visibility: "public" | "private"): Promise<void> {
    return write.setDirectoryVisibility(this.http, roomId, visibility);
  }

  upgradeRoom(roomId: RoomId, newVersion: string, additionalCreators: string[]): Promise<RoomId> {
    return rooms.upgradeRoom(this.http, roomId, newVersion, additionalCreators);
  }

  roomSummary(roomIdOrAlias: string, via: readonly string[]): Promise<RoomSummary | null> {
    return rooms.roomSummary(this.http, roomIdOrAlias, via);
  }

  leave(roomId: RoomId): Promise<void> {
    return rooms.leave(this.http, roomId);
  }

  uploadLimit(): Promise<number | null> {
    return media.uploadLimit(this.http);
  }

  upload(data: Uint8Array, opts: { type: string; name: string }): Promise<string> {
    return media.upload(this.http, data, opts);
  }

  download(mxc: string): Promise<{ data: Uint8Array; contentType?: string }> {
    return media.download(this.http, mxc);
  }
}

export function createGateway(options: GatewayOptions): SdkGateway {
  return new SdkGateway(options);
}
