import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Entry, Manifest } from "../../src/manifest/model.ts";
import type { RoomId, UserId } from "../../src/matrix/ids.ts";
import { combinePlans, type Plan, type TreeNode } from "../../src/plan/model.ts";
import { DEFAULT_PLAN_OPTIONS, planSpace } from "../../src/plan/planner.ts";
import { renderMarkdown } from "../../src/render/markdown.ts";
import {
  MERMAID_MAX_EDGES,
  renderMermaid,
  renderMermaidDiagrams,
} from "../../src/render/mermaid.ts";
import { renderText } from "../../src/render/text.ts";
import { renderJson } from "../../src/render/json.ts";
import type { LiveRoom, LiveState } from "../../src/state/model.ts";
import { NO_POLICIES } from "../../src/policy/index.ts";
import { bigSpace, BOT, demoRoom } from "../fixtures/big-manifest.ts";

function bigManifest(rooms: number): Manifest {
  const children: Entry[] = [];
  for (let i = 0; i < rooms; i++) {
    const key = `room-${String(i).padStart(3, "0")}`;
    children.push(demoRoom(`rooms.${key}`, key, i));
  }
  return bigSpace(children);
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
  it("keeps a space of 300 new rooms under GitHub's comment limit: every room in the table, a note", () => {
    const plan = planFor(bigManifest(300));
    assert.equal(plan.summary.create, 301);
    const md = renderMarkdown(plan);
    assert.ok(md.length <= 65_000, `${md.length} characters`);
    assert.equal(md.split("\n")[2], "**Plan: 301 to create, 0 to update, 0 to delete.**");
    assert.equal(
      count(
        md,
        "> [!NOTE]\n> This plan is too large to show in full here. The table lists every changed room with its action and number of changes; run `spaceform plan` for each change in detail.\n",
      ),
      1,
    );
    assert.equal(count(md, "| `space` | create | new |\n"), 1);
    for (let i = 0; i < 300; i++) {
      const key = `room-${String(i).padStart(3, "0")}`;
      assert.equal(count(md, `| \`rooms.${key}\` | create | new |\n`), 1, key);
    }
    // The space tree is summarised, so it fits too; no per-change details.
    assert.equal(count(md, "```mermaid\n"), 1);
    assert.equal(count(md, "<summary><code>+</code> create"), 0);
    assert.doesNotMatch(md, /Also left out/);
    // What is kept is whole: every opened details block is closed, every fence too.
    assert.equal((md.match(/<details>/g) ?? []).length, (md.match(/<\/details>/g) ?? []).length);
    assert.equal((md.match(/^```/gm) ?? []).length % 2, 0);
  });

  it("says which blocks it left out, by name and number, and where the details are", () => {
    const plan = planFor(bigManifest(40));
    const warning = (i: number) => ({
      severity: "warning" as const,
      code: "room.invited",
      message: `warning number ${i} ${"x".repeat(200)}`,
    });
    plan.diagnostics = Array.from({ length: 30 }, (_, i) => warning(i));
    const md = renderMarkdown(plan, { maxLength: 9_000, detailsAt: "see the job summary" });
    assert.ok(md.length <= 9_000, `${md.length}`);
    for (let i = 0; i < 40; i++) {
      const key = `room-${String(i).padStart(3, "0")}`;
      assert.equal(count(md, `| \`rooms.${key}\` | create | new |\n`), 1, key);
    }
    const kept = count(md, "- ⚠️ warning number");
    assert.ok(kept > 0 && kept < 30, `${kept} warnings kept`);
    const tree = md.includes("```mermaid") ? "" : ", 1 space tree";
    assert.equal(
      count(
        md,
        `changes; see the job summary. Also left out here: ${30 - kept} warnings${tree}.\n`,
      ),
      1,
    );
  });

  it("shows no empty table for a plan without changes that does not fit", () => {
    const plan = planFor(bigManifest(0));
    plan.changes = [];
    plan.diagnostics = Array.from({ length: 40 }, (_, i) => ({
      severity: "warning" as const,
      code: "room.invited",
      message: `warning number ${i} ${"x".repeat(200)}`,
    }));
    const md = renderMarkdown(plan, { maxLength: 4_000, detailsAt: "see the job summary" });
    assert.ok(md.length <= 4_000, `${md.length}`);
    assert.doesNotMatch(md, /Rooms changed|\| entry \|/);
    const kept = count(md, "- ⚠️ warning number");
    assert.ok(kept > 0 && kept < 40, `${kept}`);
    assert.equal(
      count(
        md,
        `> This plan is too large to show in full here; see the job summary. Also left out here: ${40 - kept} warnings${md.includes("```mermaid") ? "" : ", 1 space tree"}.\n`,
      ),
      1,
      md,
    );
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

describe("counts per room", () => {
  it("counts an existing room with two added fields as one room to update, everywhere", () => {
    const plan = planFor(bigManifest(1));
    const added = (field: string) => ({
      space: "big",
      address: `rooms.room-000.${field}`,
      action: "create" as const,
      before: null,
      after: "x",
      entry: "rooms.room-000",
      room_id: "!r:example.org",
    });
    const changes = [added("topic"), added("avatar")];
    const part = { ...planFor(bigManifest(1)).spaces[0]! };
    const tree: TreeNode = {
      ...part.tree,
      children: part.tree.children.map((c) => ({ ...c, action: "create" as const, children: [] })),
    };
    const p2 = combinePlans(
      [
        {
          ...plan,
          space: "big",
          based_on: plan.based_on[0]!,
          changes,
          steps: [],
          tree,
          unmanaged: [],
        },
      ],
      { version: "0", now: new Date(0) },
    );
    assert.deepEqual(p2.summary, { create: 2, update: 0, delete: 0 });
    assert.deepEqual(p2.resource_summary, { create: 0, update: 1, delete: 0, field_changes: 2 });
    const line = "Plan: 0 to create, 1 to update, 0 to delete (2 field changes).";
    assert.ok(renderText(p2, { color: false }).endsWith(`\n${line}\n`));
    const md = renderMarkdown(p2);
    assert.equal(md.split("\n")[2], `**${line}**`);
    assert.equal(count(md, "<summary><code>~</code> update <b>rooms.room-000"), 1);
    assert.equal(count(md, "class s0n1 update\n"), 1);
    assert.equal(count(md, "classDef create"), 0);
    assert.deepEqual(
      (JSON.parse(renderJson(p2)) as { resource_summary: unknown }).resource_summary,
      p2.resource_summary,
    );
  });
});

describe("renderMermaidDiagrams", () => {
  const room = (entry: string, key: string): TreeNode => ({
    entry,
    key,
    kind: "room",
    children: [],
  });
  const flat = (n: number): TreeNode => ({
    entry: "space",
    key: "space",
    kind: "space",
    name: "Big",
    children: Array.from({ length: n }, (_, i) => room(`rooms.r${i}`, `r${i}`)),
  });

  it("colours a room by its action as a whole: an existing room with new fields is updated", () => {
    const tree = flat(2);
    const actions = new Map([
      ["rooms.r0", "update" as const],
      ["rooms.r1", "create" as const],
    ]);
    assert.deepEqual(renderMermaidDiagrams(tree, { actions }), [
      {
        entry: "space",
        source: [
          "graph TD",
          '  n0(["Big"])',
          '  n1["r0"]',
          "  n0 --> n1",
          '  n2["r1"]',
          "  n0 --> n2",
          "  classDef create fill:#dafbe1,stroke:#1a7f37,color:#0d1117",
          "  class n2 create",
          "  classDef update fill:#fff8c5,stroke:#9a6700,color:#0d1117",
          "  class n1 update",
          "",
        ].join("\n"),
      },
    ]);
  });

  it("counts the rooms of a flat 300-room space by action instead of drawing a sliver", () => {
    const actions = new Map<string, "create" | "update">();
    for (let i = 0; i < 300; i++)
      if (i % 3 === 0) actions.set(`rooms.r${i}`, i < 150 ? "create" : "update");
    assert.deepEqual(renderMermaidDiagrams(flat(300), { actions }), [
      {
        entry: "space",
        source: [
          "graph TD",
          '  n0x0(["Big"])',
          '  n0x1["50 new rooms"]',
          "  n0x0 --> n0x1",
          '  n0x2["50 changed rooms"]',
          "  n0x0 --> n0x2",
          '  n0x3["200 unchanged rooms"]',
          "  n0x0 --> n0x3",
          "  classDef create fill:#dafbe1,stroke:#1a7f37,color:#0d1117",
          "  class n0x1 create",
          "  classDef update fill:#fff8c5,stroke:#9a6700,color:#0d1117",
          "  class n0x2 update",
          "",
        ].join("\n"),
      },
    ]);
  });

  it("draws a big tree per subspace, each within Mermaid's edge limit", () => {
    // 1,000 rooms: 10 subspaces of 99 rooms, 10 rooms at the top.
    const tree = flat(10);
    for (let s = 0; s < 10; s++) {
      tree.children.push({
        entry: `rooms.sub${s}`,
        key: `sub${s}`,
        kind: "space",
        children: Array.from({ length: 99 }, (_, i) => room(`rooms.sub${s}.rooms.r${i}`, `r${i}`)),
      });
    }
    const diagrams = renderMermaidDiagrams(tree);
    assert.deepEqual(
      diagrams.map((d) => d.entry),
      ["space", ...Array.from({ length: 10 }, (_, s) => `rooms.sub${s}`)],
    );
    // The overview shows the 10 rooms and each subspace as one node with its size.
    const top = diagrams[0]!.source;
    assert.equal(count(top, " --> "), 20);
    assert.equal(count(top, '<br/>99 rooms inside"])'), 10);
    // A subspace of 99 rooms is counted in its own diagram.
    assert.equal(
      diagrams[1]!.source,
      ["graph TD", '  n1x0(["sub0"])', '  n1x1["99 unchanged rooms"]', "  n1x0 --> n1x1", ""].join(
        "\n",
      ),
    );
    for (const d of diagrams) assert.ok(count(d.source, " --> ") <= MERMAID_MAX_EDGES);
  });

  it("draws a small subspace of a big tree whole", () => {
    const tree = flat(70);
    tree.children.push({
      entry: "rooms.sub",
      key: "sub",
      kind: "space",
      children: [room("rooms.sub.rooms.a", "a")],
    });
    const diagrams = renderMermaidDiagrams(tree);
    assert.deepEqual(
      diagrams.map((d) => d.source),
      [
        [
          "graph TD",
          '  n0x0(["Big"])',
          '  n0x1(["sub<br/>1 room inside"])',
          "  n0x0 --> n0x1",
          '  n0x2["70 unchanged rooms"]',
          "  n0x0 --> n0x2",
          "",
        ].join("\n"),
        ["graph TD", '  n1x0(["sub"])', '  n1x1["a"]', "  n1x0 --> n1x1", ""].join("\n"),
      ],
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
