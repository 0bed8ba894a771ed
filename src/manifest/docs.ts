/**
 * The field reference in docs/manifest.md, generated from the JSON Schema so the
 * two cannot drift apart: `npm run schema:generate` rewrites the part between the markers,
 * and a unit test fails when it is out of date.
 */
import type { SchemaObject } from "ajv/dist/2020.js";

export const REFERENCE_BEGIN = "<!-- BEGIN GENERATED REFERENCE (npm run schema:generate) -->";
export const REFERENCE_END = "<!-- END GENERATED REFERENCE -->";

interface Section {
  title: string;
  /** Where these fields go, as a path pattern. */
  where: string;
  schema: SchemaObject;
}

function resolveRef(root: SchemaObject, s: SchemaObject): SchemaObject {
  const ref = s["$ref"] as string | undefined;
  if (!ref?.startsWith("#/$defs/")) return s;
  const target = (root["$defs"] as Record<string, SchemaObject>)[ref.slice("#/$defs/".length)];
  if (!target) throw new Error(`Unresolved $ref ${ref}`);
  // A description next to the $ref overrides the shared one.
  return {
    ...resolveRef(root, target),
    ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== "$ref")),
  };
}

const FORMAT_WORDS: Record<string, string> = {
  "matrix-room-id": "room id",
  "matrix-user-id": "user id",
  "matrix-alias": "alias",
  "matrix-room-ref": "room id or alias",
  avatar: "file path or mxc URL",
  "space-child-order": "order string",
};

function typeText(root: SchemaObject, raw: SchemaObject): string {
  const s = resolveRef(root, raw);
  if (s["const"] !== undefined) return `\`${JSON.stringify(s["const"])}\``;
  if (Array.isArray(s["enum"]))
    return (s["enum"] as unknown[]).map((v) => `\`${String(v)}\``).join(", ");
  const format = s["format"] as string | undefined;
  if (format) return FORMAT_WORDS[format] ?? format;
  const type = s["type"] as string | string[] | undefined;
  if (type === "array") return `list of ${typeText(root, s["items"] as SchemaObject)}`;
  if (
    type === "object" &&
    s["additionalProperties"] &&
    typeof s["additionalProperties"] === "object"
  ) {
    const names = s["propertyNames"] ? typeText(root, s["propertyNames"] as SchemaObject) : "key";
    return `map: ${names === "string" ? "key" : names} → ${typeText(root, s["additionalProperties"] as SchemaObject)}`;
  }
  if (type === "object") return "mapping";
  if (Array.isArray(type)) return type.join(" or ");
  return type ?? "any";
}

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function table(root: SchemaObject, section: Section): string {
  const obj = resolveRef(root, section.schema);
  const props = (obj["properties"] ?? {}) as Record<string, SchemaObject>;
  const required = new Set((obj["required"] ?? []) as string[]);
  const rows = Object.entries(props).map(([name, raw]) => {
    const s = resolveRef(root, raw);
    const desc = (s["description"] as string | undefined) ?? "";
    return `| \`${name}\`${required.has(name) ? " (required)" : ""} | ${cell(typeText(root, raw))} | ${cell(desc)} |`;
  });
  return [
    `### ${section.title}`,
    "",
    `Where: \`${section.where}\``,
    "",
    "| Field | Type | Description |",
    "| --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** The generated reference, markers included. */
export function renderReference(schema: SchemaObject): string {
  const defs = schema["$defs"] as Record<string, SchemaObject>;
  const pl = resolveRef(schema, defs["power_levels"] ?? {});
  const policies = resolveRef(schema, defs["policies"] ?? {});
  const namePrefixes = ((policies["properties"] as Record<string, SchemaObject>)["name_prefixes"] ??
    {})["items"] as SchemaObject;
  const sections: Section[] = [
    { title: "Top level", where: "(the file)", schema },
    { title: "The root space", where: "space", schema: defs["space"] ?? {} },
    {
      title: "Rooms and subspaces",
      where: "rooms.<key>, rooms.<key>.rooms.<key>, …",
      schema: defs["room"] ?? {},
    },
    { title: "Defaults", where: "defaults", schema: defs["defaults"] ?? {} },
    { title: "Power levels", where: "….power_levels", schema: pl },
    { title: "Policies", where: "policies", schema: policies },
    { title: "Name prefix rules", where: "policies.name_prefixes[…]", schema: namePrefixes },
  ];
  const key = resolveRef(schema, defs["room_key"] ?? {});
  return [
    REFERENCE_BEGIN,
    "",
    `Schema: \`schemas/space.schema.json\` (\`${String(schema["$id"])}\`).`,
    "",
    `Room keys: ${String(key["description"])} Pattern: \`${String(key["pattern"])}\`.`,
    "",
    sections.map((s) => table(schema, s)).join("\n\n"),
    "",
    REFERENCE_END,
  ].join("\n");
}

/** `doc` with the text between the markers replaced; throws if the markers are missing. */
export function withReference(doc: string, schema: SchemaObject): string {
  const begin = doc.indexOf(REFERENCE_BEGIN);
  const end = doc.indexOf(REFERENCE_END);
  if (begin < 0 || end < begin) {
    throw new Error(`docs/manifest.md lacks the markers ${REFERENCE_BEGIN} … ${REFERENCE_END}`);
  }
  return doc.slice(0, begin) + renderReference(schema) + doc.slice(end + REFERENCE_END.length);
}
