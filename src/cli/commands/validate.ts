import type { CommandModule } from "yargs";
import { UserError } from "../../diagnostics.ts";

// Placeholder until the command lands; it refuses instead of pretending.
export function validateCommand(_setExit: (code: number) => void): CommandModule {
  return {
    command: "validate",
    describe: "(not available yet)",
    handler: () => {
      throw new UserError("'validate' is not available in this build yet.");
    },
  };
}
