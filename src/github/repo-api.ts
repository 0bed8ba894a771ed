/**
 * The GitHub REST calls of the drift pull request: a branch, a file written on
 * it, the one open pull request from it. Like api.ts, behind a small interface,
 * with every failure turned into a UserError that never carries the token.
 */
import { scrubSecrets } from "../secrets.ts";
import { explain, octokitFor } from "./api.ts";
import type { GitHubContext } from "./context.ts";

export interface Pull {
  number: number;
  url: string;
  body: string;
  author: string;
}

export interface RepoApi {
  defaultBranch(): Promise<string>;
  /** Points `branch` at `sha`, creating it or moving it there (force). */
  setBranch(branch: string, sha: string): Promise<void>;
  /** Commits `text` as `path` on `branch`. */
  putFile(input: { path: string; branch: string; text: string; message: string }): Promise<void>;
  /** The open pull requests whose head is `branch` of this repository. */
  openPullsFrom(branch: string): Promise<Pull[]>;
  createPull(input: { title: string; head: string; base: string; body: string }): Promise<Pull>;
  updatePull(number: number, input: { body?: string; state?: "closed" }): Promise<Pull>;
  commentOnPull(number: number, body: string): Promise<void>;
}

interface RawPull {
  number: number;
  html_url: string;
  body?: string | null;
  user?: { login?: string } | null;
}
const pull = (p: RawPull): Pull => ({
  number: p.number,
  url: p.html_url,
  body: p.body ?? "",
  author: p.user?.login ?? "",
});

const status = (err: unknown): unknown => (err as { status?: unknown }).status;

export async function createRepoApi(
  ctx: Pick<GitHubContext, "token" | "apiUrl" | "owner" | "repo">,
): Promise<RepoApi> {
  const octokit = await octokitFor(ctx);
  const { owner, repo } = ctx;
  return {
    async defaultBranch() {
      try {
        return (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
      } catch (err) {
        explain("read the repository's default branch", err);
      }
    },
    async setBranch(branch, sha) {
      try {
        await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha, force: true });
        return;
      } catch (err) {
        // GitHub answers 422 "Reference does not exist" for a branch not made yet.
        if (status(err) !== 422 && status(err) !== 404) explain(`move branch ${branch}`, err);
      }
      try {
        await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha });
      } catch (err) {
        explain(`create branch ${branch}`, err);
      }
    },
    async putFile({ path, branch, text, message }) {
      let sha: string | undefined;
      try {
        const res = await octokit.rest.repos.getContent({ owner, repo, path, ref: branch });
        if (!Array.isArray(res.data)) sha = res.data.sha;
      } catch (err) {
        if (status(err) !== 404) explain(`read ${path} on ${branch}`, err);
      }
      try {
        await octokit.rest.repos.createOrUpdateFileContents({
          owner,
          repo,
          path,
          branch,
          message,
          content: Buffer.from(text).toString("base64"),
          ...(sha !== undefined ? { sha } : {}),
        });
      } catch (err) {
        explain(`commit ${path} on ${branch}`, err);
      }
    },
    async openPullsFrom(branch) {
      try {
        const all = await octokit.paginate(octokit.rest.pulls.list, {
          owner,
          repo,
          state: "open",
          head: `${owner}:${branch}`,
          per_page: 100,
        });
        return all.map((p) => pull(p));
      } catch (err) {
        explain(`list the pull requests from ${branch}`, err);
      }
    },
    async createPull(input) {
      try {
        const res = await octokit.rest.pulls.create({
          owner,
          repo,
          ...input,
          body: scrubSecrets(input.body),
        });
        return pull(res.data);
      } catch (err) {
        explain(
          `open a pull request (allow it under Settings → Actions → General → "Allow GitHub Actions to create and approve pull requests")`,
          err,
        );
      }
    },
    async updatePull(pull_number, input) {
      try {
        const res = await octokit.rest.pulls.update({
          owner,
          repo,
          pull_number,
          ...input,
          ...(input.body !== undefined ? { body: scrubSecrets(input.body) } : {}),
        });
        return pull(res.data);
      } catch (err) {
        explain(`update pull request #${pull_number}`, err);
      }
    },
    async commentOnPull(issue_number, body) {
      try {
        await octokit.rest.issues.createComment({
          owner,
          repo,
          issue_number,
          body: scrubSecrets(body),
        });
      } catch (err) {
        explain(`comment on #${issue_number}`, err);
      }
    },
  };
}
