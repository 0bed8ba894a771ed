// The request flow's pure parts: the issue form read as data, the manifest edited with its
// comments kept, and which events count (a label, an exact /recheck, the flow's own pull request).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { addRoomEntry } from "../../src/github/manifest-edit.ts";
import { parseRoomRequest } from "../../src/github/request-form.ts";
import { requestEvent } from "../../src/github/request-event.ts";
import {
  formProblemsComment,
  pullRequestText,
  readRecord,
  recordLine,
} from "../../src/github/request-comment.ts";
import { isFlowPull } from "../../src/github/request-pull.ts";
import type { RoomId } from "../../src/matrix/ids.ts";
import { entry, manifest } from "../support/builders.ts";

const ROOM = "!abc:uni.example" as RoomId;
const body = (fields: Record<string, string>): string =>
  Object.entries(fields)
    .map(([label, value]) => `### ${label}\n\n${value}\n`)
    .join("\n");

describe("the request form", () => {
  it("reads the four fields, an empty optional one as absent", () => {
    assert.deepEqual(
      parseRoomRequest(
        body({
          "Room id or alias": ROOM,
          Key: "chapter-bonn",
          Position: "70",
          Chapter: "_No response_",
        }),
      ),
      { ok: true, request: { room: ROOM, key: "chapter-bonn", order: "70" } },
    );
    assert.deepEqual(
      parseRoomRequest(
        body({
          "Room id or alias": "#bonn:uni.example",
          Key: "bonn",
          Position: "a",
          Chapter: "chapters",
        }).replace(/\n/g, "\r\n"),
      ),
      {
        ok: true,
        request: { room: "#bonn:uni.example", key: "bonn", order: "a", chapter: "chapters" },
      },
    );
  });

  it("names every mistake, and a field given twice", () => {
    const r = parseRoomRequest(
      body({ "Room id or alias": "general", Key: "space", Position: "x".repeat(51) }) +
        "\n### Key\n\nother\n",
    );
    assert.deepEqual(r, {
      ok: false,
      problems: [
        'The field "Key" appears more than once.',
        '"Room id or alias" must be a room id (!…:server) or a room alias (#name:server), not "general".',
        '"Key" must be lower-case letters, digits, - and _ (starting with a letter or digit, at most 64, not "space" or "rooms"), not "space".',
        `"Position" must be at most 50 plain characters (letters, digits, punctuation), not "${"x".repeat(51)}".`,
      ],
    });
    assert.deepEqual(parseRoomRequest("no form at all"), {
      ok: false,
      problems: ['"Room id or alias" is empty.', '"Key" is empty.', '"Position" is empty.'],
    });
  });

  it("does not take a multi-line value for an id", () => {
    const r = parseRoomRequest(
      body({ "Room id or alias": `${ROOM}\n$(id)`, Key: "k", Position: "1" }),
    );
    assert.equal(r.ok, false);
  });
});

describe("adding the entry to the manifest", () => {
  const text = `# Our space.
version: 1
space:
  alias: "#s:example.org"
rooms:
  general: # the first room
    name: General
  chapters:
    name: Chapters
    rooms: {}
policies:
  admins: ["@bot:example.org"]
`;
  const m = manifest(
    entry("space", {}, [
      entry("general", { id: "!g:example.org" as RoomId }),
      entry("chapters", {}, [entry("x")]),
    ]),
  );

  it("adds the room at the root, keeping comments and layout, quoting id and order", () => {
    const r = addRoomEntry(text, m, { key: "bonn", id: ROOM, order: "070" });
    assert.deepEqual(r, {
      ok: true,
      text: text.replace(
        "    rooms: {}\n",
        `    rooms: {}\n  bonn:\n    id: "${ROOM}"\n    order: "070"\n`,
      ),
    });
  });

  it("adds the room in a chapter whose rooms were an empty flow map", () => {
    const r = addRoomEntry(text, m, { key: "bonn", id: ROOM, order: "1", chapter: "chapters" });
    assert.deepEqual(r, {
      ok: true,
      text: text.replace(
        "    rooms: {}\n",
        `    rooms:\n      bonn:\n        id: "${ROOM}"\n        order: "1"\n`,
      ),
    });
  });

  it("keeps an order with quotes and a hash a string, and writes a rooms map where none was", () => {
    const order = '6" # x: [';
    const r = addRoomEntry(text, m, { key: "q", id: ROOM, order });
    assert.ok(r.ok);
    assert.ok(r.text.includes(`  q:\n    id: "${ROOM}"\n    order: "6\\" # x: ["\n`), r.text);
    const bare = "version: 1\nspace:\n  name: S\n";
    assert.deepEqual(
      addRoomEntry(bare, manifest(entry("space")), { key: "a", id: ROOM, order: "1" }),
      {
        ok: true,
        text: `${bare}rooms:\n  a:\n    id: "${ROOM}"\n    order: "1"\n`,
      },
    );
  });

  it("refuses a taken key, a listed room and an unknown chapter", () => {
    assert.deepEqual(addRoomEntry(text, m, { key: "general", id: ROOM, order: "1" }), {
      ok: false,
      problem: 'The key "general" is taken already (by rooms.general).',
    });
    assert.deepEqual(
      addRoomEntry(text, m, { key: "n", id: "!g:example.org" as RoomId, order: "1" }),
      {
        ok: false,
        problem: "The room is in the space already, as rooms.general.",
      },
    );
    assert.deepEqual(
      addRoomEntry(text, m, { key: "n", id: ROOM, order: "1", chapter: "general" }),
      {
        ok: false,
        problem: 'There is no chapter (subspace) with the key "general".',
      },
    );
  });
});

describe("which events the request flow acts on", () => {
  const ctx = (eventName: string, event: Record<string, unknown>) => ({
    eventName,
    event,
    owner: "community",
    repo: "spaces",
  });
  const issue = (over: Record<string, unknown> = {}) => ({
    number: 7,
    body: "b",
    state: "open",
    labels: [{ name: "room-request" }],
    ...over,
  });

  it("checks an opened, edited or reopened request, and a comment that is exactly /recheck", () => {
    for (const action of ["opened", "edited", "reopened"]) {
      assert.deepEqual(requestEvent(ctx("issues", { action, issue: issue() }), "room-request"), {
        kind: "check",
        issue: 7,
        body: "b",
        maintainer: false,
      });
    }
    assert.equal(
      requestEvent(
        ctx("issue_comment", {
          action: "created",
          issue: issue(),
          comment: { body: "/recheck", author_association: "MEMBER", user: { login: "m" } },
        }),
        "room-request",
      ).kind,
      "check",
    );
    assert.equal(
      requestEvent(
        ctx("issue_comment", {
          action: "created",
          issue: issue(),
          comment: { body: "please /recheck" },
        }),
        "room-request",
      ).kind,
      "ignore",
    );
  });

  it("takes /recheck only from the request's author or the repository's members", () => {
    const recheck = (association: string, login: string) =>
      requestEvent(
        ctx("issue_comment", {
          action: "created",
          issue: issue({ user: { login: "requester" } }),
          comment: { body: "/recheck", author_association: association, user: { login } },
        }),
        "room-request",
      );
    const check = (maintainer: boolean, commenter: string) => ({
      kind: "check",
      issue: 7,
      body: "b",
      maintainer,
      commenter,
    });
    for (const association of ["OWNER", "MEMBER", "COLLABORATOR"]) {
      assert.deepEqual(recheck(association, "maintainer"), check(true, "maintainer"), association);
      // The member who asked is not a maintainer of their own request, whatever their role.
      assert.deepEqual(recheck(association, "requester"), check(false, "requester"), association);
    }
    assert.deepEqual(
      recheck("NONE", "requester"),
      check(false, "requester"),
      "the request's author",
    );
    for (const association of ["NONE", "CONTRIBUTOR", "FIRST_TIMER", "FIRST_TIME_CONTRIBUTOR"]) {
      assert.deepEqual(recheck(association, "stranger"), {
        kind: "ignore",
        reason:
          "/recheck from stranger, who neither opened the request nor is a member of the repository",
      });
    }
  });

  it("ignores unlabelled issues and pull requests' comments", () => {
    assert.equal(
      requestEvent(
        ctx("issues", { action: "opened", issue: issue({ labels: [] }) }),
        "room-request",
      ).kind,
      "ignore",
    );
    assert.equal(
      requestEvent(
        ctx("issues", { action: "opened", issue: issue({ pull_request: {} }) }),
        "room-request",
      ).kind,
      "ignore",
    );
  });

  it("closes only for the flow's own branch in this repository, unmerged", () => {
    const pr = (over: Record<string, unknown>) =>
      ctx("pull_request", {
        action: "closed",
        pull_request: {
          number: 9,
          merged: false,
          head: { ref: "spaceform/room-request-7", repo: { full_name: "community/spaces" } },
          ...over,
        },
      });
    assert.deepEqual(requestEvent(pr({}), "room-request"), { kind: "closed", issue: 7, pull: 9 });
    assert.equal(requestEvent(pr({ merged: true }), "room-request").kind, "ignore");
    assert.equal(
      requestEvent(
        pr({ head: { ref: "spaceform/room-request-7", repo: { full_name: "fork/spaces" } } }),
        "room-request",
      ).kind,
      "ignore",
    );
    assert.equal(
      requestEvent(
        pr({ head: { ref: "feature", repo: { full_name: "community/spaces" } } }),
        "room-request",
      ).kind,
      "ignore",
    );
  });
});

describe("the pull request that adds the room", () => {
  it("shows a hostile room id as code: no mention, image or early end of the span", () => {
    // isRoomId admits ` @ < [ ; a remote alias's directory entry picks the id.
    const hostile = "!a`@org/admins<img/src=//t.example/x>`:evil.org" as RoomId;
    assert.deepEqual(pullRequestText({ key: "general", roomId: hostile, issue: 7 }), {
      title: "Add the room general to the space",
      body: [
        "Adds the room `!a'@org/admins<img/src=//t.example/x>':evil.org` as `general`, as requested in #7, whose every house rule held when it was checked.",
        "",
        "Closes #7",
      ].join("\n"),
    });
  });

  it("names the chapter", () => {
    const text = pullRequestText({ key: "berlin", roomId: ROOM, issue: 3, chapter: "chapters" });
    assert.equal(
      text.body.split("\n")[0],
      "Adds the room `!abc:uni.example` as `berlin` in the chapter `chapters`, as requested in #3, whose every house rule held when it was checked.",
    );
  });
});

describe("the request record", () => {
  const SHA = "0123456789abcdef0123456789abcdef01234567";
  const read = (fields: Record<string, unknown>) =>
    readRecord(formProblemsComment([], fields as never));
  it("reads back every field the flow writes", () => {
    const record = {
      room_id: ROOM,
      joined_for_check: true,
      pull_request: 12,
      head_sha: SHA,
      pull_closed: "maintainer" as const,
      left: true,
    };
    assert.deepEqual(readRecord(`x\n${recordLine(record)}\n`), record);
  });

  it("drops a field of the wrong shape instead of trusting it", () => {
    assert.deepEqual(
      read({
        room_id: ROOM,
        joined_for_check: "yes",
        pull_request: 1.5,
        head_sha: `${SHA.slice(1)}\n`,
        pull_closed: "member",
        left: 1,
      }),
      { room_id: ROOM, joined_for_check: false },
    );
    assert.deepEqual(read({ room_id: ROOM, joined_for_check: true, pull_request: -3 }), {
      room_id: ROOM,
      joined_for_check: true,
    });
    assert.equal(read({ joined_for_check: true }), undefined);
  });
});

describe("which pull request is the flow's", () => {
  const here = { owner: "community", repo: "spaces" };
  it("only one from the request's own branch in this repository", () => {
    const pr = (head: string, headRepo: string) => isFlowPull({ head, headRepo }, 7, here);
    assert.equal(pr("spaceform/room-request-7", "community/spaces"), true);
    assert.equal(pr("spaceform/room-request-7", "fork/spaces"), false, "a fork's branch");
    assert.equal(pr("spaceform/room-request-7", ""), false, "a deleted fork's");
    assert.equal(pr("spaceform/room-request-8", "community/spaces"), false, "another request's");
    assert.equal(pr("feature", "community/spaces"), false);
  });
});
