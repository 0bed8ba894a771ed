/**
 * Hostile live state and manifests in every medium: the exact safe output of
 * the text, Markdown, Mermaid, JSON and import-YAML renderers, and of the
 * output guard every CLI write passes. Each test also fails on any raw control
 * character, injected Markdown block or workflow command (corpus.ts).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { renderJson, renderMarkdown, renderMermaid, renderText } from "../../src/render/index.ts";
import { renderManifest } from "../../src/import/render.ts";
import type { BuiltImport } from "../../src/import/build.ts";
import type { Field } from "../../src/import/model.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import { githubAnnotation, safeOutput } from "../../src/cli/output.ts";
import {
  ALL_IN_ONE,
  assertInert,
  assertNoRawControls,
  HOSTILE,
  hostilePlan,
} from "../fixtures/hostile/corpus.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "hostile");
const UPDATE = process.env["UPDATE_GOLDEN"] === "1";
/** Compares with a reviewed golden file (UPDATE_GOLDEN=1 rewrites it; review the diff). */
function golden(name: string, actual: string): void {
  const file = join(FIXTURES, name);
  if (UPDATE) writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, "utf8"), `${name} differs`);
}

describe("hostile text in the renderers", () => {
  it("text: every value escaped on its own line, colours the only control sequences", () => {
    const plain = renderText(hostilePlan(), { color: false });
    golden("expected.txt", plain);
    assertInert(plain, "text");
    assert.ok(
      plain.includes(
        '  !lobby:evil.example "Lobby\\u001b]0;owned\\u0007 \\u001b[2Jgone safe\\rEVIL a\\u0000b abc\\u202edef a\\u0085b\\u2028c\\u007f x\\n# ✅ No changes x\\n::error ::x x\\n```\\ny @everyone @org/team ![x](http://evil.example/x.png) [link](http://evil.example) <!-- spaceform-plan -->" in space: kept linked (--unlink-unmanaged would unlink it)\n',
      ),
    );
    const coloured = renderText(hostilePlan(), { color: true });
    // eslint-disable-next-line no-control-regex -- the palette's own SGR codes
    const withoutColours = coloured.replace(/\u001b\[\d+m/g, "");
    assert.equal(withoutColours, plain, "colour adds SGR codes and nothing else");
    assertInert(withoutColours, "coloured text");
  });

  it("Markdown: no block, fence, mention, link, image or comment can come from a value", () => {
    const md = renderMarkdown(hostilePlan());
    golden("expected.md", md);
    assertInert(md, "markdown");
    const headings = md.split("\n").filter((l) => /^#{1,6} /.test(l));
    assert.deepEqual(headings, [
      "## spaceform plan: de-rse",
      "### Warnings",
      "### Changes",
      "### Rooms the manifest does not name",
    ]);
    const fences = md.split("\n").filter((l) => /^\s*(```|~~~)/.test(l));
    assert.deepEqual(fences, ["```mermaid", "```", "````diff", "````"]);
    // Outside code blocks (where GitHub renders text as it is), no markup from a value survives.
    const prose = md.replace(/^(`{3,})[a-z]*\n[\s\S]*?^\1$/gm, "");
    assert.ok(prose.includes("spaceform-plan"), "the hostile name is in the prose");
    assert.doesNotMatch(prose, /(^|[^\\])!\[/, "an image");
    assert.doesNotMatch(prose, /(^|[^\\])\[link\]/, "a link");
    assert.doesNotMatch(prose, /@(everyone|org)/, "a mention");
    assert.doesNotMatch(prose, /<!--/, "an HTML comment");
    assert.doesNotMatch(prose, /https?:\/\//, "an autolink");
  });

  it("Mermaid: labels cannot end their string, the diagram or the fence", () => {
    const tree = hostilePlan().spaces[0]!.tree;
    assert.equal(
      renderMermaid(tree),
      [
        "graph TD",
        '  n0(["de-RSE"])',
        '  n1["x\\n#96;#96;#96;\\ny<br/>#35;gen#34;]--#62;x[#34;x:example.org"]',
        "  n0 --> n1",
        "  classDef update fill:#fff8c5,stroke:#9a6700,color:#0d1117",
        "  class n1 update",
        "",
      ].join("\n"),
    );
  });

  it("JSON: the same values, with C1, DEL and bidi characters written as escapes", () => {
    const plan = hostilePlan();
    const json = renderJson(plan);
    assertNoRawControls(json, "json");
    assert.deepEqual(JSON.parse(json), plan);
    assert.ok(
      json.includes(
        '"before": "Lobby\\u001b]0;owned\\u0007 \\u001b[2Jgone safe\\rEVIL a\\u0000b abc\\u202edef a\\u0085b\\u2028c\\u007f x\\n# ✅ No changes x\\n::error ::x x\\n```\\ny @everyone @org/team ![x](http://evil.example/x.png) [link](http://evil.example) <!-- spaceform-plan -->",',
      ),
    );
  });

  it("import YAML: valid YAML, comments on one line, values as escapes in double quotes", () => {
    const entry = (key: string, name: string) => ({
      key,
      address: key === "space" ? "space" : `rooms.${key}`,
      room_id: `!${key}:example.org` as RoomId,
      kind: "room" as const,
      fields: [
        ["id", `!${key}:example.org` as RoomId],
        ["name", name],
      ] as Field[],
      notes: [`name was ${HOSTILE.command}`],
      children: [],
      omitted: [],
    });
    const built: BuiltImport = {
      root: {
        ...entry("space", "Space"),
        kind: "space",
        notes: [],
        children: [entry("general", ALL_IN_ONE)],
        omitted: [{ room_id: "!x:evil.example", label: HOSTILE.osc, reason: HOSTILE.heading }],
      },
      defaults: [],
      diagnostics: [],
      entryCount: 2,
    };
    const yaml = renderManifest(built, {
      schemaRef: "../schemas/space.schema.json",
      importedFrom: `#space:example.org${HOSTILE.clear}`,
      userId: "@bot:example.org",
      now: new Date("2025-01-01T00:00:00Z"),
      version: "0.1.0",
    });
    golden("expected.yaml", yaml);
    assertNoRawControls(yaml, "yaml");
    const data = parse(yaml) as { rooms: { general: { name: string } } };
    assert.equal(data.rooms.general.name, ALL_IN_ONE, "the value survives exactly");
    for (const line of yaml.split("\n")) {
      assert.doesNotMatch(line, /^\s*(::|# ✅|```)/, `a forged line: ${line}`);
    }
  });
});

describe("the output guard", () => {
  it("defuses workflow commands that spaceform did not make, and keeps its own", () => {
    assert.equal(
      safeOutput(`name: x\n::error ::x\n  ::add-mask::y\nok ##[error]z\n`),
      "name: x\n\\u003a:error ::x\n  \\u003a:add-mask::y\nok #\\u0023[error]z\n",
    );
    const annotation = githubAnnotation({
      severity: "error",
      code: "text.control-character",
      message: `bad ${HOSTILE.command}`,
      file: "spaces/a.yaml",
      line: 3,
      path: "rooms.general.name",
    });
    assert.equal(
      annotation,
      "::error file=spaces/a.yaml,line=3,title=spaceform text.control-character::rooms.general.name: bad x\\n::error ::x\n",
    );
    assert.equal(safeOutput(annotation), annotation, "an annotation spaceform made passes");
    assert.equal(safeOutput(`x${annotation}`, false), `x${annotation}`, "mid-line is no command");
  });

  it("lets only colour codes through, escaping every other control", () => {
    assert.equal(
      safeOutput(`\u001b[31mred\u001b[39m ${HOSTILE.osc} ${HOSTILE.clear} ${HOSTILE.cr}\ttab\n`),
      "\u001b[31mred\u001b[39m Lobby\\u001b]0;owned\\u0007 \\u001b[2Jgone safe\\rEVIL\ttab\n",
    );
  });
});
