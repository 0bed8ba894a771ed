/**
 * Which request-flow action a GitHub event asks for, from the event payload alone. Only issues
 * carrying the request label count; a comment counts only when it is exactly `/recheck` and
 * comes from the request's author or a member of the repository (room-request.yml filters the
 * same, so other comments never queue a run); a
 * closed pull request only when it was not merged and comes from the flow's own branch (the
 * record on the issue is checked too, in request.ts). A `/recheck` from a member of the
 * repository who did not open the request is a maintainer's: it may undo a maintainer's
 * rejection, which the member who asked may not.
 */
import type { GitHubContext } from "./context.ts";

export type RequestEvent =
  | { kind: "ignore"; reason: string }
  | {
      kind: "check";
      issue: number;
      body: string;
      /** A /recheck from a member of the repository who did not open the request. */
      maintainer: boolean;
      /** Who commented the /recheck. */
      commenter?: string;
    }
  | { kind: "closed"; issue: number; pull?: number };

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

const BRANCH = /^spaceform\/room-request-(\d{1,9})$/;

/** GitHub's `author_association` values of people who may push to the repository. */
const MEMBERS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);
const LOGIN = /^[A-Za-z0-9-]{1,39}$/;

const loginOf = (v: unknown): string | undefined => {
  const login = obj(v)["login"];
  return typeof login === "string" && LOGIN.test(login) ? login : undefined;
};

export function requestEvent(
  ctx: Pick<GitHubContext, "event" | "eventName" | "owner" | "repo">,
  label: string,
): RequestEvent {
  const event = ctx.event;
  const action = event["action"];
  if (ctx.eventName === "pull_request" || ctx.eventName === "pull_request_target") {
    const pr = obj(event["pull_request"]);
    const head = obj(pr["head"]);
    const ref = typeof head["ref"] === "string" ? head["ref"] : "";
    const m = BRANCH.exec(ref);
    const sameRepo = obj(head["repo"])["full_name"] === `${ctx.owner}/${ctx.repo}`;
    if (
      action !== "closed" ||
      pr["merged"] === true ||
      !m ||
      !sameRepo ||
      typeof pr["number"] !== "number"
    ) {
      return { kind: "ignore", reason: "not a request's pull request closed unmerged" };
    }
    return { kind: "closed", issue: Number(m[1]), pull: pr["number"] };
  }
  const issue = obj(event["issue"]);
  const number = issue["number"];
  if (typeof number !== "number") return { kind: "ignore", reason: "no issue in the event" };
  if (issue["pull_request"] !== undefined) return { kind: "ignore", reason: "a pull request" };
  const labels = Array.isArray(issue["labels"]) ? (issue["labels"] as unknown[]) : [];
  if (!labels.some((l) => obj(l)["name"] === label)) {
    return { kind: "ignore", reason: `#${number} is not labelled ${label}` };
  }
  const body = typeof issue["body"] === "string" ? issue["body"] : "";
  if (ctx.eventName === "issues") {
    if (action === "closed") return { kind: "closed", issue: number };
    if (
      issue["state"] === "open" &&
      (action === "opened" || action === "edited" || action === "reopened" || action === "labeled")
    ) {
      return { kind: "check", issue: number, body, maintainer: false };
    }
    return { kind: "ignore", reason: `issue ${String(action)}` };
  }
  if (ctx.eventName === "issue_comment") {
    const comment = obj(event["comment"]);
    if (
      action !== "created" ||
      issue["state"] !== "open" ||
      typeof comment["body"] !== "string" ||
      comment["body"].trim() !== "/recheck"
    ) {
      return { kind: "ignore", reason: "not a /recheck comment" };
    }
    const who = loginOf(comment["user"]);
    const isAuthor = who !== undefined && who === loginOf(issue["user"]);
    const association = comment["author_association"];
    const member = typeof association === "string" && MEMBERS.has(association);
    if (!isAuthor && !member) {
      return {
        kind: "ignore",
        reason: `/recheck from ${who ?? "an unknown account"}, who neither opened the request nor is a member of the repository`,
      };
    }
    return {
      kind: "check",
      issue: number,
      body,
      maintainer: member && !isAuthor,
      ...(who !== undefined ? { commenter: who } : {}),
    };
  }
  return { kind: "ignore", reason: `event ${ctx.eventName ?? "(none)"}` };
}
