import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyPlan, stepLabel, substitute, type ProgressEvent } from "../../src/apply/apply.ts";
import { formatApplyFailure, formatApplySummary, formatProgress } from "../../src/apply/report.ts";
import { UserError } from "../../src/diagnostics.ts";
import { GatewayError, type RequestCounter, type SpaceWriter } from "../../src/matrix/gateway.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import {
  combinePlans,
  type Change,
  type Plan,
  type SpacePlan,
  type Step,
} from "../../src/plan/model.ts";

interface Call {
  method: string;
  args: unknown[];
}

/** The error the gateway throws when the homeserver answers with a Matrix error. */
function matrixError(errcode: string, httpStatus: number, message: string, kind: string): Error {
  return new GatewayError(`${errcode}: ${message} (${kind}, HTTP ${httpStatus})`, {
    kind,
    errcode,
    httpStatus,
  });
}

/** Records every call; `failOn` makes the n-th call of a method throw. */
function recordingGateway(
  opts: {
    failOn?: { method: string; error: Error };
    visibilityAfterCreate?: string;
    uploadLimit?: number;
  } = {},
) {
  const calls: Call[] = [];
  let rooms = 0;
  let uploads = 0;
  const record = (method: string, ...args: unknown[]): void => {
    calls.push({ method, args });
    if (opts.failOn?.method === method) throw opts.failOn.error;
  };
  const gateway: SpaceWriter & RequestCounter = {
    directoryVisibility: (roomId) => {
      record("directoryVisibility", roomId);
      return Promise.resolve(opts.visibilityAfterCreate === "private" ? "private" : "public");
    },
    createRoom: (request) => {
      record("createRoom", request);
      rooms += 1;
      return Promise.resolve(`!new${rooms}:test` as RoomId);
    },
    upgradeRoom: (roomId, version, creators) => {
      record("upgradeRoom", roomId, version, creators);
      rooms += 1;
      return Promise.resolve(`!new${rooms}:test` as RoomId);
    },
    sendState: (roomId, type, stateKey, content) => {
      record("sendState", roomId, type, stateKey, content);
      return Promise.resolve();
    },
    join: (room, via) => {
      record("join", room, via);
      return Promise.resolve(room as RoomId);
    },
    createAlias: (alias, roomId) => {
      record("createAlias", alias, roomId);
      return Promise.resolve();
    },
    deleteAlias: (alias) => {
      record("deleteAlias", alias);
      return Promise.resolve();
    },
    setDirectoryVisibility: (roomId, visibility) => {
      record("setDirectoryVisibility", roomId, visibility);
      return Promise.resolve();
    },
    uploadLimit: () => Promise.resolve(opts.uploadLimit ?? null),
    upload: (data, o) => {
      record("upload", data.length, o);
      uploads += 1;
      return Promise.resolve(`mxc://test/upload${uploads}`);
    },
    requestCount: () => ({ total: calls.length, byKind: {}, retries: 0 }),
  };
  return { gateway, calls };
}

const base = { space: "demo" };

function planOf(steps: Step[], changes: Omit<Change, "space" | "entry">[] = []): Plan {
  const part: SpacePlan = {
    space: "demo",
    based_on: {
      space: "demo",
      manifest_file: "spaces/demo.yaml",
      manifest_sha256: "0".repeat(64),
      server_name: "test",
      user_id: "@bot:test",
      state_sha256: "1".repeat(64),
    },
    changes: changes.map((c) => ({ ...c, space: "demo", entry: "space" })),
    steps,
    diagnostics: [],
    tree: { entry: "space", key: "space", kind: "space", children: [] },
    unmanaged: [],
  };
  return combinePlans([part], { version: "0.0.0", now: new Date(0) });
}

describe("applyPlan", () => {
  it("upgrades a room and sends later steps to the new room", async () => {
    const { gateway, calls } = recordingGateway();
    const plan = planOf(
      [
        {
          ...base,
          op: "upgrade_room",
          entry: "rooms.general",
          room: { room_id: "!old:test" },
          new_version: "12",
          additional_creators: ["@alice:test"],
          addresses: ["rooms.general"],
          description: "upgrade general",
        },
        {
          ...base,
          op: "send_state",
          room: { room_id: "!space:test" },
          type: "m.space.child",
          state_key: "$room:rooms.general",
          content: { via: ["test"], order: "10" },
          addresses: ["space.children.general"],
          description: "link the new room",
        },
        {
          ...base,
          op: "send_state",
          room: { created: "rooms.general" },
          type: "m.room.join_rules",
          state_key: "",
          content: {
            join_rule: "restricted",
            allow: [{ type: "m.room_membership", room_id: { $room: "rooms.general" } }],
          },
          addresses: ["rooms.general.allow"],
          description: "allow",
        },
      ],
      [
        { address: "rooms.general", action: "replace", before: {}, after: {} },
        { address: "space.children.general", action: "update", before: {}, after: {} },
        { address: "rooms.general.allow", action: "update", before: [], after: [] },
      ],
    );
    const result = await applyPlan(plan, gateway);
    assert.equal(result.ok, true);
    assert.deepEqual(calls, [
      { method: "upgradeRoom", args: ["!old:test", "12", ["@alice:test"]] },
      {
        method: "sendState",
        args: ["!space:test", "m.space.child", "!new1:test", { via: ["test"], order: "10" }],
      },
      {
        method: "sendState",
        args: [
          "!new1:test",
          "m.room.join_rules",
          "",
          {
            join_rule: "restricted",
            allow: [{ type: "m.room_membership", room_id: "!new1:test" }],
          },
        ],
      },
    ]);
    assert.deepEqual(result.created, { "rooms.general": "!new1:test" });
    assert.deepEqual(result.summary, { create: 0, update: 2, delete: 0, replace: 1 });
    assert.equal(stepLabel(plan, plan.steps[0]!), "-/+ rooms.general");
  });

  it("creates rooms first and substitutes their ids into later steps", async () => {
    const { gateway, calls } = recordingGateway();
    const plan = planOf(
      [
        {
          ...base,
          op: "create_room",
          entry: "space",
          request: { name: "Space", creation_content: { type: "m.space" } },
          addresses: ["space"],
          description: "create space",
        },
        {
          ...base,
          op: "create_room",
          entry: "rooms.general",
          request: {
            name: "General",
            initial_state: [
              {
                type: "m.room.join_rules",
                state_key: "",
                content: {
                  join_rule: "restricted",
                  allow: [{ type: "m.room_membership", room_id: { $room: "space" } }],
                },
              },
              { type: "m.space.parent", state_key: "$room:space", content: { via: ["test"] } },
            ],
          },
          addresses: ["rooms.general"],
          description: "create room rooms.general",
        },
        {
          ...base,
          op: "send_state",
          room: { created: "space" },
          type: "m.space.child",
          state_key: "$room:rooms.general",
          content: { via: ["test"] },
          addresses: ["space.children.general"],
          description: "link general",
        },
        {
          ...base,
          op: "create_alias",
          alias: "#general:test",
          room: { created: "rooms.general" },
          addresses: ["rooms.general"],
          description: "alias",
        },
      ],
      [
        { address: "space", action: "create", before: null, after: {} },
        { address: "rooms.general", action: "create", before: null, after: {} },
        { address: "space.children.general", action: "create", before: null, after: {} },
      ],
    );
    const events: ProgressEvent[] = [];
    const result = await applyPlan(plan, gateway, { progress: (e) => events.push(e) });
    assert.equal(result.ok, true);
    assert.deepEqual(result.created, { space: "!new1:test", "rooms.general": "!new2:test" });
    const second = calls[1]!.args[0] as {
      initial_state: { content: unknown; state_key: string }[];
    };
    assert.deepEqual(second.initial_state[0]!.content, {
      join_rule: "restricted",
      allow: [{ type: "m.room_membership", room_id: "!new1:test" }],
    });
    assert.equal(second.initial_state[1]!.state_key, "!new1:test");
    assert.deepEqual(calls[2], {
      method: "sendState",
      args: ["!new1:test", "m.space.child", "!new2:test", { via: ["test"] }],
    });
    assert.deepEqual(calls[3], { method: "createAlias", args: ["#general:test", "!new2:test"] });
    assert.deepEqual(result.summary, { create: 3, update: 0, delete: 0 });
    assert.equal(result.requests, 4);
    assert.equal(formatProgress(events[2]!), "[3/4] + space.children.general … done\n");
    // Two steps realise rooms.general (its creation, its alias): the description tells them apart.
    assert.equal(formatProgress(events[3]!), "[4/4] + rooms.general (alias) … done\n");
    assert.equal(
      formatApplySummary(result),
      "Apply complete: 3 created, 0 updated, 0 deleted, 4 requests.\n",
    );
  });

  it("uploads an avatar file once, checks its hash and records it in m.room.avatar", async () => {
    const dir = await mkdtemp(join(tmpdir(), "spaceform-apply-"));
    const bytes = Buffer.from("not really a png, the applier only hashes it");
    await writeFile(join(dir, "logo.png"), bytes);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const avatar_file = {
      file: "logo.png",
      sha256,
      mimetype: "image/png",
      size: bytes.length,
      width: 8,
      height: 8,
    };
    const { gateway, calls } = recordingGateway();
    const plan = planOf([
      {
        ...base,
        op: "create_room",
        entry: "space",
        request: { initial_state: [] },
        avatar_file,
        addresses: ["space"],
        description: "create space",
      },
      {
        ...base,
        op: "set_avatar",
        room: { room_id: "!old:test" },
        avatar_file,
        addresses: ["rooms.x.avatar"],
        description: "avatar",
      },
    ]);
    const result = await applyPlan(plan, gateway, { manifestDirs: { demo: dir } });
    assert.equal(result.ok, true);
    // The second step uses the same image: its first upload's URL, no second copy on the server.
    assert.deepEqual(
      calls.map((c) => c.method),
      ["upload", "createRoom", "sendState"],
    );
    const expected = {
      url: "mxc://test/upload1",
      info: {
        mimetype: "image/png",
        size: bytes.length,
        w: 8,
        h: 8,
        "dev.spaceform.sha256": sha256,
      },
    };
    const req = calls[1]!.args[0] as { initial_state: unknown[] };
    assert.deepEqual(req.initial_state, [
      { type: "m.room.avatar", state_key: "", content: expected },
    ]);
    assert.deepEqual(calls[2]!.args, ["!old:test", "m.room.avatar", "", expected]);

    // The file changed after the plan: nothing is uploaded, the step fails and says why.
    await writeFile(join(dir, "logo.png"), "another image");
    const again = recordingGateway();
    const failed = await applyPlan(plan, again.gateway, { manifestDirs: { demo: dir } });
    assert.equal(failed.ok, false);
    assert.equal(failed.failure?.index, 1);
    assert.match(failed.failure.error, /changed since the plan was made/);
    assert.equal(again.calls.length, 0);
  });

  it("refuses an avatar larger than the homeserver's m.upload.size before sending anything", async () => {
    const dir = await mkdtemp(join(tmpdir(), "spaceform-apply-"));
    const bytes = Buffer.alloc(2048, 1);
    await writeFile(join(dir, "big.png"), bytes);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const { gateway, calls } = recordingGateway({ uploadLimit: 1024 });
    const plan = planOf([
      {
        ...base,
        op: "set_avatar",
        room: { room_id: "!old:test" },
        avatar_file: { file: "big.png", sha256, mimetype: "image/png", size: bytes.length },
        addresses: ["rooms.x.avatar"],
        description: "avatar",
      },
    ]);
    const result = await applyPlan(plan, gateway, { manifestDirs: { demo: dir } });
    assert.equal(result.ok, false);
    assert.equal(
      result.failure?.error,
      "the avatar file big.png is 2048 bytes, but this homeserver accepts uploads of at most 1024 bytes (m.upload.size); use a smaller image",
    );
    assert.deepEqual(calls, [], "nothing was uploaded or sent");
  });

  it("uploads each distinct image once per apply: two rooms sharing a logo, one upload", async () => {
    const dir = await mkdtemp(join(tmpdir(), "spaceform-apply-"));
    const image = (name: string, text: string) => {
      const bytes = Buffer.from(text);
      return {
        write: () => writeFile(join(dir, name), bytes),
        avatar_file: {
          file: name,
          sha256: createHash("sha256").update(bytes).digest("hex"),
          mimetype: "image/png",
          size: bytes.length,
        },
      };
    };
    const logo = image("logo.png", "the shared logo");
    // The same bytes under another name are the same image.
    const copy = image("logo-copy.png", "the shared logo");
    const other = image("other.png", "another image");
    await Promise.all([logo.write(), copy.write(), other.write()]);
    const create = (entry: string, avatar_file: typeof logo.avatar_file): Step => ({
      ...base,
      op: "create_room",
      entry,
      request: { initial_state: [] },
      avatar_file,
      addresses: [entry],
      description: `create ${entry}`,
    });
    const plan = planOf([
      create("rooms.a", logo.avatar_file),
      create("rooms.b", logo.avatar_file),
      create("rooms.c", other.avatar_file),
      {
        ...base,
        op: "set_avatar",
        room: { room_id: "!old:test" },
        avatar_file: copy.avatar_file,
        addresses: ["rooms.d.avatar"],
        description: "avatar",
      },
    ]);
    const { gateway, calls } = recordingGateway();
    const result = await applyPlan(plan, gateway, { manifestDirs: { demo: dir } });
    assert.equal(result.ok, true);
    assert.deepEqual(
      calls.filter((c) => c.method === "upload").map((c) => c.args[1]),
      [
        { type: "image/png", name: "logo.png" },
        { type: "image/png", name: "other.png" },
      ],
    );
    const urlOf = (call: Call): unknown => {
      if (call.method === "sendState") return (call.args[3] as { url: string }).url;
      const req = call.args[0] as { initial_state: { content: { url: string } }[] };
      return req.initial_state[0]?.content.url;
    };
    assert.deepEqual(calls.filter((c) => c.method !== "upload").map(urlOf), [
      "mxc://test/upload1",
      "mxc://test/upload1",
      "mxc://test/upload2",
      "mxc://test/upload1",
    ]);
    assert.equal(result.requests, 6);

    // Each apply uploads again: a new apply does not trust URLs from an earlier one.
    const again = recordingGateway();
    assert.equal((await applyPlan(plan, again.gateway, { manifestDirs: { demo: dir } })).ok, true);
    assert.equal(again.calls.filter((c) => c.method === "upload").length, 2);
  });

  it("stops at the first failing step and reports what was done before it", async () => {
    const { gateway, calls } = recordingGateway({
      failOn: {
        method: "createAlias",
        error: matrixError(
          "M_UNKNOWN",
          409,
          "Room alias #taken:test already exists",
          "PUT /directory/room",
        ),
      },
    });
    const plan = planOf(
      [
        {
          ...base,
          op: "send_state",
          room: { room_id: "!a:test" },
          type: "m.room.topic",
          state_key: "",
          content: { topic: "t" },
          addresses: ["rooms.a.topic"],
          description: "set topic of rooms.a",
        },
        {
          ...base,
          op: "create_alias",
          alias: "#taken:test",
          room: { room_id: "!a:test" },
          addresses: ["rooms.a.alias"],
          description: "create alias #taken:test",
        },
        {
          ...base,
          op: "send_state",
          room: { room_id: "!a:test" },
          type: "m.room.name",
          state_key: "",
          content: { name: "n" },
          addresses: ["rooms.a.name"],
          description: "set name",
        },
      ],
      [
        { address: "rooms.a.topic", action: "update", before: "x", after: "t" },
        { address: "rooms.a.alias", action: "update", before: null, after: "#taken:test" },
        { address: "rooms.a.name", action: "update", before: null, after: "n" },
      ],
    );
    const result = await applyPlan(plan, gateway);
    assert.equal(result.ok, false);
    assert.equal(calls.length, 2, "nothing after the failing step is sent");
    assert.equal(result.failure?.index, 2);
    assert.equal(result.failure.errcode, "M_UNKNOWN");
    assert.deepEqual(result.summary, { create: 0, update: 1, delete: 0 });
    const message = formatApplyFailure(plan, result);
    assert.match(
      message,
      /apply stopped at step 2 of 3: ~ rooms\.a\.alias \(create alias #taken:test\)/,
    );
    assert.match(message, /M_UNKNOWN: Room alias #taken:test already exists/);
    assert.match(message, /Done before it: 1 step .*\n {2}~ rooms\.a\.topic/);
    assert.match(message, /run apply again/);
  });

  it("refuses a refused plan without sending anything", async () => {
    const { gateway, calls } = recordingGateway();
    const plan = planOf([]);
    plan.diagnostics.push({ severity: "error", code: "plan.lockout", message: "no" });
    plan.refused = true;
    await assert.rejects(applyPlan(plan, gateway), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.diagnostics.length, 1);
      return true;
    });
    assert.equal(calls.length, 0);
  });

  it("turns a 403 on publishing into a warning and goes on", async () => {
    const { gateway, calls } = recordingGateway({
      failOn: {
        method: "setDirectoryVisibility",
        error: matrixError(
          "M_FORBIDDEN",
          403,
          "Not allowed to publish room",
          "PUT /directory/list/room",
        ),
      },
    });
    const plan = planOf([
      {
        ...base,
        op: "set_visibility",
        room: { room_id: "!a:test" },
        visibility: "public",
        addresses: ["rooms.a.publish"],
        description: "publish",
      },
      {
        ...base,
        op: "delete_alias",
        alias: "#old:test",
        addresses: ["rooms.a.alt_aliases"],
        description: "delete alias",
      },
    ]);
    const result = await applyPlan(plan, gateway);
    assert.equal(result.ok, true);
    assert.equal(calls.length, 2);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!.message, /does not let this account publish rooms/);
  });

  it("warns when a room created with visibility public was not published", async () => {
    const { gateway } = recordingGateway({ visibilityAfterCreate: "private" });
    const plan = planOf([
      {
        ...base,
        op: "create_room",
        entry: "rooms.a",
        request: { visibility: "public" },
        addresses: ["rooms.a"],
        description: "create",
      },
    ]);
    const result = await applyPlan(plan, gateway);
    assert.equal(result.ok, true);
    assert.equal(result.warnings[0]?.code, "apply.publish-denied");
  });
});

describe("substitute", () => {
  it("fails clearly on a reference to a room no step created", () => {
    assert.throws(
      () => substitute({ a: { $room: "rooms.x" } }, {}),
      /rooms\.x, which no earlier step created/,
    );
  });
  it("leaves other objects alone", () => {
    assert.deepEqual(substitute({ a: [1, { b: "$room" }] }, {}), { a: [1, { b: "$room" }] });
  });
});
