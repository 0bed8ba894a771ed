import type { CommandModule } from "yargs";
import { UserError } from "../../diagnostics.ts";

// Placeholder until the command lands; it refuses instead of pretending.
export function importCommand(_setExit: (code: number) => void): CommandModule {
  return {
    command: "import",
    describe: "(not available yet)",
    handler: () => {
      throw new UserError("'import' is not available in this build yet.");
    },
  };
}
