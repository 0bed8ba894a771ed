/** The space tree as it will be after apply, for the renderers (Markdown tree, Mermaid). */
import type { Entry } from "../manifest/model.ts";
import { contentOf, str } from "../matrix/vocabulary.ts";
import type { PlanContext } from "./context.ts";
import type { Change, ChangeAction, TreeNode } from "./model.ts";

const ACTION_RANK: Record<ChangeAction, number> = { update: 1, create: 2, replace: 3, delete: 4 };

export function buildTree(ctx: PlanContext, e: Entry, changes: readonly Change[]): TreeNode {
  let action: ChangeAction | undefined;
  for (const c of changes) {
    if (c.entry !== e.address) continue;
    if (action === undefined || ACTION_RANK[c.action] > ACTION_RANK[action]) action = c.action;
  }
  const id = ctx.identity(e);
  const liveRoom = id.status === "existing" ? id.room : undefined;
  const roomId = ctx.roomIdOf(e);
  const name = e.name ?? (liveRoom ? str(contentOf(liveRoom, "m.room.name")?.["name"]) : undefined);
  const alias =
    e.alias !== undefined
      ? ctx.qualify(e.alias)
      : liveRoom
        ? str(contentOf(liveRoom, "m.room.canonical_alias")?.["alias"])
        : undefined;
  return {
    entry: e.address,
    key: e.key,
    kind: e.kind,
    ...(name !== undefined ? { name } : {}),
    ...(alias !== undefined ? { alias } : {}),
    ...(roomId !== undefined ? { room_id: roomId } : {}),
    ...(action !== undefined ? { action } : {}),
    children: e.children.map((c) => buildTree(ctx, c, changes)),
  };
}
