// The floor of reading N rooms' current state: a bare Node process that fetches every room's
// GET /rooms/{id}/state, 8 at a time over keep-alive connections, and nothing else.
//   MATRIX_HOMESERVER=… MATRIX_ACCESS_TOKEN=… node bench/floor.ts ROOM_IDS.json
import { readFileSync } from "node:fs";

const base = process.env["MATRIX_HOMESERVER"] ?? "";
const token = process.env["MATRIX_ACCESS_TOKEN"] ?? "";
const ids = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as string[];
let next = 0;
let events = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < ids.length) {
      const id = ids[next++] ?? "";
      const r = await fetch(`${base}/_matrix/client/v3/rooms/${encodeURIComponent(id)}/state`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!r.ok) throw new Error(`GET /state ${id}: HTTP ${r.status}`);
      events += ((await r.json()) as unknown[]).length;
    }
  }),
);
if (events === 0) throw new Error("no state read");
