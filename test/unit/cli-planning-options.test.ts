// The planning guards on the command line: --max-removals and --max-upgrades take whole numbers of
// 0 or more, refused before anything else happens; a saved plan is applied as it was made, so a
// planning flag that differs from the one it was made with is refused instead of ignored.
import assert from "node:assert/strict";
import { copyFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { before, describe, it } from "node:test";
import { runCli, type CliResult } from "../support/run-cli.ts";

const SAVED = fileURLToPath(new URL("../fixtures/plan/no-changes/expected.json", import.meta.url));

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "spaceform-options-"));
  await copyFile(SAVED, join(dir, "saved.plan.json"));
});

// No MATRIX_* variables: every refusal here comes before any connection.
async function run(args: string[]): Promise<Pick<CliResult, "code" | "stderr">> {
  const { code, stderr } = await runCli(args, {}, { cwd: dir });
  return { code, stderr };
}

const usage = "Run 'spaceform --help', or 'spaceform <command> --help', for usage.";

describe("planning options on the command line", () => {
  for (const [flag, value] of [
    ["--max-upgrades", "abc"],
    ["--max-upgrades", "-1"],
    ["--max-removals", "2.5"],
    ["--max-removals", ""],
  ] as const) {
    it(`refuses ${flag} ${JSON.stringify(value)}`, async () => {
      const r = await run(["plan", "spaces/", flag, value]);
      assert.deepEqual(r, {
        code: 1,
        stderr: `Error: ${flag} must be a whole number of 0 or more, not ${JSON.stringify(value)}.\n${usage}\n`,
      });
    });
  }

  it("refuses a planning flag that differs from the one a saved plan was made with", async () => {
    const r = await run(["apply", "saved.plan.json", "--max-upgrades", "1"]);
    assert.deepEqual(r, {
      code: 1,
      stderr:
        "Error: saved.plan.json was planned with --max-upgrades 10; a saved plan is applied exactly as it was made, so --max-upgrades 1 would change nothing. Run plan again with the flag, or leave it out.\n",
    });
    const flag = await run(["apply", "saved.plan.json", "--unlink-unmanaged"]);
    assert.deepEqual(flag, {
      code: 1,
      stderr:
        "Error: saved.plan.json was planned with --unlink-unmanaged false; a saved plan is applied exactly as it was made, so --unlink-unmanaged true would change nothing. Run plan again with the flag, or leave it out.\n",
    });
  });
});
