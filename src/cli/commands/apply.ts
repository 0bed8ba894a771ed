import type { CommandModule } from "yargs";
import { UserError } from "../../diagnostics.ts";

// Placeholder until the command lands; it refuses instead of pretending.
export function applyCommand(_setExit: (code: number) => void): CommandModule {
  return {
    command: "apply",
    describe: "(not available yet)",
    handler: () => {
      throw new UserError("'apply' is not available in this build yet.");
    },
  };
}
