/**
 * ajv's schema errors in the user's words: which field, what was expected, the
 * nearest known name for a misspelt one, and the YAML line they are about.
 */
import type { ErrorObject, SchemaObject } from "ajv/dist/2020.js";
import type { Diagnostic } from "../diagnostics.ts";
import { formatFieldPath } from "./fieldpath.ts";
import type { PathSegment } from "./fieldpath.ts";
import type { ParsedSource } from "./source.ts";
import { closest } from "./suggest.ts";

/** `/rooms/general/alt_aliases/0` → `["rooms", "general", "alt_aliases", 0]`, numbers for list indices. */
function pointerToSegments(pointer: string, data: unknown): PathSegment[] {
  if (pointer === "") return [];
  const out: PathSegment[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function scalarText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function typeOfValue(v: unknown): string {
  if (v === null || v === undefined) return "empty";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return "text";
  if (typeof v === "number") return Number.isInteger(v) ? "a whole number" : "a number";
  if (typeof v === "boolean") return "true/false";
  return typeof v;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
  object: "a mapping (key: value lines)",
  array: "a list",
  null: "empty",
};

/** Words people reach for that Matrix (and so the manifest) calls something else. */
const SYNONYMS: Record<string, string> = {
  description: "topic",
  title: "name",
  display_name: "name",
  displayname: "name",
  icon: "avatar",
  image: "avatar",
  encryption: "encrypted",
  e2ee: "encrypted",
  visibility: "publish",
  public: "publish",
  directory: "publish",
  aliases: "alt_aliases",
  children: "rooms",
  subrooms: "rooms",
  power: "power_levels",
  powerlevels: "power_levels",
  moderators: "power_levels",
  joinrule: "join_rule",
  access: "join_rule",
};

/** Room fields that exist but not in `space` or `defaults`, and why. */
const MISPLACED: Record<string, string> = {
  "space.suggested": "The root space has no parent space; `suggested` applies to rooms.",
  "space.order": "The root space has no parent space; `order` applies to rooms.",
  "space.rooms": "The root space's rooms go in the top-level `rooms:` section.",
  "defaults.name": "Names are per room: set `name` on each room.",
  "defaults.alias": "An alias names one room: set `alias` on each room.",
  "defaults.alt_aliases": "An alias names one room: set `alt_aliases` on each room.",
  "defaults.id": "A room id names one room: set `id` on each room.",
  "defaults.order": "Order is per room: set `order` on each room.",
  "defaults.rooms": "Subspaces list their rooms under their own `rooms:`.",
};

function fieldName(segments: readonly PathSegment[]): string {
  const last = segments[segments.length - 1];
  if (last === undefined) return "the manifest";
  if (typeof last === "number")
    return `item ${last + 1} of \`${formatFieldPath(segments.slice(0, -1))}\``;
  return `\`${last}\``;
}

function formatMessage(format: string, value: string): { message: string; hint?: string } {
  switch (format) {
    case "matrix-room-id":
      return {
        message: `\`${value}\` is not a Matrix room id.`,
        hint: "Room ids start with `!` (e.g. `!abcDEF123:example.org`); clients show them in the room's advanced settings.",
      };
    case "matrix-user-id":
      return {
        message: `\`${value}\` is not a Matrix user id.`,
        hint: value.startsWith("@")
          ? "User ids look like `@name:example.org`: lower-case letters, digits and `._=-/+` before the colon, then the server."
          : "User ids start with `@`, e.g. `@name:example.org`.",
      };
    case "matrix-alias":
      return {
        message: `\`${value}\` is not a room alias.`,
        hint: value.startsWith("#")
          ? "Write `#name` (the managing account's homeserver) or `#name:example.org`, without spaces."
          : 'Aliases start with `#`: `#name` or `#name:example.org`. In YAML, quote them: `alias: "#name"`.',
      };
    case "matrix-room-ref":
      return {
        message: `\`${value}\` is neither a room id nor a room alias.`,
        hint: "Write a room id (`!abc:example.org`) or an alias (`#name` or `#name:example.org`).",
      };
    case "avatar":
      return value.trim() === ""
        ? {
            message: "The avatar is empty.",
            hint: "Name an image file or an `mxc://` URL, or remove the line to leave the avatar unmanaged.",
          }
        : {
            message: `\`${value}\` is not a valid mxc:// URL.`,
            hint: "mxc URLs look like `mxc://example.org/AbCdEf123`; for a local file, write its path instead.",
          };
    case "space-child-order":
      return {
        message: `The order string \`${value}\` is invalid.`,
        hint: "Use at most 50 printable ASCII characters (space to `~`); they sort character by character, e.g. `a`, `b`, `c`.",
      };
    default:
      return { message: `\`${value}\` is not a valid ${format}.` };
  }
}

export function describe(
  err: ErrorObject,
  data: unknown,
  source: ParsedSource,
  file: string,
): Diagnostic | undefined {
  const segments = pointerToSegments(err.instancePath, data);
  const base = (
    code: string,
    message: string,
    hint: string | undefined,
    at: readonly PathSegment[],
    where: "key" | "value" = "value",
  ): Diagnostic => {
    const p = source.locate(at, where);
    const path = formatFieldPath(at);
    return {
      severity: "error",
      code,
      message,
      ...(hint ? { hint } : {}),
      file,
      line: p.line,
      column: p.column,
      ...(path ? { path } : {}),
    };
  };
  const params = err.params as Record<string, unknown>;
  const name = fieldName(segments);

  // A bad key in a map whose keys are checked (room keys, user ids in `users`).
  if (err.propertyName !== undefined) {
    const key = err.propertyName;
    const at = [...segments, key];
    if (err.keyword === "format") {
      const f = formatMessage(String(params["format"]), key);
      return base("schema.invalid-id", f.message, f.hint, at, "key");
    }
    if (segments[segments.length - 1] === "rooms") {
      return base(
        "schema.room-key",
        `\`${key}\` is not a valid room key.`,
        "Room keys use lower-case letters, digits, `-` and `_`, start with a letter or digit and have at most 64 characters, e.g. `chapter-berlin`.",
        at,
        "key",
      );
    }
    return base(
      "schema.key",
      `The key \`${key}\` ${err.message ?? "is invalid"}.`,
      undefined,
      at,
      "key",
    );
  }

  switch (err.keyword) {
    case "propertyNames":
      return undefined; // reported through the inner error, which names the key
    case "additionalProperties": {
      const field = String(params["additionalProperty"]);
      const known = Object.keys(
        ((err.parentSchema as SchemaObject | undefined)?.["properties"] ?? {}) as object,
      );
      const where = segments.length
        ? `\`${formatFieldPath(segments)}\``
        : "the top level of the manifest";
      const elsewhere = MISPLACED[`${String(segments[0])}.${field}`];
      if (segments.length === 1 && elsewhere) {
        return base(
          "schema.misplaced-field",
          `\`${field}\` cannot be set in ${where}.`,
          elsewhere,
          [...segments, field],
          "key",
        );
      }
      const synonym = SYNONYMS[field.toLowerCase()];
      const guess =
        closest(field, known) ?? (synonym && known.includes(synonym) ? synonym : undefined);
      const hint = guess
        ? `Did you mean \`${guess}\`?`
        : `Known fields here: ${known.map((k) => `\`${k}\``).join(", ")}.`;
      return base(
        "schema.unknown-field",
        `Unknown field \`${field}\` in ${where}.`,
        hint,
        [...segments, field],
        "key",
      );
    }
    case "required": {
      const missing = String(params["missingProperty"]);
      const hint =
        segments.length === 0
          ? "A manifest needs at least `version: 1` and a `space:` section."
          : undefined;
      return base(
        "schema.required",
        `\`${missing}\` is missing${segments.length ? ` in \`${formatFieldPath(segments)}\`` : ""}.`,
        hint,
        segments,
        "key",
      );
    }
    case "type": {
      const expected = String(params["type"])
        .split(",")
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(" or ");
      if (err.data === null || err.data === undefined) {
        return base(
          "schema.type",
          segments.length ? `${name} is empty.` : "The manifest is empty.",
          segments.length
            ? `Give it a value (${expected}), or remove it to leave it unmanaged.`
            : "A manifest needs at least `version: 1` and a `space:` section.",
          segments,
        );
      }
      const hint =
        params["type"] === "string" && typeof err.data !== "object"
          ? `Quote it: "${scalarText(err.data)}".`
          : undefined;
      return base(
        "schema.type",
        `${name} must be ${expected}, not ${typeOfValue(err.data)}.`,
        hint,
        segments,
      );
    }
    case "const":
      if (segments.length === 1 && segments[0] === "version") {
        return base(
          "manifest.version",
          `Unsupported manifest version ${JSON.stringify(err.data)}.`,
          "This spaceform reads manifest version 1: write `version: 1`.",
          segments,
        );
      }
      return base(
        "schema.const",
        `${name} must be ${JSON.stringify(params["allowedValue"])}.`,
        undefined,
        segments,
      );
    case "enum": {
      const allowed = (params["allowedValues"] as unknown[]).map(String);
      const guess = typeof err.data === "string" ? closest(err.data, allowed) : undefined;
      return base(
        "schema.enum",
        `${name} must be one of ${allowed.map((a) => `\`${a}\``).join(", ")}, not \`${scalarText(err.data)}\`.`,
        guess ? `Did you mean \`${guess}\`?` : undefined,
        segments,
      );
    }
    case "format": {
      const f = formatMessage(String(params["format"]), scalarText(err.data));
      return base(
        params["format"] === "space-child-order"
          ? "schema.order"
          : params["format"] === "avatar"
            ? "schema.avatar"
            : "schema.invalid-id",
        f.message,
        f.hint,
        segments,
      );
    }
    case "uniqueItems": {
      const j = Number(params["j"]);
      const i = Number(params["i"]);
      const list = Array.isArray(err.data) ? (err.data as unknown[]) : [];
      return base(
        "schema.duplicate-item",
        `${name} lists \`${scalarText(list[i])}\` twice.`,
        "Remove one of them.",
        [...segments, Math.max(i, j)],
      );
    }
    case "minimum":
      return base(
        "schema.minimum",
        `${name} must be at least ${String(params["limit"])}.`,
        undefined,
        segments,
      );
    case "minLength":
      return base("schema.empty", `${name} must not be empty.`, undefined, segments);
    default:
      return base(
        `schema.${err.keyword}`,
        `${name} ${err.message ?? "is invalid"}.`,
        undefined,
        segments,
      );
  }
}
