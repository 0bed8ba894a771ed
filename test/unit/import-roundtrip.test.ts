import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importLiveState } from "../../src/import/manifest.ts";
import { loadManifest } from "../../src/manifest/load.ts";
import { DEFAULT_PLAN_OPTIONS, planSpace } from "../../src/plan/planner.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import type { LiveState } from "../../src/state/model.ts";

// The import is only as good as the planner's reading of it: load the imported
// manifest with the real loader and plan it against the same live state.
describe("an imported manifest, loaded and planned against the state it came from", () => {
  const live = JSON.parse(
    readFileSync(new URL("../fixtures/import/basic/live.json", import.meta.url), "utf8"),
  ) as LiveState;
  const result = importLiveState(live, "!root:example.org" as RoomId, {
    importedFrom: "#de-rse.org:example.org on https://example.org",
    now: new Date("2025-06-01T12:00:00Z"),
  });
  const dir = mkdtempSync(join(tmpdir(), "spaceform-import-"));
  const file = join(dir, "de-rse.yaml");
  writeFileSync(file, result.yaml);

  it("validates without a diagnostic", async () => {
    const loaded = await loadManifest(file);
    assert.deepEqual(loaded.diagnostics, []);
    assert.ok(loaded.manifest);
  });

  it("plans no change but the parent links the import announced", async () => {
    const { manifest } = await loadManifest(file);
    assert.ok(manifest);
    const plan = planSpace(manifest, live, DEFAULT_PLAN_OPTIONS);
    const announced = result.diagnostics.find((d) => d.code === "import.parent-link");
    assert.ok(announced);
    const parentChanges = plan.changes.map((c) => c.address);
    assert.deepEqual(parentChanges, ["rooms.room.parent", "rooms.chapters.rooms.general-2.parent"]);
    for (const c of plan.changes) assert.ok(announced.message.includes(c.entry), c.entry);
    // Rooms it could not import stay linked and unmanaged: reported, never unlinked.
    assert.deepEqual(plan.unmanaged.map((u) => `${u.parent} ${u.room_id} ${u.unlink}`).sort(), [
      "rooms.chapters !offtopic:example.org false",
      "space !invited:example.org false",
      "space !offtopic:example.org false",
      "space !secret:example.org false",
    ]);
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
    const topic = plan.changes.filter((c) => !c.address.endsWith(".parent"));
    assert.deepEqual(
      topic.map((c) => [c.address, c.action, c.before, c.after]),
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
