/**
 * `spaceform page`: writes the public Markdown section of a community's website that lists the
 * space, its rooms and the house rules for rooms members add, from the manifests alone: no
 * network, no matrix-js-sdk. `--out FILE` updates the section inside a page in place, `--check
 * FILE` says whether it is current (for CI on the website's repository).
 */
import { readFile, writeFile } from "node:fs/promises";
import type { CommandModule } from "yargs";
import { hasErrors, UserError, type Diagnostic } from "../../diagnostics.ts";
import { renderPage, type PageSection } from "../../page/render.ts";
import { updatePage } from "../../page/sections.ts";
import { colorEnabled, formatDiagnostic, palette } from "../output.ts";
import { manifestPaths } from "./validate.ts";

export interface PageArgs {
  paths: string[];
  out?: string | undefined;
  check?: string | undefined;
  "server-name"?: string | undefined;
}

/** A server name as Matrix writes it: a host name, IPv4 or [IPv6] literal, and an optional port. */
const SERVER_NAME = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function pageCommand(setExit: (code: number) => void): CommandModule<object, PageArgs> {
  return {
    command: "page [paths..]",
    describe: "Write the members' page section: the space, its rooms, the house rules (no network)",
    builder: (y) =>
      manifestPaths(y)
        .option("out", {
          type: "string",
          describe:
            "Update the section in this Markdown file (kept around it; added at the end if missing)",
        })
        .option("check", {
          type: "string",
          describe: "Exit 1 with a diff when this file's section is not what page would write",
        })
        .option("server-name", {
          type: "string",
          describe:
            "The managing account's server name, for aliases written without one (#general)",
        })
        .conflicts("out", "check")
        .example("$0 page", "print the section for spaces/*.yaml")
        .example("$0 page --out ../website/content/matrix.md", "update the website's page")
        .example("$0 page --check ../website/content/matrix.md", "in CI: is the page current?")
        .epilogue(
          [
            "The section sits between two marker lines, <!-- BEGIN spaceform page NAME … --> and",
            "<!-- END spaceform page NAME -->; --out keeps everything around them.",
            "Exit codes: 0 written or current, 1 invalid manifest or (--check) stale page. Details: docs/cli.md.",
          ].join("\n"),
        ),
    handler: async (args) => {
      const serverName = args["server-name"];
      if (serverName !== undefined && !SERVER_NAME.test(serverName)) {
        throw new UserError(
          `--server-name takes a server name such as matrix.org, not ${JSON.stringify(serverName)}.`,
        );
      }
      const sections = await pageSections(args.paths, serverName);
      if (args.check !== undefined) {
        setExit(await check(args.check, sections));
        return;
      }
      if (args.out === undefined) {
        process.stdout.write(sections.map((s) => s.text).join("\n"));
        return;
      }
      const current = await readIfExists(args.out);
      const updated = updatePageOrThrow(args.out, current, sections);
      if (updated !== current) await writeFile(args.out, updated);
      process.stderr.write(
        `${args.out}: ${updated === current ? "already current" : current === undefined ? "written" : "updated"}\n`,
      );
      setExit(0);
    },
  };
}

async function pageSections(
  paths: readonly string[],
  serverName: string | undefined,
): Promise<PageSection[]> {
  // Imported here so that `spaceform --help` and the other commands do not pay for ajv.
  const { loadManifests } = await import("../../manifest/load.ts");
  const loaded = await loadManifests(paths);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const sections: PageSection[] = [];
  if (!hasErrors(diagnostics)) {
    for (const manifest of loaded.manifests) {
      const page = renderPage(manifest, serverName === undefined ? {} : { serverName });
      diagnostics.push(...page.diagnostics);
      if (page.section) sections.push(page.section);
    }
  }
  if (hasErrors(diagnostics)) {
    const n = diagnostics.filter((d) => d.severity === "error").length;
    throw new UserError(
      `No page was written: ${n} error${n === 1 ? "" : "s"} in the manifests.`,
      diagnostics,
    );
  }
  const p = palette(colorEnabled(process.stderr));
  for (const d of diagnostics) process.stderr.write(formatDiagnostic(d, p));
  return sections;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return undefined;
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

function updatePageOrThrow(
  file: string,
  current: string | undefined,
  sections: readonly PageSection[],
): string {
  const result = updatePage(current, sections);
  if ("error" in result) throw new UserError(`${file}: ${result.error}.`);
  return result.text;
}

/** Exit code of --check: 0 when the file's sections are what page writes, else 1 with a diff. */
async function check(file: string, sections: PageSection[]): Promise<number> {
  const current = await readIfExists(file);
  if (current === undefined) {
    process.stderr.write(`${file} does not exist; write it with: spaceform page --out ${file}\n`);
    return 1;
  }
  const expected = updatePageOrThrow(file, current, sections);
  if (expected === current) {
    process.stderr.write(`${file}: the page section is current.\n`);
    return 0;
  }
  const { createTwoFilesPatch } = await import("diff");
  const patch = createTwoFilesPatch(file, file, current, expected, "current", "generated", {
    context: 3,
  });
  // The page file is not ours: its lines are shown, never interpreted by the terminal.
  const shown = patch.split("\n").slice(2).join("\n").replace(TERMINAL_CONTROLS, "\uFFFD");
  process.stdout.write(shown.endsWith("\n") ? shown : `${shown}\n`);
  process.stderr.write(
    `${file}: the page section is stale; update it with: spaceform page --out ${file}\n`,
  );
  return 1;
}

/** Controls a terminal acts on (tab and newline are the diff's own). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
