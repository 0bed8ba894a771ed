import type { CommandModule } from "yargs";
import { UserError } from "../../diagnostics.ts";

// Placeholder until the command lands; it refuses instead of pretending.
export function githubCommand(_setExit: (code: number) => void): CommandModule {
  return {
    command: "github",
    describe: "(not available yet)",
    handler: () => {
      throw new UserError("'github' is not available in this build yet.");
    },
  };
}
