/**
 * For tests of commands that must not load matrix-js-sdk (validate, page): a Node resolve hook
 * that reports every resolution of the SDK on stderr as `LOADED <specifier>`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const NODE = "./node_modules/.bin/node";

/** Writes the hook and returns its path, for `node --import <path>`; checks that it works. */
export function sdkLoadHook(): string {
  const dir = mkdtempSync(join(tmpdir(), "spaceform-hook-"));
  const hook = join(dir, "hook.mjs");
  writeFileSync(
    hook,
    `import { registerHooks } from "node:module";
registerHooks({ resolve(specifier, context, next) {
  if (specifier.includes("matrix-js-sdk")) process.stderr.write("LOADED " + specifier + "\\n");
  return next(specifier, context);
} });
`,
  );
  // The hook works: a module that does import the SDK is seen.
  const probe = spawnSync(
    NODE,
    ["--import", hook, "-e", "await import('matrix-js-sdk')", "--input-type=module"],
    { encoding: "utf8" },
  );
  assert.match(probe.stderr, /LOADED matrix-js-sdk/);
  return hook;
}
