/**
 * `spaceform validate`: checks manifests without any network request: YAML
 * syntax, the schema, Matrix identifiers, avatar files, cross-field rules and the
 * house rules in `policies:` (on the values the manifest declares).
 *
 * Diagnostics and the verdict go to stdout: they are this command's output. Under
 * GitHub Actions each diagnostic is also printed as a workflow command, which
 * annotates the line in the pull request.
 */
import type { Argv, CommandModule } from "yargs";
import type { Diagnostic } from "../../diagnostics.ts";
import type { Manifest } from "../../manifest/model.ts";
import { colorEnabled, formatDiagnostic, githubAnnotation, palette } from "../output.ts";

export interface ValidateArgs {
  paths: string[];
  format: "text" | "json";
  strict: boolean;
}

/** The `--format json` document. */
export interface ValidateReport {
  valid: boolean;
  errors: number;
  warnings: number;
  files: { file: string; name?: string; valid: boolean; rooms?: number; subspaces?: number }[];
  diagnostics: Diagnostic[];
}

const EXAMPLE_MANIFEST = [
  "A small manifest, spaces/my-space.yaml:",
  "",
  "  # yaml-language-server: $schema=../schemas/space.schema.json",
  "  version: 1",
  "  space:",
  '    alias: "#my-space"          # on the managing account\'s homeserver',
  "    name: My space",
  "  rooms:",
  "    general:",
  '      alias: "#my-space-general"',
  "      name: General",
  "      topic: Say hello",
  "  policies:",
  '    admins: ["@bot:example.org"]',
  "",
  "Fields left out are unmanaged: spaceform neither compares nor changes them.",
  "Exit codes: 0 valid, 1 errors (or warnings, with --strict). Every field: docs/manifest.md.",
  "Under GitHub Actions (GITHUB_ACTIONS=true) the text output also annotates each line in the PR.",
].join("\n");

/** The `[paths..]` positional of the commands that read manifests without a homeserver. */
export function manifestPaths<T>(y: Argv<T>) {
  return y.positional("paths", {
    type: "string",
    array: true,
    default: ["spaces/"],
    describe: "Manifest files or folders (every *.yaml / *.yml in a folder)",
  });
}

export function validateCommand(
  setExit: (code: number) => void,
): CommandModule<object, ValidateArgs> {
  return {
    command: "validate [paths..]",
    describe: "Check manifests: syntax, schema, ids, avatars, house rules (no network)",
    builder: (y) =>
      manifestPaths(y)
        .option("format", {
          choices: ["text", "json"] as const,
          default: "text" as const,
          describe: "text for people, json for tools",
        })
        .option("strict", {
          type: "boolean",
          default: false,
          describe: "Fail on warnings too",
        })
        .example("$0 validate", "check every manifest in spaces/")
        .example("$0 validate spaces/de-rse.yaml", "check one manifest")
        .example("$0 validate --format json", "the result as JSON, for tools")
        .epilogue(EXAMPLE_MANIFEST),
    handler: async (args) => {
      // Imported here so that `spaceform --help` and the other commands do not pay for ajv.
      const { loadManifests } = await import("../../manifest/load.ts");
      const { manifests, files, diagnostics } = await loadManifests(args.paths);
      const report = buildReport(files, manifests, diagnostics);
      if (args.format === "json") {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        process.stdout.write(renderText(report, colorEnabled(process.stdout)));
        if (process.env["GITHUB_ACTIONS"] === "true") {
          for (const d of report.diagnostics) process.stdout.write(githubAnnotation(d));
        }
      }
      const failed = report.errors > 0 || (args.strict && report.warnings > 0);
      setExit(failed ? 1 : 0);
    },
  };
}

export function buildReport(
  files: readonly string[],
  manifests: readonly Manifest[],
  diagnostics: Diagnostic[],
): ValidateReport {
  const byFile = new Map(manifests.map((m) => [m.file, m]));
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return {
    valid: errors === 0,
    errors,
    warnings: diagnostics.length - errors,
    files: files.map((file) => {
      const m = byFile.get(file);
      if (!m) return { file, valid: false };
      const entries = countEntries(m);
      return { file, name: m.name, valid: true, ...entries };
    }),
    diagnostics,
  };
}

function countEntries(m: Manifest): { rooms: number; subspaces: number } {
  let rooms = 0;
  let subspaces = 0;
  const walk = (children: Manifest["space"]["children"]): void => {
    for (const c of children) {
      if (c.kind === "space") subspaces++;
      else rooms++;
      walk(c.children);
    }
  };
  walk(m.space.children);
  return { rooms, subspaces };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export function renderText(report: ValidateReport, color: boolean): string {
  const p = palette(color);
  let out = "";
  for (const d of report.diagnostics) out += formatDiagnostic(d, p);
  if (report.diagnostics.length > 0) out += "\n";
  for (const f of report.files) {
    if (!f.valid) continue;
    const warnings = report.diagnostics.filter((d) => d.file === f.file).length;
    const parts = [plural(f.rooms ?? 0, "room")];
    if (f.subspaces) parts.push(plural(f.subspaces, "subspace"));
    if (warnings) parts.push(plural(warnings, "warning"));
    out += `${f.file}: ${p.green("valid")}, ${parts.join(", ")}\n`;
  }
  if (report.errors > 0 || report.warnings > 0) {
    const affected = new Set(report.diagnostics.map((d) => d.file ?? "")).size;
    const counts = [plural(report.errors, "error"), plural(report.warnings, "warning")]
      .filter((s) => !s.startsWith("0 "))
      .join(", ");
    const verdict = `${counts} in ${plural(affected, "file")}`;
    out += `${report.errors > 0 ? p.red(verdict) : p.yellow(verdict)}\n`;
  }
  return out;
}
