// docs/github.md's set-up, performed as written, in a fresh repository of another community:
// spaceform packed as a release would be (`npm pack`), the documented login for the bot's token,
// the documented `npx` import and validate (no local install), the dev-dependency install that
// makes the `$schema` line resolve, then the four workflow templates' spaceform steps, with their
// own inputs, run through action.yml's steps (test/fixtures/github/run-action.ts) against the local
// Synapse and the GitHub stand-in: a pull request gets its plan, the merge applies it, the drift
// check finds none. The only edits to the documented text are the placeholders: the spaceform
// package (the packed tarball instead of github:OWNER/spaceform#<sha>), the homeserver, the space.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { PLAN_MARKER } from "../../src/github/markers.ts";
import { startFakeGitHub, type FakeGitHub, type FakePull } from "../fixtures/github/fake-github.ts";
import { runAction, runnerEnv, type ActionRun } from "../fixtures/github/run-action.ts";
import { freshWorld, type World } from "../homeserver/harness.ts";

const root = resolve(import.meta.dirname, "..", "..");
const docs = readFileSync(join(root, "docs", "github.md"), "utf8");
const sha = (n: number): string => n.toString(16).padStart(2, "0").repeat(20);

/** The fenced block of docs/github.md (indented by three spaces in the set-up list) that contains `needle`. */
function docBlock(needle: string): string {
  const at = docs.indexOf(needle);
  assert.ok(at >= 0, `docs/github.md contains ${needle}`);
  const start = docs.lastIndexOf("```", at);
  const end = docs.indexOf("```", at);
  const lines = docs.slice(docs.indexOf("\n", start) + 1, end).split("\n");
  const indent = /^ */.exec(lines[0] ?? "")?.[0].length ?? 0;
  return lines.map((l) => l.slice(indent)).join("\n");
}

/** A shell that knows only the system's tools and the adopter's own folder: no spaceform checkout. */
function sh(script: string, cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync("bash", ["-e", "-o", "pipefail", "-c", script], {
    cwd,
    encoding: "utf8",
    env: {
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: process.env["HOME"] ?? "/root",
      NO_COLOR: "1",
      npm_config_update_notifier: "false",
      ...env,
    },
    timeout: 300_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("docs/github.md, step by step, in a fresh repository (end to end)", () => {
  let world: World;
  let gh: FakeGitHub;
  let packDir: string;
  let tarball: string;
  let repo: string; // the community's repository
  let token: string;
  const githubToken = "ghs_docswalkthroughtoken000000000001";
  let runId = 0;

  before(async () => {
    world = await freshWorld({ name: "docs walkthrough", diagnostic: () => undefined });
    gh = await startFakeGitHub({ owner: "community", repo: "space" });
    gh.tokens.set(githubToken, { login: "github-actions[bot]" });
    packDir = mkdtempSync(join(tmpdir(), "spaceform-docs-pack-"));
    repo = mkdtempSync(join(tmpdir(), "spaceform-docs-repo-"));
    // The space the community already has, made with spaceform from this checkout.
    const seed = mkdtempSync(join(tmpdir(), "spaceform-docs-seed-"));
    writeFileSync(
      join(seed, "seed.yaml"),
      [
        "version: 1",
        "space:",
        `  alias: "#${world.aliasLocalpart("space")}"`,
        "  name: Docs walkthrough space",
        "rooms:",
        "  general:",
        `    alias: "#${world.aliasLocalpart("general")}"`,
        "    name: General",
        "    topic: Say hello",
        "",
      ].join("\n"),
    );
    const r = spawnSync(
      join(root, "node_modules", ".bin", "node"),
      [join(root, "src", "cli", "main.ts"), "apply", "seed.yaml", "--auto-approve"],
      {
        cwd: seed,
        encoding: "utf8",
        env: {
          ...process.env,
          MATRIX_HOMESERVER: world.hs.baseUrl,
          MATRIX_ACCESS_TOKEN: world.bot.accessToken,
        },
      },
    );
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  after(async () => {
    await gh.close();
  });

  it("npm pack makes a tarball with the CLI, the schemas and the action", () => {
    const r = spawnSync("npm", ["pack", "--pack-destination", packDir, "--silent"], {
      cwd: root,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    tarball = join(packDir, r.stdout.trim().split("\n").at(-1)!);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      version: string;
      bin: { spaceform: string };
    };
    const version = pkg.version;
    assert.equal(tarball, join(packDir, `spaceform-${version}.tgz`));
    const list = spawnSync("tar", ["tzf", tarball], { encoding: "utf8" }).stdout.split("\n");
    for (const f of [
      `package/${pkg.bin.spaceform}`,
      "package/schemas/space.schema.json",
      "package/action.yml",
      "package/package.json",
    ])
      assert.ok(list.includes(f), `${f} is in the tarball`);
    assert.ok(!list.some((f) => f.startsWith("package/test/")), "no tests in the tarball");
  });

  it("step 1: the documented login gives the bot a token of its own", async () => {
    const curl = docBlock("/_matrix/client/v3/login");
    const body = /-d '([^']*)'/s.exec(curl)?.[1];
    assert.ok(body, curl);
    const login = JSON.parse(
      body
        .replace('"spaceform-bot"', JSON.stringify(world.bot.localpart))
        .replace('"…"', JSON.stringify(world.bot.password)),
    ) as unknown;
    const res = await fetch(`${world.hs.baseUrl}/_matrix/client/v3/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(login),
    });
    assert.equal(res.status, 200);
    token = ((await res.json()) as { access_token: string }).access_token;
    assert.notEqual(token, world.bot.accessToken, "a new device's token");
  });

  it("step 2: import and validate with npx, nothing installed in the repository", () => {
    const script = docBlock("spaceform import '#your-space:example.org'")
      .replaceAll("github:OWNER/spaceform#<full commit sha>", tarball)
      .replace("https://matrix-client.example.org", world.hs.baseUrl)
      .replace("MATRIX_ACCESS_TOKEN=…", 'MATRIX_ACCESS_TOKEN="$BOT_TOKEN"')
      .replace("'#your-space:example.org'", `'${world.alias("space")}'`);
    assert.doesNotMatch(script, /OWNER|example\.org|…/, "every placeholder was replaced");
    const r = sh(script, repo, { BOT_TOKEN: token });
    assert.equal(r.status, 0, r.out);
    assert.ok(!existsSync(join(repo, "node_modules")), "npx installed nothing into the repository");
    const manifest = readFileSync(join(repo, "spaces", "your-space.yaml"), "utf8");
    assert.equal(
      manifest.split("\n")[0],
      "# yaml-language-server: $schema=../node_modules/spaceform/schemas/space.schema.json",
    );
    assert.match(manifest, /\n {4}topic: Say hello\n/);
    assert.match(r.out, /spaces\/your-space\.yaml: valid/);
    assert.ok(!r.out.includes(token), "the token is never printed");
  });

  it("step 2: as a dev dependency the packed release installs, runs, and the $schema line resolves", () => {
    const install = /`(npm install --save-dev [^`]+)`/.exec(docs)?.[1];
    assert.ok(install);
    const r = sh(install.replace("github:OWNER/spaceform#<full commit sha>", tarball), repo);
    assert.equal(r.status, 0, r.out);
    const ref = readFileSync(join(repo, "spaces", "your-space.yaml"), "utf8")
      .split("\n")[0]!
      .replace("# yaml-language-server: $schema=", "");
    const schema = resolve(join(repo, "spaces"), ref);
    assert.equal(
      (JSON.parse(readFileSync(schema, "utf8")) as { title: string }).title,
      "spaceform manifest, version 1",
    );
    const help = sh("npx spaceform --help", repo);
    assert.equal(help.status, 0, help.out);
    assert.ok(
      help.out.startsWith("spaceform: infrastructure as code for Matrix spaces.\n"),
      help.out,
    );
    const validate = sh("npx spaceform validate", repo);
    assert.equal(validate.status, 0, validate.out);
    assert.match(validate.out, /spaces\/your-space\.yaml: valid/);
  });

  describe("steps 6 and 7: the workflow templates' spaceform steps, as written", () => {
    const secrets = (): Record<string, string> => ({
      MATRIX_HOMESERVER: world.hs.baseUrl,
      MATRIX_ACCESS_TOKEN: token,
    });
    /** The inputs the template's `uses: OWNER/spaceform@…` step passes, secrets filled in. */
    function inputsOf(name: string): Record<string, string> {
      const wf = parse(docBlock(`# .github/workflows/${name}\n`)) as {
        jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
      };
      const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
      const step = steps.find((s) => s.uses?.startsWith("OWNER/spaceform@"));
      assert.ok(step, `${name} uses spaceform's action`);
      const inputs: Record<string, string> = { "github-token": githubToken };
      for (const [k, v] of Object.entries(step.with ?? {})) {
        inputs[k] = v.replace(/\$\{\{ secrets\.(\w+) \}\}/g, (_, s: string) => secrets()[s] ?? "");
      }
      return inputs;
    }
    const artifacts = () => join(packDir, "artifacts");
    async function workflow(
      name: string,
      workspace: string,
      event: { name: string; sha: string; payload: unknown },
    ): Promise<ActionRun> {
      runId += 1;
      const r = await runAction({
        workspace,
        inputs: inputsOf(name),
        artifacts: artifacts(),
        env: runnerEnv(gh, event, runId),
      });
      const everything = `${r.log}\n${r.summary}\n${gh.comments.map((c) => c.body).join("\n")}`;
      assert.ok(!everything.includes(token), `${name}: the token is never shown`);
      return r;
    }
    const explain = (r: ActionRun): string =>
      r.steps.map((s) => `${s.outcome.padEnd(8)} ${s.name}`).join("\n") + `\n--- log ---\n${r.log}`;
    let pull: FakePull;

    it("a pull request that changes a manifest gets its plan as a comment", async () => {
      const file = join(repo, "spaces", "your-space.yaml");
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace("topic: Say hello", "topic: Say hello, in any language"),
      );
      pull = {
        number: 1,
        head_sha: sha(0x11),
        merge_commit_sha: null,
        merged_at: null,
        files: ["spaces/your-space.yaml"],
      };
      gh.addPull(pull, [pull.head_sha]);
      const payload = {
        pull_request: {
          number: 1,
          head: { sha: pull.head_sha, repo: { full_name: "member/space" } },
        },
      };
      const u = await workflow("plan.yml", repo, { name: "pull_request", sha: sha(0xee), payload });
      assert.equal(u.outcome, "success", explain(u));
      const trustedCheckout = mkdtempSync(join(tmpdir(), "spaceform-docs-trusted-"));
      const t = await workflow("plan-comment.yml", trustedCheckout, {
        name: "workflow_run",
        sha: sha(0xaa),
        payload: {
          workflow_run: {
            id: runId,
            event: "pull_request",
            head_sha: pull.head_sha,
            conclusion: "success",
          },
        },
      });
      assert.equal(t.outcome, "success", explain(t));
      const comments = gh.comments.filter(
        (c) => c.issue_number === 1 && c.body.startsWith(PLAN_MARKER),
      );
      assert.equal(comments.length, 1);
      assert.match(
        comments[0]!.body,
        /Plan: 0 to create, 1 to update, 0 to delete \(1 field change\)\./,
      );
      assert.deepEqual(
        gh.statuses.map((s) => [s.sha, s.context, s.state]),
        [[pull.head_sha, "spaceform plan", "success"]],
      );
    });

    it("merging applies it and reports on the pull request; the drift check then finds none", async () => {
      pull.merge_commit_sha = sha(0x12);
      pull.merged_at = new Date().toISOString();
      gh.commitPulls.set(sha(0x12), [pull]);
      gh.issues.get(1)!.state = "closed";
      const a = await workflow("apply.yml", repo, { name: "push", sha: sha(0x12), payload: {} });
      assert.equal(a.outcome, "success", explain(a));
      const report = gh.comments.filter(
        (c) => c.issue_number === 1 && !c.body.startsWith(PLAN_MARKER),
      );
      assert.equal(report.length, 1);
      assert.match(report[0]!.body, /applied/i);
      const d = await workflow("drift.yml", repo, {
        name: "schedule",
        sha: sha(0x13),
        payload: {},
      });
      assert.equal(d.outcome, "success", explain(d));
      assert.match(d.log, /^No drift\.$/m);
      assert.equal([...gh.issues.values()].filter((i) => !i.is_pull).length, 0, "no drift issue");
    });
  });

  it("the docs pin a commit, never a release tag that does not exist", () => {
    const tags = spawnSync("git", ["tag", "--list", "v*"], { cwd: root, encoding: "utf8" }).stdout;
    if (tags.trim() === "") {
      const releasing = readFileSync(join(root, "docs", "releasing.md"), "utf8");
      assert.match(releasing, /spaceform has no release yet/, "without a tag the docs say so");
    }
    for (const file of ["README.md", "docs/github.md", "docs/releasing.md"]) {
      const text = readFileSync(join(root, file), "utf8");
      const pins = [...text.matchAll(/OWNER\/spaceform[@#](<[^>]+>|[^\s`/]+)/g)].map((m) => m[1]);
      assert.ok(pins.length > 0 || file === "docs/releasing.md", file);
      // A placeholder for a commit (<full commit sha>, <the tag's commit sha>), never a tag or branch.
      for (const pin of pins)
        assert.match(pin ?? "", /^<[^>]*commit sha>$/, `${file}: pins ${pin}`);
    }
  });
});
