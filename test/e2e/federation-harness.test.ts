// The federating pair of test homeservers (profiles fed1 and fed2) is what it claims: each named
// by IP literal and port, a TLS federation listener on that port with a self-signed certificate,
// and each reaching the other over loopback (fed2 fetches fed1's signing key as a notary).
import assert from "node:assert/strict";
import { request } from "node:https";
import { TLSSocket } from "node:tls";
import { describe, it } from "node:test";
import { federatingHomeservers } from "../homeserver/harness.ts";
import { localServer, type FederationProfile } from "../homeserver/local.ts";

interface TlsAnswer {
  status: number;
  body: unknown;
  subject: string;
  issuer: string;
}

/** A GET on a federation listener; its certificate is self-signed, so not verified here either. */
function federationGet(profile: FederationProfile, path: string): Promise<TlsAnswer> {
  const port = localServer(profile).federation?.port;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, rejectUnauthorized: false, timeout: 10_000 },
      (res) => {
        if (!(res.socket instanceof TLSSocket)) {
          reject(new Error(`port ${port} answered without TLS`));
          return;
        }
        const certificate = res.socket.getPeerCertificate();
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => {
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(text) as unknown,
            subject: String(certificate.subject.CN),
            issuer: String(certificate.issuer.CN),
          });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("federating test homeservers", () => {
  it("are named by IP literal and port and serve federation over self-signed TLS", async (t) => {
    const [a, b] = await federatingHomeservers();
    if (a.kind === "external") {
      t.skip("SPACEFORM_TEST_HOMESERVER is set: the local federation listeners are not in use");
      return;
    }
    // 127.0.0.1:18448 and 127.0.0.1:18449 unless SPACEFORM_HS_FEDERATION_PORT_FED1/2 say otherwise.
    const expected = [localServer("fed1"), localServer("fed2")].map((s) => s.serverName);
    assert.deepEqual([a.serverName, b.serverName], expected);
    for (const name of expected) assert.match(name, /^127\.0\.0\.1:\d+$/);
    for (const [profile, name] of [
      ["fed1", a.serverName],
      ["fed2", b.serverName],
    ] as const) {
      const keys = await federationGet(profile, "/_matrix/key/v2/server");
      assert.equal(keys.status, 200);
      assert.equal((keys.body as { server_name?: unknown }).server_name, name);
      assert.deepEqual([keys.subject, keys.issuer], ["127.0.0.1", "127.0.0.1"], "self-signed");
    }
    // That the two reach each other (TLS on loopback, certificates unchecked, keys fetched and
    // events verified both ways) is shown by federation.test.ts, which joins a room across them.
  });
});
