// A loopback HTTP proxy for the benchmarks: forwards every request to the homeserver after a
// fixed delay (a homeserver tens of milliseconds away), over keep-alive connections, and counts
// requests and writes (anything but GET).
import { Agent, createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface Proxy {
  url: string;
  requests(): number;
  writes(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startProxy(target: string, delayMs: number): Promise<Proxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let requests = 0;
  let writes = 0;
  const server = createServer((req: IncomingMessage, res) => {
    requests++;
    if (req.method !== "GET") writes++;
    const forward = (): void => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
          agent,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on("error", () => res.destroy());
      req.pipe(out);
    };
    if (delayMs > 0) setTimeout(forward, delayMs);
    else forward();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    writes: () => writes,
    reset: () => {
      requests = 0;
      writes = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
