/**
 * Aliases: the directory entries (`PUT /directory/room/{alias}`) and the
 * `m.room.canonical_alias` event that names them. Directory entries come first: the
 * canonical alias event may only name aliases that point at the room.
 */
import { formatFieldPath } from "../manifest/fieldpath.ts";
import type { Entry } from "../manifest/model.ts";
import { serverOf } from "../matrix/ids.ts";
import { contentOf, str } from "../matrix/vocabulary.ts";
import type { LiveRoom } from "../state/model.ts";
import type { PlanContext } from "./context.ts";
import { FieldOut, sameJson, type FieldPlan, type PlannedStep } from "./field.ts";
import type { Json } from "./model.ts";

/**
 * Checks that `alias` can point at the entry's room: it exists and points there, or it
 * does not exist and is on the managing server (Synapse creates only local aliases). An
 * alias pointing at another room is never taken over. `roomId` is null for a new room.
 */
export function aliasUsable(
  ctx: PlanContext,
  out: FieldOut,
  e: Entry,
  field: string,
  alias: string,
  roomId: string | null,
): boolean {
  const target = ctx.actual.aliases[alias];
  if (typeof target === "string") {
    if (target === roomId) return true;
    out.problem(
      "error",
      "alias.taken",
      ctx.fieldPath(e, field),
      `${alias} already points at another room (${target}); spaceform never takes an alias from another room.`,
      `Remove or repoint ${alias} yourself if that room should give it up, or choose another alias.`,
    );
    return false;
  }
  const server = serverOf(alias);
  if (server !== ctx.serverName) {
    out.problem(
      "error",
      "alias.foreign-server",
      ctx.fieldPath(e, field),
      `cannot create alias ${alias} on ${server} from ${ctx.serverName}: a homeserver creates aliases only on its own domain.`,
      `Create ${alias} from an account on ${server}${roomId ? `, pointing at ${roomId}` : ""}, then plan again; or use an alias on ${ctx.serverName}.`,
    );
    return false;
  }
  return true;
}

/** The aliases of an existing room. */
export function planAliases(ctx: PlanContext, e: Entry, room: LiveRoom): FieldPlan {
  const out = new FieldOut(ctx);
  if (e.alias === undefined && e.alt_aliases === undefined) return out.plan();
  const roomId = room.room_id as string;
  const live = contentOf(room, "m.room.canonical_alias") ?? {};
  const liveAlias = str(live["alias"]);
  const liveAlts = Array.isArray(live["alt_aliases"])
    ? live["alt_aliases"].filter((a): a is string => typeof a === "string")
    : [];
  const alias = e.alias !== undefined ? ctx.qualify(e.alias) : undefined;
  const alts = e.alt_aliases?.map((a) => ctx.qualify(a));

  let usable = true;
  const wanted = [
    ...(alias !== undefined ? [[alias, "alias"] as const] : []),
    ...(alts ?? []).map((a) => [a, "alt_aliases"] as const),
  ];
  const aliasSteps: PlannedStep[] = [];
  for (const [a, field] of wanted) {
    if (!aliasUsable(ctx, out, e, field, a, roomId)) {
      usable = false;
      continue;
    }
    if (ctx.actual.aliases[a] === roomId) continue;
    const address = out.change(
      e,
      ctx.fieldPath(e, formatFieldPath(["aliases", a])),
      "create",
      null,
      roomId,
      roomId,
    );
    aliasSteps.push({
      placement: "configure",
      body: { op: "create_alias", alias: a, room: { room_id: room.room_id } },
      addresses: [address],
      description: `create alias ${a} for ${ctx.label(e)}`,
    });
  }
  if (!usable) return out.plan();
  out.steps.push(...aliasSteps);

  const content: Record<string, Json> = { ...(live as Record<string, Json>) };
  const addresses: string[] = [];
  if (alias !== undefined && alias !== liveAlias) {
    content["alias"] = alias;
    const action = liveAlias === undefined ? "create" : "update";
    addresses.push(
      out.change(e, ctx.fieldPath(e, "alias"), action, liveAlias ?? null, alias, roomId),
    );
  }
  if (alts !== undefined && !sameJson(alts, liveAlts)) {
    content["alt_aliases"] = alts;
    const action = liveAlts.length === 0 ? "create" : "update";
    addresses.push(out.change(e, ctx.fieldPath(e, "alt_aliases"), action, liveAlts, alts, roomId));
  }
  if (addresses.length > 0) {
    out.needPower(room, "m.room.canonical_alias", addresses[0] ?? e.address);
    out.sendState(
      "configure",
      { room_id: room.room_id },
      "m.room.canonical_alias",
      "",
      content,
      addresses,
      `set the aliases of ${ctx.label(e)}`,
    );
  }
  return out.plan();
}
