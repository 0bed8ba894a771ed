/**
 * `spaceform import`: write a manifest for a space that already exists. The
 * manifest goes to stdout or `--out`; warnings (rooms it could not import, fields
 * left unmanaged) and progress go to stderr. Reads only; never changes the space.
 */
import type { Argv, CommandModule } from "yargs";
import { UserError } from "../../diagnostics.ts";
import { colorEnabled, formatDiagnostic, palette } from "../output.ts";

export interface ImportArgs {
  space: string;
  out?: string;
  force: boolean;
  "download-avatars"?: string;
  "check-policies"?: string;
  schema?: string;
}

export function importCommand(setExit: (code: number) => void): CommandModule<object, ImportArgs> {
  return {
    command: "import <space>",
    describe: "Write a manifest for an existing space (reads the homeserver, changes nothing)",
    builder: (y) =>
      y
        .positional("space", {
          type: "string",
          demandOption: true,
          describe:
            "The space: an alias (#space:example.org, or #space on your homeserver) or a room id",
        })
        .option("out", {
          type: "string",
          describe:
            "Write the manifest to this file instead of stdout (never overwritten without --force)",
        })
        .option("force", {
          type: "boolean",
          default: false,
          describe: "Overwrite an existing --out file and avatar files",
        })
        .option("download-avatars", {
          type: "string",
          describe:
            "Save the avatar images into this folder; the manifest refers to a file when spaceform recognises it as the live avatar (see docs/import.md)",
        })
        .option("schema", {
          type: "string",
          describe:
            "The $schema reference for the manifest's first line (default: node_modules/spaceform/schemas/space.schema.json, relative to the manifest; e.g. a raw URL of the schema at the commit you pin)",
        })
        .option("check-policies", {
          type: "string",
          describe:
            "Report which house rules of this manifest (its policies:) the live space already breaks",
        })
        .example("$0 import '#de-rse.org:matrix.org' --out spaces/de-rse.yaml", "adopt a space")
        .example("$0 import '!abc:example.org' > space.yaml", "by room id, to stdout")
        .example(
          "$0 import '#de-rse.org:matrix.org' --out spaces/de-rse.yaml --download-avatars spaces/avatars",
          "also save the avatar images",
        )
        .example(
          "$0 import '#de-rse.org:matrix.org' --check-policies spaces/rules.yaml",
          "which of these house rules does the space break today?",
        )
        .epilogue(
          [
            "Needs MATRIX_HOMESERVER (base URL) and MATRIX_ACCESS_TOKEN (never printed).",
            "Then: spaceform plan FILE should show no changes. Exit codes: 0 written, 1 error.",
            "See docs/import.md.",
          ].join("\n"),
        ) as unknown as Argv<ImportArgs>,
    handler: async (args) => {
      const { access, mkdir, writeFile } = await import("node:fs/promises");
      const path = await import("node:path");
      const err = palette(colorEnabled(process.stderr));
      const log = (line: string): void => {
        process.stderr.write(`${err.dim(line)}\n`);
      };
      const schema = args.schema;
      if (schema !== undefined && !/^[\x21-\x7e]+$/.test(schema)) {
        throw new UserError(
          "--schema is a URL or a path: printable ASCII without spaces (it goes into the manifest's first line).",
        );
      }
      // Refuse before anything is read: an overwritten manifest may hold work.
      if (args.out !== undefined && !args.force) {
        const exists = await access(args.out).then(
          () => true,
          () => false,
        );
        if (exists) {
          throw new UserError(`${args.out} exists; pass --force to overwrite it.`);
        }
      }
      const policies =
        args["check-policies"] === undefined
          ? undefined
          : await loadPolicies(args["check-policies"]);

      const { connectFromEnv } = await import("../connection.ts");
      const { readSpaceTree } = await import("../../state/read.ts");
      const { runImport } = await import("../../import/run.ts");
      const connection = await connectFromEnv(process.env, { log });
      const outcome = await runImport(
        connection.gateway,
        readSpaceTree,
        {
          target: args.space,
          homeserver: process.env["MATRIX_HOMESERVER"] ?? "",
          ...(args.out === undefined ? {} : { outFile: args.out }),
          ...(args["download-avatars"] === undefined
            ? {}
            : { avatarDir: args["download-avatars"] }),
          ...(schema === undefined ? {} : { schema }),
          force: args.force,
          now: new Date(),
          log,
        },
        { userId: connection.userId, serverName: connection.serverName },
      );

      for (const d of outcome.diagnostics) process.stderr.write(formatDiagnostic(d, err));
      if (args.out === undefined) {
        process.stdout.write(outcome.yaml);
      } else {
        await mkdir(path.dirname(args.out), { recursive: true });
        await writeFile(args.out, outcome.yaml);
      }
      for (const file of outcome.savedAvatars) log(`Saved ${file}`);
      const n = outcome.diagnostics.length;
      process.stderr.write(
        `Imported ${outcome.entryCount} rooms and spaces from ${args.space}` +
          (args.out === undefined ? "" : ` into ${args.out}`) +
          `${n === 0 ? "." : `; ${n} warning${n === 1 ? "" : "s"} above.`}\n` +
          `Next: spaceform plan ${args.out ?? "FILE"} (it should show no changes).\n`,
      );

      if (policies !== undefined) {
        const { checkLivePolicies } = await import("../../import/policies.ts");
        const found = checkLivePolicies(policies.policies, outcome.root, outcome.live);
        process.stderr.write(
          found.length === 0
            ? `House rules of ${policies.file}: the live space keeps them all.\n`
            : `House rules of ${policies.file} the live space breaks today (${found.length}):\n`,
        );
        for (const d of found) process.stderr.write(formatDiagnostic(d, err));
      }
      setExit(0);
    },
  };
}

async function loadPolicies(file: string) {
  const { loadManifest } = await import("../../manifest/load.ts");
  const { hasErrors } = await import("../../diagnostics.ts");
  const { manifest, diagnostics } = await loadManifest(file);
  if (manifest === undefined || hasErrors(diagnostics)) {
    throw new UserError(`--check-policies: ${file} is not a valid manifest.`, diagnostics);
  }
  return { file, policies: manifest.policies };
}
