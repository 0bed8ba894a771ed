/**
 * The applier: executes a plan's `steps`, in order, through the gateway.
 *
 * It decides nothing. Every decision (what to create, what to change, what is
 * safe) was made by the planner and shown to a person; the applier only turns
 * room references into room ids, uploads avatar files (each distinct image
 * once), and sends requests. The first failing step stops it: later steps may
 * depend on it, and a half-known world is no place to keep going. Running apply
 * again re-reads the live state and plans only what is still missing, so a
 * stopped apply converges.
 */
import { dirname, resolve } from "node:path";
import { UserError, type Diagnostic } from "../diagnostics.ts";
import {
  GatewayError,
  type GatewayErrorInfo,
  type RequestCounter,
  type SpaceWriter,
} from "../matrix/gateway.ts";
import type { RoomId } from "../matrix/ids.ts";
import {
  ACTION_SYMBOL,
  type AvatarFile,
  type ChangeAction,
  type Json,
  type Plan,
  type RoomRef,
  type Step,
  type Summary,
  withoutZeroReplace,
} from "../plan/model.ts";
import { uploadAvatar, uploadLimitOnce, type UploadedImages } from "./avatar.ts";

export interface ApplyOptions {
  /**
   * Folder each manifest's relative avatar paths start from, by manifest name.
   * Default: the folder of `based_on[].manifest_file`, relative to the working directory.
   */
  manifestDirs?: Record<string, string>;
  /** Called once per step as it finishes (and for warnings); the CLI prints these on stderr. */
  progress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { kind: "step"; index: number; total: number; step: Step; label: string; outcome: "done" }
  | {
      kind: "step";
      index: number;
      total: number;
      step: Step;
      label: string;
      outcome: "failed";
      error: string;
    }
  | { kind: "warning"; diagnostic: Diagnostic };

export interface StepFailure {
  /** 1-based position of the step in `plan.steps`. */
  index: number;
  step: Step;
  /** The Matrix error (errcode and message), or the local reason (e.g. avatar file changed). */
  error: string;
  errcode?: string;
  httpStatus?: number;
}

export interface ApplyResult {
  ok: boolean;
  /** Steps that completed, in order. */
  completed: Step[];
  failure?: StepFailure;
  /** Changes realised, counted like the plan's summary. */
  summary: Summary;
  /** Homeserver requests this apply made (retries included). */
  requests: number;
  /** Room ids of the rooms this apply created, by entry address. */
  created: Record<string, string>;
  /** Things that did not go as the plan hoped but need no rerun (e.g. publishing denied). */
  warnings: Diagnostic[];
}

/** Marks a value inside step content that stands for the id of a room created earlier in the plan. */
const ROOM_PLACEHOLDER = "$room";

export async function applyPlan(
  plan: Plan,
  gateway: SpaceWriter & RequestCounter,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  if (plan.refused) {
    const errors = plan.diagnostics.filter((d) => d.severity === "error");
    throw new UserError(
      `This plan is refused and cannot be applied (${errors.length} error${errors.length === 1 ? "" : "s"}). Fix the problems below and run plan again.`,
      errors,
    );
  }
  const progress = options.progress ?? ((): void => undefined);
  const dirs = manifestDirs(plan, options.manifestDirs);
  const startRequests = gateway.requestCount().total;
  const created: Record<string, string> = {};
  const completed: Step[] = [];
  const warnings: Diagnostic[] = [];
  const warn = (d: Diagnostic): void => {
    warnings.push(d);
    progress({ kind: "warning", diagnostic: d });
  };
  const ctx: StepContext = {
    gateway,
    created,
    dirs,
    warn,
    uploaded: new Map(),
    uploadLimit: uploadLimitOnce(gateway),
  };
  const total = plan.steps.length;

  for (const [i, step] of plan.steps.entries()) {
    const label = stepLabel(plan, step);
    try {
      await runStep(step, ctx);
    } catch (err) {
      const info = errorInfo(err);
      const failure: StepFailure = { index: i + 1, step, error: formatError(info) };
      if (info.errcode !== undefined) failure.errcode = info.errcode;
      if (info.httpStatus !== undefined) failure.httpStatus = info.httpStatus;
      progress({
        kind: "step",
        index: i + 1,
        total,
        step,
        label,
        outcome: "failed",
        error: failure.error,
      });
      return {
        ok: false,
        completed,
        failure,
        summary: realised(plan, completed),
        requests: gateway.requestCount().total - startRequests,
        created,
        warnings,
      };
    }
    completed.push(step);
    progress({ kind: "step", index: i + 1, total, step, label, outcome: "done" });
  }
  return {
    ok: true,
    completed,
    summary: { ...plan.summary },
    requests: gateway.requestCount().total - startRequests,
    created,
    warnings,
  };
}

interface StepContext {
  gateway: SpaceWriter;
  created: Record<string, string>;
  dirs: Record<string, string>;
  warn: (d: Diagnostic) => void;
  /** Each distinct image is uploaded once per apply and its URL reused. */
  uploaded: UploadedImages;
  /** The homeserver's upload limit, asked once, before the first upload. */
  uploadLimit: () => Promise<number | null>;
}

/** A step's avatar image, uploaded once per apply (and checked against the server's limit). */
function uploadFor(file: AvatarFile, space: string, ctx: StepContext) {
  return uploadAvatar(ctx.gateway, file, dirOf(ctx, space), ctx.uploaded, ctx.uploadLimit);
}

async function runStep(step: Step, ctx: StepContext): Promise<void> {
  const { gateway } = ctx;
  switch (step.op) {
    case "create_room": {
      const request = substitute(step.request, ctx.created) as Record<string, Json>;
      if (step.avatar_file) {
        const avatar = await uploadFor(step.avatar_file, step.space, ctx);
        const initial = Array.isArray(request["initial_state"]) ? request["initial_state"] : [];
        request["initial_state"] = [
          ...initial.filter((e) => !isStateOfType(e, "m.room.avatar")),
          { type: "m.room.avatar", state_key: "", content: avatar.content as Json },
        ];
      }
      const roomId = await gateway.createRoom(request);
      ctx.created[step.entry] = roomId;
      if (request["visibility"] === "public") {
        // Synapse ≥ 1.126 lets only server admins publish and then silently ignores
        // `visibility: public` at creation: check, and say so instead of pretending.
        const visibility = await gateway.directoryVisibility(roomId);
        if (visibility !== "public") ctx.warn(publishDenied(step));
      }
      return;
    }
    case "upgrade_room": {
      // The homeserver makes the new room, copies what it copies and tombstones the old one;
      // later steps name the new room as `{created: entry}`, like a room created here.
      const roomId = await gateway.upgradeRoom(
        step.room.room_id as RoomId,
        step.new_version,
        step.additional_creators,
      );
      ctx.created[step.entry] = roomId;
      return;
    }
    case "join":
      await gateway.join(resolveRoom(step.room, ctx.created), step.via);
      return;
    case "send_state":
      await gateway.sendState(
        resolveRoom(step.room, ctx.created),
        step.type,
        resolveStateKey(step.state_key, ctx.created),
        substitute(step.content, ctx.created) as object,
      );
      return;
    case "set_avatar": {
      const avatar = await uploadFor(step.avatar_file, step.space, ctx);
      await gateway.sendState(
        resolveRoom(step.room, ctx.created),
        "m.room.avatar",
        "",
        avatar.content,
      );
      return;
    }
    case "create_alias":
      await gateway.createAlias(step.alias, resolveRoom(step.room, ctx.created));
      return;
    case "delete_alias":
      await gateway.deleteAlias(step.alias);
      return;
    case "set_visibility":
      try {
        await gateway.setDirectoryVisibility(resolveRoom(step.room, ctx.created), step.visibility);
      } catch (err) {
        if (step.visibility === "public" && errorInfo(err).httpStatus === 403) {
          ctx.warn(publishDenied(step));
          return;
        }
        throw err;
      }
      return;
  }
}

function publishDenied(step: Step): Diagnostic {
  return {
    severity: "warning",
    code: "apply.publish-denied",
    message: "the homeserver does not let this account publish rooms in its room directory",
    hint: "Synapse 1.126 and later let only server admins publish by default (room_list_publication_rules); ask the server's admin, or remove `publish: true`.",
    path: step.addresses[0] ?? step.description,
  };
}

function dirOf(ctx: StepContext, space: string): string {
  const dir = ctx.dirs[space];
  if (dir === undefined) throw new Error(`no manifest folder known for ${space}`);
  return dir;
}

function manifestDirs(
  plan: Plan,
  given: Record<string, string> | undefined,
): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const b of plan.based_on) dirs[b.space] = resolve(dirname(b.manifest_file));
  return { ...dirs, ...given };
}

export function resolveRoom(ref: RoomRef, created: Record<string, string>): RoomId {
  if ("room_id" in ref) return ref.room_id as RoomId;
  return createdRoom(ref.created, created);
}

function createdRoom(entry: string, created: Record<string, string>): RoomId {
  const id = created[entry];
  if (id === undefined) {
    throw new Error(`the plan refers to the room of ${entry}, which no earlier step created`);
  }
  return id as RoomId;
}

/** A state key can name a room created earlier in the plan as `$room:<entry>` (e.g. an `m.space.child` key). */
function resolveStateKey(key: string, created: Record<string, string>): string {
  const prefix = `${ROOM_PLACEHOLDER}:`;
  return key.startsWith(prefix) ? createdRoom(key.slice(prefix.length), created) : key;
}

/** Replaces every `{"$room": "<entry>"}` in `value` with that room's id. */
export function substitute(value: Json, created: Record<string, string>): Json {
  if (Array.isArray(value)) return value.map((v) => substitute(v, created));
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    const ref = value[ROOM_PLACEHOLDER];
    if (keys.length === 1 && typeof ref === "string") return createdRoom(ref, created);
    const out: { [key: string]: Json } = {};
    for (const k of keys) {
      const v = value[k];
      if (v === undefined) continue;
      out[k] =
        k === "state_key" && typeof v === "string"
          ? resolveStateKey(v, created)
          : substitute(v, created);
    }
    return out;
  }
  return value;
}

function isStateOfType(e: Json, type: string): boolean {
  return e !== null && typeof e === "object" && !Array.isArray(e) && e["type"] === type;
}

/**
 * `~ rooms.general.topic`: the step's change addresses with the action's symbol.
 * When another step of the plan realises the same addresses (a room's creation,
 * then its link into the space), the step's description tells them apart.
 */
export function stepLabel(plan: Plan, step: Step, describe = true): string {
  const actions = step.addresses
    .map((a) => plan.changes.find((c) => c.address === a)?.action)
    .filter((a): a is ChangeAction => a !== undefined);
  const action = actions.includes("delete")
    ? "delete"
    : actions.includes("replace") || step.op === "upgrade_room"
      ? "replace"
      : actions.includes("create") || step.op === "create_room"
        ? "create"
        : "update";
  if (step.addresses.length === 0) return `${ACTION_SYMBOL[action]} ${step.description}`;
  const shown =
    step.addresses.length <= 3
      ? step.addresses.join(", ")
      : `${step.addresses.slice(0, 3).join(", ")} (+${step.addresses.length - 3} more)`;
  const key = step.addresses.join("\n");
  const shared = describe && plan.steps.some((s) => s !== step && s.addresses.join("\n") === key);
  return `${ACTION_SYMBOL[action]} ${shown}${shared ? ` (${step.description})` : ""}`;
}

/** The changes whose every step completed, counted by action. */
function realised(plan: Plan, completed: readonly Step[]): Summary {
  const done = new Set(completed);
  const pending = new Set(plan.steps.filter((s) => !done.has(s)).flatMap((s) => s.addresses));
  const touched = new Set(completed.flatMap((s) => s.addresses));
  const s = { create: 0, update: 0, delete: 0, replace: 0 };
  for (const c of plan.changes) {
    if (touched.has(c.address) && !pending.has(c.address)) s[c.action] += 1;
  }
  return withoutZeroReplace(s);
}

/** What a failure says: a GatewayError's errcode and status, or a local error's message. */
export function errorInfo(err: unknown): GatewayErrorInfo {
  if (err instanceof GatewayError) {
    const info: GatewayErrorInfo = {
      // A write whose answer never came may still have been carried out.
      message:
        err.connection && !err.kind.startsWith("GET ")
          ? `${err.message}. The homeserver's answer was lost: the request may have taken effect; the next plan shows what it did`
          : err.message,
    };
    if (err.errcode !== undefined) info.errcode = err.errcode;
    if (err.httpStatus !== undefined) info.httpStatus = err.httpStatus;
    return info;
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

function formatError(info: GatewayErrorInfo): string {
  if (info.errcode && !info.message.includes(info.errcode)) {
    return `${info.errcode}: ${info.message}`;
  }
  return info.message;
}
