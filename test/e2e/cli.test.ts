// `spaceform plan` and `spaceform apply` as a user runs them: exit codes, saved plans and their
// staleness, refusals, confirmation without a terminal, help texts, and the access token never
// appearing in any output, failures included.
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { MatrixClient } from "matrix-js-sdk";
import { freshWorld, type World } from "../homeserver/harness.ts";
import {
  deRseManifest,
  envFor,
  manifestDir,
  roomOf,
  runCli,
  runCliOnTty,
  sdkClient,
  writeManifest,
  type CliResult,
} from "./apply.support.ts";

describe("spaceform plan / apply (CLI, end to end)", () => {
  let world: World;
  let dir: string;
  let file: string;
  let env: NodeJS.ProcessEnv;
  let botClient: MatrixClient;
  const outputs: string[] = [];

  async function cli(args: string[], e: NodeJS.ProcessEnv = env): Promise<CliResult> {
    const r = await runCli(args, e, { cwd: dir });
    outputs.push(r.stdout, r.stderr);
    return r;
  }

  before(async () => {
    world = await freshWorld({ name: "cli", diagnostic: () => undefined });
    dir = await manifestDir();
    file = await writeManifest(dir, "de-rse", deRseManifest(world));
    env = envFor(world.hs, world.bot);
    botClient = sdkClient(world.hs, world.bot);
  });

  after(() => {
    // Every run above, failures included, printed something; none of it may hold a token.
    const all = outputs.join("\n");
    assert.ok(all.length > 1000, "the runs printed their output");
    for (const token of [world.bot.accessToken, world.moderators[1].accessToken]) {
      assert.equal(all.includes(token), false, "an access token appeared in the output");
    }
  });

  it("teaches with examples in --help", async () => {
    for (const command of ["plan", "apply"]) {
      const r = await cli([command, "--help"]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Examples:/);
      assert.match(r.stdout, /MATRIX_ACCESS_TOKEN/);
    }
  });

  it("sends nothing when the manifest is invalid", async () => {
    const bad = await writeManifest(dir, "bad", "version: 1\nspace:\n  nmae: typo\n");
    // An unreachable homeserver: connecting would fail differently.
    const r = await cli(["plan", bad], { ...env, MATRIX_HOMESERVER: "http://127.0.0.1:9" });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not valid/);
    assert.match(r.stderr, /nmae/);
    assert.doesNotMatch(r.stderr, /cannot reach|ECONNREFUSED/i);
  });

  it("says which variable is missing", async () => {
    const r = await cli(["plan", file], { MATRIX_HOMESERVER: world.hs.baseUrl });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /MATRIX_ACCESS_TOKEN/);
  });

  it("reports a rejected token without printing it", async () => {
    const r = await cli(["plan", file], {
      ...env,
      MATRIX_ACCESS_TOKEN: "syt_not_a_real_token_4242",
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /M_UNKNOWN_TOKEN|rejected/);
    assert.equal(r.stderr.includes("syt_not_a_real_token_4242"), false);
  });

  it("refuses to apply without a terminal unless --auto-approve", async () => {
    const r = await cli(["apply", file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--auto-approve/);
    await assert.rejects(roomOf(botClient, world.alias("space")), "nothing was created");
  });

  it("asks on a terminal, and anything but 'yes' cancels", async () => {
    const r = await runCliOnTty(["apply", file], env, "y", { cwd: dir });
    outputs.push(r.stdout, r.stderr);
    assert.match(r.stdout, /Do you want to perform these actions\? Only 'yes' will be accepted:/);
    assert.match(r.stdout, /Apply cancelled; nothing was changed\./);
    assert.equal(r.code, 1);
    await assert.rejects(roomOf(botClient, world.alias("space")), "nothing was created");
  });

  it("plans (exit 2 with changes), applies, then plans no changes (exit 0)", async () => {
    const planned = await cli(["plan", "--detailed-exitcode", file]);
    assert.equal(planned.code, 2, planned.stderr);
    assert.match(planned.stdout, /Plan: \d+ to create/);
    assert.doesNotMatch(planned.stdout, /Reading the live state/, "progress goes to stderr");

    const applied = await cli(["apply", "--auto-approve", file]);
    assert.equal(applied.code, 0, applied.stderr);
    // The steps that make one new room are told apart by their descriptions.
    assert.match(
      applied.stderr,
      /^\[1\/\d+\] \+ space \(create space space \(#\S+-space:\S+\)\) … done$/m,
    );
    assert.match(
      applied.stderr,
      /^\[2\/\d+\] \+ space \(create alias #\S+-space:\S+ for space\) … done$/m,
    );
    assert.match(
      applied.stdout,
      /Apply complete: \d+ created, 0 updated, 0 deleted, \d+ requests\./,
    );

    const again = await cli(["plan", "--detailed-exitcode", file]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /No changes/);

    const json = await cli(["plan", "--format", "json", file]);
    assert.equal(json.code, 0);
    const doc = JSON.parse(json.stdout) as { format_version: number; changes: unknown[] };
    assert.equal(doc.format_version, 2);
    assert.deepEqual(doc.changes, []);
    const md = await cli(["plan", "--format", "markdown", file]);
    assert.equal(md.code, 0);
    assert.match(md.stdout, /No changes/i);
  });

  it("applies a saved plan, and refuses it once stale or for another account", async () => {
    const general = await roomOf(botClient, world.alias("general"));
    await botClient.sendStateEvent(
      general,
      "m.room.topic" as never,
      { topic: "drift 1" } as never,
      "",
    );
    const planFile = join(dir, "de-rse.plan.json");
    const saved = await cli(["plan", "--out", planFile, "--detailed-exitcode", file]);
    assert.equal(saved.code, 2, saved.stderr);
    assert.match(saved.stderr, /Saved the plan to/);
    const doc = JSON.parse(await readFile(planFile, "utf8")) as { format_version: number };
    assert.equal(doc.format_version, 2);

    // Another account may not apply it.
    const otherEnv = envFor(world.hs, world.moderators[1]);
    const other = await cli(["apply", planFile], otherEnv);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /was made as .* but MATRIX_ACCESS_TOKEN belongs to/);

    // The world moves: the saved plan is stale and nothing is applied.
    await botClient.sendStateEvent(
      general,
      "m.room.topic" as never,
      { topic: "drift 2" } as never,
      "",
    );
    const stale = await cli(["apply", planFile]);
    assert.equal(stale.code, 1);
    assert.match(
      stale.stderr,
      /Saved plan is stale: the live state of de-rse changed since the plan was made\. Run plan again\./,
    );
    const topic = (await botClient.getStateEvent(general, "m.room.topic", "")) as { topic: string };
    assert.equal(topic.topic, "drift 2");

    // A changed manifest makes it stale too.
    const fresh = await cli(["plan", "--out", planFile, file]);
    assert.equal(fresh.code, 0);
    const original = await readFile(file, "utf8");
    await writeFile(file, `${original}# a comment\n`);
    const changedManifest = await cli(["apply", planFile]);
    assert.equal(changedManifest.code, 1);
    assert.match(changedManifest.stderr, /Saved plan is stale: .*de-rse\.yaml changed/);
    await writeFile(file, original);

    // Answering 'yes' on a terminal applies.
    const tty = await runCliOnTty(["apply", file], env, "yes", { cwd: dir });
    outputs.push(tty.stdout, tty.stderr);
    assert.equal(tty.code, 0, tty.stdout);
    assert.match(tty.stdout, /Apply complete: 0 created, 1 updated, 0 deleted/);
    await botClient.sendStateEvent(
      general,
      "m.room.topic" as never,
      { topic: "drift 3" } as never,
      "",
    );
    const fresh2 = await cli(["plan", "--out", planFile, file]);
    assert.equal(fresh2.code, 0);

    // Fresh again: applied exactly, without a question.
    const ok = await cli(["apply", planFile]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Apply complete: 0 created, 1 updated, 0 deleted/);
    const repaired = (await botClient.getStateEvent(general, "m.room.topic", "")) as {
      topic: string;
    };
    assert.equal(repaired.topic, "General discussion");
  });

  it("refuses a saved plan that was refused, corrupted, or of another format, before connecting", async () => {
    const offline = { ...env, MATRIX_HOMESERVER: "http://127.0.0.1:9" };
    const made = await cli(["plan", "--format", "json", file]);
    assert.equal(made.code, 0, made.stderr);
    const plan = JSON.parse(made.stdout) as Record<string, unknown>;

    const refused = join(dir, "refused.plan.json");
    await writeFile(refused, JSON.stringify({ ...plan, refused: true }));
    const r = await cli(["apply", refused], offline);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is a refused plan; it can never be applied/);

    const corrupted = join(dir, "corrupted.plan.json");
    const { steps: _steps, ...withoutSteps } = plan;
    await writeFile(corrupted, JSON.stringify({ ...withoutSteps, summary: { create: -1 } }));
    const c = await cli(["apply", corrupted], offline);
    assert.equal(c.code, 1);
    assert.ok(
      c.stderr.includes(
        `${corrupted} is not a valid spaceform plan (schemas/plan.schema.json); it was edited or is corrupted, and nothing was sent:\n  (the document): must have required property 'steps'\n`,
      ),
      c.stderr,
    );
    assert.match(c.stderr, /\/summary: must have required property 'update'/);
    assert.match(c.stderr, /\/summary\/create: must be >= 0/);

    const future = join(dir, "future.plan.json");
    await writeFile(future, JSON.stringify({ format_version: 99, steps: [], based_on: [] }));
    const f = await cli(["apply", future], offline);
    assert.equal(f.code, 1);
    assert.match(f.stderr, /format_version 99/);
  });

  it("refuses a saved plan whose steps were edited: what runs is what was reviewed", async () => {
    const general = await roomOf(botClient, world.alias("general"));
    await botClient.sendStateEvent(
      general,
      "m.room.topic" as never,
      { topic: "drift 4" } as never,
      "",
    );
    const planFile = join(dir, "edited.plan.json");
    const made = await cli(["plan", "--out", planFile, file]);
    assert.equal(made.code, 0, made.stderr);
    const text = await readFile(planFile, "utf8");
    interface Doc {
      steps: { op: string; content?: Record<string, unknown>; description: string }[];
    }
    const original = JSON.parse(text) as Doc;
    const [step, ...others] = original.steps;
    assert.ok(step !== undefined && others.length === 0, "one step");
    assert.equal(step.content?.["topic"], "General discussion");

    // The step sends another topic than the reviewed change says.
    const edited = JSON.parse(text) as Doc;
    (edited.steps[0]?.content ?? {})["topic"] = "Nobody reviewed this";
    await writeFile(planFile, JSON.stringify(edited, null, 2));
    const e = await cli(["apply", planFile]);
    assert.equal(e.code, 1);
    assert.ok(
      e.stderr.includes(
        `This saved plan is not the plan spaceform makes for these manifests and this live state: its step 1 (${step.description}) is not what spaceform would send there.`,
      ),
      e.stderr,
    );

    // A step added to the file.
    const added = JSON.parse(text) as Doc;
    added.steps.push({ ...structuredClone(step), description: "looks harmless" });
    await writeFile(planFile, JSON.stringify(added, null, 2));
    const a = await cli(["apply", planFile]);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /its step 2 \(looks harmless\) is not what spaceform would send there/);

    // Nothing of either reached the room; the file as it was made applies.
    const topic = (await botClient.getStateEvent(general, "m.room.topic", "")) as { topic: string };
    assert.equal(topic.topic, "drift 4");
    await writeFile(planFile, text);
    const ok = await cli(["apply", planFile]);
    assert.equal(ok.code, 0, ok.stderr);
    const repaired = (await botClient.getStateEvent(general, "m.room.topic", "")) as {
      topic: string;
    };
    assert.equal(repaired.topic, "General discussion");
  });

  it("refuses a lock-out in plan and apply", async () => {
    const lowered = await writeManifest(
      dir,
      "lowered",
      deRseManifest(world, { botLevelInGeneral: 0, withoutAdminsRule: true }),
    );
    const plan = await cli(["plan", "--detailed-exitcode", lowered]);
    assert.equal(plan.code, 1);
    assert.match(plan.stderr, /refused/);
    const apply = await cli(["apply", "--auto-approve", lowered]);
    assert.equal(apply.code, 1);
    assert.match(apply.stderr, /refused/);
    assert.doesNotMatch(apply.stdout, /Apply complete/);
  });
});
