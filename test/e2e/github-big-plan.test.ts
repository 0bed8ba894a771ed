// The apply gate for a plan too long to list plainly in its record, end to end through action.yml's
// steps, the local GitHub stand-in and the real Synapse: the record packs the reviewed change list;
// an apply that stops halfway (another account takes a new room's alias while it runs) is re-run
// and accepted, because what is left is part of the reviewed plan, and converges; a change made by
// hand in between, which nobody reviewed, is refused.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { MAX_KIND_MARKER_CHARS, PLAN_MARKER } from "../../src/github/markers.ts";
import { kindKey } from "../../src/github/plan-kind.ts";
import { readPlanRecord } from "../../src/github/plan-record.ts";
import type { Plan } from "../../src/plan/model.ts";
import { startFakeGitHub, type FakeGitHub, type FakePull } from "../fixtures/github/fake-github.ts";
import { explainRun, workflowRunner, type ActionRun } from "../fixtures/github/run-action.ts";
import { freshWorld, type World } from "../homeserver/harness.ts";
import { envFor, runCli } from "./apply.support.ts";

const sha = (n: number): string => n.toString(16).padStart(2, "0").repeat(20);
const EXISTING = 40;
const NEW = 6;
/** Room keys as long as the manifest allows, so the change list is long. */
const key = (kind: "e" | "n", i: number): string => `${kind}-${i}-${"x".repeat(50)}`;

describe("GitHub flow: a big plan, a partial apply, its re-run (end to end)", () => {
  let world: World;
  let gh: FakeGitHub;
  let workspace: string;
  let proxy: Server;
  let proxyUrl: string;
  /** Set to run once, just before the apply's first createRoom reaches Synapse. */
  let onFirstCreateRoom: (() => Promise<void>) | undefined;
  const githubToken = `ghs_${randomBytes(18).toString("hex")}`;
  let pull: FakePull;

  function writeManifest(reviewed: boolean): void {
    const lines = [
      "version: 1",
      "space:",
      `  alias: "#${world.aliasLocalpart("space")}"`,
      "  name: Big plan space",
      "rooms:",
      "  stable:",
      `    alias: "#${world.aliasLocalpart("stable")}"`,
      "    topic: Never changed by the pull request",
    ];
    for (let i = 0; i < EXISTING; i++) {
      lines.push(
        `  ${key("e", i)}:`,
        `    alias: "#${world.aliasLocalpart(`e${i}`)}"`,
        `    name: ${reviewed ? `Room ${i}, renamed` : `Room ${i}`}`,
        `    topic: ${reviewed ? `New topic ${i}` : `Old topic ${i}`}`,
        `    join_rule: ${reviewed ? "public" : "invite"}`,
        `    history_visibility: ${reviewed ? "invited" : "shared"}`,
        `    guest_access: ${reviewed ? "can_join" : "forbidden"}`,
      );
    }
    if (reviewed) {
      for (let i = 0; i < NEW; i++) {
        lines.push(
          `  ${key("n", i)}:`,
          `    alias: "#${world.aliasLocalpart(`n${i}`)}"`,
          `    topic: New room ${i}`,
        );
      }
    }
    writeFileSync(join(workspace, "spaces", "big.yaml"), lines.join("\n") + "\n");
  }

  let action: ReturnType<typeof workflowRunner>;
  const applyMerge = () => action("apply", { name: "push", sha: sha(0x5f) });
  const explain = explainRun;
  const stepOutcome = (run: ActionRun, name: string): string | undefined =>
    run.steps.find((s) => s.name === name)?.outcome;
  const planOf = (run: ActionRun): Plan =>
    JSON.parse(readFileSync(run.outputs["plan-file"]!, "utf8")) as Plan;

  async function matrix(token: string, method: string, path: string, body?: unknown) {
    const r = await fetch(`${world.hs.baseUrl}/_matrix/client/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    assert.equal(r.status, 200, `${method} ${path}: ${await r.clone().text()}`);
    return (await r.json()) as Record<string, unknown>;
  }
  const aliasPath = (name: string) => `/directory/room/${encodeURIComponent(world.alias(name))}`;
  async function setTopicByHand(name: string, topic: string): Promise<void> {
    const { room_id } = (await matrix(world.bot.accessToken, "GET", aliasPath(name))) as {
      room_id: string;
    };
    await matrix(
      world.bot.accessToken,
      "PUT",
      `/rooms/${encodeURIComponent(room_id)}/state/m.room.topic/`,
      {
        topic,
      },
    );
  }

  before(async () => {
    world = await freshWorld({ name: "github big plan", diagnostic: () => undefined });
    gh = await startFakeGitHub();
    gh.tokens.set(githubToken, { login: "github-actions[bot]" });
    workspace = mkdtempSync(join(tmpdir(), "spaceform-github-big-"));
    mkdirSync(join(workspace, "spaces"));
    action = workflowRunner({
      workspace,
      gh,
      githubToken,
      homeserver: () => proxyUrl,
      matrixToken: world.bot.accessToken,
    });
    // Everything reaches the real Synapse; the proxy only lets the test act at one moment.
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        void (async () => {
          if (req.method === "POST" && req.url?.endsWith("/createRoom") && onFirstCreateRoom) {
            const act = onFirstCreateRoom;
            onFirstCreateRoom = undefined;
            await act();
          }
          const headers: Record<string, string> = {};
          for (const h of ["authorization", "content-type"]) {
            const v = req.headers[h];
            if (typeof v === "string") headers[h] = v;
          }
          const upstream = await fetch(`${world.hs.baseUrl}${req.url ?? "/"}`, {
            method: req.method ?? "GET",
            headers,
            ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
          });
          res.writeHead(upstream.status, {
            "content-type": upstream.headers.get("content-type") ?? "application/json",
          });
          res.end(Buffer.from(await upstream.arrayBuffer()));
        })();
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    // The space as it is on the default branch, applied before any pull request.
    writeManifest(false);
    const base = await runCli(
      ["apply", join(workspace, "spaces", "big.yaml"), "--auto-approve"],
      envFor(world.hs, world.bot),
    );
    assert.equal(base.code, 0, base.stderr);
  });

  after(async () => {
    await gh.close();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it("records the whole reviewed change list of a big plan, packed", async () => {
    pull = { number: 1, head_sha: sha(0x51), merge_commit_sha: null, merged_at: null };
    gh.addPull(pull, [pull.head_sha]);
    writeManifest(true);
    const run = await action("plan", {
      name: "pull_request",
      sha: sha(0xee),
      payload: { pull_request: { number: 1, head: { sha: pull.head_sha } } },
    });
    assert.equal(run.outcome, "success", explain(run));
    const plan = planOf(run);
    const keys = [...new Set(plan.changes.map(kindKey))];
    assert.equal(keys.length, EXISTING * 5 + NEW);
    assert.ok(JSON.stringify(keys).length > MAX_KIND_MARKER_CHARS, "too long to list plainly");

    const comments = gh.comments.filter(
      (c) => c.issue_number === 1 && c.body.startsWith(PLAN_MARKER),
    );
    assert.equal(comments.length, 1);
    const line = comments[0]!.body.split("\n")[1]!;
    const payload = JSON.parse(
      Buffer.from(line.split(" ")[2]!.split(".")[0]!, "base64url").toString(),
    ) as Record<string, unknown>;
    assert.equal(typeof payload["keys_z"], "string", "the list is packed, not left out");
    const reading = readPlanRecord(comments[0]!.body, 1, world.bot.accessToken);
    assert.ok(reading.ok);
    assert.deepEqual(
      reading.record.keys,
      [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  });

  it("accepts the re-run of an apply that stopped halfway, refusing it while it holds an unreviewed change", async () => {
    pull.merge_commit_sha = sha(0x5f);
    pull.merged_at = new Date().toISOString();
    gh.commitPulls.set(sha(0x5f), [pull]);

    // Once the apply has started, another account takes the alias of the last new room.
    const squatter = world.moderators[1].accessToken;
    let squatRoom = "";
    onFirstCreateRoom = async () => {
      const { room_id } = (await matrix(squatter, "POST", "/createRoom", {})) as {
        room_id: string;
      };
      squatRoom = room_id;
      await matrix(squatter, "PUT", aliasPath(`n${NEW - 1}`), { room_id });
    };
    const first = await applyMerge();
    assert.equal(first.outcome, "failure", explain(first));
    assert.equal(stepOutcome(first, "Check the plan against the reviewed one"), "success");
    assert.equal(stepOutcome(first, "Apply"), "failure", explain(first));
    assert.notEqual(squatRoom, "");
    const reviewedKeys = new Set(planOf(first).changes.map(kindKey));

    // The alias is given back; meanwhile a room admin changes a topic the pull request left alone.
    await matrix(squatter, "DELETE", aliasPath(`n${NEW - 1}`));
    await setTopicByHand("stable", "Changed in a chat client");
    const refused = await applyMerge();
    assert.equal(refused.outcome, "failure", explain(refused));
    assert.equal(stepOutcome(refused, "Check the plan against the reviewed one"), "failure");
    assert.equal(stepOutcome(refused, "Apply"), "skipped");
    assert.match(
      refused.log,
      /The plan now contains 1 change that the pull request's plan did not show\./,
    );
    assert.match(refused.log, /~ big:rooms\.stable\.topic/);

    // Put back by hand: the re-run holds only what is left of the reviewed plan, and converges.
    await setTopicByHand("stable", "Never changed by the pull request");
    const rerun = await applyMerge();
    assert.equal(rerun.outcome, "success", explain(rerun));
    const left = planOf(rerun).changes;
    assert.ok(left.length > 0 && left.length < planOf(first).changes.length, `${left.length} left`);
    // What the half-created room still needs is shown as changes of its own, covered by its `+`.
    const ownKeys = left.map(kindKey).filter((k) => !reviewedKeys.has(k));
    assert.ok(
      ownKeys.some((k) => k.startsWith(`+ big:rooms.${key("n", NEW - 1)}.alias`)),
      JSON.stringify(ownKeys),
    );
    assert.match(rerun.log, /reviewed changes? (is|are) no longer needed/);

    const clean = await runCli(
      ["plan", join(workspace, "spaces", "big.yaml"), "--detailed-exitcode"],
      envFor(world.hs, world.bot),
    );
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  });
});
