// HTTPS to a real Synapse listener (fed1's federation port, with its self-signed certificate):
// spaceform verifies the homeserver's certificate, so an unknown one is a clear exit 1 that names
// it, and the token is never printed; a certificate the machine trusts (NODE_EXTRA_CA_CERTS, as
// Node's own fetch honours it) gets through to the homeserver's answer.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { getTestHomeserver } from "../homeserver/harness.ts";
import { cacheDir, localServer } from "../homeserver/local.ts";
import { runCli } from "./apply.support.ts";

describe("HTTPS to the homeserver (end to end)", () => {
  const token = "syt_dGxz_TLSTESTTOKEN_0a1b2c";
  let url = "";
  let certificate = "";
  let dir = "";
  before(async () => {
    await getTestHomeserver("fed1");
    const fed1 = localServer("fed1");
    assert.ok(fed1.federation, "fed1 has a TLS federation listener");
    url = `https://127.0.0.1:${String(fed1.federation.port)}`;
    certificate = join(cacheDir(), "root", fed1.federation.certificateInRoot);
    dir = mkdtempSync(join(tmpdir(), "spaceform-tls-"));
    writeFileSync(
      join(dir, "space.yaml"),
      'version: 1\nspace:\n  alias: "#tls:127.0.0.1"\n  name: TLS\n',
    );
  });

  it("refuses a certificate it cannot verify, naming why, and never prints the token", async () => {
    const r = await runCli(
      ["plan", "space.yaml"],
      { MATRIX_HOMESERVER: url, MATRIX_ACCESS_TOKEN: token },
      { cwd: dir },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!r.stderr.includes("waiting"), `a certificate is not tried again:\n${r.stderr}`);
    const error = r.stderr.split("\n").find((l) => l.startsWith("Error: "));
    assert.equal(
      error?.replace(/; if the root CA .*? \(GET/, " (GET"),
      `Error: cannot reach ${url}: DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate (GET /whoami). Check MATRIX_HOMESERVER and the network.`,
    );
    assert.ok(!(r.stdout + r.stderr).includes(token));
  });

  it("trusts a certificate named by NODE_EXTRA_CA_CERTS and reaches the homeserver", async () => {
    const r = await runCli(
      ["plan", "space.yaml"],
      { MATRIX_HOMESERVER: url, MATRIX_ACCESS_TOKEN: token, NODE_EXTRA_CA_CERTS: certificate },
      { cwd: dir },
    );
    // The federation listener serves no client API: Synapse's own 404 answer proves TLS held.
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stderr.split("\n").find((l) => l.startsWith("Error: ")),
      "Error: homeserver problem: M_UNRECOGNIZED: Unrecognized request (GET /whoami, HTTP 404)",
    );
    assert.ok(!(r.stdout + r.stderr).includes(token));
  });
});
