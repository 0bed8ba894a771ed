/**
 * The GitHub REST calls of the drift pull request and the room request flow: a
 * branch, a file read from and written on it, the one open pull request from it. Like api.ts, behind a small interface,
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

/** A pull request's state, for the room request flow's closing. */
export interface PullState {
  number: number;
  state: "open" | "closed";
  merged: boolean;
  /** Its head branch, and the repository (`owner/name`) that branch is in ("" when deleted). */
  head: string;
  headRepo: string;
  /** The login of the account that opened it. */
  author: string;
  /** Who closed it (GitHub's `closed_by` of its issue); null while open or when unknown. */
  closedBy: string | null;
}

export interface RepoApi {
  defaultBranch(): Promise<string>;
  /** The commit a branch points at; null when there is no such branch. */
  branchSha(branch: string): Promise<string | null>;
  /** The file's text on a branch; null when it does not exist. */
  getFile(path: string, branch: string): Promise<{ text: string } | null>;
  /** A pull request's state; null when there is none with that number. */
  getPull(number: number): Promise<PullState | null>;
  /**
   * A commit on `base` that sets each file's text, and `branch` pointed at it in one move (created
   * or forced): the branch never passes through `base` itself. Its sha.
   */
  commitOnto(input: {
    branch: string;
    base: string;
    files: readonly { path: string; text: string }[];
    message: string;
  }): Promise<string>;
  /** The open pull requests whose head is `branch` of this repository. */
  openPullsFrom(branch: string): Promise<Pull[]>;
  createPull(input: { title: string; head: string; base: string; body: string }): Promise<Pull>;
  updatePull(
    number: number,
    input: { title?: string; body?: string; state?: "closed" },
  ): Promise<Pull>;
  /** Reopens a closed pull request; false when GitHub refuses (its branch is gone, it was merged). */
  reopenPull(number: number): Promise<boolean>;
  /** Whether the account may push to the repository (write, maintain or admin). */
  canPush(login: string): Promise<boolean>;
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
  const setBranch = async (branch: string, sha: string): Promise<void> => {
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
  };
  return {
    async defaultBranch() {
      try {
        return (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
      } catch (err) {
        explain("read the repository's default branch", err);
      }
    },
    async branchSha(branch) {
      try {
        return (await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` })).data.object
          .sha;
      } catch (err) {
        if (status(err) === 404) return null;
        explain(`read the branch ${branch}`, err);
      }
    },
    async getFile(path, branch) {
      try {
        const res = await octokit.rest.repos.getContent({ owner, repo, path, ref: branch });
        const data = res.data as { type?: string; content?: string };
        if (data.type !== "file" || data.content === undefined) return null;
        return { text: Buffer.from(data.content, "base64").toString("utf8") };
      } catch (err) {
        if (status(err) === 404) return null;
        explain(`read ${path} on ${branch}`, err);
      }
    },
    async getPull(pull_number) {
      try {
        const p = (await octokit.rest.pulls.get({ owner, repo, pull_number })).data;
        const closedBy =
          p.state === "closed"
            ? ((await octokit.rest.issues.get({ owner, repo, issue_number: pull_number })).data
                .closed_by?.login ?? null)
            : null;
        return {
          number: p.number,
          state: p.state === "closed" ? "closed" : "open",
          merged: p.merged || p.merged_at !== null,
          head: p.head.ref,
          // null when the fork it came from was deleted, whatever the types say
          headRepo: (p.head.repo as { full_name: string } | null)?.full_name ?? "",
          author: p.user.login,
          closedBy,
        };
      } catch (err) {
        if (status(err) === 404) return null;
        explain(`read pull request #${pull_number}`, err);
      }
    },
    async commitOnto({ branch, base, files, message }) {
      let commit: string;
      try {
        const { data: baseCommit } = await octokit.rest.git.getCommit({
          owner,
          repo,
          commit_sha: base,
        });
        const { data: tree } = await octokit.rest.git.createTree({
          owner,
          repo,
          base_tree: baseCommit.tree.sha,
          tree: files.map(({ path, text }) => ({
            path,
            mode: "100644" as const,
            type: "blob" as const,
            content: text,
          })),
        });
        const { data } = await octokit.rest.git.createCommit({
          owner,
          repo,
          message,
          tree: tree.sha,
          parents: [base],
        });
        commit = data.sha;
      } catch (err) {
        explain(`commit ${files.map((f) => f.path).join(", ")} for ${branch}`, err);
      }
      await setBranch(branch, commit);
      return commit;
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
    async canPush(username) {
      try {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
          owner,
          repo,
          username,
        });
        // `permission` is the legacy name of the role: maintain reads as write, triage as read.
        return data.permission === "admin" || data.permission === "write";
      } catch (err) {
        if (status(err) === 404) return false;
        explain(`read the permission of ${username}`, err);
      }
    },
    async reopenPull(pull_number) {
      try {
        await octokit.rest.pulls.update({ owner, repo, pull_number, state: "open" });
        return true;
      } catch (err) {
        if (status(err) === 422) return false;
        explain(`reopen pull request #${pull_number}`, err);
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
