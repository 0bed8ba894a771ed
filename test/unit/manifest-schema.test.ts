import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import type { SchemaObject } from "ajv/dist/2020.js";
import { manifestSchema } from "../../src/manifest/schema.ts";
import { REFERENCE_BEGIN, REFERENCE_END, renderReference } from "../../src/manifest/docs.ts";
import {
  generateManifestDocs,
  generateSchema,
  generateValidator,
  MANIFEST_DOCS,
  SCHEMA_FILE,
  VALIDATOR_FILE,
} from "../../scripts/gen-schema.ts";
import { GUEST_ACCESS, HISTORY_VISIBILITIES, JOIN_RULES } from "../../src/matrix/vocabulary.ts";

describe("schemas/space.schema.json", () => {
  const schema = manifestSchema();

  it("is a JSON Schema 2020-12 document with an $id", () => {
    assert.equal(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert.match(String(schema["$id"]), /^https:\/\/.+\/space\.schema\.json$/);
  });

  it("describes every property", () => {
    const defs = schema["$defs"] as Record<string, SchemaObject>;
    const described = (s: SchemaObject): boolean => {
      if (typeof s["description"] === "string" && s["description"] !== "") return true;
      const ref = s["$ref"] as string | undefined;
      const target = ref ? defs[ref.replace("#/$defs/", "")] : undefined;
      return target ? described(target) : false;
    };
    const missing: string[] = [];
    const walk = (s: SchemaObject, where: string): void => {
      for (const [name, prop] of Object.entries(
        (s["properties"] ?? {}) as Record<string, SchemaObject>,
      )) {
        if (!described(prop)) missing.push(`${where}.${name}`);
        walk(prop, `${where}.${name}`);
      }
      if (s["items"]) walk(s["items"] as SchemaObject, `${where}[]`);
    };
    walk(schema, "(root)");
    for (const [name, def] of Object.entries(defs)) walk(def, `$defs.${name}`);
    assert.deepEqual(missing, []);
  });
});

describe("the schema's Matrix enums", () => {
  it("are the vocabulary's values (run `npm run schema:generate`)", async () => {
    const current = readFileSync(SCHEMA_FILE, "utf8");
    assert.equal(await generateSchema(current), current);
    const defs = manifestSchema()["$defs"] as Record<string, SchemaObject>;
    assert.deepEqual(defs["join_rule"]?.["enum"], [...JOIN_RULES]);
    assert.deepEqual(defs["history_visibility"]?.["enum"], [...HISTORY_VISIBILITIES]);
    assert.deepEqual(defs["guest_access"]?.["enum"], [...GUEST_ACCESS]);
  });

  it("are rewritten from the vocabulary when the file lists others", async () => {
    const current = readFileSync(SCHEMA_FILE, "utf8");
    const stale = current.replace(/"enum": \["can_join", "forbidden"\]/, '"enum": ["can_join"]');
    assert.notEqual(stale, current);
    assert.equal(await generateSchema(stale), current);
  });
});

describe("schemas/space.validator.js", () => {
  it("is the schema's current compiled validator (run `npm run schema:generate`)", async () => {
    assert.equal(readFileSync(VALIDATOR_FILE, "utf8"), await generateValidator());
  });
});

describe("docs/manifest.md", () => {
  it("has the generated field reference up to date (run `npm run schema:generate`)", async () => {
    const current = readFileSync(MANIFEST_DOCS, "utf8");
    assert.equal(await generateManifestDocs(current), current);
  });

  it("lists every field of the schema in the reference", () => {
    const reference = renderReference(manifestSchema());
    assert.ok(reference.startsWith(REFERENCE_BEGIN) && reference.endsWith(REFERENCE_END));
    for (const field of [
      "alias",
      "alt_aliases",
      "allow",
      "power_levels",
      "users_default",
      "min_moderators",
      "name_prefixes",
      "order",
      "suggested",
      "publish",
    ]) {
      assert.match(reference, new RegExp(`\\| \`${field}\``), field);
    }
  });

  it("states the unmanaged rule and the defaults merge rule", () => {
    const text = readFileSync(MANIFEST_DOCS, "utf8");
    assert.match(text, /absent means unmanaged/i);
    assert.match(text, /power_levels` merges\s+field by field/);
  });
});

describe("manifests in the repository", () => {
  it("begin with the yaml-language-server schema line", () => {
    for (const name of readdirSync("spaces").filter((n) => n.endsWith(".yaml"))) {
      const first = readFileSync(`spaces/${name}`, "utf8").split("\n")[0];
      assert.equal(first, "# yaml-language-server: $schema=../schemas/space.schema.json", name);
    }
  });
});
