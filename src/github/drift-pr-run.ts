/**
 * `spaceform github drift --pull-request`: the drift pull request's I/O around
 * drift-pr.ts: the manifests are read from the working directory (the checkout
 * the plan was made from), their repository paths taken from GITHUB_WORKSPACE,
 * and what happened is told to `out`.
 */
import { readFile } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import { UserError } from "../diagnostics.ts";
import type { Plan } from "../plan/model.ts";
import type { GitHubContext } from "./context.ts";
import { closeDriftPull, proposeDriftAdoption } from "./drift-pr.ts";
import { createRepoApi } from "./repo-api.ts";

export async function runDriftPull(
  ctx: GitHubContext,
  input: { exitCode: number; author: string; plan: Plan | undefined },
  out: (line: string) => void,
): Promise<{ number: number; url: string; adopted: number } | undefined> {
  const api = await createRepoApi(ctx);
  if (input.exitCode === 0 || !input.plan) {
    const r = await closeDriftPull(
      api,
      input.author,
      "The drift is gone: the live space matches the manifests again. Closing.",
    );
    if (r.action === "closed")
      out(`No drift any more; closed the drift pull request ${r.pull.url}`);
    return undefined;
  }
  if (ctx.sha === undefined) {
    throw new UserError(
      "github drift --pull-request needs GITHUB_SHA, the commit the manifests were checked out at.",
    );
  }
  const root = resolve(process.env["GITHUB_WORKSPACE"] ?? ".");
  const r = await proposeDriftAdoption(api, {
    plan: input.plan,
    baseSha: ctx.sha,
    author: input.author,
    read: (file) => readFile(file, "utf8"),
    repoPath: (file) => relative(root, resolve(file)).split(sep).join("/"),
  });
  switch (r.action) {
    case "opened":
    case "updated":
      out(
        `Drift pull request ${r.action} (${r.adopted.length} field${r.adopted.length === 1 ? "" : "s"} adopted, ${r.skipped.length} left to a person): ${r.pull.url}`,
      );
      return { number: r.pull.number, url: r.pull.url, adopted: r.adopted.length };
    case "closed":
      out(`Nothing of the drift can be written into the manifests; closed ${r.pull.url}`);
      return undefined;
    case "none":
      out("Nothing of the drift can be written into the manifests; no drift pull request.");
      return undefined;
  }
}
