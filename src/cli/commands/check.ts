/**
 * `spaceform check ROOM…`: a member's room against the house rules of a manifest, before it
 * is added. Reads what the account can see; accepts a pending invite only when a rule needs
 * the power levels (and says so); joins nothing else and sends nothing else.
 */
import type { CommandModule } from "yargs";

export interface CheckArgs {
  rooms: string[];
  manifest?: string | undefined;
  key?: string | undefined;
  under?: string | undefined;
  format: "text" | "json";
}

export function checkCommand(setExit: (code: number) => void): CommandModule<object, CheckArgs> {
  return {
    command: "check <rooms..>",
    describe: "Check members' rooms (ids or aliases) against a manifest's house rules",
    builder: (y) =>
      y
        .positional("rooms", {
          type: "string",
          array: true,
          demandOption: true,
          describe: "Room ids (!…) or aliases (#name:server)",
        })
        .option("manifest", {
          type: "string",
          describe: "The manifest whose policies apply (default: the one in spaces/)",
        })
        .option("key", {
          type: "string",
          describe: "The key the room is to get in the manifest (name_prefixes match it)",
        })
        .option("under", {
          type: "string",
          describe: "The subspace (chapter) key the room is requested for; picks the manifest",
        })
        .option("format", {
          choices: ["text", "json"] as const,
          default: "text" as const,
          describe: "text for people, json for tools",
        })
        .example("$0 check '#my-room:example.org' --key chapter-berlin", "before asking for a room")
        .example("$0 check '!abc:example.org' --format json", "for a script")
        .epilogue(
          [
            "Needs MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN (the managing account; never printed).",
            "Accepts a pending invite when a rule needs the power levels; joins nothing else, sends nothing.",
            "Exit codes: 0 every rule holds, 1 a rule fails or cannot be checked. See docs/cli.md.",
          ].join("\n"),
        ),
    handler: async (args) => {
      const { loadOrThrow, connect } = await import("../run-plan.ts");
      const { chooseManifest } = await import("../../check/choose.ts");
      const { checkRoom } = await import("../../check/run.ts");
      const { userIdOf } = await import("../../matrix/responses.ts");
      const render = await import("../../check/render.ts");
      const { preloadGateway } = await import("../connection.ts");
      void preloadGateway().catch(() => undefined);
      const { manifests } = await loadOrThrow(args.manifest !== undefined ? [args.manifest] : []);
      const manifest = chooseManifest(manifests, args.under);
      const log = (line: string): void => {
        process.stderr.write(`${line}\n`);
      };
      const connection = await connect(process.env, log);
      const reports = [];
      for (const room of args.rooms) {
        log(`Checking ${room} against the house rules of ${manifest.file} …`);
        reports.push(
          await checkRoom(connection.gateway, manifest, room, {
            managing: userIdOf("the managing account", connection.userId),
            key: args.key,
          }),
        );
      }
      process.stdout.write(
        args.format === "json" ? render.renderCheckJson(reports) : render.renderCheckText(reports),
      );
      setExit(reports.every((r) => r.ok) ? 0 : 1);
    },
  };
}
