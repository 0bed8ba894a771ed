/**
 * `spaceform github request`: wires the request flow (src/github/request.ts) to the runner's
 * environment, the default branch's manifests and the managing account's connection.
 */
import { userIdOf } from "../matrix/responses.ts";
import { connect, loadOrThrow } from "./run-plan.ts";

export async function runRequest(options: {
  paths: readonly string[];
  commentAuthor: string;
  log: (line: string) => void;
}): Promise<void> {
  const { readGitHubContext, setStepOutputs } = await import("../github/context.ts");
  const { createGitHubApi } = await import("../github/api.ts");
  const { createRepoApi } = await import("../github/repo-api.ts");
  const { handleRequest } = await import("../github/request.ts");
  const ctx = readGitHubContext();
  const { manifests } = await loadOrThrow(options.paths);
  const result = await handleRequest({
    api: await createGitHubApi(ctx),
    repo: await createRepoApi(ctx),
    ctx,
    manifests,
    commentAuthor: options.commentAuthor,
    log: options.log,
    matrix: async () => {
      const c = await connect(process.env, (line) => {
        process.stderr.write(`${line}\n`);
      });
      return { gateway: c.gateway, managing: userIdOf("the managing account", c.userId) };
    },
  });
  if (result.action === "ignored") options.log(`Nothing to do: ${result.reason}.`);
  if (result.action === "checked" && result.pullRequest !== undefined) {
    setStepOutputs(ctx, { "pull-request": String(result.pullRequest) });
  }
}
