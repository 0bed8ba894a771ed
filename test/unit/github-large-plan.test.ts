/**
 * A 1,000-room plan as a pull-request comment: every room named, under GitHub's
 * body limit, the details in the job summary, and no Mermaid diagram over its limit.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Entry } from "../../src/manifest/model.ts";
import type { UserId } from "../../src/matrix/ids.ts";
import { combinePlans, type Plan } from "../../src/plan/model.ts";
import { DEFAULT_PLAN_OPTIONS, planSpace } from "../../src/plan/planner.ts";
import { bigSpace, BOT, demoRoom } from "../fixtures/big-manifest.ts";
import { GITHUB_BODY_LIMIT } from "../../src/github/comments.ts";
import { planCommentBody, postPlanComment } from "../../src/github/plan-comment.ts";
import { renderPlanInFull } from "../../src/github/render.ts";
import { MERMAID_MAX_EDGES } from "../../src/render/mermaid.ts";
import { startFakeGitHub } from "../fixtures/github/fake-github.ts";
import { createGitHubApi } from "../../src/github/api.ts";

const RUN = "https://github.test/community/spaces/actions/runs/7";

/** 1,000 rooms: 10 at the top, and 10 subspaces of 99 rooms each. */
function thousandRooms(): { plan: Plan; keys: string[] } {
  const children: Entry[] = [];
  const keys: string[] = [];
  for (let i = 0; i < 10; i++) {
    keys.push(`rooms.top-${i}`);
    children.push(demoRoom(`rooms.top-${i}`, `top-${i}`, i));
  }
  for (let s = 0; s < 10; s++) {
    const sub = `rooms.sub-${s}`;
    keys.push(sub);
    const rooms: Entry[] = [];
    for (let i = 0; i < 99; i++) {
      const address = `${sub}.rooms.r-${s}-${i}`;
      keys.push(address);
      rooms.push(demoRoom(address, `r-${s}-${i}`, s * 100 + i));
    }
    children.push({
      key: `sub-${s}`,
      address: sub,
      kind: "space",
      name: `Sub ${s}`,
      children: rooms,
    });
  }
  const manifest = bigSpace(children);
  const part = planSpace(
    manifest,
    { server_name: "example.org", user_id: BOT as UserId, rooms: [], aliases: {} },
    DEFAULT_PLAN_OPTIONS,
  );
  return { plan: combinePlans([part], { version: "0.0.0-test", now: new Date(0) }), keys };
}

describe("a 1,000-room plan comment", () => {
  const { plan, keys } = thousandRooms();

  it("names every room, fits under GitHub's limit, and says where the details are", () => {
    assert.equal(keys.length - 10, 1_000);
    assert.equal(plan.resource_summary?.create, 1_011);
    const body = planCommentBody(
      { plan, headSha: "a".repeat(40), pullRequest: 4 },
      {
        runUrl: RUN,
        planKey: "k",
      },
    );
    assert.ok(body.length < GITHUB_BODY_LIMIT, `${body.length} characters`);
    assert.equal(
      body.split("\n").filter((l) => l === "**Plan: 1011 to create, 0 to update, 0 to delete.**")
        .length,
      1,
    );
    for (const key of ["space", ...keys]) {
      assert.equal(body.split(`| \`${key}\` | create | new |\n`).length - 1, 1, key);
    }
    assert.ok(
      body.includes(
        `> This plan is too large to show in full here. The table lists every changed room with its action and number of changes; each change in detail is in the job summary of the [workflow run](${RUN}).`,
      ),
    );
    const diagrams = body.split("```mermaid\n").slice(1);
    assert.equal(diagrams.length, 11, "the overview and one diagram per subspace");
    for (const d of diagrams) {
      const edges = d.slice(0, d.indexOf("```")).split(" --> ").length - 1;
      assert.ok(edges <= MERMAID_MAX_EDGES, `${edges} edges`);
    }
  });

  it("puts every change in detail into the job summary", async () => {
    const gh = await startFakeGitHub();
    try {
      gh.addPull({ number: 4, head_sha: "a".repeat(40), merge_commit_sha: null, merged_at: null }, [
        "a".repeat(40),
      ]);
      const api = await createGitHubApi({
        token: "test-token-123",
        apiUrl: gh.url,
        owner: gh.owner,
        repo: gh.repo,
      });
      const stepSummary = join(mkdtempSync(join(tmpdir(), "spaceform-gh-")), "summary.md");
      writeFileSync(stepSummary, "");
      await postPlanComment(
        api,
        { runUrl: RUN, stepSummary, planKey: "k" },
        {
          plan,
          pullRequest: 4,
          headSha: "a".repeat(40),
          commentAuthor: "github-actions[bot]",
        },
      );
      const summary = readFileSync(stepSummary, "utf8");
      assert.ok(Buffer.byteLength(summary) < 1_048_576);
      assert.ok(!summary.includes("too large to show in full"));
      for (const key of keys) {
        const last = key.slice(key.lastIndexOf(".") + 1);
        const title =
          key.startsWith("rooms.sub-") && !key.includes(".rooms.r-")
            ? `space ${key}`
            : `${key} (#demo-${last}:example.org)`;
        const heading = `<summary><code>+</code> create <b>${title}</b> (new)</summary>`;
        assert.equal(summary.split(heading).length - 1, 1, heading);
      }
    } finally {
      await gh.close();
    }
  });
});

describe("a 1,000-room plan's artifact", () => {
  const { plan, keys } = thousandRooms();

  it("is pointed at by the comment, and holds every change in detail, never shortened", () => {
    const body = planCommentBody(
      { plan, headSha: "a".repeat(40), pullRequest: 4, detailsInArtifact: true },
      { runUrl: RUN, planKey: "k" },
    );
    assert.ok(body.length < GITHUB_BODY_LIMIT, `${body.length} characters`);
    assert.ok(
      body.includes(
        `each change in detail is in the job summary of the [workflow run](${RUN}) and in full in the [\`spaceform-plan\` artifact](${RUN}#artifacts) (Markdown and JSON).`,
      ),
    );
    const full = renderPlanInFull(plan, "spaceform plan");
    assert.ok(full.length > GITHUB_BODY_LIMIT, `${full.length} characters`);
    assert.ok(!full.includes("too large to show in full"));
    assert.ok(!full.includes("left out"));
    for (const key of keys) {
      const last = key.slice(key.lastIndexOf(".") + 1);
      if (!key.includes(".rooms.r-")) continue;
      const heading = `<summary><code>+</code> create <b>${key} (#demo-${last}:example.org)</b> (new)</summary>`;
      assert.equal(full.split(heading).length - 1, 1, heading);
    }
  });
});
