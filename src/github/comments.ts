/**
 * One comment per purpose: found again by its hidden marker, updated in place,
 * never duplicated. Only comments by the expected author that START with the
 * marker count, so that neither a marker pasted into someone's comment nor one
 * quoted inside a comment of the glue's (a room name in an apply log) steers it.
 */
import type { CommitPull, GitHubApi, IssueComment } from "./api.ts";
import { startsWithMarker } from "./markers.ts";

/** The login GITHUB_TOKEN comments as; another for a personal or app token (`--comment-author`). */
export const DEFAULT_COMMENT_AUTHOR = "github-actions[bot]";

/** GitHub refuses comment and issue bodies longer than this. */
export const GITHUB_BODY_LIMIT = 65_536;

/** The newest comment on the issue that starts with the marker and was written by `author`. */
export async function findMarkedComment(
  api: GitHubApi,
  issue: number,
  marker: string,
  author: string,
): Promise<IssueComment | undefined> {
  const comments = await api.listIssueComments(issue);
  return comments.filter((c) => c.author === author && startsWithMarker(c.body, marker)).at(-1);
}

export async function upsertComment(
  api: GitHubApi,
  issue: number,
  marker: string,
  author: string,
  body: string,
): Promise<{ comment: IssueComment; created: boolean }> {
  const existing = await findMarkedComment(api, issue, marker, author);
  if (existing) return { comment: await api.updateIssueComment(existing.id, body), created: false };
  return { comment: await api.createIssueComment(issue, body), created: true };
}

/**
 * The pull request a pushed commit came from. For a merge, squash or rebase,
 * GitHub records the commit as the pull request's merge_commit_sha; prefer that
 * one over pull requests that merely contain the commit.
 */
export async function mergedPullFor(api: GitHubApi, sha: string): Promise<CommitPull | undefined> {
  const pulls = await api.pullsForCommit(sha);
  return (
    pulls.find((p) => p.mergeCommitSha === sha && p.mergedAt !== null) ??
    pulls.find((p) => p.mergedAt !== null)
  );
}
