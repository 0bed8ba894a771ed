/**
 * `spaceform plan`: what apply would change, read-only. The plan goes to stdout
 * (text, Markdown or JSON), progress and notes to stderr, so that
 * `spaceform plan --format json > plan.json` stays clean.
 */
import type { Argv, CommandModule } from "yargs";
import { colorEnabled, formatDiagnostic, palette } from "../output.ts";

/**
 * The planning options as given: absent when not given (the planner's defaults then apply),
 * so that applying a saved plan can tell a flag given for it from no flag.
 */
export interface PlanningArgs {
  "unlink-unmanaged": boolean | undefined;
  "max-removals": number | undefined;
  "max-upgrades": number | undefined;
}

export interface PlanArgs extends PlanningArgs {
  paths: string[];
  out?: string;
  format: "text" | "markdown" | "json";
  "detailed-exitcode": boolean;
}

/** A guard's limit: a whole number of 0 or more, else a usage error naming the flag. */
function wholeNumber(flag: string): (value: unknown) => number {
  return (value) => {
    if (typeof value === "string" && /^\d+$/.test(value) && Number.isSafeInteger(Number(value))) {
      return Number(value);
    }
    const given = Array.isArray(value) ? value.map(String).join(" ") : String(value);
    // yargs reports it as a usage mistake (main.ts).
    throw new Error(`${flag} must be a whole number of 0 or more, not ${JSON.stringify(given)}.`);
  };
}

/** Options shared by plan and apply: how the plan is made. */
export function planningOptions<T>(y: Argv<T>) {
  return y
    .option("unlink-unmanaged", {
      type: "boolean",
      describe:
        "Unlink rooms that are children of a managed space but not in the manifest (never deletes them)",
    })
    .option("max-removals", {
      type: "string",
      coerce: wholeNumber("--max-removals"),
      describe:
        "Refuse a plan that unlinks more children than this (a guard against mistakes; default 5)",
    })
    .option("max-upgrades", {
      type: "string",
      coerce: wholeNumber("--max-upgrades"),
      describe:
        "Refuse a plan that upgrades more rooms than this (each upgrade replaces a room for good; default 10)",
    });
}

export function planCommand(setExit: (code: number) => void): CommandModule<object, PlanArgs> {
  return {
    command: "plan [paths..]",
    describe: "Show what apply would change (reads the homeserver, changes nothing)",
    builder: (y) =>
      planningOptions(
        y
          .positional("paths", {
            type: "string",
            array: true,
            default: ["spaces/"],
            describe: "Manifest files or folders (every *.yaml in a folder)",
          })
          .option("out", {
            type: "string",
            describe:
              "Also save the plan as JSON to this file; `spaceform apply FILE` applies exactly it",
          })
          .option("format", {
            choices: ["text", "markdown", "json"] as const,
            default: "text" as const,
            describe: "How to print the plan on stdout",
          })
          .option("detailed-exitcode", {
            type: "boolean",
            default: false,
            describe: "Exit 0 when there are no changes, 2 when there are, 1 on error",
          }),
      )
        .example("$0 plan", "plan every manifest in spaces/")
        .example("$0 plan spaces/de-rse.yaml --out de-rse.plan.json", "save the plan for apply")
        .example(
          "$0 plan --detailed-exitcode",
          "drift check: exit 2 when the live space differs from the manifest",
        )
        .example("$0 plan --format markdown > plan.md", "a plan to paste into a pull request")
        .epilogue(
          [
            "Needs MATRIX_HOMESERVER (base URL) and MATRIX_ACCESS_TOKEN (never printed).",
            "Exit codes: 0 success (no changes with --detailed-exitcode), 1 error or refused plan,",
            "2 changes to make (only with --detailed-exitcode). See docs/cli.md.",
          ].join("\n"),
        ) as unknown as Argv<PlanArgs>,
    handler: async (args) => {
      const { runPlan, renderPlan } = await import("../run-plan.ts");
      const { writeFile } = await import("node:fs/promises");
      const err = palette(colorEnabled(process.stderr));
      const log = (line: string): void => {
        process.stderr.write(`${err.dim(line)}\n`);
      };
      const run = await runPlan({
        paths: args.paths,
        env: process.env,
        log,
        plan: {
          unlinkUnmanaged: args["unlink-unmanaged"],
          maxRemovals: args["max-removals"],
          maxUpgrades: args["max-upgrades"],
        },
      });
      for (const d of run.loadWarnings) process.stderr.write(formatDiagnostic(d, err));
      process.stdout.write(renderPlan(run.plan, args.format, colorEnabled(process.stdout)));
      const { plan } = run;
      if (plan.refused) {
        process.stderr.write(
          `${err.red("Error:")} the plan is refused (see the errors above); nothing can be applied until they are fixed.\n`,
        );
        if (args.out !== undefined) process.stderr.write(`Not saved to ${args.out}.\n`);
        setExit(1);
        return;
      }
      if (args.out !== undefined) {
        await writeFile(args.out, renderPlan(plan, "json", false));
        process.stderr.write(
          `Saved the plan to ${args.out}. Apply exactly it with: spaceform apply ${args.out}\n`,
        );
      }
      const changes = plan.changes.length > 0 || plan.steps.length > 0;
      setExit(args["detailed-exitcode"] && changes ? 2 : 0);
    },
  };
}
