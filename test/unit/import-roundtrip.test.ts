import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importLiveState } from "../../src/import/manifest.ts";
import { loadManifest } from "../../src/manifest/load.ts";
import { allEntries } from "../../src/manifest/model.ts";
import { DEFAULT_PLAN_OPTIONS, planSpace } from "../../src/plan/planner.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import type { LiveState } from "../../src/state/model.ts";

// The import is only as good as the planner's reading of it: load the imported
// manifest with the real loader and plan it against the same live state.
describe("an imported manifest, loaded and planned against the state it came from", () => {
  const live = JSON.parse(
    readFileSync(new URL("../fixtures/import/basic/live.json", import.meta.url), "utf8"),
  ) as LiveState;
  const options = {
    importedFrom: "#de-rse.org:example.org on https://example.org",
    now: new Date("2025-06-01T12:00:00Z"),
  };
  const result = importLiveState(live, "!root:example.org" as RoomId, options);
  const dir = mkdtempSync(join(tmpdir(), "spaceform-import-"));
  const file = join(dir, "de-rse.yaml");
  writeFileSync(file, result.yaml);

  it("validates without a diagnostic", async () => {
    const loaded = await loadManifest(file);
    assert.deepEqual(loaded.diagnostics, []);
    assert.ok(loaded.manifest);
  });

  it("plans zero changes, also for children linked without a canonical m.space.parent", async () => {
    // The fixture has both: !oddorder has no parent event, !emptysub one that is not canonical.
    const parentOf = (id: string) =>
      live.rooms.find((r) => r.room_id === id)?.state.find((e) => e.type === "m.space.parent");
    assert.equal(parentOf("!oddorder:example.org"), undefined);
    assert.notEqual(parentOf("!emptysub:example.org")?.content["canonical"], true);
    const { manifest } = await loadManifest(file);
    assert.ok(manifest);
    const plan = planSpace(manifest, live, DEFAULT_PLAN_OPTIONS);
    assert.deepEqual(plan.changes, []);
    // Rooms it could not import stay linked and unmanaged: reported, never unlinked.
    assert.deepEqual(plan.unmanaged.map((u) => `${u.parent} ${u.room_id} ${u.unlink}`).sort(), [
      "rooms.chapters !offtopic:example.org false",
      "space !invited:example.org false",
      "space !offtopic:example.org false",
      "space !secret:example.org false",
    ]);
  });

  it("plans zero changes for a space none of whose children carries m.space.parent", async () => {
    const bare: LiveState = {
      ...live,
      rooms: live.rooms.map((r) => ({
        ...r,
        state: r.state.filter((e) => e.type !== "m.space.parent"),
      })),
    };
    const own = join(dir, "bare.yaml");
    writeFileSync(own, importLiveState(bare, "!root:example.org" as RoomId, options).yaml);
    const { manifest, diagnostics } = await loadManifest(own);
    assert.deepEqual(diagnostics, []);
    assert.ok(manifest);
    assert.ok(allEntries(manifest.space).length > 5, "the children were imported");
    assert.deepEqual(planSpace(manifest, bare, DEFAULT_PLAN_OPTIONS).changes, []);
  });

  it("plans exactly one change after one topic is edited", async () => {
    const edited = join(dir, "edited.yaml");
    const text = result.yaml.replace(
      "topic: Gesellschaft für Forschungssoftware",
      "topic: Die Gesellschaft für Forschungssoftware",
    );
    assert.notEqual(text, result.yaml);
    writeFileSync(edited, text);
    const { manifest } = await loadManifest(edited);
    assert.ok(manifest);
    const plan = planSpace(manifest, live, DEFAULT_PLAN_OPTIONS);
    assert.deepEqual(
      plan.changes.map((c) => [c.address, c.action, c.before, c.after]),
      [
        [
          "space.topic",
          "update",
          "Gesellschaft für Forschungssoftware",
          "Die Gesellschaft für Forschungssoftware",
        ],
      ],
    );
  });
});
