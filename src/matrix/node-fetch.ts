/**
 * The fetch the SDK sends its requests through: node:http(s) over keep-alive connections,
 * answering with the few parts of a `Response` the SDK reads (`ok`, `status`, `headers.get`,
 * `text`, `json`, `blob`). Node's own fetch costs about 50 ms of start-up to load and a little on
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

/**
 * A fetch with its own keep-alive connections (idle ones never hold the process open). With
 * NODE_USE_ENV_PROXY=1 it goes through HTTP_PROXY / HTTPS_PROXY (and NO_PROXY), as Node's fetch does.
 */
export function nodeFetch(env: NodeJS.ProcessEnv = process.env): Fetch {
  const proxy = env["NODE_USE_ENV_PROXY"] === "1" ? { proxyEnv: env } : {};
  const httpAgent = new http.Agent({ keepAlive: true, ...proxy });
  const httpsAgent = new https.Agent({ keepAlive: true, ...proxy });
  const fetch: Fetch = async (input, init) => {
    if (typeof input !== "string" && !(input instanceof URL)) {
      throw new TypeError("spaceform's fetch takes a URL, not a Request");
    }
    const url = new URL(input);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(`fetch failed`, {
        cause: new Error(`unsupported scheme ${url.protocol}`),
      });
    }
    const signal = init?.signal ?? undefined;
    signal?.throwIfAborted();
    const body = await bodyBytes(init?.body);
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
          reject(new TypeError("fetch failed", { cause: err }));
        }),
      );
      req.on("response", (res) => {
        readBody(res).then(settle(resolve), settle(reject));
      });
      req.end(body);
    });
    return response as unknown as Response;
  };
  return fetch;
}

async function readBody(res: IncomingMessage): Promise<SmallResponse> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (err) {
    throw new TypeError("fetch failed", { cause: err });
  }
  if (!res.complete) {
    throw new TypeError("fetch failed", { cause: new Error("the connection closed mid-answer") });
  }
  let bytes: Buffer = Buffer.concat(chunks);
  const encoding = res.headers["content-encoding"]?.trim().toLowerCase();
  const decode = encoding !== undefined ? decoders[encoding] : undefined;
  if (decode) bytes = await decode(bytes);
  else if (encoding !== undefined && encoding !== "identity") {
    throw new TypeError("fetch failed", {
      cause: new Error(
        `the answer's content-encoding ${JSON.stringify(encoding)} is not supported`,
      ),
    });
  }
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400) {
    throw new TypeError("fetch failed", { cause: new Error(redirectReason(res)) });
  }
  const text = (): string => bytes.toString("utf8");
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
    blob: () => Promise.resolve(new Blob([bytes])),
    arrayBuffer: () => Promise.resolve(new Uint8Array(bytes).buffer),
  };
}

/** The place a redirect names, as an origin only (the answer is untrusted text). */
function redirectReason(res: IncomingMessage): string {
  let where = "somewhere else";
  try {
    const location = res.headers.location;
    if (location !== undefined) where = new URL(location).origin;
  } catch {
    // not a URL: say only that it redirects
  }
  return `the homeserver redirects (HTTP ${String(res.statusCode)}) to ${where}; set MATRIX_HOMESERVER to the client-server base URL it should be`;
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
