import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { importLiveState, liveToManifest } from "../../src/import/manifest.ts";
import { ROOM_KEY_RE } from "../../src/import/keys.ts";
import { schemaRef } from "../../src/import/run.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import type { LiveState } from "../../src/state/model.ts";

const FIXTURES = new URL("../fixtures/import/", import.meta.url);
const ROOT = "!root:example.org" as RoomId;
const NOW = new Date("2025-06-01T12:00:00Z");
const OPTIONS = {
  importedFrom: "#de-rse.org:example.org on https://example.org",
  now: NOW,
  version: "0.0.0-test",
  roomHints: { "!secret:example.org": { name: "Secret board" } },
};

function loadLive(name: string): LiveState {
  return JSON.parse(readFileSync(new URL(`${name}/live.json`, FIXTURES), "utf8")) as LiveState;
}

type Obj = Record<string, unknown>;
/** Every entry of a parsed manifest: [key, entry], depth first. */
function entries(doc: Obj): [string, Obj][] {
  const out: [string, Obj][] = [["space", doc["space"] as Obj]];
  const walk = (rooms: unknown): void => {
    for (const [k, v] of Object.entries((rooms ?? {}) as Obj)) {
      out.push([k, v as Obj]);
      walk((v as Obj)["rooms"]);
    }
  };
  walk(doc["rooms"]);
  return out;
}

/** An entry as the loader sees it: `defaults:` merged into rooms (power levels field by field). */
function room(doc: Obj, id: string): Obj {
  const found = entries(doc).find(([, e]) => e["id"] === id);
  assert.ok(found, `no entry with id ${id}`);
  const [key, own] = found;
  if (key === "space") return own;
  const defaults = (doc["defaults"] ?? {}) as Obj;
  const merged: Obj = { ...defaults, ...own };
  if (defaults["power_levels"] !== undefined || own["power_levels"] !== undefined) {
    merged["power_levels"] = {
      ...(defaults["power_levels"] as Obj | undefined),
      ...(own["power_levels"] as Obj | undefined),
    };
  }
  return merged;
}

describe("liveToManifest", () => {
  const live = loadLive("basic");
  const result = importLiveState(live, ROOT, OPTIONS);
  const doc = parse(result.yaml) as Obj;

  it("matches the golden file (UPDATE_GOLDEN=1 rewrites it)", () => {
    const file = new URL("basic/expected.yaml", FIXTURES);
    if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(file, result.yaml);
    assert.equal(result.yaml, readFileSync(file, "utf8"));
  });

  it("is deterministic and independent of the order rooms and state arrive in", () => {
    const shuffled: LiveState = {
      ...live,
      rooms: [...live.rooms].reverse().map((r) => ({ ...r, state: [...r.state].reverse() })),
    };
    assert.equal(liveToManifest(shuffled, ROOT, OPTIONS), result.yaml);
  });

  it("starts with the schema line and says where and when it was imported", () => {
    const lines = result.yaml.split("\n");
    assert.equal(lines[0], "# yaml-language-server: $schema=../schemas/space.schema.json");
    assert.match(result.yaml, /from #de-rse\.org:example\.org on https:\/\/example\.org/);
    assert.match(result.yaml, /as @bot:example\.org at 2025-06-01T12:00:00\.000Z/);
    assert.equal(doc["version"], 1);
  });

  it("gives every room a unique key that the schema accepts, never a reserved one", () => {
    const keys = entries(doc)
      .slice(1)
      .map(([k]) => k);
    assert.equal(new Set(keys).size, keys.length);
    for (const k of keys) {
      assert.match(k, ROOM_KEY_RE);
      assert.ok(!["space", "rooms"].includes(k));
    }
  });

  it("derives keys from aliases without the space's prefix, keeps marker keys, and falls back to names", () => {
    const byId = Object.fromEntries(entries(doc).map(([k, e]) => [e["id"] as string, k]));
    assert.equal(byId["!general:example.org"], "general");
    assert.equal(byId["!jobs:example.org"], "careers"); // marker key wins over the name
    assert.equal(byId["!berlin:example.org"], "chapter-berlin");
    // stale alias ignored; name "General" collides with "general"
    assert.equal(byId["!emptysub:example.org"], "general-2");
  });

  it("writes each importable room once with its id, subspaces nested with their rooms", () => {
    const ids = entries(doc).map(([, e]) => e["id"]);
    assert.deepEqual([...ids].sort(), [
      "!berlin:example.org",
      "!chapters:example.org",
      "!emptysub:example.org",
      "!general:example.org",
      "!jobs:example.org",
      "!oddorder:example.org",
      "!root:example.org",
    ]);
    const chapters = room(doc, "!chapters:example.org");
    assert.deepEqual(Object.keys(chapters["rooms"] as Obj), ["chapter-berlin", "general-2"]);
    assert.deepEqual(room(doc, "!emptysub:example.org")["rooms"], {});
    assert.equal(result.entryCount, 7);
  });

  it("orders children like clients do: by order string, then by name", () => {
    assert.deepEqual(Object.keys(doc["rooms"] as Obj), ["general", "careers", "room", "chapters"]);
  });

  it("lists every room it could not import, with the reason, in the file and as a warning", () => {
    for (const [id, reason] of [
      ["!secret:example.org", "not a member and not invited"],
      ["!invited:example.org", "invited but has not joined"],
    ] as const) {
      const line = result.yaml.split("\n").find((l) => l.includes(id));
      assert.ok(line?.trimStart().startsWith("# not imported:") === true, `${id} not listed`);
      assert.ok(line.includes(reason), line);
      assert.ok(
        result.diagnostics.some(
          (d) => d.code === "import.unreadable-room" && d.message.includes(id),
        ),
      );
    }
    assert.match(result.yaml, /# not imported: Secret board !secret:example.org/);
    assert.ok(
      !result.yaml.includes("!removed:example.org"),
      "a child event without via is no child",
    );
    assert.ok(result.diagnostics.every((d) => d.severity === "warning"));
  });

  it("records power levels: the whole users and events maps, thresholds only where they differ", () => {
    assert.deepEqual(room(doc, "!root:example.org")["power_levels"], {
      users: { "@bot:example.org": 100, "@mod:example.org": 50 },
      events: { "m.room.name": 50, "m.room.power_levels": 100 },
      invite: 50,
    });
    // "60" stored as a string still means 60.
    assert.deepEqual(room(doc, "!general:example.org")["power_levels"], {
      users: { "@bot:example.org": 100 },
      state_default: 60,
      kick: 40,
    });
    assert.deepEqual(
      Object.keys((room(doc, "!jobs:example.org")["power_levels"] as Obj)["users"] as Obj),
      ["@alice:example.org", "@bot:example.org", "@carol:example.org"],
    );
  });

  it("omits allow when it is exactly the parent space, keeps it otherwise", () => {
    const general = room(doc, "!general:example.org");
    assert.equal(general["join_rule"], "restricted");
    assert.ok(!("allow" in general));
    const berlin = room(doc, "!berlin:example.org");
    assert.equal(berlin["join_rule"], "knock_restricted");
    assert.ok(!("allow" in berlin), "its parent is the subspace");
    assert.deepEqual(room(doc, "!jobs:example.org")["allow"], [
      "!other:example.org",
      "!root:example.org",
    ]);
  });

  it("copies child settings, topics, aliases, avatars, encryption, publishing and versions as they are", () => {
    const general = room(doc, "!general:example.org");
    assert.equal(general["suggested"], true);
    assert.equal(general["order"], "a");
    assert.equal(general["topic"], "General discussion\nof the German RSE community");
    assert.equal(general["alias"], "#de-rse.org-general:example.org");
    assert.deepEqual(general["alt_aliases"], ["#general:example.org"]);
    assert.equal(general["publish"], false);
    assert.equal(general["encrypted"], false);
    assert.equal(room(doc, "!berlin:example.org")["suggested"], false);
    const jobs = room(doc, "!jobs:example.org");
    assert.ok(!("topic" in jobs), "a topic only in m.topic is not what the planner compares");
    assert.equal(jobs["encrypted"], true);
    assert.equal(jobs["avatar"], "mxc://example.org/jobs");
    assert.ok(!("publish" in jobs), "directory visibility not read: unmanaged");
    assert.equal(room(doc, "!root:example.org")["room_version"], "10");
    assert.equal(room(doc, "!oddorder:example.org")["room_version"], "1");
  });

  it("leaves out what it cannot write faithfully, and says so above the entry", () => {
    const odd = room(doc, "!oddorder:example.org");
    for (const f of ["order", "join_rule", "power_levels"]) assert.ok(!(f in odd), f);
    assert.match(result.yaml, /# order "été" is not a valid order string/);
    const sub = room(doc, "!emptysub:example.org");
    assert.ok(!("alias" in sub));
    assert.match(result.yaml, /# alias #gone:example.org is not in the room directory/);
    assert.ok(
      result.diagnostics.some(
        (d) => d.code === "import.stale-alias" && d.path === "rooms.chapters.rooms.general-2",
      ),
    );
  });

  it("leaves a room linked from several spaces unmanaged, so that no plan removes a link", () => {
    const lines = result.yaml.split("\n").filter((l) => l.includes("!offtopic:example.org"));
    assert.equal(lines.length, 2, "listed under both spaces");
    for (const l of lines) assert.match(l, /# not imported: .*linked from several spaces/);
    const warnings = result.diagnostics.filter((d) => d.code === "import.several-parents");
    assert.equal(warnings.length, 1);
    assert.ok(!entries(doc).some(([, e]) => e["id"] === "!offtopic:example.org"));
  });

  it("writes children the same whether or not they carry m.space.parent, with no warning", () => {
    // The planner leaves an already linked child's parent events alone, so they are no business
    // of the import: a space linked without them (as clients often do) needs no comment.
    const withoutParents: LiveState = {
      ...live,
      rooms: live.rooms.map((r) => ({
        ...r,
        state: r.state.filter((e) => e.type !== "m.space.parent"),
      })),
    };
    assert.ok(withoutParents.rooms.some((r, i) => r.state.length < live.rooms[i]!.state.length));
    const stripped = importLiveState(withoutParents, ROOT, OPTIONS);
    assert.equal(stripped.yaml, result.yaml);
    assert.deepEqual(stripped.diagnostics, result.diagnostics);
    assert.doesNotMatch(result.yaml, /m\.space\.parent/);
    assert.ok(!result.diagnostics.some((d) => d.message.includes("m.space.parent")));
  });

  it("writes what most rooms share once, as defaults, and only the differences in the rooms", () => {
    assert.deepEqual(doc["defaults"], { encrypted: false, room_version: "11" });
    const rooms = entries(doc)
      .slice(1)
      .map(([, e]) => e);
    assert.equal(
      rooms.filter((e) => "encrypted" in e).length,
      1,
      "only the encrypted room says so",
    );
    assert.deepEqual(
      rooms.filter((e) => "room_version" in e).map((e) => [e["id"], e["room_version"]]),
      [
        ["!general:example.org", "10"],
        ["!oddorder:example.org", "1"],
        ["!berlin:example.org", "10"],
      ],
    );
    // publish is known for two rooms only: a default would start managing it in the others.
    assert.ok(!("publish" in (doc["defaults"] as Obj)));
  });

  it("moves a shared power-level events map into defaults, keeping a different one in its room", () => {
    const events = { "m.room.name": 50, "m.room.power_levels": 100 };
    const withEvents: LiveState = {
      ...live,
      rooms: live.rooms.map((r) => ({
        ...r,
        state: r.state.map((e) =>
          e.type !== "m.room.power_levels" || r.room_id === "!root:example.org"
            ? e
            : {
                ...e,
                content: {
                  ...e.content,
                  events: r.room_id === "!berlin:example.org" ? { "m.room.name": 0 } : events,
                },
              },
        ),
      })),
    };
    const out = parse(liveToManifest(withEvents, ROOT, OPTIONS)) as Obj;
    // The room without power levels keeps them unmanaged, so events cannot be a default.
    assert.equal((out["defaults"] as Obj)["power_levels"], undefined);
    const managed: LiveState = {
      ...withEvents,
      rooms: withEvents.rooms.filter((r) => r.room_id !== "!oddorder:example.org"),
    };
    const out2 = parse(
      liveToManifest(
        {
          ...managed,
          rooms: managed.rooms.map((r) =>
            r.room_id === "!root:example.org"
              ? { ...r, state: r.state.filter((e) => e.state_key !== "!oddorder:example.org") }
              : r,
          ),
        },
        ROOT,
        OPTIONS,
      ),
    ) as Obj;
    assert.deepEqual((out2["defaults"] as Obj)["power_levels"], { events });
    assert.deepEqual((room(out2, "!general:example.org")["power_levels"] as Obj)["events"], events);
    const berlinOwn = entries(out2).find(([, e]) => e["id"] === "!berlin:example.org")![1];
    assert.deepEqual((berlinOwn["power_levels"] as Obj)["events"], { "m.room.name": 0 });
    const generalOwn = entries(out2).find(([, e]) => e["id"] === "!general:example.org")![1];
    assert.ok(!("events" in (generalOwn["power_levels"] as Obj)));
  });

  it("leaves policies to people: only a commented example", () => {
    assert.ok(!("policies" in doc));
    assert.match(result.yaml, /^# policies:$/m);
  });

  it("writes a downloaded avatar as a file only when the live avatar records the same sha256", () => {
    const avatarFiles = {
      "mxc://example.org/logo": { file: "avatars/space.png", sha256: "aaaa" },
      "mxc://example.org/jobs": { file: "avatars/careers.png", sha256: "bbbb" },
    };
    const out = parse(liveToManifest(live, ROOT, { ...OPTIONS, avatarFiles })) as Obj;
    assert.equal(room(out, "!root:example.org")["avatar"], "avatars/space.png");
    assert.equal(room(out, "!jobs:example.org")["avatar"], "mxc://example.org/jobs");
    assert.match(
      liveToManifest(live, ROOT, { ...OPTIONS, avatarFiles }),
      /# avatar saved as avatars\/careers.png; it stays an mxc:\/\/ URL here/,
    );
  });

  it("refuses a root that is not a readable, joined space", () => {
    const asRoom = (id: string) => () => liveToManifest(live, id as RoomId, OPTIONS);
    assert.throws(asRoom("!general:example.org"), /is a room, not a space/);
    assert.throws(asRoom("!secret:example.org"), /Cannot read the space/);
    assert.throws(asRoom("!nowhere:example.org"), /not found/);
  });
});

describe("the schema line's reference (schemaRef)", () => {
  const repo = join(import.meta.dirname, "..", "..");
  it("inside spaceform's own repository: the schema file, relative to the manifest", () => {
    assert.equal(
      schemaRef({ cwd: repo, outFile: "spaces/x.yaml" }),
      "../schemas/space.schema.json",
    );
  });
  it("in another repository: where a local install of spaceform puts the schema", () => {
    const other = mkdtempSync(join(tmpdir(), "spaceform-adopter-"));
    assert.equal(
      schemaRef({ cwd: other, outFile: "spaces/x.yaml" }),
      "../node_modules/spaceform/schemas/space.schema.json",
    );
    assert.equal(
      schemaRef({ cwd: other, outFile: "infra/spaces/x.yaml" }),
      "../../node_modules/spaceform/schemas/space.schema.json",
    );
    assert.equal(schemaRef({ cwd: other }), "node_modules/spaceform/schemas/space.schema.json");
  });
  it("--schema as given", () => {
    const url =
      "https://raw.githubusercontent.com/OWNER/spaceform/0123456789abcdef0123456789abcdef01234567/schemas/space.schema.json";
    assert.equal(schemaRef({ cwd: repo, outFile: "spaces/x.yaml", schema: url }), url);
  });
});
