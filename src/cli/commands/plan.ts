import type { CommandModule } from "yargs";
import { UserError } from "../../diagnostics.ts";

// Placeholder until the command lands; it refuses instead of pretending.
export function planCommand(_setExit: (code: number) => void): CommandModule {
  return {
    command: "plan",
    describe: "(not available yet)",
    handler: () => {
      throw new UserError("'plan' is not available in this build yet.");
    },
  };
}
