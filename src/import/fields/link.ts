/**
 * Import twin of src/plan/links.ts: a child's `suggested` and `order` from its parent's
 * `m.space.child` event.
 */
import { isValidOrder } from "../../matrix/ids.ts";
import type { Content } from "../../matrix/vocabulary.ts";
import { unmanaged, type ImportContext } from "../context.ts";
import type { ImportedEntry } from "../model.ts";

export function readLink(ctx: ImportContext, link: Content, entry: ImportedEntry): void {
  const suggested = link["suggested"];
  if (typeof suggested === "boolean") entry.fields.push(["suggested", suggested]);
  const order = link["order"];
  if (order === undefined) return;
  if (typeof order === "string" && isValidOrder(order)) {
    entry.fields.push(["order", order]);
  } else {
    const why = `order ${JSON.stringify(order)} is not a valid order string (clients ignore it): left unmanaged`;
    unmanaged(ctx, entry, "invalid-order", why);
  }
}
