/**
 * The homeserver's answers, checked where they enter: ids are parsed into their
 * branded types, and an answer that is not what the spec says becomes a
 * GatewayError naming the request, never a crash further in.
 */
import type { StateEvent } from "../state/model.ts";
import { GatewayError, type RoomSummary } from "./gateway.ts";
import { isMxcUrl, isRoomId, isUserId, type MxcUrl, type RoomId, type UserId } from "./ids.ts";

export function malformed(kind: string, what: string): GatewayError {
  return new GatewayError(`the homeserver's answer to ${kind} is not valid: ${what}`, { kind });
}

export function asObject(kind: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw malformed(kind, "not a JSON object");
  }
  return value as Record<string, unknown>;
}

export function roomIdOf(kind: string, value: unknown): RoomId {
  if (typeof value !== "string" || !isRoomId(value)) throw malformed(kind, "no valid room_id");
  return value;
}

export function userIdOf(kind: string, value: unknown): UserId {
  if (typeof value !== "string" || !isUserId(value, true)) {
    throw malformed(kind, "no valid user_id");
  }
  return value;
}

export function mxcOf(kind: string, value: unknown): MxcUrl {
  if (typeof value !== "string" || !isMxcUrl(value)) {
    throw malformed(kind, "no valid mxc:// content_uri");
  }
  return value;
}

export function roomIdsOf(kind: string, value: unknown): RoomId[] {
  if (!Array.isArray(value)) throw malformed(kind, "not a list of room ids");
  return value.map((v) => roomIdOf(kind, v));
}

/** State events from a JSON list; entries without a string type and state key are dropped. */
export function stateEventsOf(raw: unknown): StateEvent[] {
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
        content !== null && typeof content === "object" && !Array.isArray(content)
          ? (content as Record<string, unknown>)
          : {},
    };
    if (typeof sender === "string") event.sender = sender;
    out.push(event);
  }
  return out;
}

/** One event per (type, state key): the last one wins. */
export function latestState(events: readonly StateEvent[]): StateEvent[] {
  const byKey = new Map<string, StateEvent>();
  for (const e of events) byKey.set(`${e.type}\u0000${e.state_key}`, e);
  return [...byKey.values()];
}

/** A room summary (spec v1.15); the unstable MSC3266 answer names encryption with its prefix. */
export function summaryOf(kind: string, raw: unknown): RoomSummary {
  const o = asObject(kind, raw);
  const summary: RoomSummary = { room_id: roomIdOf(kind, o["room_id"]) };
  const encryption = o["encryption"] ?? o["im.nheko.summary.encryption"];
  if (typeof encryption === "string") summary.encryption = encryption;
  for (const key of [
    "name",
    "avatar_url",
    "room_version",
    "room_type",
    "join_rule",
    "membership",
  ] as const) {
    const v = o[key] ?? (key === "room_version" ? o["im.nheko.summary.room_version"] : undefined);
    if (typeof v === "string") summary[key] = v;
  }
  return summary;
}
