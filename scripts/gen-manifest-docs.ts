/**
 * `npm run docs`: regenerates the field reference in docs/manifest.md from
 * schemas/space.schema.json (formatted as Prettier would, so `npm run lint` agrees).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { format } from "prettier";
import { withReference } from "../src/manifest/docs.ts";
import { manifestSchema } from "../src/manifest/schema.ts";

export const MANIFEST_DOCS = new URL("../docs/manifest.md", import.meta.url);

/** docs/manifest.md as it should be, given its current text. */
export async function generateManifestDocs(current: string): Promise<string> {
  return format(withReference(current, manifestSchema()), { parser: "markdown", printWidth: 100 });
}

if (import.meta.main) {
  const before = readFileSync(MANIFEST_DOCS, "utf8");
  const after = await generateManifestDocs(before);
  if (after !== before) writeFileSync(MANIFEST_DOCS, after);
  process.stdout.write(
    after === before ? "docs/manifest.md is up to date\n" : "docs/manifest.md updated\n",
  );
}
