/**
 * `spaceform page` as users run it: golden sections for spaces/de-rse.yaml and a manifest with
 * subspaces, hostile manifest text rendered inert, --out keeping the page around the section,
 * --check with a diff, and no network library loaded.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { runCliSync } from "../support/run-cli.ts";
import { sdkLoadHook } from "./sdk-load-hook.ts";

const FIXTURES = "test/fixtures/page";
const DE_RSE = readFileSync(`${FIXTURES}/de-rse.expected.md`, "utf8");
const CHAPTERS = readFileSync(`${FIXTURES}/chapters.expected.md`, "utf8");
const WJ = "\u2060";

function page(args: string[], nodeArgs: string[] = []) {
  return runCliSync(["page", ...args], {}, { nodeArgs });
}

const tmp = (): string => mkdtempSync(join(tmpdir(), "spaceform-page-"));

describe("spaceform page", () => {
  it("prints the de-RSE section, exactly the golden file", () => {
    const r = page([]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, DE_RSE);
    assert.equal(r.stderr, "");
    // What the golden file says, in words: the rooms in manifest order, then the rules.
    assert.deepEqual(
      DE_RSE.split("\n")
        .filter((l) => l.startsWith("- ["))
        .map((l) => l.slice(3, l.indexOf("]"))),
      ["deRSE-general", "deRSE-introductions", "deRSE-jobs", "deRSE-events", "deRSE-offtopic"],
    );
    assert.ok(
      DE_RSE.includes("\n- `@de-rse:matrix.org` is an admin of the room (power level 100).\n"),
    );
  });

  it("nests subspaces as sections and qualifies short aliases with --server-name", () => {
    const r = page([`${FIXTURES}/chapters.yaml`, "--server-name", "example.org"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, CHAPTERS);
    assert.deepEqual(
      CHAPTERS.split("\n").filter((l) => l.startsWith("#")),
      [
        "## [RSE community](https://matrix.to/#/%23rse%3Aexample.org)",
        "### [Chapters](https://matrix.to/#/%23rse-chapters%3Aexample.org)",
        "#### Southern chapters",
        "### House rules for additional rooms",
      ],
    );
  });

  it("writes one section per manifest, each replaced in place by its own markers", () => {
    const both = [
      "spaces/de-rse.yaml",
      `${FIXTURES}/chapters.yaml`,
      "--server-name",
      "example.org",
    ];
    const r = page(both);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${DE_RSE}\n${CHAPTERS}`);

    const out = join(tmp(), "page.md");
    const staleChapters = CHAPTERS.replace("Meets monthly", "Meets weekly");
    writeFileSync(out, `${staleChapters}\nBetween the two.\n\n${DE_RSE}`);
    assert.equal(page([...both, "--check", out]).code, 1);
    assert.equal(page([...both, "--out", out]).code, 0);
    assert.equal(readFileSync(out, "utf8"), `${CHAPTERS}\nBetween the two.\n\n${DE_RSE}`);
    assert.equal(page([...both, "--check", out]).code, 0);
  });

  it("refuses a short alias without --server-name, at its line, and writes nothing", () => {
    const dir = tmp();
    const out = join(dir, "page.md");
    const r = page([`${FIXTURES}/chapters.yaml`, "--out", out]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    // (The house rules also warn about the moderators that rooms created by apply would lack.)
    const located = r.stderr
      .split("\n")
      .filter((l) => l.startsWith(`${FIXTURES}/chapters.yaml:`) && l.includes(": error: "));
    assert.deepEqual(
      located.map((l) => l.split(": ").slice(0, 3).join(": ")),
      [
        `${FIXTURES}/chapters.yaml:5:3: error: space.alias`,
        `${FIXTURES}/chapters.yaml:12:5: error: rooms.general.alias`,
        `${FIXTURES}/chapters.yaml:33:5: error: rooms.jobs.alias`,
      ],
    );
    assert.throws(() => readFileSync(out), /ENOENT/);
  });

  it("renders hostile names and topics inert", () => {
    const dir = tmp();
    const file = join(dir, "hostile.yaml");
    writeFileSync(
      file,
      [
        "version: 1",
        "space:",
        '  alias: "#s:example.org"',
        '  name: "<script>alert(1)</script> [x](https://evil.example)"',
        '  topic: "line\\n\\n# Heading\\n- item\\n![i](https://evil.example/i.png) @room"',
        "rooms:",
        "  r:",
        '    id: "!r:example.org"',
        '    name: "**bold** <b>x</b> www.evil.example"',
        '    topic: "> quote | cell | mail@evil.example"',
        "policies:",
        "  name_prefixes:",
        '    - match: "other-*"',
        '      prefix: "`x` <b>"',
        "",
      ].join("\n"),
    );
    const r = page([file]);
    assert.equal(r.code, 0, r.stderr);
    const body = r.stdout.split("\n").slice(2, -3);
    assert.deepEqual(body, [
      `## [\\<script\\>alert\\(1\\)\\</script\\> \\[x\\]\\(https:${WJ}//evil.example\\)](https://matrix.to/#/%23s%3Aexample.org)`,
      "",
      `line \\#${WJ} Heading - item \\!\\[i\\]\\(https:${WJ}//evil.example/i.png\\) @${WJ}room`,
      "",
      `- [\\*\\*bold\\*\\* \\<b\\>x\\</b\\> w${WJ}ww.evil.example](https://matrix.to/#/!r%3Aexample.org?via=example.org): \\> quote \\| cell \\| mail@${WJ}evil.example`,
      "",
      "### House rules for additional rooms",
      "",
      "Members may create rooms of their own and ask for them to be added to the space. A room is added when:",
      "",
      "- A room listed under a key that matches `other-*` has a name that starts with `` `x` <b> ``.",
      "",
      "In a key pattern, `*` stands for any text and `?` for any one character.",
    ]);
  });

  it("--out writes a new file, then updates the section in place and keeps the page around it", () => {
    const dir = tmp();
    const out = join(dir, "matrix.md");
    const first = page(["--out", out]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, "");
    assert.equal(first.stderr, `${out}: written\n`);
    assert.equal(readFileSync(out, "utf8"), DE_RSE);

    const stale = DE_RSE.replace("deRSE-jobs", "deRSE-old-jobs");
    writeFileSync(out, `# Matrix\n\nOur rooms:\n\n${stale}\nQuestions? Write to us.\n`);
    const second = page(["--out", out]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stderr, `${out}: updated\n`);
    assert.equal(
      readFileSync(out, "utf8"),
      `# Matrix\n\nOur rooms:\n\n${DE_RSE}\nQuestions? Write to us.\n`,
    );
    const third = page(["--out", out]);
    assert.equal(third.stderr, `${out}: already current\n`);
  });

  it("--out appends the section to a page that has none yet", () => {
    const dir = tmp();
    const out = join(dir, "matrix.md");
    writeFileSync(out, "# Matrix\n\nHand-written intro.\n");
    const r = page(["--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, "utf8"), `# Matrix\n\nHand-written intro.\n\n${DE_RSE}`);
  });

  it("--check: 0 when current, 1 with a unified diff when stale", () => {
    const dir = tmp();
    const file = join(dir, "matrix.md");
    writeFileSync(file, `Intro\n\n${DE_RSE}`);
    const current = page(["--check", file]);
    assert.equal(current.code, 0, current.stderr);
    assert.equal(current.stdout, "");
    assert.equal(current.stderr, `${file}: the page section is current.\n`);

    writeFileSync(file, `Intro\n\n${DE_RSE.replace("deRSE-jobs]", "deRSE-old-jobs]")}`);
    const stale = page(["--check", file]);
    assert.equal(stale.code, 1);
    const jobs = DE_RSE.split("\n").find((l) => l.startsWith("- [deRSE-jobs]"))!;
    const lines = DE_RSE.split("\n");
    const at = lines.indexOf(jobs);
    assert.equal(
      stale.stdout,
      [
        `--- ${file}\tcurrent`,
        `+++ ${file}\tgenerated`,
        `@@ -${at},7 +${at},7 @@`,
        ...lines.slice(at - 3, at).map((l) => ` ${l}`),
        `-${jobs.replace("deRSE-jobs]", "deRSE-old-jobs]")}`,
        `+${jobs}`,
        ...lines.slice(at + 1, at + 4).map((l) => ` ${l}`),
        "",
      ].join("\n"),
    );
    assert.equal(
      stale.stderr,
      `${file}: the page section is stale; update it with: spaceform page --out ${file}\n`,
    );
    assert.equal(
      readFileSync(file, "utf8").includes("deRSE-old-jobs"),
      true,
      "--check writes nothing",
    );
  });

  it("--check shows the page's own control characters inert in the diff", () => {
    const dir = tmp();
    const file = join(dir, "matrix.md");
    writeFileSync(file, DE_RSE.replace("deRSE-jobs]", "deRSE-jobs\u001b]0;owned\u0007]"));
    const r = page(["--check", file]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout.includes("\u001b"), false);
    assert.ok(r.stdout.includes("\n-- [deRSE-jobs\uFFFD]0;owned\uFFFD]("), r.stdout);
  });

  it("--check fails on a missing file and on broken markers", () => {
    const dir = tmp();
    const missing = join(dir, "none.md");
    const r = page(["--check", missing]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `${missing} does not exist; write it with: spaceform page --out ${missing}\n`,
    );
    const broken = join(dir, "broken.md");
    writeFileSync(broken, `${DE_RSE.split("\n")[0]!}\nno end marker\n`);
    const b = page(["--check", broken]);
    assert.equal(b.code, 1);
    assert.equal(
      b.stderr,
      `Error: ${broken}: the page has 1 begin and 0 end markers of the de-rse section; it needs one of each.\n`,
    );
  });

  it("explains itself in --help, with examples", () => {
    const r = page(["--help"]);
    assert.equal(r.code, 0);
    for (const text of ["page [paths..]", "--out", "--check", "--server-name", "Examples:"]) {
      assert.ok(r.stdout.includes(text), `--help mentions ${text}`);
    }
  });

  it("refuses --out together with --check", () => {
    const r = page(["--out", "a.md", "--check", "b.md"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Arguments out and check are mutually exclusive/);
  });

  it("never loads matrix-js-sdk", () => {
    const hook = sdkLoadHook();
    const file = join(tmp(), "matrix.md");
    writeFileSync(file, "stale\n");
    for (const args of [[], ["--out", join(tmp(), "new.md")], ["--check", file]]) {
      const r = page(args, ["--import", hook]);
      assert.equal(r.stderr.includes("LOADED"), false, r.stderr);
    }
  });
});
