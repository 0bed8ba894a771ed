/**
 * The action installs spaceform with `npm ci --omit=dev`: every module src/
 * loads at run time must then come from package.json's `dependencies`. Type-only
 * imports are erased before Node runs the code, so they may name dev packages.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import ts from "typescript";
import { parse } from "yaml";

const root = join(import.meta.dirname, "..", "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [join(dir, e.name)]
        : [],
  );
}

/** The bare specifiers a file loads at run time: value imports, re-exports, dynamic import(). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isImportDeclaration(node) &&
      node.importClause?.phaseModifier !== ts.SyntaxKind.TypeKeyword
    ) {
      if (ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter((s) => !s.startsWith("."));
}

const packageOf = (specifier: string): string =>
  specifier.startsWith("@")
    ? specifier.split("/").slice(0, 2).join("/")
    : (specifier.split("/")[0] ?? specifier);

describe("the action's install", () => {
  it("installs without dev dependencies", () => {
    const action = parse(readFileSync(join(root, "action.yml"), "utf8")) as {
      runs: { steps: { name?: string; run?: string }[] };
    };
    const install = action.runs.steps.find((s) => s.name === "Install spaceform");
    assert.match(install?.run ?? "", /npm ci --prefix "\$GITHUB_ACTION_PATH" --omit=dev /);
  });

  it("sets up Node without a cache keyed on the caller's package.json", () => {
    const action = parse(readFileSync(join(root, "action.yml"), "utf8")) as {
      runs: { steps: { uses?: string; with?: Record<string, unknown> }[] };
    };
    const setup = action.runs.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
    assert.deepEqual(setup?.with, { "node-version": 24, "package-manager-cache": false });
  });

  it("needs no dev dependency at run time", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const builtins = new Set(builtinModules);
    const used = new Map<string, string>();
    for (const file of sources(join(root, "src"))) {
      for (const s of runtimeImports(file)) {
        if (s.startsWith("node:") || builtins.has(s)) continue;
        used.set(packageOf(s), file);
      }
    }
    assert.ok(used.has("yargs") && used.has("@octokit/rest"), "the scan finds imports");
    for (const [name, file] of used) {
      assert.ok(name in pkg.dependencies, `${file} loads ${name}, which is not in dependencies`);
    }
  });
});
