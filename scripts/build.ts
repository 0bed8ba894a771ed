// `npm run build` (also run by `npm ci`, as `prepare`): bundles the CLI (src/cli/bin.ts, which
// loads src/cli/main.ts) into dist/spaceform.js, the program that `npx spaceform` and the
// package's `bin` run.   node scripts/build.ts [OUTDIR]   (default: dist)
//
// One bundle instead of tsc's file per module: Node resolves, reads and links a few files instead
// of about 300 (spaceform's own, yargs, yaml, ajv's runtime, matrix-js-sdk's HTTP layer), which
// is most of a command's start-up (docs/benchmarks.md). Code that a command loads lazily
// (matrix-js-sdk for the commands that talk to a homeserver, Octokit for `github`) stays in its
// own chunk, loaded only when imported, so that `validate` does not parse it.
//
// Every output file lies directly in dist/, one level below the package's root, like
// src/package-root.ts: the files spaceform reads from its package (schemas/, package.json) are
// found by the same relative path from the source and from the bundle.
import { build, type Plugin } from "esbuild";
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const outdir = process.argv[2] ?? `${root}dist`;

/**
 * Every copy of string-width that yargs' help layout imports, behind src/cli/string-width.ts:
 * printable ASCII is measured by its length, the rest by that copy itself.
 */
const asciiFirstStringWidth: Plugin = {
  name: "ascii-first-string-width",
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === "real") return undefined;
      const real = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: "real",
      });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: "ascii-first" };
    });
    b.onLoad({ filter: /.*/, namespace: "ascii-first" }, (args) => ({
      contents: [
        `import stringWidth from ${JSON.stringify(args.path)};`,
        `import { asciiFirst } from ${JSON.stringify(`${root}src/cli/string-width.ts`)};`,
        "export default asciiFirst(stringWidth);",
      ].join("\n"),
      resolveDir: root,
      loader: "js",
    }));
  },
};

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { spaceform: "src/cli/bin.ts" },
  outdir,
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  // Bundled CommonJS dependencies call require() for Node's built-in modules.
  banner: {
    js: 'import { createRequire as spaceformCreateRequire } from "node:module"; const require = spaceformCreateRequire(import.meta.url);',
  },
  legalComments: "linked",
  plugins: [asciiFirstStringWidth],
  logLevel: "warning",
});
