// The one step-output writer (GITHUB_OUTPUT): what it writes, and the names and values it refuses
// because they could write another output (a second line, or a `name<<DELIMITER` heredoc).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setStepOutputs } from "../../src/github/context.ts";

function withOutputFile(body: (outputFile: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "spaceform-step-outputs-"));
  try {
    const outputFile = join(dir, "output");
    writeFileSync(outputFile, "earlier=1\n");
    body(outputFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("setStepOutputs", () => {
  it("appends one name=value line per output, in order", () => {
    withOutputFile((outputFile) => {
      setStepOutputs(
        { outputFile },
        { current: "true", "pull-request": "12", "head-sha": "0a1b2c", "no-plan": "" },
      );
      assert.equal(
        readFileSync(outputFile, "utf8"),
        "earlier=1\ncurrent=true\npull-request=12\nhead-sha=0a1b2c\nno-plan=\n",
      );
    });
  });

  const refused: [string, Record<string, string>, string][] = [
    [
      "a newline in a value",
      { plan: "true\nexit-code=0" },
      "step output plan: the value must be one line without control characters",
    ],
    [
      "a carriage return in a value",
      { plan: "true\rexit-code=0" },
      "step output plan: the value must be one line without control characters",
    ],
    ["a heredoc start in a name", { "plan<<EOF": "x" }, 'not a step output name: "plan<<EOF"'],
    [
      "a newline in a name",
      { "plan\nexit-code": "0" },
      'not a step output name: "plan\\nexit-code"',
    ],
    [
      "an equals sign in a name",
      { "exit-code=0\nplan": "x" },
      'not a step output name: "exit-code=0\\nplan"',
    ],
    ["an empty name", { "": "x" }, 'not a step output name: ""'],
    [
      "another control character in a value",
      { plan: "a\u0000b" },
      "step output plan: the value must be one line without control characters",
    ],
  ];
  for (const [what, outputs, message] of refused) {
    it(`refuses ${what} and writes nothing, not even the valid outputs before it`, () => {
      withOutputFile((outputFile) => {
        assert.throws(() => {
          setStepOutputs({ outputFile }, { current: "true", ...outputs });
        }, new Error(message));
        assert.equal(readFileSync(outputFile, "utf8"), "earlier=1\n");
      });
    });
  }

  it("prints the lines without GITHUB_OUTPUT (a local run)", () => {
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string) => {
      written.push(chunk);
      return true;
    };
    try {
      setStepOutputs({}, { current: "false" });
    } finally {
      process.stdout.write = original;
    }
    assert.deepEqual(written, ["current=false\n"]);
  });
});
