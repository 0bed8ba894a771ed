/**
 * The few GitHub REST calls the glue makes, behind a small interface so the
 * logic reads as what it does. The implementation is @octokit/rest, imported
 * lazily so that commands that never talk to GitHub do not load it.
 */
import { UserError } from "../diagnostics.ts";
import { registerSecret, scrubSecrets } from "../secrets.ts";
import type { GitHubContext } from "./context.ts";

export interface IssueComment {
  id: number;
  body: string;
  /** Login of the author, e.g. `github-actions[bot]`. */
  author: string;
  url: string;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  author: string;
  url: string;
}

export interface CommitPull {
  number: number;
  url: string;
  headSha: string;
  mergeCommitSha: string | null;
  mergedAt: string | null;
}

export interface GitHubApi {
  listIssueComments(issue: number): Promise<IssueComment[]>;
  createIssueComment(issue: number, body: string): Promise<IssueComment>;
  updateIssueComment(commentId: number, body: string): Promise<IssueComment>;
  /** Open issues (not pull requests) carrying the label. */
  listOpenIssues(label: string): Promise<Issue[]>;
  createIssue(input: { title: string; body: string; labels: string[] }): Promise<Issue>;
  updateIssue(
    issue: number,
    input: { title?: string; body?: string; state?: "open" | "closed" },
  ): Promise<Issue>;
  /** Pull requests associated with a commit (for a merge commit: the merged one). */
  pullsForCommit(sha: string): Promise<CommitPull[]>;
  /** One pull request: its state and head commit. */
  getPull(pullRequest: number): Promise<PullRequest>;
  /** The paths a pull request changes (a renamed file also under its old path). */
  listPullFiles(pullRequest: number): Promise<string[]>;
  /** Sets a commit status (a check a branch rule can require) on `sha`. */
  setCommitStatus(sha: string, status: CommitStatus): Promise<void>;
}

export interface PullRequest {
  number: number;
  state: "open" | "closed";
  headSha: string;
  url: string;
}

export interface CommitStatus {
  state: "success" | "failure" | "pending" | "error";
  /** The check's name, e.g. `spaceform plan`. */
  context: string;
  /** At most 140 characters (GitHub's limit). */
  description: string;
  targetUrl?: string;
}

interface RawUser {
  login?: string;
}
interface RawComment {
  id: number;
  body?: string | null;
  user?: RawUser | null;
  html_url: string;
}
interface RawIssue {
  number: number;
  title: string;
  body?: string | null;
  user?: RawUser | null;
  html_url: string;
  pull_request?: unknown;
}

const comment = (c: RawComment): IssueComment => ({
  id: c.id,
  body: c.body ?? "",
  author: c.user?.login ?? "",
  url: c.html_url,
});
const issue = (i: RawIssue): Issue => ({
  number: i.number,
  title: i.title,
  body: i.body ?? "",
  author: i.user?.login ?? "",
  url: i.html_url,
});

/**
 * Turns a failed request into a UserError that says what to check. Octokit's
 * errors carry the request (its Authorization header) and the response body,
 * which a server may echo the token into: only the status and the scrubbed
 * message are kept, never the error object.
 */
export function explain(what: string, err: unknown): never {
  const status = (err as { status?: unknown }).status;
  const message = scrubSecrets(err instanceof Error ? err.message : String(err));
  let hint = "";
  if (status === 401) hint = " The token was rejected: check that GITHUB_TOKEN is set and valid.";
  if (status === 403 || status === 404)
    hint =
      " Check the workflow's `permissions:` (pull-requests: write for plan comments and apply reports, statuses: write for the plan status, actions: read for the hand-off artifact, issues: write for drift issues). A pull request from a fork gets a read-only token and cannot comment.";
  throw new UserError(
    `GitHub API: cannot ${what}: ${typeof status === "number" ? `HTTP ${status}: ` : ""}${message}.${hint}`,
  );
}

/** The Octokit client of the glue; the token is registered as a secret first. */
export async function octokitFor(
  ctx: Pick<GitHubContext, "token" | "apiUrl">,
): Promise<import("@octokit/rest").Octokit> {
  registerSecret(ctx.token);
  const { Octokit } = await import("@octokit/rest");
  const { VERSION } = await import("../version.ts");
  return new Octokit({
    auth: ctx.token,
    baseUrl: ctx.apiUrl,
    userAgent: `spaceform/${VERSION}`,
    // Octokit logs failed requests itself; the glue reports them once, its own way.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}

export async function createGitHubApi(
  ctx: Pick<GitHubContext, "token" | "apiUrl" | "owner" | "repo">,
): Promise<GitHubApi> {
  const octokit = await octokitFor(ctx);
  const { owner, repo } = ctx;

  return {
    async listIssueComments(issue_number) {
      try {
        const all = await octokit.paginate(octokit.rest.issues.listComments, {
          owner,
          repo,
          issue_number,
          per_page: 100,
        });
        return all.map((c) => comment(c));
      } catch (err) {
        explain(`list the comments of #${issue_number}`, err);
      }
    },
    async createIssueComment(issue_number, text) {
      const body = scrubSecrets(text);
      try {
        const res = await octokit.rest.issues.createComment({ owner, repo, issue_number, body });
        return comment(res.data);
      } catch (err) {
        explain(`comment on #${issue_number}`, err);
      }
    },
    async updateIssueComment(comment_id, text) {
      const body = scrubSecrets(text);
      try {
        const res = await octokit.rest.issues.updateComment({ owner, repo, comment_id, body });
        return comment(res.data);
      } catch (err) {
        explain(`update comment ${comment_id}`, err);
      }
    },
    async listOpenIssues(label) {
      try {
        const all = await octokit.paginate(octokit.rest.issues.listForRepo, {
          owner,
          repo,
          state: "open",
          labels: label,
          per_page: 100,
        });
        // The issues endpoint lists pull requests too.
        return all.filter((i) => !i.pull_request).map((i) => issue(i));
      } catch (err) {
        explain(`list the open issues labelled ${label}`, err);
      }
    },
    async createIssue(input) {
      try {
        const res = await octokit.rest.issues.create({
          owner,
          repo,
          ...input,
          body: scrubSecrets(input.body),
        });
        return issue(res.data);
      } catch (err) {
        explain(`open an issue`, err);
      }
    },
    async updateIssue(issue_number, input) {
      try {
        const res = await octokit.rest.issues.update({
          owner,
          repo,
          issue_number,
          ...input,
          ...(input.body !== undefined ? { body: scrubSecrets(input.body) } : {}),
        });
        return issue(res.data);
      } catch (err) {
        explain(`update issue #${issue_number}`, err);
      }
    },
    async pullsForCommit(commit_sha) {
      try {
        const res = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
          owner,
          repo,
          commit_sha,
          per_page: 100,
        });
        return res.data.map((p) => ({
          number: p.number,
          url: p.html_url,
          headSha: p.head.sha,
          mergeCommitSha: p.merge_commit_sha ?? null,
          mergedAt: p.merged_at,
        }));
      } catch (err) {
        explain(`find the pull request of commit ${commit_sha}`, err);
      }
    },
    async getPull(pull_number) {
      try {
        const res = await octokit.rest.pulls.get({ owner, repo, pull_number });
        return {
          number: res.data.number,
          state: res.data.state === "open" ? "open" : "closed",
          headSha: res.data.head.sha,
          url: res.data.html_url,
        };
      } catch (err) {
        explain(`read pull request #${pull_number}`, err);
      }
    },
    async listPullFiles(pull_number) {
      try {
        const all = await octokit.paginate(octokit.rest.pulls.listFiles, {
          owner,
          repo,
          pull_number,
          per_page: 100,
        });
        return all.flatMap((f) => [
          f.filename,
          ...(f.previous_filename ? [f.previous_filename] : []),
        ]);
      } catch (err) {
        explain(`list the files of pull request #${pull_number}`, err);
      }
    },
    async setCommitStatus(sha, status) {
      try {
        await octokit.rest.repos.createCommitStatus({
          owner,
          repo,
          sha,
          state: status.state,
          context: status.context,
          description: scrubSecrets(status.description).slice(0, 140),
          ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
        });
      } catch (err) {
        explain(`set the status ${status.context} of commit ${sha}`, err);
      }
    },
  };
}
