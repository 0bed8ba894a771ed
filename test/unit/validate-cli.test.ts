/** `spaceform validate` as users run it: a child process, its stdout and exit code. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ValidateReport } from "../../src/cli/commands/validate.ts";
import { runCliSync } from "../support/run-cli.ts";
import { sdkLoadHook } from "./sdk-load-hook.ts";

const FIVE = "test/fixtures/manifest/five-mistakes.yaml";
const WARN = "test/fixtures/manifest/warning-only.yaml";

// No NO_COLOR: what the output looks like on no terminal, whatever the environment of the tests.
function validate(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []) {
  return runCliSync(["validate", ...args], { NO_COLOR: undefined, ...env }, { nodeArgs });
}

describe("spaceform validate", () => {
  it("passes on spaces/ with a one-line verdict per file", () => {
    const r = validate([]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, "spaces/de-rse.yaml: valid, 5 rooms\n");
  });

  it("fails on the five-mistakes manifest, listing each mistake at its line", () => {
    const r = validate([FIVE]);
    assert.equal(r.code, 1);
    const located = r.stdout.split("\n").filter((l) => l.startsWith(`${FIVE}:`));
    assert.deepEqual(
      located.map((l) => l.split(":").slice(1, 3).join(":")),
      ["11:5", "13:5", "15:16", "17:5", "19:12"],
    );
    assert.match(r.stdout, /hint: Did you mean `topic`\?/);
    assert.match(r.stdout, /\n5 errors in 1 file\n$/);
    assert.ok(!r.stdout.includes("\u001b["), "no colour when not a terminal");
  });

  it("prints a JSON report with --format json", () => {
    const r = validate(["--format", "json", FIVE, "spaces/"]);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as ValidateReport;
    assert.equal(report.valid, false);
    assert.equal(report.errors, 5);
    assert.equal(report.warnings, 0);
    assert.deepEqual(report.files, [
      { file: FIVE, valid: false },
      { file: "spaces/de-rse.yaml", name: "de-rse", valid: true, rooms: 5, subspaces: 0 },
    ]);
    assert.deepEqual(report.diagnostics[0], {
      severity: "error",
      code: "schema.unknown-field",
      message: "Unknown field `topik` in `rooms.general`.",
      hint: "Did you mean `topic`?",
      file: FIVE,
      line: 11,
      column: 5,
      path: "rooms.general.topik",
    });
  });

  it("annotates lines under GitHub Actions", () => {
    const r = validate([FIVE], { GITHUB_ACTIONS: "true" });
    assert.equal(r.code, 1);
    const annotations = r.stdout.split("\n").filter((l) => l.startsWith("::"));
    assert.equal(annotations.length, 5);
    assert.equal(
      annotations[0],
      `::error file=${FIVE},line=11,col=5,title=spaceform schema.unknown-field::rooms.general.topik: Unknown field \`topik\` in \`rooms.general\`. (Did you mean \`topic\`?)`,
    );
    assert.ok(annotations.every((a) => /^::error file=[^,]+,line=\d+,col=\d+,title=/.test(a)));
    assert.equal(
      validate([FIVE]).stdout.includes("::error"),
      false,
      "no annotations outside Actions",
    );
  });

  it("prints warnings without failing, unless --strict", () => {
    const r = validate([WARN]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /warning: rooms\.general\.allow: /);
    assert.match(r.stdout, /warning-only\.yaml: valid, 1 room, 1 warning\n1 warning in 1 file\n$/);
    assert.equal(validate(["--strict", WARN]).code, 1);
  });

  it("fails cleanly on a path that does not exist", () => {
    const r = validate(["no/such/dir"]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /no\/such\/dir does not exist/);
  });

  it("teaches usage in --help, with an example manifest", () => {
    const r = validate(["--help"]);
    assert.equal(r.code, 0);
    for (const text of [
      "validate [paths..]",
      "--format",
      "--strict",
      "Examples:",
      "validate spaces/de-rse.yaml",
      "version: 1",
      "unmanaged",
    ]) {
      assert.ok(r.stdout.includes(text), `--help mentions ${text}`);
    }
  });

  it("never loads matrix-js-sdk", () => {
    const r = validate([], {}, ["--import", sdkLoadHook()]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /LOADED/);
  });
});
