/**
 * The manifest's JSON Schema (schemas/space.schema.json), checked with ajv, and
 * ajv's errors turned into diagnostics (schema-messages.ts) at the YAML line they
 * are about.
 *
 * Matrix identifiers are schema `format`s backed by src/matrix/ids.ts, so there is
 * one definition of a valid user id, alias or order string; editors that do not
 * know these formats simply skip them, and `spaceform validate` checks them.
 *
 * The validator is ajv's code for the schema, compiled ahead of time into
 * schemas/space.validator.js (`npm run schema:generate`; a unit test keeps it in
 * sync): compiling at run time would cost `spaceform validate` about 0.1 s of its
 * start-up for every run.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { SchemaObject, ValidateFunction } from "ajv/dist/2020.js";
import type { Diagnostic } from "../diagnostics.ts";
import { packageFile } from "../package-root.ts";
import {
  isLocalAliasShorthand,
  isMxcUrl,
  isRoomAlias,
  isRoomId,
  isUserId,
  isValidOrder,
} from "../matrix/ids.ts";
import type { ParsedSource } from "./source.ts";
import { describe } from "./schema-messages.ts";

export const SCHEMA_FILE = packageFile("schemas/space.schema.json");
export const VALIDATOR_FILE = packageFile("schemas/space.validator.js");

let schema: SchemaObject | undefined;
export function manifestSchema(): SchemaObject {
  schema ??= JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as SchemaObject;
  return schema;
}

/** The schema's custom formats, as ajv format definitions. */
export const FORMATS: Record<string, { validate: (s: string) => boolean }> = {
  "matrix-room-id": { validate: (s) => isRoomId(s) },
  "matrix-user-id": { validate: (s) => isUserId(s) },
  "matrix-alias": { validate: (s) => isRoomAlias(s) || isLocalAliasShorthand(s) },
  "matrix-room-ref": {
    validate: (s) => isRoomId(s) || isRoomAlias(s) || isLocalAliasShorthand(s),
  },
  avatar: { validate: (s) => (/^mxc:/i.test(s) ? isMxcUrl(s) : s.trim() !== "") },
  "space-child-order": { validate: (s) => isValidOrder(s) },
};

let validator: ValidateFunction | undefined;
function getValidator(): ValidateFunction {
  if (!validator) {
    const require = createRequire(import.meta.url);
    // A synchronous require of an ES module: the loader's API stays synchronous where it needs to.
    const mod = require(fileURLToPath(VALIDATOR_FILE)) as {
      default: (formats: typeof FORMATS) => ValidateFunction;
    };
    validator = mod.default(FORMATS);
  }
  return validator;
}

/** Every schema violation in `data`, each at its line. */
export function schemaDiagnostics(data: unknown, source: ParsedSource, file: string): Diagnostic[] {
  const validate = getValidator();
  if (validate(data)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const err of validate.errors ?? []) {
    const d = describe(err, data, source, file);
    if (!d) continue;
    const id = `${d.line ?? 0}:${d.column ?? 0}:${d.code}:${d.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(d);
  }
  return out;
}
