/**
 * `spaceform apply`: plan, show, ask, apply. Or, given a saved plan, check that
 * the world has not moved since it was made and apply exactly it.
 *
 * Without a terminal to ask on, apply refuses unless told `--auto-approve`:
 * a pipeline that changes a live community must say so in its own text.
 */
import type { CommandModule } from "yargs";
import { UserError } from "../../diagnostics.ts";
import type { Plan } from "../../plan/model.ts";
import { colorEnabled, formatDiagnostic, palette } from "../output.ts";
import type { Connection } from "../run-plan.ts";
import { planningOptions, type PlanningArgs } from "./plan.ts";

export interface ApplyArgs extends PlanningArgs {
  paths: string[];
  "auto-approve": boolean;
}

export const CONFIRM_PROMPT = "Do you want to perform these actions? Only 'yes' will be accepted: ";

export function applyCommand(setExit: (code: number) => void): CommandModule<object, ApplyArgs> {
  return {
    command: "apply [paths..]",
    describe: "Make the live space match the manifest (or apply a saved plan)",
    builder: (y) =>
      planningOptions(
        y
          .positional("paths", {
            type: "string",
            array: true,
            default: ["spaces/"],
            describe: "Manifest files or folders, or ONE saved plan file (from plan --out)",
          })
          .option("auto-approve", {
            type: "boolean",
            default: false,
            describe: "Apply without asking (needed when there is no terminal, e.g. in CI)",
          }),
      )
        .example("$0 apply spaces/de-rse.yaml", "show the plan, ask, then apply it")
        .example("$0 apply --auto-approve", "apply every manifest in spaces/ without asking (CI)")
        .example(
          "$0 plan --out de-rse.plan.json && $0 apply de-rse.plan.json",
          "review a saved plan, then apply exactly it (refused if the space changed meanwhile)",
        )
        .epilogue(
          [
            "Needs MATRIX_HOMESERVER (base URL) and MATRIX_ACCESS_TOKEN (never printed).",
            "A refused plan (lock-out, encryption off, house-rule errors) is never applied.",
            "If a step fails, apply stops and says what was done; running it again converges.",
            "Exit codes: 0 applied (or nothing to do), 1 error, refused, cancelled or stale. See docs/cli.md.",
          ].join("\n"),
        ),
    handler: async (args) => {
      const runPlanModule = await import("../run-plan.ts");
      const savedPlans = await import("../saved-plan.ts");
      const { readFile, stat } = await import("node:fs/promises");
      const err = palette(colorEnabled(process.stderr));
      const log = (line: string): void => {
        process.stderr.write(`${err.dim(line)}\n`);
      };

      // A saved plan is recognised by its content: one file whose JSON has format_version.
      let saved: Plan | undefined;
      if (args.paths.length === 1) {
        const path = args.paths[0] ?? "";
        const isFile = await stat(path).then(
          (s) => s.isFile(),
          () => false,
        );
        if (isFile) saved = savedPlans.parseSavedPlan(await readFile(path, "utf8"), path);
        if (saved?.refused === true) {
          throw new UserError(
            `${path} is a refused plan; it can never be applied. Fix what it reports and run plan again.`,
          );
        }
        if (saved) refuseOtherPlanningFlags(args, saved, path);
      }

      const interactive = process.stdin.isTTY && process.stdout.isTTY;
      if (!saved && !args["auto-approve"] && !interactive) {
        throw new UserError(
          "apply needs a confirmation, and there is no terminal to ask on. Add --auto-approve, or save a reviewed plan with `spaceform plan --out FILE` and run `spaceform apply FILE`.",
        );
      }

      let plan: Plan;
      let connection: Connection;
      if (saved) {
        connection = await runPlanModule.connect(process.env, log);
        await savedPlans.checkSavedPlan(saved, connection, log);
        plan = saved;
        process.stdout.write(runPlanModule.renderPlan(plan, "text", colorEnabled(process.stdout)));
      } else {
        const run = await runPlanModule.runPlan({
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
        plan = run.plan;
        connection = run.connection;
        process.stdout.write(runPlanModule.renderPlan(plan, "text", colorEnabled(process.stdout)));
      }

      if (plan.refused) {
        throw new UserError(
          "The plan is refused (see the errors above); nothing was applied. Fix the manifest or the live space and run apply again.",
        );
      }
      if (plan.steps.length === 0) {
        setExit(0);
        return;
      }
      if (!saved && !args["auto-approve"]) {
        const answer = await ask(`\n${CONFIRM_PROMPT}`);
        if (answer !== "yes") {
          process.stdout.write("Apply cancelled; nothing was changed.\n");
          setExit(1);
          return;
        }
      }
      process.stdout.write("\n");
      const ok = await execute(plan, connection);
      setExit(ok ? 0 : 1);
    },
  };
}

/** A saved plan is applied as it was made: a planning flag that says otherwise is refused. */
function refuseOtherPlanningFlags(args: PlanningArgs, saved: Plan, path: string): void {
  const flags: [string, boolean | number | undefined, boolean | number][] = [
    ["--unlink-unmanaged", args["unlink-unmanaged"], saved.options.unlink_unmanaged],
    ["--max-removals", args["max-removals"], saved.options.max_removals],
    ["--max-upgrades", args["max-upgrades"], saved.options.max_upgrades],
  ];
  for (const [flag, given, made] of flags) {
    if (given === undefined || given === made) continue;
    throw new UserError(
      `${path} was planned with ${flag} ${String(made)}; a saved plan is applied exactly as it was made, so ${flag} ${String(given)} would change nothing. Run plan again with the flag, or leave it out.`,
    );
  }
}

async function ask(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** Runs the applier with progress on stderr; a failure becomes a UserError naming the step. */
async function execute(plan: Plan, connection: Connection): Promise<boolean> {
  const { applyPlan } = await import("../../apply/apply.ts");
  const { formatApplyFailure, formatApplySummary, formatProgress } =
    await import("../../apply/report.ts");
  const err = palette(colorEnabled(process.stderr));
  const result = await applyPlan(plan, connection.gateway, {
    progress: (event) => process.stderr.write(formatProgress(event, err)),
  });
  process.stdout.write(formatApplySummary(result, palette(colorEnabled(process.stdout))));
  if (!result.ok) throw new UserError(formatApplyFailure(plan, result));
  return true;
}
