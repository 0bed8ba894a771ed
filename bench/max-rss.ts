// Loaded with `node --import` by the read benchmark: writes the process's peak resident set size
// (kB) and the CPU time it used (µs, user + system) to SPACEFORM_BENCH_RSS_FILE when it exits.
import { writeFileSync } from "node:fs";

const file = process.env["SPACEFORM_BENCH_RSS_FILE"];
if (file !== undefined) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(file, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}`);
  });
}
