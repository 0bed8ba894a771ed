/**
 * Files spaceform reads from its own package (package.json, schemas/), found
 * from one place. This module sits one level below the package's root both as
 * source (src/package-root.ts, which Node runs directly in development and in
 * the GitHub action) and in the build (dist/*.js, the bundle that `npx
 * spaceform` runs), so the same relative path holds in both.
 */
const PACKAGE_ROOT = new URL("../", import.meta.url);

/** A file of spaceform's own package, by its path from the package's root. */
export function packageFile(path: string): URL {
  return new URL(path, PACKAGE_ROOT);
}
