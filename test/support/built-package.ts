/**
 * The program as it ships: `scripts/build.ts` bundles the CLI into a `dist/` of a temporary
 * package folder, beside the files the program reads from its package (package.json, schemas/)
 * and its dependencies. Tests run that bundle, not the source, where they check the build.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

let built: string | undefined;

/** Builds once per test process; returns the path of the package's `bin`, dist/spaceform.js. */
export function builtProgram(): string {
  if (built !== undefined) return built;
  const pkg = mkdtempSync(join(tmpdir(), "spaceform-built-"));
  copyFileSync(join(repoRoot, "package.json"), join(pkg, "package.json"));
  symlinkSync(join(repoRoot, "schemas"), join(pkg, "schemas"));
  symlinkSync(join(repoRoot, "node_modules"), join(pkg, "node_modules"));
  execFileSync(process.execPath, [join(repoRoot, "scripts", "build.ts"), join(pkg, "dist")], {
    stdio: "inherit",
  });
  built = join(pkg, "dist", "spaceform.js");
  return built;
}
