/**
 * `spaceform github …`: the glue the workflows (and action.yml) call. Each
 * subcommand reads the standard GitHub Actions environment (GITHUB_TOKEN,
 * GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_SHA, GITHUB_API_URL,
 * GITHUB_STEP_SUMMARY). The modules under src/github/ and @octokit/rest are
 * imported inside the handlers so other commands never load them.
 */
import { readFileSync } from "node:fs";
import type { Argv, CommandModule } from "yargs";
import { UserError } from "../../diagnostics.ts";
import type { Plan } from "../../plan/model.ts";
import { handOffCommands } from "./github-hand-off.ts";

const DEFAULT_AUTHOR = "github-actions[bot]";
const OUTCOMES = ["applied", "no-changes", "refused", "failed"] as const;

async function readPlan(file: string): Promise<Plan> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UserError(
      `Cannot read the plan file ${file}. Make it with 'spaceform plan --out ${file}'.`,
    );
  }
  const { parseSavedPlan } = await import("../saved-plan.ts");
  const plan = parseSavedPlan(text);
  if (!plan)
    throw new UserError(
      `${file} is not a saved plan (expected the JSON written by 'spaceform plan --out').`,
    );
  return plan;
}

async function connectGitHub() {
  const { readGitHubContext } = await import("../../github/context.ts");
  const { createGitHubApi } = await import("../../github/api.ts");
  const ctx = readGitHubContext();
  return { ctx, api: await createGitHubApi(ctx) };
}

function requireSha(sha: string | undefined, fromEnv: string | undefined): string {
  const value = sha ?? fromEnv;
  if (!value || !/^[0-9a-f]{7,64}$/i.test(value)) {
    throw new UserError(
      "Name the merge commit: --sha <commit> (inside GitHub Actions GITHUB_SHA is used).",
    );
  }
  return value;
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const authorOption = {
  "comment-author": {
    type: "string",
    default: DEFAULT_AUTHOR,
    describe:
      "login the glue's comments and issues are written as; only those count. github-actions[bot] for GITHUB_TOKEN, the bot's login for another token",
  },
} as const;

export function githubCommand(setExit: (code: number) => void): CommandModule {
  return {
    command: "github",
    describe: "GitHub Actions glue: plan comments, the apply check and report, drift issues",
    builder: (y: Argv) =>
      handOffCommands(y, authorOption)
        .command({
          command: "plan-comment",
          describe:
            "post the plan as one pull request comment (updated on later pushes) and in the job summary",
          builder: (a: Argv) =>
            a
              .options({
                plan: {
                  type: "string",
                  demandOption: true,
                  describe: "saved plan (spaceform plan --out)",
                },
                pr: {
                  type: "number",
                  describe: "pull request number (default: from the pull_request event)",
                },
                "head-sha": {
                  type: "string",
                  describe: "commit that was planned (default: the event's head commit)",
                },
                "markdown-out": {
                  type: "string",
                  describe:
                    "also write the whole plan as Markdown to this file, never shortened (the workflow uploads it as an artifact)",
                },
                status: {
                  type: "boolean",
                  default: false,
                  describe: "also set the commit status 'spaceform plan' (statuses: write)",
                },
                ...authorOption,
              })
              .example("$0 github plan-comment --plan plan.json", "inside a pull_request workflow"),
          handler: async (argv) => {
            const plan = await readPlan(argv.plan);
            const { ctx, api } = await connectGitHub();
            const { eventPullRequest } = await import("../../github/context.ts");
            const { postPlanComment } = await import("../../github/plan-comment.ts");
            const fromEvent = eventPullRequest(ctx);
            const pullRequest = argv.pr ?? fromEvent?.number;
            const headSha = argv["head-sha"] ?? fromEvent?.headSha;
            if (pullRequest === undefined || headSha === undefined) {
              throw new UserError(
                "No pull request in this event: pass --pr <number> and --head-sha <commit> (e.g. in a workflow_dispatch run).",
              );
            }
            const markdownOut = argv["markdown-out"];
            if (markdownOut !== undefined) {
              const { writeFile } = await import("node:fs/promises");
              const { renderPlanInFull } = await import("../../github/render.ts");
              await writeFile(markdownOut, renderPlanInFull(plan, "spaceform plan"));
            }
            const r = await postPlanComment(api, ctx, {
              plan,
              pullRequest,
              headSha,
              commentAuthor: argv["comment-author"],
              detailsInArtifact: markdownOut !== undefined,
            });
            if (argv.status) {
              const { planStatus, setPlanStatus } = await import("../../github/plan-status.ts");
              await setPlanStatus(api, ctx, headSha, planStatus(plan));
            }
            out(
              `${r.created ? "Posted" : "Updated"} the plan comment on #${pullRequest}: ${r.comment.url}`,
            );
          },
        })
        .command({
          command: "check-plan-kind",
          describe:
            "before apply on merge: refuse a plan with changes the merged pull request's plan did not show",
          builder: (a: Argv) =>
            a.options({
              plan: { type: "string", demandOption: true, describe: "the plan made at merge time" },
              sha: { type: "string", describe: "merge commit (default: GITHUB_SHA)" },
              ...authorOption,
            }),
          handler: async (argv) => {
            const plan = await readPlan(argv.plan);
            const { ctx, api } = await connectGitHub();
            const { checkPlanKind } = await import("../../github/check-plan-kind.ts");
            const { appendStepSummary } = await import("../../github/context.ts");
            const sha = requireSha(argv.sha, ctx.sha);
            const r = await checkPlanKind(api, {
              plan,
              sha,
              commentAuthor: argv["comment-author"],
              planKey: ctx.planKey,
            });
            if (r.ok) {
              out(r.message);
              for (const k of r.skipped) out(`  no longer needed: ${k}`);
              return;
            }
            appendStepSummary(
              ctx,
              `### ⛔ Apply refused\n\n${r.message}\n${r.unexpected.map((k) => `\n- \`${k}\``).join("")}\n`,
            );
            throw new UserError(
              `Apply refused. ${r.message}${r.unexpected.length > 0 ? `\nNot in the reviewed plan:\n${r.unexpected.map((k) => `  ${k}`).join("\n")}` : ""}`,
            );
          },
        })
        .command({
          command: "apply-report",
          describe: "report an apply on merge in the job summary and on the merged pull request",
          builder: (a: Argv) =>
            a.options({
              outcome: { choices: OUTCOMES, demandOption: true, describe: "what happened" },
              plan: { type: "string", describe: "the plan that was (or would have been) applied" },
              log: {
                type: "string",
                describe: "file with the output of the plan, check and apply steps",
              },
              sha: { type: "string", describe: "merge commit (default: GITHUB_SHA)" },
              ...authorOption,
            }),
          handler: async (argv) => {
            const { existsSync } = await import("node:fs");
            const plan = argv.plan && existsSync(argv.plan) ? await readPlan(argv.plan) : undefined;
            const log =
              argv.log && existsSync(argv.log) ? readFileSync(argv.log, "utf8") : undefined;
            const { ctx, api } = await connectGitHub();
            const { reportApply } = await import("../../github/apply-report.ts");
            const sha = requireSha(argv.sha, ctx.sha);
            const r = await reportApply(api, ctx, {
              sha,
              outcome: argv.outcome,
              commentAuthor: argv["comment-author"],
              ...(plan ? { plan } : {}),
              ...(log !== undefined ? { log } : {}),
            });
            out(
              r.comment
                ? `Reported on #${r.pullRequest ?? "?"}: ${r.comment.url}`
                : "No merged pull request for this commit; reported in the job summary only.",
            );
          },
        })
        .command({
          command: "drift",
          describe: "open, update or close the one drift issue from a plan's --detailed-exitcode",
          builder: (a: Argv) =>
            a
              .options({
                "exit-code": {
                  type: "number",
                  demandOption: true,
                  describe:
                    "exit code of 'spaceform plan --detailed-exitcode': 0 no drift, 2 drift, else error",
                },
                plan: { type: "string", describe: "saved plan (needed when the exit code is 2)" },
                label: { type: "string", default: "drift", describe: "label of the drift issue" },
                "pull-request": {
                  type: "boolean",
                  default: false,
                  describe: `also open or update one pull request (branch spaceform/drift) that writes the live values of the drifted fields into the manifests, and close it when the drift is gone`,
                },
                ...authorOption,
              })
              .example(
                "$0 plan --detailed-exitcode --format json > plan.json; $0 github drift --plan plan.json --exit-code $?",
                "the scheduled check",
              ),
          handler: async (argv) => {
            const code = argv["exit-code"];
            if (code === 2 && argv.plan === undefined) {
              throw new UserError(
                "Drift (exit code 2) needs the plan: pass --plan <file> written by 'spaceform plan --out'.",
              );
            }
            // Exit code 1 with a plan file: a refused plan is drift too (the worst kind).
            const plan =
              (code === 2 || code === 1) && argv.plan !== undefined
                ? await readPlan(argv.plan).catch((err: unknown) => {
                    if (code === 2) throw err;
                    return undefined; // an error, not a refused plan: no usable plan was written
                  })
                : undefined;
            const { ctx, api } = await connectGitHub();
            const { reportDrift } = await import("../../github/drift.ts");
            const driftPull =
              argv["pull-request"] && (code === 0 || (code === 2 && plan))
                ? await (
                    await import("../../github/drift-pr-run.ts")
                  ).runDriftPull(ctx, { exitCode: code, author: argv["comment-author"], plan }, out)
                : undefined;
            const r = await reportDrift(api, ctx, {
              exitCode: code,
              label: argv.label,
              author: argv["comment-author"],
              ...(plan ? { plan } : {}),
              ...(driftPull ? { driftPull } : {}),
            });
            switch (r.action) {
              case "error":
                process.stderr.write(
                  `The drift check could not make a plan (exit code ${code}); the drift issue was left as it is.\n`,
                );
                setExit(1);
                return;
              case "none":
                out("No drift.");
                return;
              case "closed":
                out(`No drift any more; closed ${r.issue.url}`);
                return;
              default:
                out(
                  `${plan?.refused === true ? "Refused drift (apply cannot repair it)" : "Drift"}: ${r.action} ${r.issue.url}`,
                );
                // Drift is reported, not an error: the job stays green so a failing run means a broken check.
                return;
            }
          },
        })
        .command({
          command: "request [paths..]",
          describe:
            "room requests: check the room of an opened, edited or /recheck'ed request issue, answer in one comment, open the pull request; leave the room when the request closes unmerged",
          builder: (a: Argv) =>
            a
              .positional("paths", {
                type: "string",
                array: true,
                default: ["spaces/"],
                describe: "the default branch's manifests",
              })
              .options({ ...authorOption }),
          handler: async (argv) => {
            const { runRequest } = await import("../request.ts");
            await runRequest({
              paths: argv["paths"],
              commentAuthor: argv["comment-author"],
              log: out,
            });
          },
        })
        .demandCommand(
          1,
          "Name a subcommand: plan-comment, check-plan-kind, apply-report, drift, hand-off, receive, plan-status or request.",
        ),
    handler: () => {},
  };
}
