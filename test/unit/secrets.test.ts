/**
 * No token in any output: the scrubber itself, GitHub API errors that echo the
 * Authorization header (through the real @octokit/rest client and the CLI), and
 * a homeserver that echoes it in its error, with a long and a 4-character token.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clearSecrets, registerSecret, scrubSecrets } from "../../src/secrets.ts";
import { createGitHubApi } from "../../src/github/api.ts";
import { UserError } from "../../src/diagnostics.ts";
import { startFakeGitHub, type FakeGitHub } from "../fixtures/github/fake-github.ts";
import { change, planOf } from "../fixtures/github/plans.ts";
import { runCli } from "../support/run-cli.ts";

describe("scrubSecrets", () => {
  afterEach(() => {
    clearSecrets();
  });

  it("removes a long token wherever it appears, and the environment's tokens", () => {
    registerSecret("syt_abcdefghijklmnop");
    assert.equal(
      scrubSecrets("Bearer syt_abcdefghijklmnop, url?access_token=syt_abcdefghijklmnopXYZ", {}),
      "Bearer <redacted>, url?access_token=<redacted>XYZ",
    );
    assert.equal(
      scrubSecrets("token ghs_0123456789 and mx_0123456789", {
        GITHUB_TOKEN: "ghs_0123456789",
        MATRIX_ACCESS_TOKEN: "Bearer mx_0123456789\n",
      }),
      "token <redacted> and <redacted>",
    );
  });

  it("removes a short token as a whole word, never inside a longer one", () => {
    assert.equal(
      scrubSecrets('Authorization: Bearer t0k3 "t0k3" t0k3s at0k3 t0k3-x', {
        MATRIX_ACCESS_TOKEN: "t0k3",
      }),
      'Authorization: Bearer <redacted> "<redacted>" t0k3s at0k3 t0k3-x',
    );
  });
});

describe("GitHub API errors that echo the Authorization header", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(async () => {
    await gh.close();
  });

  for (const token of ["ghs_echoed_0123456789abcdef", "g7x2"]) {
    it(`never show the token (${token.length} characters) in the error`, async () => {
      gh.echoAuthWithStatus = 502;
      const api = await createGitHubApi({ token, apiUrl: gh.url, owner: gh.owner, repo: gh.repo });
      await assert.rejects(api.listIssueComments(1), (err: unknown) => {
        assert.ok(err instanceof UserError);
        assert.ok(err.message.includes("Authorization: token <redacted>"), err.message);
        assert.equal(new RegExp(`\\b${token}\\b`).test(err.message), false, err.message);
        return true;
      });
      gh.echoAuthWithStatus = undefined;
      clearSecrets();
    });
  }

  it("never show it through the CLI either", async () => {
    gh.echoAuthWithStatus = 500;
    const dir = mkdtempSync(join(tmpdir(), "spaceform-secrets-"));
    const plan = join(dir, "plan.json");
    writeFileSync(plan, JSON.stringify(planOf([change("update", "space.topic")])));
    const r = await runCli(["github", "check-plan-kind", "--plan", plan, "--sha", "b".repeat(40)], {
      GITHUB_TOKEN: "q9z1",
      GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
      GITHUB_API_URL: gh.url,
      MATRIX_ACCESS_TOKEN: "syt_workflow_key_0123456789",
    });
    gh.echoAuthWithStatus = undefined;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Authorization: token <redacted>/);
    assert.doesNotMatch(r.stdout + r.stderr, /\bq9z1\b/);
  });
});

describe("a homeserver that echoes the Authorization header in its error", () => {
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer((req, res) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          errcode: "M_UNKNOWN",
          error: `Cannot parse the header Authorization: ${req.headers.authorization ?? ""}`,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  });

  for (const token of ["syt_long_enough_token_0123456789", "abcd"]) {
    it(`plan prints no token of ${token.length} characters`, async () => {
      const r = await runCli(["plan", "spaces/"], {
        MATRIX_HOMESERVER: url,
        MATRIX_ACCESS_TOKEN: token,
      });
      assert.equal(r.code === 0, false, r.stderr);
      assert.match(r.stderr, /Cannot parse the header Authorization: Bearer <redacted>/);
      assert.equal(new RegExp(`\\b${token}\\b`).test(r.stdout + r.stderr), false, r.stderr);
    });
  }
});
