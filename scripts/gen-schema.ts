/**
 * `npm run schema:generate`: regenerates what is derived from schemas/space.schema.json,
 * formatted as Prettier would so that `npm run lint` agrees:
 * - the Matrix enums in schemas/space.schema.json, from src/matrix/vocabulary.ts;
 * - the field reference in docs/manifest.md (between its markers);
 * - the precompiled validator schemas/space.validator.js.
 * Unit tests fail when either is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { format } from "prettier";
import { withReference } from "../src/manifest/docs.ts";
import { manifestSchema, SCHEMA_FILE, VALIDATOR_FILE } from "../src/manifest/schema.ts";
import { withVocabularyEnumsText } from "../src/manifest/schema-enums.ts";
import { compileValidatorSource } from "../src/manifest/schema-compile.ts";

export const MANIFEST_DOCS = new URL("../docs/manifest.md", import.meta.url);
export { SCHEMA_FILE, VALIDATOR_FILE };

/** schemas/space.schema.json as it should be, given its current text: the rest is kept as written. */
export async function generateSchema(current: string): Promise<string> {
  return format(withVocabularyEnumsText(current), { parser: "json", printWidth: 100 });
}

/** docs/manifest.md as it should be, given its current text. */
export async function generateManifestDocs(current: string): Promise<string> {
  return format(withReference(current, manifestSchema()), { parser: "markdown", printWidth: 100 });
}

/** schemas/space.validator.js as it should be. */
export async function generateValidator(): Promise<string> {
  return format(compileValidatorSource(), { parser: "babel", printWidth: 100 });
}

async function update(file: URL, make: (current: string) => Promise<string>): Promise<void> {
  let before = "";
  try {
    before = readFileSync(file, "utf8");
  } catch {
    // not generated yet
  }
  const after = await make(before);
  if (after !== before) writeFileSync(file, after);
  const name = file.pathname.split("/").slice(-2).join("/");
  process.stdout.write(`${name}: ${after === before ? "up to date" : "updated"}\n`);
}

if (import.meta.main) {
  await update(SCHEMA_FILE, generateSchema);
  await update(VALIDATOR_FILE, () => generateValidator());
  await update(MANIFEST_DOCS, generateManifestDocs);
}
