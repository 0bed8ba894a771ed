// The build (dist/spaceform.js, what `npx spaceform` and the package's `bin` run) is the same
// program as the source the other tests run: against the local Synapse it validates, plans,
// applies and plans again with exactly the source's output and exit codes.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { freshWorld, type World } from "../homeserver/harness.ts";
import { builtProgram } from "../support/built-package.ts";
import { deRseManifest, envFor, manifestDir, runCli, writeManifest } from "./apply.support.ts";

describe("the built program (end to end)", () => {
  let world: World;
  let dir: string;
  let file: string;
  let env: NodeJS.ProcessEnv;
  let program: string;

  before(async () => {
    program = builtProgram();
    world = await freshWorld({ name: "built", diagnostic: () => undefined });
    dir = await manifestDir();
    file = await writeManifest(dir, "de-rse", deRseManifest(world));
    env = envFor(world.hs, world.bot);
  });

  const both = async (args: string[]) => {
    const source = await runCli(args, env, { cwd: dir });
    const built = await runCli(args, env, { cwd: dir, program });
    return { source, built };
  };

  it("plans a new space exactly as the source does", async () => {
    const { source, built } = await both(["plan", "--detailed-exitcode", file]);
    assert.equal(source.code, 2, source.stderr);
    assert.deepEqual(built, source);
    assert.match(built.stdout, /Plan: 8 to create, 0 to update, 0 to delete/);
  });

  it("applies, and then plans no changes", async () => {
    const applied = await runCli(["apply", "--auto-approve", file], env, { cwd: dir, program });
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /Apply complete/);
    const { source, built } = await both(["plan", "--detailed-exitcode", file]);
    assert.equal(built.code, 0, built.stdout + built.stderr);
    assert.deepEqual(built, source);
  });

  it("fails on an unreachable homeserver as the source does: exit 1, no bug report", async () => {
    const gone = { ...env, MATRIX_HOMESERVER: "http://127.0.0.1:9" };
    const source = await runCli(["plan", file], gone, { cwd: dir });
    const built = await runCli(["plan", file], gone, { cwd: dir, program });
    assert.deepEqual(built, source);
    assert.equal(built.code, 1);
    assert.match(
      built.stderr,
      /\nError: cannot reach http:\/\/127\.0\.0\.1:9: .*\(GET \/whoami\)\./,
    );
    assert.doesNotMatch(built.stderr, /bug/);
  });
});
