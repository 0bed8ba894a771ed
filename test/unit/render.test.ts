import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Entry, Manifest } from "../../src/manifest/model.ts";
import type { RoomId, UserId } from "../../src/matrix/ids.ts";
import { combinePlans, type Plan, type TreeNode } from "../../src/plan/model.ts";
import { DEFAULT_PLAN_OPTIONS, planSpace } from "../../src/plan/planner.ts";
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "../../src/render/markdown.ts";
import { renderMermaid } from "../../src/render/mermaid.ts";
import { renderText } from "../../src/render/text.ts";
import { renderJson } from "../../src/render/json.ts";
import type { LiveRoom, LiveState } from "../../src/state/model.ts";
import { NO_POLICIES } from "../../src/policy/index.ts";

const BOT = "@bot:example.org";

function bigManifest(rooms: number): Manifest {
  const children: Entry[] = [];
  for (let i = 0; i < rooms; i++) {
    const key = `room-${String(i).padStart(3, "0")}`;
    children.push({
      key,
      address: `rooms.${key}`,
      kind: "room",
      children: [],
      alias: `#demo-${key}`,
      name: `Demo room ${i} with a reasonably long name`,
      topic: `A topic for room ${i}, long enough to look like a real one and to fill a comment quickly.`,
      join_rule: "restricted",
      history_visibility: "shared",
      power_levels: { users: { [BOT]: 100, "@mod:example.org": 50 } },
    });
  }
  return {
    file: "spaces/big.yaml",
    name: "big",
    sha256: "0".repeat(64),
    version: 1,
    space: { key: "space", address: "space", kind: "space", name: "Big", children },
    policies: NO_POLICIES,
    positions: {},
  };
}

function planFor(m: Manifest): Plan {
  const part = planSpace(
    m,
    { server_name: "example.org", user_id: BOT as UserId, rooms: [], aliases: {} },
    DEFAULT_PLAN_OPTIONS,
  );
  return combinePlans([part], { version: "0.0.0-test", now: new Date(0) });
}

/** A manifest `name` for the existing space `!<name>:example.org`, renamed, with one new room. */
function smallManifest(name: string): Manifest {
  const title = name[0]!.toUpperCase() + name.slice(1);
  return {
    file: `spaces/${name}.yaml`,
    name,
    sha256: "0".repeat(64),
    version: 1,
    space: {
      key: "space",
      address: "space",
      kind: "space",
      id: `!${name}:example.org` as RoomId,
      name: `${title} renamed`,
      children: [
        {
          key: "lounge",
          address: "rooms.lounge",
          kind: "room",
          children: [],
          alias: `#${name}-lounge`,
          name: `${title} lounge`,
        },
      ],
    },
    policies: NO_POLICIES,
    positions: {},
  };
}

/** The space `!<name>:example.org`, linking a room the manifest does not name. */
function liveSpace(name: string): LiveRoom[] {
  const ev = (type: string, content: Record<string, unknown>, state_key = "") => ({
    type,
    state_key,
    content,
  });
  return [
    {
      room_id: `!${name}:example.org` as RoomId,
      membership: "join",
      state: [
        ev("m.room.create", { room_version: "11", type: "m.space" }),
        ev("m.room.member", { membership: "join" }, BOT),
        ev("m.room.power_levels", { users: { [BOT]: 100 } }),
        ev("m.room.name", { name: name }),
        ev("m.space.child", { via: ["example.org"] }, `!stray-${name}:example.org`),
      ],
    },
    { room_id: `!stray-${name}:example.org` as RoomId, membership: "none", state: [] },
  ];
}

/** The Markdown from `## `/`### ` heading `title` up to the next such heading. */
function section(md: string, title: string): string {
  const start = md.indexOf(`\n${title}\n`);
  assert.ok(start >= 0, `no section ${title}`);
  const next = md.slice(start + title.length + 2).search(/^##/m);
  return next < 0 ? md.slice(start) : md.slice(start, start + title.length + 2 + next);
}

const count = (text: string, what: string): number => text.split(what).length - 1;

describe("renderMarkdown", () => {
  it("keeps a space of 300 new rooms under GitHub's comment limit, summary first, with a note", () => {
    const plan = planFor(bigManifest(300));
    assert.equal(plan.summary.create, 301);
    const md = renderMarkdown(plan);
    assert.ok(md.length < GITHUB_COMMENT_LIMIT, `${md.length} characters`);
    assert.ok(md.length <= 65_000);
    assert.match(md.split("\n")[2] ?? "", /Plan: 301 to create, 0 to update, 0 to delete\./);
    assert.match(md, /Shortened to fit a GitHub comment: left out \d+ changes blocks/);
    // What is kept is whole: every opened details block is closed, every fence too.
    assert.equal((md.match(/<details>/g) ?? []).length, (md.match(/<\/details>/g) ?? []).length);
    assert.equal((md.match(/^```/gm) ?? []).length % 2, 0);
  });

  it("respects a smaller maxLength", () => {
    const md = renderMarkdown(planFor(bigManifest(30)), { maxLength: 3000, title: "Plan for big" });
    assert.ok(md.length <= 3000, `${md.length}`);
    assert.match(md, /^## Plan for big\n/);
  });

  it("does not shorten a small plan", () => {
    const md = renderMarkdown(planFor(bigManifest(3)));
    assert.doesNotMatch(md, /Shortened/);
    assert.equal((md.match(/<summary><code>\+<\/code> create/g) ?? []).length, 4);
    assert.match(md, /```mermaid\ngraph TD\n/);
  });

  it("shows each space's changes and unmanaged rooms once, in that space's section", () => {
    const live: LiveState = {
      server_name: "example.org",
      user_id: BOT as UserId,
      rooms: [...liveSpace("alpha"), ...liveSpace("beta")],
      aliases: {},
    };
    const parts = ["alpha", "beta"].map((n) =>
      planSpace(smallManifest(n), live, DEFAULT_PLAN_OPTIONS),
    );
    const plan = combinePlans(parts, { version: "0.0.0-test", now: new Date(0) });
    assert.deepEqual(
      plan.changes.map((c) => `${c.space} ${c.action} ${c.address}`),
      [
        "alpha update space.name",
        "alpha create rooms.lounge",
        "beta update space.name",
        "beta create rooms.lounge",
      ],
    );
    const md = renderMarkdown(plan);
    for (const [own, other] of [
      ["alpha", "beta"],
      ["beta", "alpha"],
    ] as const) {
      // Entry titles: the space by id, the new room by address and alias.
      const titles = [`<b>space !${own}:example.org</b>`, `(#${own}-lounge:example.org)</b>`];
      for (const t of titles) assert.equal(count(md, t), 1, `${t} in ${md}`);
      const changes = section(md, `### Changes in <b>${own}</b>`);
      for (const t of titles) assert.equal(count(changes, t), 1, `${t} under ${own}`);
      assert.ok(!changes.includes(other), changes);
      const unmanaged = section(md, `### Rooms the manifest <b>${own}</b> does not name`);
      assert.equal(count(unmanaged, `!stray-${own}:example.org`), 1);
      assert.ok(!unmanaged.includes(`!stray-${other}:example.org`));
      assert.equal(count(md, `!stray-${own}:example.org`), 1);
    }
    assert.equal(count(md, "### Changes"), 2);
    // Headings stand apart from a `</details>` line, or that HTML block would swallow them.
    assert.equal(count(md, "</details>\n#"), 0);
    // Each section follows its own space tree.
    assert.ok(
      md.indexOf("Space tree of <b>alpha</b>") < md.indexOf("### Changes in <b>alpha</b>") &&
        md.indexOf("### Changes in <b>alpha</b>") < md.indexOf("Space tree of <b>beta</b>") &&
        md.indexOf("Space tree of <b>beta</b>") < md.indexOf("### Changes in <b>beta</b>"),
    );
  });

  it("shows a single space's sections without naming it again, and changes without a tree", () => {
    const live: LiveState = {
      server_name: "example.org",
      user_id: BOT as UserId,
      rooms: liveSpace("alpha"),
      aliases: {},
    };
    const part = planSpace(smallManifest("alpha"), live, DEFAULT_PLAN_OPTIONS);
    const plan = combinePlans([part], { version: "0.0.0-test", now: new Date(0) });
    const md = renderMarkdown(plan);
    assert.equal(count(md, "\n### Changes\n"), 1);
    assert.equal(count(md, "\n### Rooms the manifest does not name\n"), 1);
    const treeless = renderMarkdown({ ...plan, spaces: [] });
    assert.equal(count(treeless, "\n### Changes\n"), 1);
    assert.equal(count(treeless, "create <b>rooms.lounge</b>"), 1);
    assert.equal(count(treeless, "update <b>space</b>"), 1);
    assert.doesNotMatch(treeless, /Space tree/);
  });

  it("escapes room names so they cannot inject HTML", () => {
    const m = bigManifest(1);
    m.space.children[0]!.name = "<script>alert(1)</script>";
    const md = renderMarkdown(planFor(m));
    // Inside code fences text is shown literally; outside them, no tag may come from a name.
    const outsideFences = md.replace(/^```[a-z]*\n[\s\S]*?^```\n/gm, "");
    assert.match(md, /<script>/, "the name is still shown, inside a code block");
    assert.doesNotMatch(outsideFences, /<script>/);
  });
});

describe("renderMermaid", () => {
  const tree: TreeNode = {
    entry: "space",
    key: "space",
    kind: "space",
    name: 'The "demo"',
    alias: "#demo:example.org",
    action: "update",
    children: [
      { entry: "rooms.a", key: "a", kind: "room", name: "A", action: "create", children: [] },
      { entry: "rooms.b", key: "b", kind: "room", children: [] },
    ],
  };

  it("draws the tree with edges and highlights changed entries by action", () => {
    assert.equal(
      renderMermaid(tree),
      [
        "graph TD",
        '  n0(["The #34;demo#34;<br/>#35;demo:example.org"])',
        '  n1["A"]',
        "  n0 --> n1",
        '  n2["b"]',
        "  n0 --> n2",
        "  classDef create fill:#dafbe1,stroke:#1a7f37,color:#0d1117",
        "  class n1 create",
        "  classDef update fill:#fff8c5,stroke:#9a6700,color:#0d1117",
        "  class n0 update",
        "",
      ].join("\n"),
    );
  });
});

describe("renderText", () => {
  it("colours only when asked", () => {
    const plan = planFor(bigManifest(1));
    const plain = renderText(plan, { color: false });
    const coloured = renderText(plan, { color: true });
    const ESC = "\u001b";
    assert.ok(!plain.includes(ESC));
    assert.ok(coloured.includes(`${ESC}[32m+${ESC}[39m`), "a green + for a creation");
    assert.equal(coloured.replace(new RegExp(`${ESC}\\[\\d+m`, "g"), ""), plain);
  });

  it("says so when there is nothing to do", () => {
    const m = bigManifest(0);
    const plan = combinePlans(
      [
        {
          ...planSpace(
            m,
            { server_name: "example.org", user_id: BOT as UserId, rooms: [], aliases: {} },
            DEFAULT_PLAN_OPTIONS,
          ),
          changes: [],
          steps: [],
        },
      ],
      { version: "0", now: new Date(0) },
    );
    assert.match(
      renderText(plan, { color: false }),
      /No changes\. The live space matches the manifest\.\n$/,
    );
  });

  it("shows a long topic change as a word diff", () => {
    const plan = planFor(bigManifest(1));
    plan.changes = [
      {
        space: "big",
        address: "rooms.room-000.topic",
        action: "update",
        before: "General discussion about research software engineering in Germany and beyond.",
        after:
          "General discussion about research software engineering in Germany, Austria and beyond.",
        entry: "rooms.room-000",
      },
    ];
    const text = renderText(plan, { color: false });
    assert.match(text, /topic: General discussion .*Germany\{\+, Austria \+\}and beyond\./);
  });
});

describe("renderJson", () => {
  it("round-trips the plan document", () => {
    const plan = planFor(bigManifest(2));
    assert.deepEqual(JSON.parse(renderJson(plan)), plan);
  });
});
