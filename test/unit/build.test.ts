// The build (scripts/build.ts): one bundle whose lazily loaded parts stay lazy, and whose
// commands answer exactly as the source's do. The end-to-end half is test/e2e/built-program.test.ts.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { builtProgram } from "../support/built-package.ts";
import { runCliSync } from "../support/run-cli.ts";

const FIVE = "test/fixtures/manifest/five-mistakes.yaml";

/** A Node hook that reports every file of the build it loads, as `LOADED <file name>`. */
function loadHook(): string {
  const hook = join(mkdtempSync(join(tmpdir(), "spaceform-hook-")), "hook.mjs");
  writeFileSync(
    hook,
    `import { registerHooks } from "node:module";
registerHooks({ load(url, context, next) {
  if (url.includes("/dist/")) process.stderr.write("LOADED " + url.split("/").pop() + "\\n");
  return next(url, context);
} });
`,
  );
  return hook;
}

function run(program: string, args: string[], nodeArgs: string[] = [], env = {}) {
  return runCliSync(args, env, { program, nodeArgs });
}

/** The build's files whose text includes `needle`. */
function chunksWith(program: string, needle: string): string[] {
  const dist = dirname(program);
  return readdirSync(dist).filter(
    (f) => f.endsWith(".js") && readFileSync(join(dist, f), "utf8").includes(needle),
  );
}

describe("the build", () => {
  const program = builtProgram();

  it("prints the package's version", () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    assert.deepEqual(run(program, ["--version"]), { code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("validates exactly as the source does, mistakes and their lines included", () => {
    for (const args of [["validate"], ["validate", FIVE], ["validate", "--format", "json", FIVE]]) {
      const source = run("src/cli/main.ts", args);
      assert.deepEqual(run(program, args), source, args.join(" "));
    }
    assert.equal(run(program, ["validate", FIVE]).code, 1);
  });

  it("lays out every command's help exactly as the source does", () => {
    // The longest helps: the commands with the most options and examples.
    const commands = [[], ["plan"], ["apply"], ["import"], ["check"], ["github"]];
    for (const args of [...commands, ["github", "drift"], ["github", "request"]]) {
      const source = run("src/cli/main.ts", [...args, "--help"]);
      assert.equal(source.code, 0, args.join(" "));
      assert.deepEqual(run(program, [...args, "--help"]), source, args.join(" "));
    }
  });

  it("reads the homeserver without loading Node's fetch (undici)", () => {
    const hook = join(mkdtempSync(join(tmpdir(), "spaceform-hook-")), "undici.mjs");
    writeFileSync(
      hook,
      `process.on("exit", () => {
  const undici = process.moduleLoadList.filter((m) => m.includes("undici"));
  process.stderr.write("UNDICI " + JSON.stringify(undici) + "\\n");
});
`,
    );
    const plan = run(program, ["plan", "spaces/de-rse.yaml"], ["--import", hook], {
      MATRIX_HOMESERVER: "http://127.0.0.1:9",
      MATRIX_ACCESS_TOKEN: "not-a-token",
    });
    assert.equal(plan.code, 1, plan.stderr);
    assert.match(plan.stderr, /cannot reach http:\/\/127\.0\.0\.1:9: connect ECONNREFUSED/);
    assert.equal(
      plan.stderr.split("\n").find((l) => l.startsWith("UNDICI ")),
      "UNDICI []",
    );
  });

  it("keeps matrix-js-sdk and Octokit out of validate, and loads the SDK for plan", () => {
    const sdk = chunksWith(program, "MatrixHttpApi");
    const octokit = chunksWith(program, "api.github.com");
    assert.ok(sdk.length > 0 && octokit.length > 0, "the SDK and Octokit are in the build");
    const hook = loadHook();
    const loaded = (stderr: string) =>
      stderr
        .split("\n")
        .filter((l) => l.startsWith("LOADED "))
        .map((l) => l.slice("LOADED ".length));

    const validate = run(program, ["validate", FIVE], ["--import", hook]);
    assert.ok(loaded(validate.stderr).includes("spaceform.js"), validate.stderr);
    assert.deepEqual(
      loaded(validate.stderr).filter((f) => sdk.includes(f) || octokit.includes(f)),
      [],
    );
    // The hook sees the SDK where it is loaded: plan, even when the homeserver cannot be reached.
    const plan = run(program, ["plan", "spaces/de-rse.yaml"], ["--import", hook], {
      MATRIX_HOMESERVER: "http://127.0.0.1:9",
      MATRIX_ACCESS_TOKEN: "not-a-token",
    });
    assert.equal(plan.code, 1, plan.stderr);
    assert.ok(
      loaded(plan.stderr).some((f) => sdk.includes(f)),
      plan.stderr,
    );
  });
});
