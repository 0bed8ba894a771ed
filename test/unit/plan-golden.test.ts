/**
 * Golden cases: test/fixtures/plan/<case>/ holds `manifest.yaml` and `live.patch.json`
 * (what makes its live state from the shared base.live.json, see live-patch.ts),
 * optionally `options.json` (PlanOptions); the planner and the
 * renderers must produce exactly `expected.json`, `expected.txt` and `expected.md`.
 * Regenerate after an intended change with
 *   UPDATE_GOLDEN=1 ./node_modules/.bin/node --test test/unit/plan-golden.test.ts
 * and review the diff. Each case also states what it is about in EXPECTATIONS,
 * so a regenerated golden file cannot silently approve a wrong plan.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadManifest } from "../../src/manifest/load.ts";
import { combinePlans, type Plan } from "../../src/plan/model.ts";
import { DEFAULT_PLAN_OPTIONS, planSpace } from "../../src/plan/planner.ts";
import { renderJson } from "../../src/render/json.ts";
import { renderMarkdown } from "../../src/render/markdown.ts";
import { renderText } from "../../src/render/text.ts";
import type { LiveState } from "../../src/state/model.ts";
import { caseLive } from "../fixtures/plan/live-patch.ts";
import { simulateApply } from "../fixtures/plan/simulate.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
// Manifest paths appear in plans as the user named them: name them relative to the repository.
process.chdir(root);
const CASES = "test/fixtures/plan";
const UPDATE = process.env["UPDATE_GOLDEN"] === "1";

interface Expectation {
  refused: boolean;
  /** Exactly these change addresses, in order. */
  addresses: string[];
  /** At least these diagnostic codes (errors and warnings). */
  codes?: string[];
  /** Step ops that must not appear. */
  noOps?: string[];
  /** Whether applying the steps in the simulator and planning again leaves nothing to do. */
  converges?: boolean;
}

const EXPECTATIONS: Record<string, Expectation> = {
  "empty-server": {
    refused: false,
    addresses: ["space", "rooms.general", "rooms.chapters", "rooms.chapters.rooms.chapter-berlin"],
    converges: true,
  },
  "no-changes": { refused: false, addresses: [], noOps: ["set_avatar", "create_room"] },
  drift: {
    refused: false,
    addresses: [
      "space.avatar",
      "rooms.general.topic",
      "rooms.general.power_levels.users",
      "rooms.chapters.children.chapter-berlin",
    ],
    converges: true,
  },
  "undeclared-drift": { refused: false, addresses: [] },
  "encryption-off-refused": {
    refused: true,
    addresses: [],
    codes: ["encryption.irreversible"],
  },
  "lockout-refused": {
    refused: true,
    addresses: ["rooms.general.power_levels.users"],
    codes: ["power.lowers-managing-account", "power.lockout"],
  },
  "insufficient-power-refused": {
    refused: true,
    addresses: ["rooms.general.topic", "rooms.general.power_levels.users"],
    codes: ["power.insufficient"],
  },
  "join-rule-version-refused": {
    refused: true,
    addresses: [],
    codes: ["join-rule.unsupported-version"],
  },
  "v12-creator-refused": {
    refused: true,
    addresses: ["rooms.general.power_levels.users"],
    codes: ["power.v12-creator-in-users"],
  },
  "unmanaged-reported": { refused: false, addresses: [] },
  "unmanaged-unlinked": {
    refused: false,
    addresses: ['space.children["!stray:example.org"]'],
    converges: true,
  },
  "unmanaged-guard-refused": {
    refused: true,
    addresses: [1, 2, 3, 4, 5, 6].map((i) => `space.children["!stray${i}:example.org"]`),
    codes: ["guard.max-removals"],
  },
  "adopt-rooms": {
    refused: true,
    addresses: [
      "rooms.partners.membership",
      "rooms.partners.name",
      "rooms.partners.avatar",
      "rooms.lab.avatar",
      "space.children.partners",
      "rooms.partners.parent",
      "space.children.lab",
      "rooms.lab.parent",
    ],
    codes: ["room.invited", "policy.forbid-encryption", "policy.min-moderators"],
  },
  "alias-refused": {
    refused: true,
    addresses: ["rooms.bridge"],
    codes: ["alias.taken", "alias.foreign-server"],
  },
  "rename-key": { refused: false, addresses: ["rooms.lobby.marker"], converges: true },
  "upgrade-v12": {
    refused: false,
    addresses: [
      "space",
      'space.aliases["#demo:example.org"]',
      "space.directory",
      "space.marker",
      "space.power_levels.events",
      "rooms.general",
      'rooms.general.aliases["#demo-general:example.org"]',
      'rooms.general.aliases["#demo-lobby:example.org"]',
      "rooms.general.marker",
      "rooms.general.allow",
      "rooms.general.power_levels.events",
      "rooms.chapters",
      'rooms.chapters.aliases["#demo-chapters:example.org"]',
      "rooms.chapters.marker",
      "rooms.chapters.power_levels.events",
      "rooms.chapters.rooms.chapter-berlin",
      'rooms.chapters.rooms.chapter-berlin.aliases["#demo-berlin:example.org"]',
      "rooms.chapters.rooms.chapter-berlin.marker",
      "rooms.chapters.rooms.chapter-berlin.allow",
      "rooms.chapters.rooms.chapter-berlin.power_levels.events",
      "space.children.general",
      "rooms.general.parent",
      "space.children.chapters",
      "rooms.chapters.parent",
      "rooms.chapters.children.chapter-berlin",
      "rooms.chapters.rooms.chapter-berlin.parent",
    ],
    noOps: ["create_room"],
  },
};

async function planCase(
  name: string,
): Promise<{ plan: Plan; live: LiveState; replan: () => Plan }> {
  const dir = join(CASES, name);
  const { manifest, diagnostics } = await loadManifest(join(dir, "manifest.yaml"));
  assert.ok(manifest, `manifest of ${name} does not load: ${JSON.stringify(diagnostics)}`);
  const live = caseLive(dir);
  const optionsFile = join(dir, "options.json");
  const options = existsSync(optionsFile)
    ? { ...DEFAULT_PLAN_OPTIONS, ...(JSON.parse(readFileSync(optionsFile, "utf8")) as object) }
    : DEFAULT_PLAN_OPTIONS;
  const meta = { version: "0.0.0-golden", now: new Date("2025-01-01T00:00:00.000Z") };
  const part = planSpace(manifest, live, options);
  return {
    plan: combinePlans([part], meta),
    live,
    replan: () =>
      combinePlans([planSpace(manifest, simulateApply(live, part.steps), options)], meta),
  };
}

const cases = readdirSync(CASES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("plan golden cases", () => {
  it("every case directory has expectations, and every expectation a directory", () => {
    assert.deepEqual(cases, Object.keys(EXPECTATIONS).sort());
  });

  for (const name of cases) {
    it(name, async () => {
      const { plan, replan } = await planCase(name);
      const outputs: Record<string, string> = {
        "expected.json": renderJson(plan),
        "expected.txt": renderText(plan, { color: false }),
        "expected.md": renderMarkdown(plan),
      };
      for (const [file, actual] of Object.entries(outputs)) {
        const path = join(CASES, name, file);
        if (UPDATE) writeFileSync(path, actual);
        assert.ok(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1 and review it`);
        assert.equal(actual, readFileSync(path, "utf8"), `${path} differs`);
      }
      const expect = EXPECTATIONS[name];
      assert.ok(expect, `no expectations for ${name}`);
      assert.equal(plan.refused, expect.refused, JSON.stringify(plan.diagnostics, null, 2));
      assert.deepEqual(
        plan.changes.map((c) => c.address),
        expect.addresses,
      );
      const codes = plan.diagnostics.map((d) => d.code);
      for (const code of expect.codes ?? [])
        assert.ok(codes.includes(code), `missing ${code} in ${codes.join(", ")}`);
      if (!expect.refused) {
        assert.deepEqual(
          plan.diagnostics.filter((d) => d.severity === "error"),
          [],
        );
      }
      for (const op of expect.noOps ?? []) {
        assert.ok(!plan.steps.some((s) => s.op === op), `unexpected ${op} step`);
      }
      if (expect.converges) {
        const again = replan();
        assert.deepEqual(again.changes, [], "planning after apply should find nothing to do");
        assert.deepEqual(again.steps, []);
      }
    });
  }
});
