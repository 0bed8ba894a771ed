/**
 * The drift pull request: besides the drift issue, ONE pull request from the
 * branch `spaceform/drift` that writes the live values of the drifted fields
 * into the manifests (drift-adopt.ts), so that a deliberate change made in a
 * chat client is adopted by review instead of reverted. Each drift check moves
 * the branch back to the checked-out commit and commits the manifests again, so
 * the pull request always shows the current drift; it is closed when the drift
 * is gone or nothing of it can be written.
 */
import type { Change, Plan } from "../plan/model.ts";
import { mdCode, mdInline } from "../text/markdown.ts";
import { GITHUB_BODY_LIMIT } from "./comments.ts";
import { startsWithMarker } from "./markers.ts";
import { adoptLiveValues, type Adoption } from "./drift-adopt.ts";
import type { Pull, RepoApi } from "./repo-api.ts";

export const DRIFT_BRANCH = "spaceform/drift";
export const DRIFT_PULL_MARKER = "<!-- spaceform-drift-pull -->";
export const DRIFT_PULL_TITLE = "Adopt the drift: write the live values into the manifests";

export interface DriftPullInput {
  plan: Plan;
  /** The commit the manifests were read from (GITHUB_SHA): the branch starts there. */
  baseSha: string;
  /** A manifest's text, by its file as the plan names it (`based_on[].manifest_file`). */
  read(file: string): Promise<string>;
  /** A manifest's path in the repository. */
  repoPath(file: string): string;
  /** Only pull requests by this author count as the drift pull request. */
  author: string;
}

export type DriftPullResult =
  | { action: "opened" | "updated"; pull: Pull; adopted: Change[]; skipped: Adoption["skipped"] }
  | { action: "closed"; pull: Pull }
  | { action: "none" };

async function openDriftPull(api: RepoApi, author: string): Promise<Pull | undefined> {
  const open = await api.openPullsFrom(DRIFT_BRANCH);
  return open
    .filter((p) => p.author === author && startsWithMarker(p.body, DRIFT_PULL_MARKER))
    .sort((a, b) => a.number - b.number)[0];
}

/** Closes the open drift pull request, if any, saying why. */
export async function closeDriftPull(
  api: RepoApi,
  author: string,
  why: string,
): Promise<DriftPullResult> {
  const existing = await openDriftPull(api, author);
  if (!existing) return { action: "none" };
  await api.commentOnPull(existing.number, why);
  return { action: "closed", pull: await api.updatePull(existing.number, { state: "closed" }) };
}

const fieldLine = (c: Change, file: string): string =>
  `- ${mdCode(`${c.space}:${c.address}`)} in ${mdCode(file)}: ${mdCode(JSON.stringify(c.before))}`;

/** Lines until `room` characters are used, then one saying how many were left out. */
function within(lines: readonly string[], room: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    if (used + line.length + 1 > room) {
      out.push(`- … and ${lines.length - i} more (the diff shows them all)`);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out;
}

function pullBody(
  adopted: readonly { change: Change; file: string }[],
  skipped: readonly { change: Change; reason: string; file: string }[],
): string {
  // GitHub refuses a body over 65,536 characters; live values can be long.
  const room = (GITHUB_BODY_LIMIT - 4_000) / 2;
  return [
    DRIFT_PULL_MARKER,
    "The drift check found fields whose live values differ from the manifests. This pull request writes the live values into the manifests, so that **merging it keeps the changes made in the chat client** instead of reverting them. Close it to revert them instead (see the drift issue).",
    "",
    `### Live values written (${adopted.length})`,
    "",
    ...within(
      adopted.map((a) => fieldLine(a.change, a.file)),
      room,
    ),
    "",
    ...(skipped.length > 0
      ? [
          `### Drift not written here (${skipped.length})`,
          "",
          ...within(
            skipped.map(
              (s) => `- ${mdCode(`${s.change.space}:${s.change.address}`)}: ${mdInline(s.reason)}`,
            ),
            room,
          ),
          "",
        ]
      : []),
    "Each drift check rewrites this branch from the default branch, so edits pushed to it are replaced; to change what is adopted, edit the manifests in a pull request of your own. Its plan should show no change for the fields above.",
    "",
  ].join("\n");
}

/** Opens or updates the drift pull request, or closes it when nothing can be adopted. */
export async function proposeDriftAdoption(
  api: RepoApi,
  input: DriftPullInput,
): Promise<DriftPullResult> {
  const adopted: { change: Change; file: string }[] = [];
  const skipped: { change: Change; reason: string; file: string }[] = [];
  const rewritten: { path: string; text: string }[] = [];
  for (const based of input.plan.based_on) {
    const changes = input.plan.changes.filter((c) => c.space === based.space);
    if (changes.length === 0) continue;
    const before = await input.read(based.manifest_file);
    const result = adoptLiveValues(before, changes);
    const file = input.repoPath(based.manifest_file);
    adopted.push(...result.adopted.map((change) => ({ change, file })));
    skipped.push(...result.skipped.map((s) => ({ ...s, file })));
    if (result.text !== before) rewritten.push({ path: file, text: result.text });
  }
  if (rewritten.length === 0) {
    return closeDriftPull(
      api,
      input.author,
      "None of the current drift can be written into the manifests automatically (see the drift issue), so this pull request is closed.",
    );
  }
  // One commit on the default branch's head, the branch moved to it once: never to the base
  // itself, which would close the open drift pull request.
  await api.commitOnto({
    branch: DRIFT_BRANCH,
    base: input.baseSha,
    files: rewritten,
    message: `Adopt the live values of ${adopted.length} drifted fields in ${rewritten.map((r) => r.path).join(", ")}`,
  });
  const body = pullBody(adopted, skipped);
  const existing = await openDriftPull(api, input.author);
  const result = {
    adopted: adopted.map((a) => a.change),
    skipped: skipped.map(({ change, reason }) => ({ change, reason })),
  };
  if (existing) {
    return { action: "updated", pull: await api.updatePull(existing.number, { body }), ...result };
  }
  const base = await api.defaultBranch();
  const pull = await api.createPull({
    title: DRIFT_PULL_TITLE,
    head: DRIFT_BRANCH,
    base,
    body,
  });
  return { action: "opened", pull, ...result };
}
