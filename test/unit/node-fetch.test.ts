// The fetch under the SDK (src/matrix/node-fetch.ts), against a local node:http server: what it
// sends, that it keeps connections alive, decodes compressed answers, never follows a redirect
// (the token stays with MATRIX_HOMESERVER), fails like fetch on a lost connection or a cut-off
// answer, honours an abort, and that its idle connections do not keep a process alive.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { nodeFetch } from "../../src/matrix/node-fetch.ts";
import { fetchWithTimeout } from "../../src/matrix/transport.ts";
import { clearSecrets, scrubSecrets } from "../../src/secrets.ts";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void,
): Promise<{ server: Server; url: string; seen: Seen[]; connections: () => number }> {
  const seen: Seen[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => {
      const s = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      seen.push(s);
      handler(req, res, s);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${String(port)}`, seen, connections: () => connections };
}

const cause = (err: unknown): string => {
  assert.ok(err instanceof TypeError, `a TypeError, not ${String(err)}`);
  assert.equal(err.message, "fetch failed");
  return (err.cause as Error).message;
};

describe("nodeFetch", () => {
  let hs: Awaited<ReturnType<typeof listen>>;
  let other: Awaited<ReturnType<typeof listen>>;
  before(async () => {
    other = await listen((_req, res) => {
      res.end("{}");
    });
    hs = await listen((req, res, s) => {
      const path = s.url;
      if (path === "/json") {
        res.setHeader("content-type", "application/json");
        res.setHeader("retry-after", "3");
        res.end(JSON.stringify({ seen: s }));
      } else if (path === "/gzip") {
        res.setHeader("content-encoding", "gzip");
        res.end(gzipSync(JSON.stringify({ room: "gzip ✓" })));
      } else if (path === "/br") {
        res.setHeader("content-encoding", "br");
        res.end(brotliCompressSync(JSON.stringify({ room: "br ✓" })));
      } else if (path === "/gzip-twice") {
        res.setHeader("content-encoding", "gzip, gzip");
        res.end(gzipSync(gzipSync('{"twice":true}')));
      } else if (path === "/gzip-empty") {
        res.setHeader("content-encoding", "gzip");
        res.end();
      } else if (path === "/gzip-broken") {
        res.setHeader("content-encoding", "gzip");
        res.end("not gzip at all");
      } else if (path === "/bom") {
        res.end('\uFEFF{"bom":true}');
      } else if (path === "/png") {
        res.setHeader("content-type", "image/png");
        res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      } else if (path === "/redirect-endless") {
        res.writeHead(301, { location: "/elsewhere" });
        res.write("still coming");
      } else if (path === "/error") {
        res.statusCode = 403;
        res.end(JSON.stringify({ errcode: "M_FORBIDDEN", error: "no" }));
      } else if (path === "/redirect") {
        res.statusCode = 302;
        res.setHeader("location", `${other.url}/steal?token=1`);
        res.end();
      } else if (path === "/cut") {
        res.setHeader("content-length", "1000");
        res.write('{"rooms": [');
        setTimeout(() => req.socket.destroy(), 20);
      } else if (path === "/reset") {
        req.socket.destroy();
      } else if (path === "/slow") {
        setTimeout(() => res.end("{}"), 1_000);
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
  });
  after(() => {
    hs.server.closeAllConnections();
    hs.server.close();
    other.server.closeAllConnections();
    other.server.close();
  });

  it("sends the method, headers and body, and answers with status, headers, text and JSON", async () => {
    const fetch = nodeFetch();
    const res = await fetch(new URL(`${hs.url}/json`), {
      method: "PUT",
      headers: { Authorization: "Bearer secret", "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Räume" }),
    });
    assert.equal(res.ok, true);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Retry-After"), "3");
    assert.equal(res.headers.get("X-Missing"), null);
    const { seen } = (await res.json()) as { seen: Seen };
    assert.equal(seen.method, "PUT");
    assert.equal(seen.headers["authorization"], "Bearer secret");
    assert.equal(seen.headers["content-type"], "application/json");
    assert.equal(seen.headers["content-length"], String(Buffer.byteLength('{"name":"Räume"}')));
    assert.equal(seen.body, '{"name":"Räume"}');
  });

  it("sends a Blob body (an upload) byte for byte", async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const res = await nodeFetch()(`${hs.url}/json`, {
      method: "POST",
      headers: { "Content-Type": "image/png" },
      body: new Blob([bytes], { type: "image/png" }),
    });
    const { seen } = (await res.json()) as { seen: Seen };
    assert.equal(seen.headers["content-length"], "6");
    assert.equal(seen.headers["content-type"], "image/png");
  });

  it("keeps one connection alive for requests one after another", async () => {
    const fetch = nodeFetch();
    const before = hs.connections();
    for (let i = 0; i < 10; i++) await (await fetch(`${hs.url}/json`)).text();
    assert.equal(hs.connections() - before, 1);
  });

  it("closes a connection idle for longer than its idle time, and never a request in flight", async () => {
    const fetch = nodeFetch(process.env, 200);
    const before = hs.connections();
    await (await fetch(`${hs.url}/json`)).text();
    // /slow answers after 1 s, five idle times: the request keeps its connection.
    assert.equal(await (await fetch(`${hs.url}/slow`)).text(), "{}");
    assert.equal(hs.connections() - before, 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await (await fetch(`${hs.url}/json`)).text();
    assert.equal(hs.connections() - before, 2, "the idle connection was closed, a new one made");
  });

  it("decodes gzip and br answers", async () => {
    const fetch = nodeFetch();
    assert.deepEqual(await (await fetch(`${hs.url}/gzip`)).json(), { room: "gzip ✓" });
    assert.deepEqual(await (await fetch(`${hs.url}/br`)).json(), { room: "br ✓" });
    assert.match(hs.seen.at(-1)?.headers["accept-encoding"] ?? "", /\bbr\b/);
  });

  it("decodes as fetch does: stacked codings, an empty body, a byte order mark; a broken body fails", async () => {
    const fetch = nodeFetch();
    assert.deepEqual(await (await fetch(`${hs.url}/gzip-twice`)).json(), { twice: true });
    assert.equal(await (await fetch(`${hs.url}/gzip-empty`)).text(), "");
    assert.deepEqual(await (await fetch(`${hs.url}/bom`)).json(), { bom: true });
    const broken = await fetch(`${hs.url}/gzip-broken`).catch((e: unknown) => e);
    assert.match(cause(broken), /incorrect header check/);
  });

  it("keeps the answer's content type on a downloaded Blob", async () => {
    const blob = await (await nodeFetch()(`${hs.url}/png`)).blob();
    assert.equal(blob.type, "image/png");
    assert.deepEqual([...new Uint8Array(await blob.arrayBuffer())], [0x89, 0x50, 0x4e, 0x47]);
  });

  it("answers an error status as a response the SDK turns into a Matrix error", async () => {
    const res = await nodeFetch()(`${hs.url}/error`);
    assert.equal(res.ok, false);
    assert.equal(res.status, 403);
    assert.deepEqual(JSON.parse(await res.text()), { errcode: "M_FORBIDDEN", error: "no" });
  });

  it("never follows a redirect: it fails naming only the place's origin, and nothing reaches it", async () => {
    const err = await nodeFetch()(`${hs.url}/redirect`, {
      headers: { Authorization: "Bearer secret" },
    }).then(
      () => assert.fail("a redirect must fail"),
      (e: unknown) => e,
    );
    assert.equal(
      cause(err),
      `the homeserver redirects (HTTP 302) to ${other.url}; set MATRIX_HOMESERVER to the client-server base URL it should be`,
    );
    assert.equal(other.seen.length, 0);
    // A redirect whose body never ends fails at once, not when the timeout runs out.
    const endless = await nodeFetch()(`${hs.url}/redirect-endless`, {
      signal: AbortSignal.timeout(5_000),
    }).catch((e: unknown) => e);
    assert.equal(
      cause(endless),
      `the homeserver redirects (HTTP 301) to ${hs.url}; set MATRIX_HOMESERVER to the client-server base URL it should be`,
    );
  });

  it("fails like fetch when the answer is cut off or the connection is reset", async () => {
    const fetch = nodeFetch();
    const cut = await fetch(`${hs.url}/cut`).catch((e: unknown) => e);
    assert.ok(cut instanceof TypeError && cut.message === "fetch failed", String(cut));
    const reset = await fetch(`${hs.url}/reset`).catch((e: unknown) => e);
    assert.match(cause(reset), /socket hang up|ECONNRESET/);
    const refused = await fetch("http://127.0.0.1:1/json").catch((e: unknown) => e);
    assert.equal((refused as TypeError & { cause: { code?: string } }).cause.code, "ECONNREFUSED");
  });

  it("rejects with the signal's reason when aborted, and closes the request", async () => {
    const fetch = nodeFetch();
    const start = hs.seen.length;
    const err = await fetch(`${hs.url}/slow`, { signal: AbortSignal.timeout(100) }).catch(
      (e: unknown) => e,
    );
    assert.equal((err as Error).name, "TimeoutError");
    const already = await fetch(`${hs.url}/json`, { signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    );
    assert.equal((already as Error).name, "AbortError");
    assert.equal(hs.seen.length, start + 1, "the aborted-before request was never sent");
  });

  it("goes through HTTP_PROXY only with NODE_USE_ENV_PROXY=1, as Node's fetch does", async () => {
    const proxy = await listen((_req, res) => {
      res.end(JSON.stringify({ via: "proxy" }));
    });
    try {
      const env = { HTTP_PROXY: proxy.url };
      const direct = await nodeFetch(env)(`${hs.url}/json`);
      assert.equal(((await direct.json()) as { seen: Seen }).seen.url, "/json");
      assert.equal(proxy.seen.length, 0);
      const proxied = await nodeFetch({ ...env, NODE_USE_ENV_PROXY: "1" })(`${hs.url}/json`);
      assert.deepEqual(await proxied.json(), { via: "proxy" });
      assert.equal(proxy.seen[0]?.url, `${hs.url}/json`, "the proxy was asked for the whole URL");
    } finally {
      proxy.server.closeAllConnections();
      proxy.server.close();
    }
  });

  it("never shows a proxy's password when the proxy refuses", async () => {
    const proxy = createServer();
    proxy.on("connect", (_req, socket) => {
      socket.end("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const { port } = proxy.address() as AddressInfo;
    const password = "s3cretProxyPw";
    try {
      const fetch = fetchWithTimeout(
        5_000,
        nodeFetch({
          NODE_USE_ENV_PROXY: "1",
          HTTPS_PROXY: `http://alice:${password}@127.0.0.1:${String(port)}`,
        }),
      );
      const err: unknown = await fetch(
        "https://matrix.example.org/_matrix/client/v3/account/whoami",
      ).then(
        () => assert.fail("the proxy refused"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof TypeError, "a TypeError");
      assert.match(err.message, /ERR_PROXY_TUNNEL/);
      assert.ok(!err.message.includes(password), err.message);
      assert.equal(scrubSecrets(`via alice:${password}@proxy`), "via <redacted>:<redacted>@proxy");
    } finally {
      clearSecrets();
      proxy.close();
    }
  });

  it("does not keep a process alive with its idle connections", async () => {
    const node = fileURLToPath(new URL("../../node_modules/.bin/node", import.meta.url));
    const module = new URL("../../src/matrix/node-fetch.ts", import.meta.url).href;
    const script = `const { nodeFetch } = await import(${JSON.stringify(module)});
      const r = await nodeFetch()(${JSON.stringify(`${hs.url}/json`)}); await r.text(); console.log("done");`;
    const child = spawn(node, ["--input-type=module", "-e", script], { stdio: "pipe" });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    // The server keeps idle connections 60 s: a process held open by one is still running at 10 s.
    const exited = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve(null);
      }, 10_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    assert.equal(exited, 0, "the process ended by itself");
    assert.equal(out.trim(), "done");
  });
});
