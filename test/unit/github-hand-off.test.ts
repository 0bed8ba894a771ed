// The hand-off between the untrusted and the trusted plan runs: what the untrusted side packs is
// exactly what the trusted side accepts, and pull-request.json is read strictly.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { checkHandOff, packHandOff, parseHandOffMeta } from "../../src/github/hand-off.ts";
import { manifestPrefixes, workflowRunOf } from "../../src/github/receive.ts";
import { MAX_MANIFEST_BYTES } from "../../src/manifest/files.ts";

const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("hand-off", () => {
  it("packs manifests and images, leaves out links and other files, and the trusted side accepts it", async () => {
    const repo = mkdtempSync(join(tmpdir(), "spaceform-hand-off-"));
    const spaces = join(repo, "spaces");
    mkdirSync(join(spaces, "avatars"), { recursive: true });
    writeFileSync(join(spaces, "a.yaml"), "version: 1\n");
    writeFileSync(join(spaces, "avatars", "a.png"), "png");
    writeFileSync(join(spaces, "README.md"), "notes");
    writeFileSync(join(spaces, ".hidden.yaml"), "version: 1\n");
    symlinkSync("/etc/passwd", join(spaces, "link.yaml"));
    writeFileSync(join(spaces, "big.yaml"), Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20));
    const out = join(repo, "out");
    const packed = await packHandOff(spaces, out, { pullRequest: 3, headSha: SHA });
    assert.deepEqual(packed.files, ["a.yaml", "avatars/a.png"]);
    assert.deepEqual(packed.leftOut, [".hidden.yaml", "README.md", "big.yaml", "link.yaml"]);
    assert.deepEqual(readdirSync(join(out, "spaces")).sort(), ["a.yaml", "avatars"]);
    assert.deepEqual(await checkHandOff(out), {
      ok: true,
      meta: { pullRequest: 3, headSha: SHA },
      files: ["spaces/a.yaml", "spaces/avatars/a.png"],
    });
  });

  it("refuses a missing folder and a missing spaces/ with what is missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "spaceform-hand-off-"));
    assert.deepEqual(await checkHandOff(join(dir, "nothing")), {
      ok: false,
      problems: [`The hand-off folder ${join(dir, "nothing")} is missing.`],
    });
    writeFileSync(
      join(dir, "pull-request.json"),
      JSON.stringify({ version: 1, pull_request: 1, head_sha: SHA }),
    );
    assert.deepEqual(await checkHandOff(dir), {
      ok: false,
      problems: ["spaces/ is missing."],
      meta: { pullRequest: 1, headSha: SHA }, // to report the refusal on pull request 1
    });
  });

  it("reads pull-request.json strictly", () => {
    const wrong =
      'pull-request.json must be exactly {"version": 1, "pull_request": <number>, "head_sha": "<40 hex digits>"}.';
    assert.deepEqual(
      parseHandOffMeta(JSON.stringify({ version: 1, pull_request: 12, head_sha: SHA })),
      {
        pullRequest: 12,
        headSha: SHA,
      },
    );
    for (const bad of [
      { version: 1, pull_request: "12", head_sha: SHA },
      { version: 1, pull_request: 1.5, head_sha: SHA },
      { version: 1, pull_request: 0, head_sha: SHA },
      { version: 1, pull_request: 12, head_sha: SHA.toUpperCase() },
      { version: 1, pull_request: 12, head_sha: `${SHA}\n` },
      { version: 2, pull_request: 12, head_sha: SHA },
      { version: 1, pull_request: 12, head_sha: SHA, run: "rm -rf /" },
      [1, 12, SHA],
    ])
      assert.equal(parseHandOffMeta(JSON.stringify(bad)), wrong, JSON.stringify(bad));
    assert.equal(parseHandOffMeta("{"), "pull-request.json is not JSON.");
  });

  it("compares changed files with the manifests' folders", () => {
    assert.deepEqual(manifestPrefixes("spaces"), ["spaces"]);
    assert.deepEqual(manifestPrefixes(" ./spaces/  infra/more/ "), ["spaces", "infra/more"]);
    assert.deepEqual(manifestPrefixes("."), []);
  });

  it("takes the commit and conclusion from the workflow_run event only", () => {
    assert.deepEqual(workflowRunOf({ workflow_run: { head_sha: SHA, conclusion: "failure" } }), {
      headSha: SHA,
      conclusion: "failure",
    });
    assert.equal(workflowRunOf({ pull_request: { head: { sha: SHA } } }), undefined);
  });
});
