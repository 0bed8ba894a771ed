#!/usr/bin/env node
/**
 * spaceform's command line. Each command lives in cli/commands/; this file only
 * wires them and owns the one top-level handler that turns a UserError into a
 * clean message and exit code 1, and anything else into a bug report.
 *
 * Keep this file and the command modules' top-level imports light: `validate`
 * must start about as fast as a bare `node`, so matrix-js-sdk is imported lazily
 * by the commands that talk to a homeserver.
 */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { UserError } from "../diagnostics.ts";
import { GatewayError } from "../matrix/gateway.ts";
import { validateCommand } from "./commands/validate.ts";
import { planCommand } from "./commands/plan.ts";
import { applyCommand } from "./commands/apply.ts";
import { importCommand } from "./commands/import.ts";
import { githubCommand } from "./commands/github.ts";
import { pageCommand } from "./commands/page.ts";
import { checkCommand } from "./commands/check.ts";
import { VERSION } from "../version.ts";
import { formatUserError, installOutputGuard, USAGE_HINT } from "./output.ts";

/** `spaceform: homeserver problem: … (GET /sync)`: always naming the request. */
function formatHomeserverProblem(err: GatewayError): string {
  const named = err.message.includes(err.kind) ? err.message : `${err.message} (${err.kind})`;
  return `Error: homeserver problem: ${named}\n`;
}

/** matrix-js-sdk needs Node 22 or newer; `npm ci` brings Node 24 (the `node` package) for npm scripts and npx. */
const MIN_NODE_MAJOR = 22;

export async function main(argv: string[]): Promise<number> {
  installOutputGuard(); // every write, the error handler's too: no secret, control character or stray workflow command
  const major = Number(process.versions.node.split(".")[0]);
  if (major < MIN_NODE_MAJOR) {
    process.stderr.write(
      `spaceform needs Node ${MIN_NODE_MAJOR} or newer; this is Node ${process.versions.node}.\n` +
        "Run it through npm (npx spaceform …, npm run …), which uses the Node that `npm ci` installed.\n",
    );
    return 1;
  }
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  try {
    await yargs(argv)
      .scriptName("spaceform")
      .usage(
        [
          "spaceform: infrastructure as code for Matrix spaces.",
          "",
          "Describe a space, its rooms and house rules in spaces/*.yaml, review the plan, apply it.",
          "",
          "Usage: $0 <command> [options]",
        ].join("\n"),
      )
      .command(validateCommand(setExit))
      .command(planCommand(setExit))
      .command(applyCommand(setExit))
      .command(importCommand(setExit))
      .command(githubCommand(setExit))
      .command(pageCommand(setExit))
      .command(checkCommand(setExit))
      .example("$0 validate", "check every manifest in spaces/ (no network)")
      .example("$0 plan spaces/de-rse.yaml", "show what apply would change")
      .example(
        "$0 plan --out de-rse.plan.json && $0 apply de-rse.plan.json",
        "save a plan, apply exactly it",
      )
      .example(
        "$0 import '#de-rse.org:matrix.org' --out spaces/de-rse.yaml",
        "write a manifest for an existing space",
      )
      .epilogue(
        [
          "Connection: plan, apply, import and check read MATRIX_HOMESERVER (base URL, e.g. https://matrix.org)",
          "and MATRIX_ACCESS_TOKEN (the managing account's token; never printed).",
          "Colour is off under NO_COLOR or when output is not a terminal.",
          "Docs: docs/manifest.md, docs/plan-format.md, docs/github.md",
        ].join("\n"),
      )
      .demandCommand(
        1,
        "Name a command: validate, plan, apply, import, check, page or github. See spaceform --help.",
      )
      .recommendCommands()
      .strict()
      .version(VERSION)
      .alias("h", "help")
      .wrap(Math.min(110, process.stdout.columns || 100))
      // yargs passes no error (only a message) for usage mistakes, whatever its types say, or
      // its YError (an option's coerce refused the value).
      .fail((msg: string | undefined, err: Error | undefined) => {
        if (err && err.name !== "YError") throw err;
        throw new UserError(`${msg ?? "Invalid usage."}\n${USAGE_HINT}`);
      })
      .parseAsync();
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(formatUserError(err));
      return 1;
    }
    // The homeserver or the network failed (an HTTP error, a body that is not JSON, a reset, a
    // rate limit that outlasted every retry, a rejected token): the user's to look into, not a bug.
    if (err instanceof GatewayError) {
      process.stderr.write(formatHomeserverProblem(err));
      return 1;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(
      `spaceform: internal error: ${e.message}\n${e.stack ?? ""}\n` +
        "This is a bug in spaceform; please report it with the command you ran.\n",
    );
    return 70;
  }
  return exitCode;
}

const exitCode = await main(hideBin(process.argv));
process.exitCode = exitCode;
