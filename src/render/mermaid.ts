/**
 * The space tree as Mermaid `graph TD` diagrams (GitHub renders them in comments),
 * each room coloured by its action as a whole (entryAction: green only for a new
 * room), with `classDef`. Mermaid refuses more than 500 edges, and a flat graph of a
 * few hundred rooms is a sliver nobody can read, so a big tree is drawn as several
 * diagrams: one per space, each showing its subspaces as single nodes, and a space
 * with more than `MAX_NODES` direct children shows its rooms counted by action.
 */
import type { ChangeAction, TreeNode } from "../plan/model.ts";
import { mermaidLabel } from "../text/mermaid.ts";

/** Mermaid's own limit (`maxEdges`, "Edge limit exceeded (500)"). */
export const MERMAID_MAX_EDGES = 500;
/** More nodes than this in one diagram are drawn per subspace or counted. */
export const MAX_NODES = 60;

const CLASS_DEFS: Record<ChangeAction, string> = {
  create: "fill:#dafbe1,stroke:#1a7f37,color:#0d1117",
  update: "fill:#fff8c5,stroke:#9a6700,color:#0d1117",
  delete: "fill:#ffebe9,stroke:#cf222e,color:#0d1117",
  replace: "fill:#ddf4ff,stroke:#0969da,color:#0d1117",
};

/** What the colours mean, for a line under the diagrams. */
export const MERMAID_LEGEND =
  "Colours: green = new room or space, yellow = existing one changed, blue = upgraded (replaced by a new room), red = links removed from it, white = unchanged.";

export interface MermaidOptions {
  /** Keeps node ids unique when several diagrams share a page. */
  prefix?: string;
  /** Each entry's action as a whole; without it, the tree's own `action`. */
  actions?: ReadonlyMap<string, ChangeAction>;
}

export interface MermaidDiagram {
  /** The space the diagram shows (its entry address). */
  entry: string;
  source: string;
}

function size(node: TreeNode): number {
  return node.children.reduce((n, c) => n + size(c), 1);
}

class Diagram {
  private readonly lines = ["graph TD"];
  private readonly classes: Record<ChangeAction, string[]> = {
    create: [],
    update: [],
    delete: [],
    replace: [],
  };
  private counter = 0;
  edges = 0;
  private readonly prefix: string;
  constructor(prefix: string) {
    this.prefix = prefix;
  }

  node(label: string, kind: "space" | "room", action: ChangeAction | undefined): string {
    const id = `${this.prefix}${this.counter++}`;
    const shape = kind === "space" ? [`(["`, `"])`] : [`["`, `"]`];
    this.lines.push(`  ${id}${shape[0] ?? ""}${label}${shape[1] ?? ""}`);
    if (action !== undefined) this.classes[action].push(id);
    return id;
  }

  edge(from: string, to: string): void {
    this.lines.push(`  ${from} --> ${to}`);
    this.edges += 1;
  }

  toString(): string {
    const lines = [...this.lines];
    for (const action of ["create", "update", "replace", "delete"] as const) {
      if (this.classes[action].length === 0) continue;
      lines.push(`  classDef ${action} ${CLASS_DEFS[action]}`);
      lines.push(`  class ${this.classes[action].join(",")} ${action}`);
    }
    return `${lines.join("\n")}\n`;
  }
}

function titleOf(node: TreeNode): string {
  const title = mermaidLabel(node.name ?? node.key);
  return node.alias !== undefined ? `${title}<br/>${mermaidLabel(node.alias)}` : title;
}

const COUNTED: Record<ChangeAction | "none", string> = {
  create: "new",
  update: "changed",
  delete: "with links removed",
  replace: "upgraded",
  none: "unchanged",
};

/** All of `tree`'s diagrams: the whole tree when it is small, else one per space. */
export function renderMermaidDiagrams(
  tree: TreeNode,
  options: MermaidOptions = {},
): MermaidDiagram[] {
  const prefix = options.prefix ?? "n";
  const actionOf = (n: TreeNode): ChangeAction | undefined =>
    options.actions ? options.actions.get(n.entry) : n.action;
  const out: MermaidDiagram[] = [];
  const whole = (space: TreeNode): void => {
    const d = new Diagram(`${prefix}${out.length > 0 ? `${out.length}x` : ""}`);
    const visit = (node: TreeNode, parentId?: string): void => {
      const id = d.node(titleOf(node), node.kind, actionOf(node));
      if (parentId !== undefined) d.edge(parentId, id);
      for (const child of node.children) visit(child, id);
    };
    visit(space);
    out.push({ entry: space.entry, source: d.toString() });
  };
  const overview = (space: TreeNode): void => {
    const d = new Diagram(`${prefix}${out.length}x`);
    const root = d.node(titleOf(space), "space", actionOf(space));
    const spaces = space.children.filter((c) => c.kind === "space");
    const spread = space.children.length <= MAX_NODES;
    const shown = spread ? space.children : spaces.slice(0, MAX_NODES);
    for (const s of shown) {
      const inside = size(s) - 1;
      const label =
        s.kind === "space"
          ? `${titleOf(s)}<br/>${inside} room${inside === 1 ? "" : "s"} inside`
          : titleOf(s);
      d.edge(root, d.node(label, s.kind, actionOf(s)));
    }
    const counted = space.children.filter((c) => !shown.includes(c));
    for (const action of ["create", "update", "replace", "delete", "none"] as const) {
      const n = counted.filter((c) => (actionOf(c) ?? "none") === action).length;
      if (n === 0) continue;
      const label = `${n} ${COUNTED[action]} room${n === 1 ? "" : "s"}`;
      d.edge(root, d.node(label, "room", action === "none" ? undefined : action));
    }
    out.push({ entry: space.entry, source: d.toString() });
  };
  const draw = (space: TreeNode): void => {
    if (size(space) <= MAX_NODES) {
      whole(space);
      return;
    }
    overview(space);
    for (const s of space.children) if (s.kind === "space") draw(s);
  };
  draw(tree);
  return out;
}

/** The diagrams of `tree`, one after the other (one diagram when the tree is small). */
export function renderMermaid(tree: TreeNode, options: MermaidOptions = {}): string {
  return renderMermaidDiagrams(tree, options)
    .map((d) => d.source)
    .join("\n");
}
