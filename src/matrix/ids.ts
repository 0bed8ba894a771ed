/**
 * Matrix identifiers as branded strings, parsed where data enters the program.
 * Grammar: https://spec.matrix.org/v1.19/appendices/#identifier-grammar
 */

export type RoomId = string & { readonly __brand: "RoomId" };
export type UserId = string & { readonly __brand: "UserId" };
/** A fully qualified room alias, `#local:server`. */
export type RoomAlias = string & { readonly __brand: "RoomAlias" };
export type MxcUrl = string & { readonly __brand: "MxcUrl" };

// A server name: a DNS name, IPv4 or [IPv6] literal, with an optional port.
const SERVER = String.raw`(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?`;
const USER_RE = new RegExp(String.raw`^@[a-z0-9._=\-/+]+:${SERVER}$`);
// Historical user ids may contain other printable ASCII; accept them when reading live state.
const USER_LENIENT_RE = new RegExp(String.raw`^@[\x21-\x39\x3B-\x7E]+:${SERVER}$`);
const ROOM_RE = new RegExp(String.raw`^![\x21-\x7E]+$`);
const ALIAS_RE = new RegExp(String.raw`^#[^:\s]+:${SERVER}$`);
const LOCAL_ALIAS_RE = /^#[^:\s]+$/;
const MXC_RE = new RegExp(String.raw`^mxc://${SERVER}/[A-Za-z0-9_-]+$`);

export function isUserId(s: string, lenient = false): s is UserId {
  return s.length <= 255 && (lenient ? USER_LENIENT_RE : USER_RE).test(s);
}
export function isRoomId(s: string): s is RoomId {
  return s.length <= 255 && ROOM_RE.test(s);
}
export function isRoomAlias(s: string): s is RoomAlias {
  return s.length <= 255 && ALIAS_RE.test(s);
}
/** `#general`: an alias on the managing account's own homeserver. */
export function isLocalAliasShorthand(s: string): boolean {
  return LOCAL_ALIAS_RE.test(s);
}
export function isMxcUrl(s: string): s is MxcUrl {
  return MXC_RE.test(s);
}

/** `@bot:example.org` → `example.org`. */
export function serverOf(id: string): string {
  const i = id.indexOf(":");
  return i < 0 ? "" : id.slice(i + 1);
}

/** `#general:example.org` → `general` (the createRoom `room_alias_name`). */
export function aliasLocalpart(alias: string): string {
  const colon = alias.indexOf(":");
  return alias.slice(1, colon < 0 ? undefined : colon);
}

/** `#general` + `example.org` → `#general:example.org`; qualified aliases are returned as written. */
export function qualifyAlias(alias: string, serverName: string): RoomAlias {
  return (isLocalAliasShorthand(alias) ? `${alias}:${serverName}` : alias) as RoomAlias;
}

/**
 * The space-child `order` rule (spec: m.space.child): printable ASCII 0x20–0x7E,
 * at most 50 characters. Orders compare by code point, never by locale.
 */
export function isValidOrder(order: string): boolean {
  return order.length <= 50 && /^[\x20-\x7E]*$/.test(order);
}
export function compareOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
