#!/usr/bin/env node
/**
 * The entry point of the build (dist/spaceform.js, the package's `bin`). It
 * turns on Node's on-disk compile cache (`module.enableCompileCache`, Node
 * 22.1+) before the CLI is loaded, so that later runs on the same machine skip
 * compiling the bundle again. The cache holds V8 code only, lives where
 * NODE_COMPILE_CACHE says or in the system's temporary folder, and
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
import { enableCompileCache } from "node:module";

enableCompileCache();
await import("./main.ts");
