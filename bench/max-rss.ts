// Loaded with `node --import` by the read benchmark: writes the process's peak resident set size
// (kB) to SPACEFORM_BENCH_RSS_FILE when it exits.
import { writeFileSync } from "node:fs";

const file = process.env["SPACEFORM_BENCH_RSS_FILE"];
if (file !== undefined) {
  process.on("exit", () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
