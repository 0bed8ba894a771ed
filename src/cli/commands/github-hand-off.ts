/**
 * `spaceform github hand-off | receive | plan-status`: planning pull requests
 * (from forks too) in two runs. The untrusted `pull_request` run hands the
 * manifests on as an artifact; the trusted `workflow_run` run receives them,
 * plans and comments (docs/github.md, "Pull requests from forks").
 */
import { resolve } from "node:path";
import type { Argv } from "yargs";
import { UserError } from "../../diagnostics.ts";

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function requireCommit(sha: string): string {
  if (!/^[0-9a-f]{40}$/.test(sha))
    throw new UserError(`--head-sha must be 40 hex digits, not ${JSON.stringify(sha)}.`);
  return sha;
}

export function handOffCommands(y: Argv, authorOption: Record<string, object>): Argv {
  return y
    .command({
      command: "hand-off",
      describe:
        "in the pull_request run: copy the manifests and the pull request's number and head into a folder to upload as an artifact",
      builder: (a: Argv) =>
        a.options({
          manifests: { type: "string", default: "spaces", describe: "the manifests' folder" },
          out: { type: "string", demandOption: true, describe: "folder to write the hand-off to" },
        }),
      handler: async (argv) => {
        const { eventPullRequest, readEvent } = await import("../../github/context.ts");
        const { packHandOff } = await import("../../github/hand-off.ts");
        const [folder, ...more] = argv.manifests.split(/\s+/).filter(Boolean);
        if (folder === undefined || more.length > 0)
          throw new UserError(
            "hand-off takes the one folder the manifests are in (--manifests spaces).",
          );
        const pull = eventPullRequest({ event: readEvent(process.env["GITHUB_EVENT_PATH"]) });
        if (pull === undefined)
          throw new UserError(
            "hand-off runs in a pull_request workflow: the event names no pull request.",
          );
        const r = await packHandOff(resolve(folder), resolve(argv.out), {
          pullRequest: pull.number,
          headSha: pull.headSha,
        });
        out(
          `Handed on ${r.files.length} files of pull request #${pull.number} at ${pull.headSha}.`,
        );
        for (const f of r.leftOut)
          out(`  left out (not a manifest or an image): ${JSON.stringify(f)}`);
      },
    })
    .command({
      command: "receive",
      describe:
        "in the workflow_run run: check a downloaded hand-off and the pull request it names; set the step outputs",
      builder: (a: Argv) =>
        a.options({
          dir: { type: "string", demandOption: true, describe: "the downloaded hand-off folder" },
          manifests: {
            type: "string",
            default: "spaces",
            describe:
              "the manifests' folder in the repository (to tell whether the pull request changes it)",
          },
          ...authorOption,
        }),
      handler: async (argv) => {
        const { readGitHubContext, setStepOutputs } = await import("../../github/context.ts");
        const { createGitHubApi } = await import("../../github/api.ts");
        const { receiveHandOff } = await import("../../github/receive.ts");
        const ctx = readGitHubContext();
        const api = await createGitHubApi(ctx);
        const r = await receiveHandOff(api, {
          dir: resolve(argv.dir),
          event: ctx.event,
          manifests: argv.manifests,
        });
        if (r.kind === "refused") {
          if (r.pullRequest !== undefined && r.headSha !== undefined) {
            const { reportNoPlan } = await import("../../github/plan-status.ts");
            await reportNoPlan(api, ctx, {
              pullRequest: r.pullRequest,
              headSha: r.headSha,
              result: "refused",
              commentAuthor: String(argv["comment-author"]),
              status: true,
            });
          }
          throw new UserError(
            `The hand-off was refused; nothing was planned or posted:\n${r.problems.map((p) => `  ${p}`).join("\n")}`,
          );
        }
        if (r.kind === "superseded") {
          setStepOutputs(ctx, { current: "false" });
          out(`Nothing to report: ${r.reason} (a newer run reports on it).`);
          return;
        }
        const noPlan = !r.manifestsChanged ? "unchanged" : !r.validated ? "invalid" : "";
        setStepOutputs(ctx, {
          current: "true",
          "pull-request": String(r.pullRequest),
          "head-sha": r.headSha,
          plan: noPlan === "" ? "true" : "false",
          "no-plan": noPlan,
        });
        out(
          `Pull request #${r.pullRequest} at ${r.headSha}: ${noPlan === "unchanged" ? "no manifest changed" : noPlan === "invalid" ? "validation failed" : "to plan"}.`,
        );
      },
    })
    .command({
      command: "plan-status",
      describe:
        "when no plan is made for a pull request's head: set the 'spaceform plan' status and mark an older plan comment out of date",
      builder: (a: Argv) =>
        a.options({
          pr: { type: "number", demandOption: true, describe: "pull request number" },
          "head-sha": { type: "string", demandOption: true, describe: "its head commit" },
          result: {
            choices: ["unchanged", "invalid", "no-credentials", "failed", "refused"] as const,
            demandOption: true,
            describe: "why there is no plan",
          },
          status: {
            type: "boolean",
            default: true,
            describe: "set the commit status (statuses: write)",
          },
          ...authorOption,
        }),
      handler: async (argv) => {
        const { readGitHubContext } = await import("../../github/context.ts");
        const { createGitHubApi } = await import("../../github/api.ts");
        const { reportNoPlan } = await import("../../github/plan-status.ts");
        const ctx = readGitHubContext();
        const api = await createGitHubApi(ctx);
        const r = await reportNoPlan(api, ctx, {
          pullRequest: argv.pr,
          headSha: requireCommit(argv["head-sha"]),
          result: argv.result,
          commentAuthor: String(argv["comment-author"]),
          status: argv.status,
        });
        out(
          `#${argv.pr}: ${r.text}${r.commentUpdated ? " The older plan comment now says it is out of date." : ""}`,
        );
      },
    });
}
