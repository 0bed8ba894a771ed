/**
 * Compiles schemas/space.schema.json into the standalone validator module
 * schemas/space.validator.js. Used by `npm run schema:generate` and by the test
 * that checks the committed module is current; never at run time.
 */
import { _, Ajv2020 } from "ajv/dist/2020.js";
import standalone from "ajv/dist/standalone/index.js";
import { FORMATS, manifestSchema } from "./schema.ts";

/** The options the errors' mapping relies on: every error, with its data and schema. */
const OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true } as const;

/** The module's source, unformatted: `export default (formats) => validate`. */
export function compileValidatorSource(): string {
  // The generated code refers to the formats as `formats[...]`, the factory's parameter.
  const ajv = new Ajv2020({ ...OPTIONS, code: { source: true, formats: _`formats` } });
  for (const [name, def] of Object.entries(FORMATS)) ajv.addFormat(name, def);
  // A CommonJS module: its `default` is the function itself.
  const code = standalone
    .default(ajv, ajv.compile(manifestSchema()))
    .replace(/^"use strict";/, "")
    .replace(/require\("ajv\/dist\/runtime\/(\w+)"\)/g, (_m, name: string) => `runtime_${name}`);
  const runtime = [...new Set([...code.matchAll(/runtime_(\w+)/g)].map((m) => m[1] ?? ""))];
  return [
    "/* eslint-disable */",
    "// Generated from space.schema.json by `npm run schema:generate`: do not edit.",
    ...runtime.map((name) => `import runtime_${name} from "ajv/dist/runtime/${name}.js";`),
    "export default function createManifestValidator(formats) {",
    "  const module = { exports: {} };",
    code,
    "  return module.exports;",
    "}",
    "",
  ].join("\n");
}
