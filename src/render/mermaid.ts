/**
 * The space tree as a Mermaid `graph TD` diagram (GitHub renders it in comments),
 * changed entries highlighted by action with `classDef`.
 */
import type { ChangeAction, TreeNode } from "../plan/model.ts";
import { mermaidLabel } from "../text/mermaid.ts";

const CLASS_DEFS: Record<ChangeAction, string> = {
  create: "fill:#dafbe1,stroke:#1a7f37,color:#0d1117",
  update: "fill:#fff8c5,stroke:#9a6700,color:#0d1117",
  delete: "fill:#ffebe9,stroke:#cf222e,color:#0d1117",
};

/** `graph TD` source for one space tree; `prefix` keeps node ids unique when several trees share a page. */
export function renderMermaid(tree: TreeNode, prefix = "n"): string {
  const lines = ["graph TD"];
  const classes: Record<ChangeAction, string[]> = { create: [], update: [], delete: [] };
  let counter = 0;
  const visit = (node: TreeNode, parentId?: string): void => {
    const id = `${prefix}${counter++}`;
    const title = mermaidLabel(node.name ?? node.key);
    const label = node.alias !== undefined ? `${title}<br/>${mermaidLabel(node.alias)}` : title;
    const shape = node.kind === "space" ? [`(["`, `"])`] : [`["`, `"]`];
    lines.push(`  ${id}${shape[0] ?? ""}${label}${shape[1] ?? ""}`);
    if (parentId !== undefined) lines.push(`  ${parentId} --> ${id}`);
    if (node.action !== undefined) classes[node.action].push(id);
    for (const child of node.children) visit(child, id);
  };
  visit(tree);
  for (const action of ["create", "update", "delete"] as const) {
    if (classes[action].length === 0) continue;
    lines.push(`  classDef ${action} ${CLASS_DEFS[action]}`);
    lines.push(`  class ${classes[action].join(",")} ${action}`);
  }
  return `${lines.join("\n")}\n`;
}
