/**
 * From the written manifest (plain data from YAML) to the normalised model:
 * defaults applied, avatar files read and hashed, every entry addressed; plus the
 * checks that need more than one field at a time (keys and aliases unique across
 * the tree, join rules against room versions, policies).
 *
 * It runs even when the schema check found errors, so that one run reports every
 * problem: values of the wrong type were reported there and are skipped here.
 */
import { isAbsolute, resolve } from "node:path";
import type { Diagnostic } from "../diagnostics.ts";
import type { UserId } from "../matrix/ids.ts";
import { isMxcUrl, isRoomId, isUserId } from "../matrix/ids.ts";
import { GUEST_ACCESS, HISTORY_VISIBILITIES, JOIN_RULES, oneOf } from "../matrix/vocabulary.ts";
import { checkPolicies } from "../policy/index.ts";
import { newRoomWarnings } from "../policy/new-room.ts";
import type { PolicyRoomView } from "../policy/index.ts";
import { declaredRoomFacts, policyView } from "../policy/view.ts";
import { formatFieldPath, parseFieldPath, positionOf } from "./fieldpath.ts";
import type { PathSegment } from "./fieldpath.ts";
import { readAvatar } from "./avatar-file.ts";
import { crossChecks } from "./cross-checks.ts";
import type {
  AvatarSpec,
  Entry,
  NamePrefixRule,
  Policies,
  PowerLevelsSpec,
  RoomSettings,
  SourcePosition,
} from "./model.ts";
import { allEntries } from "./model.ts";

/** Keys that would make addresses ambiguous: `space` is the root's address, `rooms` the children's field. */
export const RESERVED_KEYS: readonly string[] = ["space", "rooms"];

const PL_INT_FIELDS = [
  "users_default",
  "events_default",
  "state_default",
  "ban",
  "kick",
  "redact",
  "invite",
] as const;

export interface NormaliseContext {
  file: string;
  /** Folder of the manifest: avatar paths are relative to it. */
  dir: string;
  /** Positions of the fields in the file; inherited fields are added to it. */
  positions: Record<string, SourcePosition>;
}

export interface Normalised {
  space: Entry;
  policies: Policies;
  diagnostics: Diagnostic[];
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const asBool = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);
const asInt = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isInteger(v) ? v : undefined;
const asStrings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;

function intMap(v: unknown): Record<string, number> | undefined {
  const o = asObj(v);
  if (!o) return undefined;
  const out: Record<string, number> = {};
  for (const [k, val] of Object.entries(o)) {
    const n = asInt(val);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

export async function normalise(data: unknown, ctx: NormaliseContext): Promise<Normalised> {
  const diagnostics: Diagnostic[] = [];
  const at = (path: string): { file: string; line?: number; column?: number; path: string } => {
    const p = positionOf(ctx.positions, path);
    return { file: ctx.file, ...(p ? { line: p.line, column: p.column } : {}), path };
  };
  const report = (d: Omit<Diagnostic, "file" | "line" | "column" | "path">, path: string): void => {
    diagnostics.push({ ...d, ...at(path) });
  };

  const avatarCache = new Map<string, Promise<AvatarSpec | undefined>>();
  const avatar = (written: string, path: string): Promise<AvatarSpec | undefined> => {
    if (/^mxc:/i.test(written)) {
      return Promise.resolve(isMxcUrl(written) ? { kind: "mxc", url: written } : undefined);
    }
    if (written.trim() === "") return Promise.resolve(undefined);
    const abs = isAbsolute(written) ? written : resolve(ctx.dir, written);
    let p = avatarCache.get(abs);
    if (!p) {
      p = readAvatar(written, abs, ctx.dir, (d) => {
        report(d, path);
      });
      avatarCache.set(abs, p);
    }
    return p;
  };

  const settings = async (raw: Obj | undefined, segs: PathSegment[]): Promise<RoomSettings> => {
    const s: RoomSettings = {};
    if (!raw) return s;
    const name = asString(raw["name"]);
    if (name !== undefined) s.name = name;
    const topic = asString(raw["topic"]);
    if (topic !== undefined) s.topic = topic;
    const av = asString(raw["avatar"]);
    if (av !== undefined) {
      const spec = await avatar(av, formatFieldPath([...segs, "avatar"]));
      if (spec) s.avatar = spec;
    }
    const alias = asString(raw["alias"]);
    if (alias !== undefined) s.alias = alias;
    const alt = asStrings(raw["alt_aliases"]);
    if (alt !== undefined) s.alt_aliases = alt;
    const jr = oneOf(raw["join_rule"], JOIN_RULES);
    if (jr !== undefined) s.join_rule = jr;
    const allow = asStrings(raw["allow"]);
    if (allow !== undefined) s.allow = allow;
    const hv = oneOf(raw["history_visibility"], HISTORY_VISIBILITIES);
    if (hv !== undefined) s.history_visibility = hv;
    const ga = oneOf(raw["guest_access"], GUEST_ACCESS);
    if (ga !== undefined) s.guest_access = ga;
    const enc = asBool(raw["encrypted"]);
    if (enc !== undefined) s.encrypted = enc;
    const pub = asBool(raw["publish"]);
    if (pub !== undefined) s.publish = pub;
    const rv = raw["room_version"];
    if (typeof rv === "string" || asInt(rv) !== undefined) s.room_version = String(rv);
    const plRaw = asObj(raw["power_levels"]);
    if (plRaw) {
      const pl: PowerLevelsSpec = {};
      const users = intMap(plRaw["users"]);
      if (users) pl.users = users;
      const atLeast = intMap(plRaw["users_at_least"]);
      if (atLeast) pl.users_at_least = atLeast;
      const events = intMap(plRaw["events"]);
      if (events) pl.events = events;
      for (const f of PL_INT_FIELDS) {
        const n = asInt(plRaw[f]);
        if (n !== undefined) pl[f] = n;
      }
      s.power_levels = pl;
    }
    return s;
  };

  const root = asObj(data) ?? {};
  const defaultsRaw = asObj(root["defaults"]);
  const defaults = await settings(defaultsRaw, ["defaults"]);
  // Names and aliases are per room (the schema reports them in `defaults`); never copy them.
  delete defaults.name;
  delete defaults.alias;
  delete defaults.alt_aliases;
  const defaultSuggested = asBool(defaultsRaw?.["suggested"]);

  /** A room's own value replaces the default's; power_levels merge field by field. */
  const withDefaults = (own: RoomSettings): RoomSettings => {
    const merged: RoomSettings = { ...structuredClone(defaults), ...own };
    if (defaults.power_levels || own.power_levels) {
      merged.power_levels = { ...structuredClone(defaults.power_levels), ...own.power_levels };
    }
    return merged;
  };

  // The positions under `defaults.`, gathered once: scanning every position of the file for
  // every room made loading quadratic in the manifest's size. Rooms' inherited positions added
  // below never start with `defaults.`, so the list stays what it would be if read per room.
  const defaultPositions: { rest: PathSegment[]; suffix: string; pos: SourcePosition }[] = [];
  for (const [path, pos] of Object.entries(ctx.positions)) {
    if (!path.startsWith("defaults.")) continue;
    const rest = parseFieldPath(path).slice(1);
    if (rest.length === 0) continue;
    defaultPositions.push({ rest, suffix: formatFieldPath(rest), pos });
  }

  const inheritPositions = (address: string, raw: Obj): void => {
    const pl = asObj(raw["power_levels"]);
    for (const { rest, suffix, pos } of defaultPositions) {
      const [first, second] = rest;
      if (first === undefined) continue;
      const own =
        first === "power_levels" && second !== undefined
          ? pl !== undefined && second in pl
          : first in raw && first !== "power_levels";
      if (own) continue;
      ctx.positions[`${address}.${suffix}`] ??= pos;
    }
  };

  const seenKeys = new Map<string, string>(); // key → address of its first use
  const rooms = async (raw: unknown, segs: PathSegment[]): Promise<Entry[]> => {
    const map = asObj(raw);
    if (!map) return [];
    const out: Entry[] = [];
    for (const [key, value] of Object.entries(map)) {
      const address = formatFieldPath([...segs, key]);
      if (RESERVED_KEYS.includes(key)) {
        report(
          {
            severity: "error",
            code: "manifest.reserved-key",
            message: `\`${key}\` is reserved and cannot be a room key.`,
            hint: `Choose another key, e.g. \`${key}-room\`.`,
          },
          address,
        );
      }
      const first = seenKeys.get(key);
      if (first !== undefined) {
        report(
          {
            severity: "error",
            code: "manifest.duplicate-room-key",
            message: `The room key \`${key}\` is already used by \`${first}\`; keys must be unique in the whole manifest, subspaces included.`,
            hint: "spaceform recognises rooms by their key: rename one of them.",
          },
          address,
        );
      } else {
        seenKeys.set(key, address);
      }
      const rawEntry = asObj(value) ?? {};
      const own = await settings(rawEntry, [...segs, key]);
      const entry: Entry = {
        ...withDefaults(own),
        key,
        address,
        kind: rawEntry["rooms"] !== undefined ? "space" : "room",
        children: [],
      };
      const id = asString(rawEntry["id"]);
      if (id !== undefined && isRoomId(id)) entry.id = id;
      const suggested = asBool(rawEntry["suggested"]) ?? defaultSuggested;
      if (suggested !== undefined) entry.suggested = suggested;
      const order = asString(rawEntry["order"]);
      if (order !== undefined) entry.order = order;
      inheritPositions(address, rawEntry);
      entry.children = await rooms(rawEntry["rooms"], [...segs, key, "rooms"]);
      out.push(entry);
    }
    return out;
  };

  const spaceRaw = asObj(root["space"]) ?? {};
  const space: Entry = {
    ...(await settings(spaceRaw, ["space"])),
    key: "space",
    address: "space",
    kind: "space",
    children: [],
  };
  const spaceId = asString(spaceRaw["id"]);
  if (spaceId !== undefined && isRoomId(spaceId)) space.id = spaceId;
  space.children = await rooms(root["rooms"], ["rooms"]);

  const policies = normalisePolicies(asObj(root["policies"]));
  const entries = allEntries(space);
  crossChecks(entries, report);
  const views: PolicyRoomView[] = entries.map((e) => policyView(e, declaredRoomFacts(e)));
  for (const d of [...checkPolicies(policies, views), ...newRoomWarnings(policies, entries)]) {
    diagnostics.push({ ...d, ...(d.path ? at(d.path) : { file: ctx.file }) });
  }
  return { space, policies, diagnostics };
}

/** What validate knows about a room: the declared values; an undeclared field is unknown. */
export function normalisePolicies(raw: Obj | undefined): Policies {
  const p = raw ?? {};
  const rules: NamePrefixRule[] = [];
  if (Array.isArray(p["name_prefixes"])) {
    for (const item of p["name_prefixes"] as unknown[]) {
      const o = asObj(item);
      const match = asString(o?.["match"]);
      const prefix = asString(o?.["prefix"]);
      if (match && prefix) rules.push({ match, prefix });
    }
  }
  const minModerators = asInt(p["min_moderators"]);
  return {
    // Malformed ids were reported by the schema check; a rule about them would only repeat it.
    admins: (asStrings(p["admins"]) ?? []).filter((a): a is UserId => isUserId(a)),
    forbid_encryption: asBool(p["forbid_encryption"]) ?? false,
    require_avatar: oneOf(p["require_avatar"], ["error", "warn", "off"] as const) ?? "off",
    min_moderators: minModerators !== undefined && minModerators > 0 ? minModerators : 0,
    name_prefixes: rules,
    creators: oneOf(p["creators"], ["warn", "require", "off"] as const) ?? "warn",
  };
}
