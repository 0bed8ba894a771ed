import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildImport } from "../../src/import/build.ts";
import { checkLivePolicies, livePolicyView } from "../../src/import/policies.ts";
import type { Policies } from "../../src/manifest/model.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import type { LiveRoom, LiveState } from "../../src/state/model.ts";

const live = JSON.parse(
  readFileSync(new URL("../fixtures/import/basic/live.json", import.meta.url), "utf8"),
) as LiveState;
const built = buildImport(live, "!root:example.org" as RoomId);

const policies: Policies = {
  admins: ["@alice:example.org" as never],
  forbid_encryption: true,
  require_avatar: "warn",
  min_moderators: 0,
  name_prefixes: [{ match: "chapter-*", prefix: "deRSE-Chapter-" }],
  creators: "warn",
};

describe("import --check-policies", () => {
  const found = checkLivePolicies(policies, built.root, live);
  const at = (code: string): string[] =>
    found.filter((d) => d.code === code).map((d) => d.path ?? "");

  it("reports each house rule the live rooms break, at the entry the manifest gives them", () => {
    // @alice is at 100 only in the careers room. The room without m.room.power_levels
    // counts too: by the auth rules only its creator has power there.
    assert.deepEqual(at("policy.admins").sort(), [
      "rooms.chapters.power_levels.users",
      "rooms.chapters.rooms.chapter-berlin.power_levels.users",
      "rooms.chapters.rooms.general-2.power_levels.users",
      "rooms.general.power_levels.users",
      "rooms.room.power_levels.users",
      "space.power_levels.users",
    ]);
    assert.deepEqual(at("policy.forbid-encryption"), ["rooms.careers.encrypted"]);
    // The room is encrypted live, not by a declaration: the hint says what can be done about it.
    const encrypted = found.find((d) => d.code === "policy.forbid-encryption");
    assert.match(encrypted?.hint ?? "", /^Encryption cannot be turned off in Matrix/);
    // Only the root and careers have avatars.
    assert.deepEqual(at("policy.require-avatar").sort(), [
      "rooms.chapters.avatar",
      "rooms.chapters.rooms.chapter-berlin.avatar",
      "rooms.chapters.rooms.general-2.avatar",
      "rooms.general.avatar",
      "rooms.room.avatar",
    ]);
    assert.deepEqual(at("policy.name-prefix"), ["rooms.chapters.rooms.chapter-berlin.name"]);
  });

  it("reports nothing when the space keeps the rules", () => {
    const none: Policies = {
      admins: ["@bot:example.org" as never],
      forbid_encryption: false,
      require_avatar: "off",
      min_moderators: 0,
      name_prefixes: [{ match: "chapter-*", prefix: "deRSE-chapter-" }],
      creators: "warn",
    };
    const rooms = built.root.children.filter((c) => c.key !== "room"); // no power levels there
    const diagnostics = rooms.flatMap((c) =>
      checkLivePolicies(none, { ...c, children: c.children }, live),
    );
    assert.deepEqual(diagnostics, []);
  });

  it("knows the creators of a version 12 room, who hold unlimited power", () => {
    const room: LiveRoom = {
      room_id: "!v12:example.org" as RoomId,
      membership: "join",
      state: [
        {
          type: "m.room.create",
          state_key: "",
          sender: "@founder:example.org",
          content: { room_version: "12", additional_creators: ["@cofounder:example.org"] },
        },
        { type: "m.room.power_levels", state_key: "", content: { users: {} } },
      ],
    };
    const view = livePolicyView(built.root, room, "@bot:example.org");
    assert.deepEqual(view.creators, ["@founder:example.org", "@cofounder:example.org"]);
    assert.deepEqual(view.users, {});
    assert.equal(view.hasAvatar, false);
    assert.equal(view.encrypted, false);
  });
});
