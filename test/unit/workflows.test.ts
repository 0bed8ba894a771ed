/**
 * The workflows and the composite action: schema-valid (action-validator),
 * least privilege, pinned third-party actions, no pull_request_target, no
 * expressions spliced into shell scripts, and scripts bash can parse.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

const root = join(import.meta.dirname, "..", "..");
const workflowDir = join(root, ".github", "workflows");
const workflows = readdirSync(workflowDir)
  .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
  .map((f) => join(".github", "workflows", f));
const files = [...workflows, "action.yml"];
const validator = join(root, "node_modules", ".bin", "action-validator");

type Obj = Record<string, unknown>;
const load = (file: string): Obj => parse(readFileSync(join(root, file), "utf8")) as Obj;
const jobsOf = (wf: Obj): [string, Obj][] => Object.entries(wf["jobs"] as Record<string, Obj>);
/** Every string in a parsed workflow, with its dotted path. */
const stringsOf = (v: unknown, path = ""): [string, string][] =>
  typeof v === "string"
    ? [[path, v]]
    : v !== null && typeof v === "object"
      ? Object.entries(v).flatMap(([k, x]) => stringsOf(x, path === "" ? k : `${path}.${k}`))
      : [];
const stepsOf = (file: string): Obj[] => {
  const doc = load(file);
  if (file === "action.yml") return (doc["runs"] as { steps: Obj[] }).steps;
  return jobsOf(doc).flatMap(([, job]) => (job["steps"] as Obj[] | undefined) ?? []);
};

const PLAN_CONCURRENCY = {
  group: "spaceform-plan-${{ github.event.pull_request.number }}",
  "cancel-in-progress": true,
};
const PLAN_COMMENT_CONCURRENCY = {
  group:
    "spaceform-plan-comment-${{ github.event.workflow_run.head_repository.full_name }}-${{ github.event.workflow_run.head_branch }}",
  "cancel-in-progress": true,
};

const eventsOf = (wf: Obj): string[] => {
  const on = wf["on"];
  return typeof on === "string"
    ? [on]
    : Array.isArray(on)
      ? (on as string[])
      : Object.keys(on as Obj);
};

function validate(file: string, cwd = root): { status: number | null; output: string } {
  const r = spawnSync(validator, [file], { cwd, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("workflow files", () => {
  it("are the plan, plan-comment, apply and drift workflows, plus CI", () => {
    for (const name of ["plan.yml", "plan-comment.yml", "apply.yml", "drift.yml"]) {
      assert.ok(workflows.includes(join(".github", "workflows", name)), name);
    }
  });

  for (const file of files) {
    it(`${file} passes action-validator`, () => {
      // action-validator 0.6.0's schema predates `concurrency.queue` (GitHub, 2026-05-07): that one
      // line is taken out of a copy, and the room request test below asserts it is there.
      const text = readFileSync(join(root, file), "utf8");
      const newer = /^ +queue: max\n/m;
      let target = file;
      if (newer.test(text)) {
        const dir = mkdtempSync(join(tmpdir(), "spaceform-wf-"));
        mkdirSync(join(dir, ".github", "workflows"), { recursive: true });
        writeFileSync(join(dir, file), text.replace(newer, ""));
        target = join(dir, file);
      }
      const r = validate(target);
      assert.equal(r.status, 0, r.output);
    });
  }

  it("action-validator does catch a broken workflow", () => {
    const dir = mkdtempSync(join(tmpdir(), "spaceform-wf-"));
    mkdirSync(join(dir, ".github", "workflows"), { recursive: true });
    const broken = readFileSync(join(root, ".github", "workflows", "drift.yml"), "utf8").replace(
      "timeout-minutes: 20",
      "timeout-minutes: twenty\n    stepz: []",
    );
    writeFileSync(join(dir, ".github", "workflows", "drift.yml"), broken);
    assert.notEqual(validate(join(".github", "workflows", "drift.yml"), dir).status, 0);
  });

  it("never use pull_request_target", () => {
    for (const file of workflows) {
      const on = load(file)["on"];
      const events =
        typeof on === "string" ? [on] : Array.isArray(on) ? on : Object.keys(on as Obj);
      assert.ok(!events.includes("pull_request_target"), file);
      assert.doesNotMatch(readFileSync(join(root, file), "utf8"), /pull_request_target/, file);
    }
  });

  it("pin every third-party action to a full commit SHA with its version in a comment", () => {
    const pins = new Map<string, string>();
    for (const file of files) {
      const text = readFileSync(join(root, file), "utf8");
      for (const step of stepsOf(file)) {
        const uses = step["uses"];
        if (typeof uses !== "string" || uses.startsWith("./")) continue;
        assert.match(uses, /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, `${file}: ${uses}`);
        const line = text.split("\n").find((l) => l.includes(uses));
        assert.match(
          line ?? "",
          /# v\d+\.\d+\.\d+\s*$/,
          `${file}: ${uses} needs a '# vX.Y.Z' comment`,
        );
        const [action, sha] = uses.split("@") as [string, string];
        // One version of each action across the repository.
        assert.equal(pins.get(action) ?? sha, sha, `${action} pinned to two different commits`);
        pins.set(action, sha);
      }
    }
    assert.ok(pins.has("actions/checkout") && pins.has("actions/setup-node"));
  });

  it("declare least-privilege permissions and a timeout for every job", () => {
    const allowedWrites = new Set(["pull-requests", "issues", "statuses"]);
    for (const file of workflows) {
      const wf = load(file);
      assert.deepEqual(wf["permissions"], { contents: "read" }, `${file}: top-level permissions`);
      for (const [name, job] of jobsOf(wf)) {
        assert.equal(
          typeof job["timeout-minutes"],
          "number",
          `${file}: job ${name} needs timeout-minutes`,
        );
        const perms = (job["permissions"] ?? {}) as Record<string, string>;
        assert.notEqual(
          typeof job["permissions"],
          "string",
          `${file}: ${name} uses a permission shorthand`,
        );
        for (const [scope, level] of Object.entries(perms)) {
          // Only the drift pull request and the room request write to the repository (a branch of their own).
          const allowed =
            allowedWrites.has(scope) ||
            (scope === "contents" &&
              (file.endsWith("drift.yml") || file.endsWith("room-request.yml")));
          if (level === "write") assert.ok(allowed, `${file}: ${name} writes ${scope}`);
        }
      }
    }
  });

  it("give each job only the write access its glue needs", () => {
    const writes = (file: string): string[] =>
      jobsOf(load(join(".github", "workflows", file))).flatMap(([, job]) =>
        Object.entries((job["permissions"] ?? {}) as Record<string, string>)
          .filter(([, level]) => level === "write")
          .map(([scope]) => scope),
      );
    assert.deepEqual(writes("plan.yml"), [], "the untrusted run writes nothing");
    assert.deepEqual(writes("plan-comment.yml"), ["pull-requests", "statuses"]);
    assert.deepEqual(writes("apply.yml"), ["pull-requests"]);
    assert.deepEqual(writes("drift.yml"), ["contents", "issues", "pull-requests"]);
    assert.deepEqual(writes("ci.yml"), []);
    // The request job writes its branch, its answer and its pull request; the plan job only comments.
    const jobs = jobsOf(load(join(".github", "workflows", "room-request.yml")));
    assert.deepEqual(
      jobs.map(([name, job]) => [name, job["permissions"]]),
      [
        ["request", { contents: "write", issues: "write", "pull-requests": "write" }],
        ["plan", { contents: "read", "pull-requests": "write" }],
      ],
    );
    for (const file of ["plan.yml", "apply.yml", "ci.yml"]) {
      assert.ok(!writes(file).includes("contents"), `${file} writes contents`);
    }
  });

  it("the room request runs the default branch's spaceform and passes the issue only as the event", () => {
    const wf = load(join(".github", "workflows", "room-request.yml"));
    assert.deepEqual(Object.keys(wf["on"] as Obj), ["issues", "issue_comment", "pull_request"]);
    const text = readFileSync(join(root, ".github", "workflows", "room-request.yml"), "utf8");
    // Issue, comment and pull request texts (and a fork's branch name) only where they are
    // compared: the request job's `if`, and its concurrency group once that `if` has admitted
    // only the flow's own branch. Never in a step's input or script.
    const untrusted =
      /github\.event\.((issue|comment)\.(body|title)|pull_request\.(title|body|head\.ref))/;
    assert.deepEqual(
      stringsOf(wf)
        .filter(([, v]) => untrusted.test(v))
        .map(([path]) => path),
      ["jobs.request.if", "jobs.request.concurrency.group"],
    );
    for (const file of files.filter((f) => !f.endsWith("room-request.yml"))) {
      assert.deepEqual(
        stringsOf(load(file)).filter(([, v]) => untrusted.test(v)),
        [],
        `${file} puts untrusted text in an expression`,
      );
    }
    assert.match(text, untrusted, "the check above looks at the workflow's text");
    for (const [, job] of jobsOf(wf)) {
      const [checkout] = job["steps"] as Obj[];
      assert.deepEqual(
        (checkout?.["with"] as Obj)["ref"],
        "${{ github.event.repository.default_branch }}",
      );
    }
  });

  it("the room request queues a run only for /recheck on an open request, per request, never cancelling one", () => {
    const [[, job]] = jobsOf(load(join(".github", "workflows", "room-request.yml"))) as [
      [string, Obj],
    ];
    assert.deepEqual(job["concurrency"], {
      group:
        "spaceform-room-request-${{ github.event.issue.number && format('spaceform/room-request-{0}', github.event.issue.number) || github.event.pull_request.head.ref }}",
      "cancel-in-progress": false,
      queue: "max",
    });
    const condition = String(job["if"]);
    assert.ok(
      condition.includes(
        "github.event.issue.state == 'open' && github.event.comment.body == '/recheck'",
      ),
      condition,
    );
    assert.ok(
      condition.includes(
        `contains(fromJSON('["OWNER","MEMBER","COLLABORATOR"]'), github.event.comment.author_association) || github.event.comment.user.login == github.event.issue.user.login`,
      ),
      condition,
    );
  });

  it("the issue form asks for exactly the fields the request flow reads, and labels its issues", async () => {
    const { FORM_LABELS } = await import("../../src/github/request-form.ts");
    const { REQUEST_LABEL } = await import("../../src/github/request.ts");
    const form = load(join(".github", "ISSUE_TEMPLATE", "add-room.yml")) as {
      labels: string[];
      body: { type: string; id?: string; attributes: { label?: string }; validations?: Obj }[];
    };
    assert.deepEqual(form.labels, [REQUEST_LABEL]);
    const inputs = form.body.filter((b) => b.type === "input");
    assert.deepEqual(
      inputs.map((b) => [b.id, b.attributes.label, b.validations?.["required"]]),
      [
        ["room", FORM_LABELS.room, true],
        ["key", FORM_LABELS.key, true],
        ["position", FORM_LABELS.position, true],
        ["chapter", FORM_LABELS.chapter, false],
      ],
    );
  });

  it("apply runs one at a time, never cancelled, behind an environment", () => {
    const wf = load(join(".github", "workflows", "apply.yml"));
    assert.deepEqual(wf["concurrency"], {
      group: "spaceform-apply",
      "cancel-in-progress": false,
      queue: "max",
    });
    const [, job] = jobsOf(wf)[0]!;
    assert.equal(job["environment"], "matrix-production");
    const on = wf["on"] as { push: { branches: string[]; paths: string[] } };
    assert.deepEqual(on.push.paths, ["spaces/**"]);
  });

  it("plan runs on every pull request (no paths filter: its check always reports); plan-comment after it; drift on a schedule and by hand", () => {
    const plan = load(join(".github", "workflows", "plan.yml"));
    assert.deepEqual(plan["on"], { pull_request: null });
    const comment = load(join(".github", "workflows", "plan-comment.yml"));
    assert.deepEqual(comment["on"], {
      workflow_run: { workflows: [plan["name"]], types: ["completed"] },
    });
    const drift = load(join(".github", "workflows", "drift.yml"))["on"] as Obj;
    assert.ok(Array.isArray(drift["schedule"]) && "workflow_dispatch" in drift);
  });

  it("plan and plan-comment run once per pull request: a newer push cancels the older run", () => {
    assert.deepEqual(
      load(join(".github", "workflows", "plan.yml"))["concurrency"],
      PLAN_CONCURRENCY,
    );
    assert.deepEqual(
      load(join(".github", "workflows", "plan-comment.yml"))["concurrency"],
      PLAN_COMMENT_CONCURRENCY,
    );
  });

  it("no pull_request workflow references a secret, and the trusted run checks out no pull request", () => {
    let pullRequestWorkflows = 0;
    for (const file of workflows) {
      const wf = load(file);
      const text = readFileSync(join(root, file), "utf8");
      if (eventsOf(wf).includes("pull_request")) {
        pullRequestWorkflows += 1;
        if (file.endsWith("room-request.yml")) {
          // The one exception: a request's own pull request closing unmerged makes the account
          // leave the room. It runs on `closed` only, runs no file of the pull request, and every
          // job with secrets is for the repository's own branches (a fork's run gets none anyway).
          const on = (wf["on"] as Obj)["pull_request"] as Obj;
          assert.deepEqual(on["types"], ["closed"], `${file}: pull_request types`);
          const jobs = wf["jobs"] as Record<string, Obj>;
          const sameRepo = "github.event.pull_request.head.repo.full_name == github.repository";
          for (const [name, job] of Object.entries(jobs)) {
            if (!JSON.stringify(job).includes("secrets.")) continue;
            const needs = [job["needs"] ?? []].flat() as string[];
            const gate = [job, ...needs.map((n) => jobs[n] ?? {})];
            assert.ok(
              gate.some((j) => typeof j["if"] === "string" && j["if"].includes(sameRepo)),
              `${file}: job ${name} uses secrets without the same-repository gate`,
            );
          }
        } else {
          assert.doesNotMatch(text, /secrets\./, `${file} runs on pull_request`);
        }
      }
      if (eventsOf(wf).includes("workflow_run")) {
        // The default branch's files only: no ref (of a pull request's head) on any step.
        for (const step of stepsOf(file)) {
          const w = (step["with"] ?? {}) as Obj;
          assert.equal(w["ref"], undefined, `${file}: a step checks out another ref`);
          assert.equal(w["repository"], undefined, `${file}: a step checks out another repository`);
        }
      }
    }
    assert.equal(pullRequestWorkflows, 3, "plan.yml, ci.yml and room-request.yml");
  });

  const docs = readFileSync(join(root, "docs", "github.md"), "utf8");
  /** The workflow template for `name` in docs/github.md's set-up, unindented. */
  const template = (name: string): string => {
    const start = docs.indexOf(`   \`\`\`yaml\n   # .github/workflows/${name}\n`);
    assert.ok(start >= 0, `the ${name} template`);
    return docs
      .slice(start, docs.indexOf("   ```\n", start + 10))
      .split("\n")
      .slice(1)
      .map((l) => l.replace(/^ {3}/, ""))
      .join("\n");
  };

  for (const name of ["plan.yml", "plan-comment.yml", "apply.yml", "drift.yml"]) {
    it(`the ${name} template in docs/github.md passes action-validator and matches the project's triggers and concurrency`, () => {
      const text = template(name);
      const dir = mkdtempSync(join(tmpdir(), "spaceform-wf-"));
      mkdirSync(join(dir, ".github", "workflows"), { recursive: true });
      writeFileSync(
        join(dir, ".github", "workflows", name),
        text
          .replace(/OWNER\/spaceform@<full commit sha>/g, `OWNER/spaceform@${"0".repeat(40)}`)
          // Newer than action-validator 0.6.0's schema (see above); the concurrency is compared below.
          .replace(/^ +queue: max\n/m, ""),
      );
      const r = validate(join(".github", "workflows", name), dir);
      assert.equal(r.status, 0, r.output);
      const doc = parse(text) as Obj;
      const own = load(join(".github", "workflows", name));
      assert.deepEqual(
        doc["on"],
        name === "apply.yml" ? { push: { branches: ["main"], paths: ["spaces/**"] } } : own["on"],
      );
      assert.deepEqual(doc["concurrency"], own["concurrency"]);
      assert.deepEqual(doc["permissions"], { contents: "read" });
      for (const [job, spec] of jobsOf(doc))
        assert.deepEqual(
          spec["permissions"],
          jobsOf(own).find(([j]) => j === job)?.[1]["permissions"],
          `${name}: ${job}`,
        );
      if (eventsOf(doc).includes("pull_request")) assert.doesNotMatch(text, /secrets\./, name);
      assert.doesNotMatch(
        text,
        /vX\.Y\.Z|@v\d/,
        `${name}: pins a commit, names no release that does not exist`,
      );
    });
  }

  it("the spaceform workflows use the repository's own action", () => {
    for (const name of ["plan.yml", "plan-comment.yml", "apply.yml", "drift.yml"]) {
      const uses = stepsOf(join(".github", "workflows", name)).map((s) => s["uses"]);
      assert.ok(uses.includes("./"), name);
    }
  });
});

describe("shell scripts in workflows and action.yml", () => {
  const scripts = files.flatMap((file) =>
    stepsOf(file)
      .filter((s) => typeof s["run"] === "string")
      .map((s) => ({ file, name: String(s["name"] ?? s["run"]), run: s["run"] as string })),
  );

  it("never splice ${{ … }} expressions into a script (they go through env)", () => {
    assert.ok(scripts.length > 5);
    for (const s of scripts) assert.doesNotMatch(s.run, /\$\{\{/, `${s.file}: ${s.name}`);
  });

  it("parse with bash -n", () => {
    for (const s of scripts) {
      const r = spawnSync("bash", ["-n"], { input: s.run, encoding: "utf8" });
      assert.equal(r.status, 0, `${s.file}: ${s.name}: ${r.stderr}`);
    }
  });

  it("action.yml accepts exactly the documented commands", () => {
    const action = load("action.yml") as { inputs: Record<string, Obj> };
    assert.match(
      String(action.inputs["command"]!["description"]),
      /validate.*hand-off.*plan-hand-off.*plan.*apply.*drift.*request/,
    );
    const install = stepsOf("action.yml").find((s) => s["name"] === "Install spaceform");
    assert.match(
      String(install?.["run"]),
      /validate\|hand-off\|plan-hand-off\|plan\|apply\|drift\|request\)/,
    );
    assert.match(String(install?.["run"]), /npm ci --prefix "\$GITHUB_ACTION_PATH"/);
  });
});
