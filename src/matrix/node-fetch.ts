/**
 * The fetch the SDK sends its requests through: node:http(s) over keep-alive connections,
 * answering with the few parts of a `Response` the SDK reads (`ok`, `status`, `headers.get`,
 * `text`, `json`, `blob`). Node's own fetch costs about 45 ms of start-up to load and a little on
 * every request; a plan of 100 rooms on loopback spends a fifth of its time there
 * (docs/benchmarks.md).
 *
 * It behaves as fetch does where the SDK and transport.ts depend on it: a failure of the
 * connection rejects with `TypeError("fetch failed")` whose `cause` names the code; an aborted
 * signal rejects with the signal's reason; gzip, deflate and br bodies are decoded. The whole
 * body is read before it resolves, so the caller's timeout covers the body too. Redirects are
 * not followed (a Matrix client API does not redirect): a 3xx fails with the place it names, so
 * the access token is never sent anywhere but MATRIX_HOMESERVER.
 */
import type { IncomingMessage } from "node:http";
import { registerSecret } from "../secrets.ts";
import { promisify } from "node:util";
import { brotliDecompress, gunzip, inflate } from "node:zlib";

// Not `import … from "node:http"`: an ES import of node:http reads all its exports, and its lazy
// `WebSocket` and friends load undici, which is what this module avoids.
const http = process.getBuiltinModule("node:http");
const https = process.getBuiltinModule("node:https");

const decoders: Record<string, (buf: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  "x-gzip": promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** Only what the SDK reads of a Response. */
export interface SmallResponse {
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
  blob(): Promise<Blob>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

type Fetch = typeof globalThis.fetch;

/** How long an idle connection is kept: 4 s, as Node's fetch does, below any usual server's idle timeout. */
const IDLE_MS = 4_000;

/**
 * A fetch with its own keep-alive connections (idle ones never hold the process open, and are
 * closed after `idleMs`, so a request is not sent on a connection the server is closing). With
 * NODE_USE_ENV_PROXY=1 it goes through HTTP_PROXY / HTTPS_PROXY (and NO_PROXY), as Node's fetch does.
 */
export function nodeFetch(env: NodeJS.ProcessEnv = process.env, idleMs = IDLE_MS): Fetch {
  const useProxy = env["NODE_USE_ENV_PROXY"] === "1";
  if (useProxy) registerProxySecrets(env);
  const proxy = useProxy ? { proxyEnv: env } : {};
  // `timeout` closes a connection idle in the pool; a request in flight only gets an event.
  const httpAgent = new http.Agent({ keepAlive: true, timeout: idleMs, ...proxy });
  const httpsAgent = new https.Agent({ keepAlive: true, timeout: idleMs, ...proxy });
  const fetch: Fetch = async (input, init) => {
    if (typeof input !== "string" && !(input instanceof URL)) {
      throw new TypeError("spaceform's fetch takes a URL, not a Request");
    }
    const url = new URL(input);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw failed(`unsupported scheme ${url.protocol}`);
    }
    const signal = init?.signal ?? undefined;
    signal?.throwIfAborted();
    const body = await bodyBytes(init?.body);
    signal?.throwIfAborted();
    const headers = plainHeaders(init?.headers);
    headers["accept-encoding"] ??= "gzip, deflate, br";
    if (body !== undefined) headers["content-length"] = String(body.length);
    const tls = url.protocol === "https:";
    const method = init?.method ?? "GET";
    const response = await new Promise<SmallResponse>((resolve, reject) => {
      const req = tls
        ? https.request(url, { method, headers, agent: httpsAgent })
        : http.request(url, { method, headers, agent: httpAgent });
      const onAbort = (): void => {
        req.destroy();
        reject(signal?.reason as Error);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const settle = <T>(fn: (v: T) => void) => {
        return (v: T): void => {
          signal?.removeEventListener("abort", onAbort);
          fn(v);
        };
      };
      req.on(
        "error",
        settle((err: Error) => {
          reject(failed(err));
        }),
      );
      req.on("response", (res) => {
        readBody(res, url).then(settle(resolve), settle(reject));
      });
      req.end(body);
    });
    return response as unknown as Response;
  };
  return fetch;
}

const failed = (reason: unknown): TypeError =>
  new TypeError("fetch failed", {
    cause: reason instanceof Error ? reason : new Error(String(reason)),
  });

async function readBody(res: IncomingMessage, url: URL): Promise<SmallResponse> {
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400) {
    res.destroy();
    throw failed(redirectReason(res, url));
  }
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (err) {
    throw failed(err);
  }
  if (!res.complete) throw failed("the connection closed mid-answer");
  const bytes = await decoded(Buffer.concat(chunks), res.headers["content-encoding"]);
  const type = res.headers["content-type"] ?? "";
  // As fetch's text(): UTF-8 without a byte order mark.
  const text = (): string => bytes.toString("utf8").replace(/^\uFEFF/, "");
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? "",
    url: "",
    headers: {
      get: (name) => {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
      },
    },
    text: () => Promise.resolve(text()),
    json: () => Promise.resolve(JSON.parse(text()) as unknown),
    blob: () => Promise.resolve(new Blob([bytes], { type })),
    arrayBuffer: () => Promise.resolve(new Uint8Array(bytes).buffer),
  };
}

/** The body with its content codings undone, last applied first (an empty body has none). */
async function decoded(bytes: Buffer, header: string | undefined): Promise<Buffer> {
  if (header === undefined || bytes.length === 0) return bytes;
  const codings = header
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  let out = bytes;
  for (const coding of codings.reverse()) {
    const decode = decoders[coding];
    if (!decode)
      throw failed(`the answer's content-encoding ${JSON.stringify(coding)} is not supported`);
    try {
      out = await decode(out);
    } catch (err) {
      throw failed(err);
    }
  }
  return out;
}

/** The place a redirect names, as an origin only (the answer is untrusted text). */
function redirectReason(res: IncomingMessage, url: URL): string {
  let where = "somewhere else";
  try {
    const location = res.headers.location;
    if (location !== undefined) where = new URL(location, url).origin;
  } catch {
    // not a URL: say only that it redirects
  }
  return `the homeserver redirects (HTTP ${String(res.statusCode)}) to ${where}; set MATRIX_HOMESERVER to the client-server base URL it should be`;
}

/** A proxy's password (and user) in HTTP(S)_PROXY is a secret: Node names the proxy URL in errors. */
function registerProxySecrets(env: NodeJS.ProcessEnv): void {
  for (const name of ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"]) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    try {
      const { username, password } = new URL(value);
      for (const part of [username, password]) {
        if (part === "") continue;
        registerSecret(part);
        registerSecret(decodeURIComponent(part));
      }
    } catch {
      // not a URL: Node refuses it and says so, without credentials to hide
    }
  }
}

async function bodyBytes(body: RequestInit["body"]): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (body instanceof Blob) return Buffer.from(await body.arrayBuffer());
  throw new TypeError("spaceform's fetch sends a string, bytes or a Blob as a body");
}

function plainHeaders(headers: RequestInit["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  const entries =
    Array.isArray(headers) || Symbol.iterator in headers
      ? (headers as Iterable<[string, string]>)
      : Object.entries(headers);
  for (const [k, v] of entries) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}
