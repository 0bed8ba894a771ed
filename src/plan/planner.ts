/**
 * The planner: a pure function of the manifest and the live state.
 *
 * It reads nothing and sends nothing. It decides which live room each entry is
 * (identity.ts), compares only the fields an entry declares (absent = unmanaged),
 * refuses what Matrix would reject halfway or what would lose something (error
 * diagnostics), and orders the applier's steps so that every request finds what it
 * needs already in place: joins; then each new room, parents first, made whole before
 * the next (its creation, its aliases, its link into its parent space); then the
 * existing rooms' settings, their space links, and unlinks.
 */
import type { Diagnostic, Severity } from "../diagnostics.ts";
import { formatFieldPath, positionOf as findPosition } from "../manifest/fieldpath.ts";
import { allEntries, type Entry, type Manifest } from "../manifest/model.ts";
import { isRoomId, qualifyAlias, serverOf } from "../matrix/ids.ts";
import { effectivePowerLevels, stateEventLevel } from "../matrix/powerlevels.ts";
import { checkPolicies, type PolicyRoomView } from "../policy/index.ts";
import {
  MARKER_EVENT_TYPE,
  stateEvent,
  type LiveRoom,
  type LiveState,
  type MarkerContent,
} from "../state/model.ts";
import { fingerprintState } from "./fingerprint.ts";
import { identifyEntries, type Identity } from "./identity.ts";
import type {
  AvatarFile,
  Change,
  ChangeAction,
  Json,
  RoomRef,
  SpacePlan,
  Step,
  TreeNode,
  UnmanagedRoom,
} from "./model.ts";
import {
  creationPowerOverride,
  creatorsHavePower,
  liveCreators,
  liveRoomVersion,
  planPowerLevels,
  powerOf,
  roomVersionNumber,
  type PowerProblem,
} from "./power.ts";

export interface PlanOptions {
  /** Unlink rooms that are children of a managed space but not in the manifest. */
  unlinkUnmanaged: boolean;
  /** Refuse a plan that removes more space children than this (default 5). */
  maxChildRemovals: number;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { unlinkUnmanaged: false, maxChildRemovals: 5 };

/** Room version for new rooms when the manifest declares none (Synapse's default since 1.157). */
export const DEFAULT_ROOM_VERSION = "11";
export const MEGOLM = "m.megolm.v1.aes-sha2";

/** Lowest room version that supports each join rule; others work everywhere. */
const JOIN_RULE_MIN_VERSION: Record<string, number> = {
  knock: 7,
  restricted: 8,
  knock_restricted: 10,
};

const HISTORY_DEFAULT = "shared";
const GUEST_DEFAULT = "forbidden";

type Phase = "join" | "configure" | "link" | "unlink";
/**
 * Where a step goes: a phase, or the steps that make one new room. A new room is linked as
 * soon as it is configured rather than after every creation: a failure then leaves no room
 * created but unlinked, and under Synapse's rate limits the links are sent while room
 * creations wait (rc_room_creation) instead of all at the end.
 */
type Placement = Phase | { newRoom: string };
const ACTION_RANK: Record<ChangeAction, number> = { update: 1, create: 2, delete: 3 };

type StepBody = Step extends infer S
  ? S extends Step
    ? Omit<S, "space" | "addresses" | "description">
    : never
  : never;

type Content = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const isObject = (v: unknown): v is Content =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function contentOf(room: LiveRoom, type: string, key = ""): Content | undefined {
  return stateEvent(room, type, key)?.content;
}

/** A space-child or -parent event counts only when it has a non-empty `via`. */
function validVia(content: Content | undefined): string[] | undefined {
  const via = content?.["via"];
  if (!Array.isArray(via)) return undefined;
  const servers = via.filter((v): v is string => typeof v === "string");
  return servers.length > 0 ? servers : undefined;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `#general:example.org` → `general` (the createRoom `room_alias_name`). */
function aliasLocalpart(alias: string): string {
  const colon = alias.indexOf(":");
  return alias.slice(1, colon < 0 ? undefined : colon);
}

/** What a room will look like after apply, as far as the house rules need to know. */
type Projection = Pick<
  PolicyRoomView,
  "name" | "hasAvatar" | "encrypted" | "liveEncrypted" | "users" | "usersDefault" | "creators"
>;

export function planSpace(
  desired: Manifest,
  actual: LiveState,
  options: PlanOptions = DEFAULT_PLAN_OPTIONS,
): SpacePlan {
  const space = desired.name;
  const managing = actual.user_id as string;
  const serverName = actual.server_name;
  const entries = allEntries(desired.space);
  const parentOf = new Map<string, Entry>();
  for (const e of entries) for (const c of e.children) parentOf.set(c.address, e);

  const changes: Change[] = [];
  const diagnostics: Diagnostic[] = [];
  const steps: Record<Phase, Step[]> = { join: [], configure: [], link: [], unlink: [] };
  /** By entry, in the order of creation (parents before children). */
  const newRoomSteps = new Map<string, Step[]>();
  const projections = new Map<string, Projection>();

  // ---- helpers --------------------------------------------------------------

  const positionOf = (path: string) => findPosition(desired.positions, path);
  const diag = (
    severity: Severity,
    code: string,
    path: string,
    message: string,
    hint?: string,
  ): void => {
    const pos = positionOf(path);
    diagnostics.push({
      severity,
      code,
      message,
      ...(hint !== undefined ? { hint } : {}),
      file: desired.file,
      ...(pos ? { line: pos.line, column: pos.column } : {}),
      path,
    });
  };
  const fieldPath = (e: Entry, field: string): string =>
    field === "" ? e.address : `${e.address}.${field}`;
  const problem = (
    e: Entry,
    p: PowerProblem | { code: string; field: string; message: string; hint?: string },
  ): void => {
    diag("error", p.code, fieldPath(e, p.field), p.message, p.hint);
  };

  const addChange = (
    e: Entry,
    address: string,
    action: ChangeAction,
    before: Json,
    after: Json,
    roomId?: string,
  ): void => {
    changes.push({
      space,
      address,
      action,
      before,
      after,
      entry: e.address,
      ...(roomId !== undefined ? { room_id: roomId } : {}),
    });
  };
  const addStep = (
    placement: Placement,
    body: StepBody,
    addresses: string[],
    description: string,
  ): void => {
    const step: Step = { ...body, space, addresses, description };
    if (typeof placement === "string") {
      steps[placement].push(step);
      return;
    }
    const group = newRoomSteps.get(placement.newRoom);
    if (group) group.push(step);
    else newRoomSteps.set(placement.newRoom, [step]);
  };

  // ---- identity -------------------------------------------------------------

  const { identities, warnings } = identifyEntries(desired, actual, entries);
  for (const w of warnings) diag("warning", w.code, fieldPath(w.entry, w.field), w.message);
  const identity = (e: Entry): Identity => identities.get(e.address) ?? { status: "new" };
  for (const e of entries) {
    const id = identity(e);
    if (id.status === "unusable") problem(e, id.problem);
  }

  const refOf = (e: Entry): RoomRef | null => {
    const id = identity(e);
    if (id.status === "existing") return { room_id: id.room.room_id };
    return id.status === "new" ? { created: e.address } : null;
  };
  /** The room id as a value inside content: the id, or a placeholder the applier fills in. */
  const idValue = (e: Entry): Json => {
    const id = identity(e);
    return id.status === "existing" ? id.room.room_id : { $room: e.address };
  };
  /** The room id as a state key (`m.space.child`, `m.space.parent`): the id, or `$room:<entry>`. */
  const idStateKey = (e: Entry): string => {
    const id = identity(e);
    return id.status === "existing" ? id.room.room_id : `$room:${e.address}`;
  };
  const viaFor = (e: Entry): string[] => {
    const id = identity(e);
    const server = id.status === "existing" ? serverOf(id.room.room_id) : "";
    return [server !== "" ? server : serverName];
  };
  const roomIdOf = (e: Entry): string | undefined => {
    const id = identity(e);
    return id.status === "existing" ? id.room.room_id : undefined;
  };
  const label = (e: Entry): string => {
    const alias = e.alias !== undefined ? ` (${qualifyAlias(e.alias, serverName)})` : "";
    return `${e.address}${alias}`;
  };

  /** Refuses a state change the managing account lacks the power for (before apply fails halfway). */
  const checked = new Set<string>();
  const requirePower = (room: LiveRoom, type: string, path: string): boolean => {
    if (room.membership === "invite") return true; // unknown until joined; noted as a warning
    const pl = effectivePowerLevels(contentOf(room, "m.room.power_levels"));
    const own = powerOf(pl, liveCreators(room), managing);
    const need = stateEventLevel(pl, type);
    if (own >= need) return true;
    const key = `${room.room_id}\u0000${type}`;
    if (!checked.has(key)) {
      checked.add(key);
      diag(
        "error",
        "power.insufficient",
        path,
        `the managing account ${managing} has power ${own} in ${room.room_id}, but sending ${type} there needs ${need}.`,
        `Have a room admin raise ${managing} to at least ${need}, or stop managing this field.`,
      );
    }
    return false;
  };

  // ---- per entry ----------------------------------------------------------------

  for (const e of entries) {
    const id = identity(e);
    if (id.status === "new") planCreation(e);
    else if (id.status === "existing") planExisting(e, id.room, id);
  }
  for (const e of entries) {
    const parent = parentOf.get(e.address);
    if (parent) planLink(parent, e);
  }
  const unmanaged = planUnmanaged();
  const removals = changes.filter(
    (c) => c.action === "delete" && /\.children(\.|\[)/.test(c.address),
  );
  if (removals.length > options.maxChildRemovals) {
    diag(
      "error",
      "guard.max-removals",
      desired.space.address,
      `this plan would remove ${removals.length} rooms from spaces, more than the limit of ${options.maxChildRemovals}.`,
      "Check that the manifest is complete; raise the limit (--max-removals) only if these removals are intended.",
    );
  }
  checkHouseRules();

  return {
    space,
    based_on: {
      space,
      manifest_file: desired.file,
      manifest_sha256: desired.sha256,
      server_name: serverName,
      user_id: managing,
      state_sha256: fingerprintState(actual),
    },
    changes,
    steps: [
      ...steps.join,
      ...[...newRoomSteps.values()].flat(),
      ...steps.configure,
      ...steps.link,
      ...steps.unlink,
    ],
    diagnostics,
    tree: buildTree(desired.space),
    unmanaged,
  };

  // ---- creation -----------------------------------------------------------------

  function planCreation(e: Entry): void {
    const parent = parentOf.get(e.address);
    const version = e.room_version ?? DEFAULT_ROOM_VERSION;
    const v12 = creatorsHavePower(version);
    checkJoinRuleVersion(e, version, `room version ${version}`);

    const request: Record<string, Json> = { preset: "private_chat", room_version: version };
    if (e.kind === "space") request["creation_content"] = { type: "m.space" };
    if (e.name !== undefined) request["name"] = e.name;
    // Synapse ≥ 1.126 may silently not publish from createRoom; the applier checks afterwards.
    request["visibility"] = e.publish === true ? "public" : "private";

    const initialState: Json[] = [];
    const addInitial = (type: string, content: Record<string, Json>, stateKey = ""): void => {
      initialState.push({ type, state_key: stateKey, content });
    };

    const postCreate: (() => void)[] = [];
    const alias = e.alias !== undefined ? qualifyAlias(e.alias, serverName) : undefined;
    if (alias !== undefined && aliasUsable(e, "alias", alias, null)) {
      // createRoom makes the directory entry and the m.room.canonical_alias event itself.
      request["room_alias_name"] = aliasLocalpart(alias);
    }
    if (e.alt_aliases !== undefined && e.alt_aliases.length > 0) {
      const alts = e.alt_aliases.map((a) => qualifyAlias(a, serverName));
      const usable = alts.filter((a) => aliasUsable(e, "alt_aliases", a, null));
      if (usable.length === alts.length) {
        postCreate.push(() => {
          for (const a of alts) {
            addStep(
              { newRoom: e.address },
              { op: "create_alias", alias: a, room: { created: e.address } },
              [e.address],
              `create alias ${a} for ${e.address}`,
            );
          }
          const content: Record<string, Json> = { alt_aliases: alts };
          if (alias !== undefined) content["alias"] = alias;
          addStep(
            { newRoom: e.address },
            {
              op: "send_state",
              room: { created: e.address },
              type: "m.room.canonical_alias",
              state_key: "",
              content,
            },
            [e.address],
            `set the aliases of ${e.address}`,
          );
        });
      }
    }

    if (e.topic !== undefined) addInitial("m.room.topic", topicContent(e.topic));
    if (e.avatar?.kind === "mxc") addInitial("m.room.avatar", { url: e.avatar.url });
    if (e.join_rule !== undefined) {
      const jr = joinRuleContent(e, e.join_rule);
      if (jr) addInitial("m.room.join_rules", jr);
    }
    if (e.history_visibility !== undefined) {
      addInitial("m.room.history_visibility", { history_visibility: e.history_visibility });
    }
    // The private_chat preset lets guests join; an undeclared guest_access gets Matrix's quieter default.
    addInitial("m.room.guest_access", { guest_access: e.guest_access ?? GUEST_DEFAULT });
    if (e.encrypted === true) addInitial("m.room.encryption", { algorithm: MEGOLM });
    const marker: MarkerContent = { manifest: space, key: e.key };
    addInitial(MARKER_EVENT_TYPE, { ...marker });
    if (parent && identity(parent).status !== "unusable") {
      addInitial("m.space.parent", { via: viaFor(parent), canonical: true }, idStateKey(parent));
    }

    let users: Record<string, number> | undefined;
    let usersDefault: number | undefined;
    if (e.power_levels !== undefined) {
      const { override, problems, projected } = creationPowerOverride(
        e.power_levels,
        managing,
        v12,
      );
      for (const p of problems) problem(e, p);
      if (Object.keys(override).length > 0) request["power_level_content_override"] = override;
      users = projected.users;
      usersDefault = projected.users_default;
    } else {
      users = v12 ? {} : { [managing]: 100 };
      usersDefault = 0;
    }
    request["initial_state"] = initialState;

    const avatarFile = e.avatar?.kind === "file" ? avatarFileOf(e.avatar) : undefined;
    addStep(
      { newRoom: e.address },
      {
        op: "create_room",
        entry: e.address,
        request,
        ...(avatarFile ? { avatar_file: avatarFile } : {}),
      },
      [e.address],
      `create ${e.kind === "space" ? "space" : "room"} ${label(e)}`,
    );
    for (const f of postCreate) f();
    addChange(e, e.address, "create", null, declaredFields(e, version, serverName));
    projections.set(e.address, {
      ...(e.name !== undefined ? { name: e.name } : { name: "" }),
      hasAvatar: e.avatar !== undefined,
      encrypted: e.encrypted === true,
      users,
      usersDefault,
      ...(v12 ? { creators: [managing] } : {}),
    });
  }

  // ---- existing rooms -------------------------------------------------------------

  function planExisting(
    e: Entry,
    room: LiveRoom,
    id: Extract<Identity, { status: "existing" }>,
  ): void {
    const ref: RoomRef = { room_id: room.room_id };
    const roomId = room.room_id as string;
    const version = liveRoomVersion(room);
    const projection: Projection = {};

    if (id.invited) {
      diag(
        "warning",
        "room.invited",
        e.address,
        `the managing account is invited to ${roomId} and will join it first; until then its state is known only from the invite, so this plan may show changes that turn out to be unnecessary and cannot check power levels.`,
      );
      const via = [
        serverOf(stateEvent(room, "m.room.member", managing)?.sender ?? ""),
        serverOf(roomId),
      ].filter((s, i, all) => s !== "" && all.indexOf(s) === i);
      const address = fieldPath(e, "membership");
      addChange(e, address, "update", "invite", "join", roomId);
      addStep(
        "join",
        { op: "join", room: ref, via: via.length > 0 ? via : [serverName] },
        [address],
        `join ${label(e)} (${roomId})`,
      );
    }

    if (e.room_version !== undefined && e.room_version !== version) {
      diag(
        "warning",
        "room.version-differs",
        fieldPath(e, "room_version"),
        `${roomId} has room version ${version}; room_version applies only when spaceform creates a room, it never upgrades one.`,
      );
    }

    const send = (
      type: string,
      field: string,
      content: Record<string, Json>,
      addresses: string[],
      what: string,
    ): void => {
      requirePower(room, type, fieldPath(e, field));
      addStep(
        "configure",
        { op: "send_state", room: ref, type, state_key: "", content },
        addresses,
        `${what} of ${label(e)}`,
      );
    };
    const simple = (field: string, before: Json, after: Json): string => {
      const address = fieldPath(e, field);
      addChange(e, address, before === null ? "create" : "update", before, after, roomId);
      return address;
    };

    // Marker: only a room spaceform created (it has a marker) follows a renamed key.
    if (id.marker && id.marker.manifest === space && id.marker.key !== e.key) {
      const address = simple("marker", { ...id.marker }, { manifest: space, key: e.key });
      send(MARKER_EVENT_TYPE, "", { manifest: space, key: e.key }, [address], "rename the marker");
    } else if (id.marker && id.marker.manifest !== space) {
      diag(
        "warning",
        "identity.other-manifest",
        e.address,
        `${roomId} was created by spaceform for the manifest "${id.marker.manifest}"; this manifest now manages it too.`,
      );
    }

    const liveName = str(contentOf(room, "m.room.name")?.["name"]);
    // The invite's stripped state carries name, avatar and encryption: their absence means "none".
    projection.name = e.name ?? liveName ?? "";
    if (e.name !== undefined && e.name !== (liveName ?? "")) {
      const address = simple("name", liveName ?? null, e.name);
      send("m.room.name", "name", { name: e.name }, [address], "set the name");
    }

    if (e.topic !== undefined) {
      const liveTopic = str(contentOf(room, "m.room.topic")?.["topic"]);
      if (e.topic !== (liveTopic ?? "")) {
        const address = simple("topic", liveTopic ?? null, e.topic);
        send("m.room.topic", "topic", topicContent(e.topic), [address], "set the topic");
      }
    }

    planAvatar(e, room, projection, send);
    planAliases(e, room);
    planJoinRule(e, room, version, send);

    // One-string state events whose absence means Matrix's default.
    const oneString = (
      field: "history_visibility" | "guest_access",
      type: string,
      fallback: string,
      what: string,
    ): void => {
      const wanted = e[field];
      if (wanted === undefined) return;
      const live = str(contentOf(room, type)?.[field]);
      if (wanted === (live ?? fallback)) return;
      const address = simple(field, live ?? null, wanted);
      send(type, field, { [field]: wanted }, [address], what);
    };
    oneString(
      "history_visibility",
      "m.room.history_visibility",
      HISTORY_DEFAULT,
      "set the history visibility",
    );
    oneString("guest_access", "m.room.guest_access", GUEST_DEFAULT, "set guest access");

    const liveEncrypted = str(contentOf(room, "m.room.encryption")?.["algorithm"]) !== undefined;
    projection.encrypted = e.encrypted ?? liveEncrypted;
    projection.liveEncrypted = liveEncrypted;
    if (e.encrypted === true && !liveEncrypted) {
      const address = simple("encrypted", false, true);
      send(
        "m.room.encryption",
        "encrypted",
        { algorithm: MEGOLM },
        [address],
        "turn on encryption",
      );
    } else if (e.encrypted === false && liveEncrypted) {
      diag(
        "error",
        "encryption.irreversible",
        fieldPath(e, "encrypted"),
        `${roomId} is encrypted, and Matrix has no way to turn encryption off again.`,
        "To get an unencrypted room, create a new room (a new entry), move the members over and tombstone this one; or set encrypted: true.",
      );
    }

    if (e.publish !== undefined) {
      const live = room.directory_visibility;
      if (live !== undefined && (live === "public") !== e.publish) {
        const address = simple("publish", live === "public", e.publish);
        requirePower(room, "m.room.canonical_alias", address);
        addStep(
          "configure",
          { op: "set_visibility", room: ref, visibility: e.publish ? "public" : "private" },
          [address],
          `${e.publish ? "publish" : "unpublish"} ${label(e)} in the room directory`,
        );
      }
    }

    // Power levels last: the other changes are checked against the levels that hold now.
    const plContent = contentOf(room, "m.room.power_levels");
    const creators = liveCreators(room);
    if (e.power_levels !== undefined && !id.invited) {
      const pl = planPowerLevels({
        spec: e.power_levels,
        liveContent: plContent,
        creators,
        managing,
        v12: creatorsHavePower(version),
      });
      for (const p of pl.problems) problem(e, p);
      if (pl.content) {
        const addresses = pl.changes.map((c) => {
          const address = fieldPath(e, `power_levels.${c.field}`);
          addChange(e, address, "update", c.before, c.after, roomId);
          return address;
        });
        addStep(
          "configure",
          {
            op: "send_state",
            room: ref,
            type: "m.room.power_levels",
            state_key: "",
            content: pl.content,
          },
          addresses,
          `set the power levels of ${label(e)}`,
        );
      }
      projection.users = pl.projected.users;
      projection.usersDefault = pl.projected.users_default;
    } else if (!id.invited || plContent !== undefined) {
      const live = effectivePowerLevels(plContent);
      projection.users = live.users;
      projection.usersDefault = live.users_default;
    } else if (e.power_levels !== undefined) {
      diag(
        "warning",
        "power.unknown-until-joined",
        fieldPath(e, "power_levels"),
        `the power levels of ${roomId} are not visible before joining; plan again after the join to manage them.`,
      );
    }
    if (creators.length > 0) projection.creators = creators;
    projections.set(e.address, projection);
  }

  function planAvatar(
    e: Entry,
    room: LiveRoom,
    projection: Projection,
    send: (
      type: string,
      field: string,
      content: Record<string, Json>,
      addresses: string[],
      what: string,
    ) => void,
  ): void {
    const live = contentOf(room, "m.room.avatar");
    const liveUrl = str(live?.["url"]);
    const info = live?.["info"];
    const liveSha = isObject(info) ? str(info["dev.spaceform.sha256"]) : undefined;
    projection.hasAvatar = e.avatar !== undefined || liveUrl !== undefined;
    if (e.avatar === undefined) return;
    const before: Json =
      liveUrl === undefined ? null : { url: liveUrl, ...(liveSha ? { sha256: liveSha } : {}) };
    if (e.avatar.kind === "file") {
      // The hash recorded with the live avatar says whether this image is up already: never upload it twice.
      if (liveUrl !== undefined && liveSha === e.avatar.sha256) return;
      const address = fieldPath(e, "avatar");
      addChange(
        e,
        address,
        before === null ? "create" : "update",
        before,
        { file: e.avatar.written, sha256: e.avatar.sha256 },
        room.room_id,
      );
      requirePower(room, "m.room.avatar", address);
      addStep(
        "configure",
        { op: "set_avatar", room: { room_id: room.room_id }, avatar_file: avatarFileOf(e.avatar) },
        [address],
        `upload and set the avatar of ${label(e)}`,
      );
    } else if (e.avatar.url !== liveUrl) {
      const address = fieldPath(e, "avatar");
      addChange(
        e,
        address,
        before === null ? "create" : "update",
        before,
        { url: e.avatar.url },
        room.room_id,
      );
      send("m.room.avatar", "avatar", { url: e.avatar.url }, [address], "set the avatar");
    }
  }

  /**
   * Checks that `alias` can point at the entry's room: it exists and points there,
   * or it does not exist and is on the managing server (Synapse creates only local
   * aliases). An alias pointing at another room is never taken over.
   */
  function aliasUsable(e: Entry, field: string, alias: string, roomId: string | null): boolean {
    const target = actual.aliases[alias];
    if (typeof target === "string") {
      if (target === roomId) return true;
      diag(
        "error",
        "alias.taken",
        fieldPath(e, field),
        `${alias} already points at another room (${target}); spaceform never takes an alias from another room.`,
        `Remove or repoint ${alias} yourself if that room should give it up, or choose another alias.`,
      );
      return false;
    }
    const server = serverOf(alias);
    if (server !== serverName) {
      diag(
        "error",
        "alias.foreign-server",
        fieldPath(e, field),
        `cannot create alias ${alias} on ${server} from ${serverName}: a homeserver creates aliases only on its own domain.`,
        `Create ${alias} from an account on ${server}${roomId ? `, pointing at ${roomId}` : ""}, then plan again; or use an alias on ${serverName}.`,
      );
      return false;
    }
    return true;
  }

  function planAliases(e: Entry, room: LiveRoom): void {
    if (e.alias === undefined && e.alt_aliases === undefined) return;
    const roomId = room.room_id as string;
    const live = contentOf(room, "m.room.canonical_alias") ?? {};
    const liveAlias = str(live["alias"]);
    const liveAlts = Array.isArray(live["alt_aliases"])
      ? live["alt_aliases"].filter((a): a is string => typeof a === "string")
      : [];
    const alias = e.alias !== undefined ? qualifyAlias(e.alias, serverName) : undefined;
    const alts = e.alt_aliases?.map((a) => qualifyAlias(a, serverName));

    // Directory entries first: the canonical alias event may only name aliases that point at the room.
    let usable = true;
    const wanted = [
      ...(alias !== undefined ? [[alias, "alias"] as const] : []),
      ...(alts ?? []).map((a) => [a, "alt_aliases"] as const),
    ];
    const aliasSteps: Step[] = [];
    for (const [a, field] of wanted) {
      if (!aliasUsable(e, field, a, roomId)) {
        usable = false;
        continue;
      }
      if (actual.aliases[a] === roomId) continue;
      const address = fieldPath(e, formatFieldPath(["aliases", a]));
      addChange(e, address, "create", null, roomId, roomId);
      aliasSteps.push({
        op: "create_alias",
        alias: a,
        room: { room_id: room.room_id },
        space,
        addresses: [address],
        description: `create alias ${a} for ${label(e)}`,
      });
    }
    if (!usable) return;
    steps.configure.push(...aliasSteps);

    const content: Record<string, Json> = { ...(live as Record<string, Json>) };
    const addresses: string[] = [];
    if (alias !== undefined && alias !== liveAlias) {
      content["alias"] = alias;
      const address = fieldPath(e, "alias");
      addChange(
        e,
        address,
        liveAlias === undefined ? "create" : "update",
        liveAlias ?? null,
        alias,
        roomId,
      );
      addresses.push(address);
    }
    if (alts !== undefined && !sameJson(alts, liveAlts)) {
      content["alt_aliases"] = alts;
      const address = fieldPath(e, "alt_aliases");
      addChange(e, address, liveAlts.length === 0 ? "create" : "update", liveAlts, alts, roomId);
      addresses.push(address);
    }
    if (addresses.length > 0) {
      requirePower(room, "m.room.canonical_alias", addresses[0] ?? e.address);
      addStep(
        "configure",
        {
          op: "send_state",
          room: { room_id: room.room_id },
          type: "m.room.canonical_alias",
          state_key: "",
          content,
        },
        addresses,
        `set the aliases of ${label(e)}`,
      );
    }
  }

  function checkJoinRuleVersion(e: Entry, version: string, what: string): boolean {
    if (e.join_rule === undefined) return true;
    const min = JOIN_RULE_MIN_VERSION[e.join_rule];
    const n = roomVersionNumber(version);
    if (min === undefined || n === null || n >= min) return true;
    diag(
      "error",
      "join-rule.unsupported-version",
      fieldPath(e, "join_rule"),
      `join rule "${e.join_rule}" needs room version ${min} or later; this room has ${what}.`,
      "Choose another join rule, or create a new room with a newer room_version and move over to it (spaceform never upgrades rooms).",
    );
    return false;
  }

  /** `m.room.join_rules` content; a restricted rule without `allow` admits members of the parent space. */
  function joinRuleContent(e: Entry, rule: string): Record<string, Json> | null {
    if (rule !== "restricted" && rule !== "knock_restricted") return { join_rule: rule };
    let rooms: Json[] = [];
    if (e.allow !== undefined) {
      for (const written of e.allow) {
        const resolved = resolveRoom(e, written);
        if (resolved === null) return null;
        rooms.push(resolved);
      }
    } else {
      const parent = parentOf.get(e.address);
      if (!parent || identity(parent).status === "unusable") {
        diag(
          "error",
          "join-rule.no-parent",
          fieldPath(e, "join_rule"),
          `join rule "${rule}" without allow admits members of the parent space, but ${e.address} has none.`,
          "List the rooms whose members may join under allow.",
        );
        return null;
      }
      rooms = [idValue(parent)];
    }
    return {
      join_rule: rule,
      allow: rooms.map((room_id) => ({ type: "m.room_membership", room_id })),
    };
  }

  /** A room named in `allow`: an id, an entry of this manifest (by its alias), or an alias in the directory. */
  function resolveRoom(e: Entry, written: string): Json | null {
    if (isRoomId(written)) return written;
    const alias = qualifyAlias(written, serverName);
    const entry = entries.find(
      (x) => x.alias !== undefined && qualifyAlias(x.alias, serverName) === alias,
    );
    if (entry && identity(entry).status !== "unusable") return idValue(entry);
    const target = actual.aliases[alias];
    if (typeof target === "string") return target;
    diag(
      "error",
      "join-rule.unknown-room",
      fieldPath(e, "allow"),
      `${alias} in allow does not exist and is not an entry of this manifest.`,
    );
    return null;
  }

  function planJoinRule(
    e: Entry,
    room: LiveRoom,
    version: string,
    send: (
      type: string,
      field: string,
      content: Record<string, Json>,
      addresses: string[],
      what: string,
    ) => void,
  ): void {
    if (e.join_rule === undefined) return;
    if (!checkJoinRuleVersion(e, version, `version ${version} (${room.room_id})`)) return;
    const want = joinRuleContent(e, e.join_rule);
    if (!want) return;
    const live = contentOf(room, "m.room.join_rules") ?? {};
    const liveRule = str(live["join_rule"]);
    const liveAllow = (Array.isArray(live["allow"]) ? live["allow"] : [])
      .filter((a): a is Content => isObject(a) && a["type"] === "m.room_membership")
      .map((a) => a["room_id"] as Json);
    const wantAllow = Array.isArray(want["allow"])
      ? want["allow"].map((a) => (a as { room_id: Json }).room_id)
      : [];
    const addresses: string[] = [];
    if (e.join_rule !== liveRule) {
      const address = fieldPath(e, "join_rule");
      addChange(
        e,
        address,
        liveRule === undefined ? "create" : "update",
        liveRule ?? null,
        e.join_rule,
        room.room_id,
      );
      addresses.push(address);
    }
    const restricted = e.join_rule === "restricted" || e.join_rule === "knock_restricted";
    const sortKey = (v: Json): string => JSON.stringify(v);
    if (
      restricted &&
      !sameJson([...liveAllow].map(sortKey).sort(), [...wantAllow].map(sortKey).sort())
    ) {
      const address = fieldPath(e, "allow");
      addChange(
        e,
        address,
        liveAllow.length === 0 ? "create" : "update",
        liveAllow,
        wantAllow,
        room.room_id,
      );
      addresses.push(address);
    }
    if (addresses.length === 0) return;
    const content: Record<string, Json> = { ...(live as Record<string, Json>), ...want };
    if (!restricted) delete content["allow"];
    send("m.room.join_rules", "join_rule", content, addresses, "set the join rule");
  }

  // ---- links ----------------------------------------------------------------------------

  function planLink(parent: Entry, child: Entry): void {
    const p = identity(parent);
    const c = identity(child);
    if (p.status === "unusable" || c.status === "unusable") return;
    const parentRef = refOf(parent);
    const childRef = refOf(child);
    if (!parentRef || !childRef) return;

    // m.space.child in the parent; the address names the link, its entry is the child.
    const liveChild =
      p.status === "existing" && c.status === "existing"
        ? contentOf(p.room, "m.space.child", c.room.room_id)
        : undefined;
    const liveVia = validVia(liveChild);
    const content: Record<string, Json> = liveVia
      ? { ...(liveChild as Record<string, Json>) }
      : { via: viaFor(child) };
    if (child.order !== undefined) content["order"] = child.order;
    if (child.suggested !== undefined) content["suggested"] = child.suggested;
    const linkAddress = `${parent.address}.${formatFieldPath(["children", child.key])}`;
    const childRoomId = roomIdOf(child);
    if (c.status === "new") {
      // Part of the child's creation: no change of its own, and sent with it.
      sendLink(
        { newRoom: child.address },
        parent,
        p,
        parentRef,
        idStateKey(child),
        content,
        [child.address],
        `link ${child.address} into ${parent.address}`,
      );
    } else if (!liveVia) {
      addChange(
        child,
        linkAddress,
        "create",
        liveChild && Object.keys(liveChild).length > 0 ? (liveChild as Json) : null,
        content,
        childRoomId,
      );
      sendLink(
        "link",
        parent,
        p,
        parentRef,
        idStateKey(child),
        content,
        [linkAddress],
        `link ${label(child)} into ${parent.address}`,
      );
    } else if (!sameJson(content, liveChild)) {
      addChange(child, linkAddress, "update", liveChild as Json, content, childRoomId);
      sendLink(
        "link",
        parent,
        p,
        parentRef,
        idStateKey(child),
        content,
        [linkAddress],
        `update the link of ${label(child)} in ${parent.address}`,
      );
    }

    // m.space.parent in the child (a new child got it in initial_state). It is part of making a
    // link: a child that is already linked keeps whatever parent events it has, so a space whose
    // rooms were linked without one (most spaces made in a client) imports and plans to no changes.
    if (c.status !== "existing" || liveVia) return;
    const liveParent =
      p.status === "existing" ? contentOf(c.room, "m.space.parent", p.room.room_id) : undefined;
    if (validVia(liveParent) && liveParent?.["canonical"] === true) return;
    const parentContent: Record<string, Json> = {
      ...((liveParent ?? {}) as Record<string, Json>),
      via: validVia(liveParent) ?? viaFor(parent),
      canonical: true,
    };
    const address = fieldPath(child, "parent");
    addChange(
      child,
      address,
      validVia(liveParent) ? "update" : "create",
      liveParent && Object.keys(liveParent).length > 0 ? (liveParent as Json) : null,
      parentContent,
      c.room.room_id,
    );
    requirePower(c.room, "m.space.parent", address);
    addStep(
      "link",
      {
        op: "send_state",
        room: { room_id: c.room.room_id },
        type: "m.space.parent",
        state_key: idStateKey(parent),
        content: parentContent,
      },
      [address],
      `point ${label(child)} at its parent space ${parent.address}`,
    );
  }

  function sendLink(
    placement: Placement,
    parent: Entry,
    p: Identity,
    parentRef: RoomRef,
    stateKey: string,
    content: Record<string, Json>,
    addresses: string[],
    description: string,
  ): void {
    if (p.status === "existing")
      requirePower(p.room, "m.space.child", addresses[0] ?? parent.address);
    addStep(
      placement,
      { op: "send_state", room: parentRef, type: "m.space.child", state_key: stateKey, content },
      addresses,
      description,
    );
  }

  // ---- unmanaged children ---------------------------------------------------------------

  function planUnmanaged(): UnmanagedRoom[] {
    const out: UnmanagedRoom[] = [];
    const entryOfRoom = new Map<string, Entry>();
    for (const e of entries) {
      const rid = roomIdOf(e);
      if (rid !== undefined) entryOfRoom.set(rid, e);
    }
    const roomsById = new Map(actual.rooms.map((r) => [r.room_id as string, r]));
    for (const s of entries) {
      const id = identity(s);
      if (s.kind !== "space" || id.status !== "existing") continue;
      const declared = new Set(s.children.map((c) => roomIdOf(c)).filter((x) => x !== undefined));
      const links = id.room.state
        .filter((ev) => ev.type === "m.space.child" && validVia(ev.content))
        .sort((a, b) => (a.state_key < b.state_key ? -1 : a.state_key > b.state_key ? 1 : 0));
      for (const link of links) {
        const childId = link.state_key;
        if (declared.has(childId)) continue;
        const managedElsewhere = entryOfRoom.get(childId);
        const live = roomsById.get(childId);
        const name = live ? str(contentOf(live, "m.room.name")?.["name"]) : undefined;
        const unlink = managedElsewhere !== undefined || options.unlinkUnmanaged;
        if (!managedElsewhere) {
          out.push({
            space,
            room_id: childId,
            ...(name !== undefined ? { name } : {}),
            parent: s.address,
            unlink,
          });
        }
        if (!unlink) continue;
        // A managed room that moved to another space leaves its old link behind: remove it.
        const address = `${s.address}.${formatFieldPath(["children", managedElsewhere ? managedElsewhere.key : childId])}`;
        changes.push({
          space,
          address,
          action: "delete",
          before: link.content as Json,
          after: null,
          entry: s.address,
          room_id: childId,
        });
        requirePower(id.room, "m.space.child", address);
        addStep(
          "unlink",
          {
            op: "send_state",
            room: { room_id: id.room.room_id },
            type: "m.space.child",
            state_key: childId,
            content: {},
          },
          [address],
          managedElsewhere
            ? `remove the old link of ${managedElsewhere.address} from ${s.address}`
            : `unlink unmanaged room ${childId}${name !== undefined ? ` (${name})` : ""} from ${s.address}`,
        );
      }
    }
    return out;
  }

  // ---- house rules ---------------------------------------------------------------------

  function checkHouseRules(): void {
    const views: PolicyRoomView[] = [];
    for (const e of entries) {
      const p = projections.get(e.address);
      if (!p) continue;
      views.push({
        entry: e.address,
        key: e.key,
        kind: e.kind,
        managingUser: managing,
        positionPath: e.address,
        ...(p.name !== undefined ? { name: p.name } : {}),
        ...(p.hasAvatar !== undefined ? { hasAvatar: p.hasAvatar } : {}),
        ...(p.encrypted !== undefined ? { encrypted: p.encrypted } : {}),
        ...(p.liveEncrypted === true ? { liveEncrypted: true } : {}),
        ...(p.users !== undefined ? { users: p.users } : {}),
        ...(p.usersDefault !== undefined ? { usersDefault: p.usersDefault } : {}),
        ...(p.creators !== undefined ? { creators: p.creators } : {}),
      });
    }
    for (const d of checkPolicies(desired.policies, views)) {
      const path = d.path ?? "";
      const pos = d.line === undefined ? positionOf(path) : undefined;
      diagnostics.push({
        ...d,
        ...(d.file === undefined ? { file: desired.file } : {}),
        ...(pos ? { line: pos.line, column: pos.column } : {}),
      });
    }
  }

  // ---- tree -------------------------------------------------------------------------------

  function buildTree(e: Entry): TreeNode {
    const id = identity(e);
    let action: ChangeAction | undefined;
    for (const c of changes) {
      if (c.entry !== e.address) continue;
      if (action === undefined || ACTION_RANK[c.action] > ACTION_RANK[action]) action = c.action;
    }
    const liveRoom = id.status === "existing" ? id.room : undefined;
    const name =
      e.name ?? (liveRoom ? str(contentOf(liveRoom, "m.room.name")?.["name"]) : undefined);
    const alias =
      e.alias !== undefined
        ? qualifyAlias(e.alias, serverName)
        : liveRoom
          ? str(contentOf(liveRoom, "m.room.canonical_alias")?.["alias"])
          : undefined;
    return {
      entry: e.address,
      key: e.key,
      kind: e.kind,
      ...(name !== undefined ? { name } : {}),
      ...(alias !== undefined ? { alias } : {}),
      ...(liveRoom ? { room_id: liveRoom.room_id } : {}),
      ...(action !== undefined ? { action } : {}),
      children: e.children.map(buildTree),
    };
  }
}

function topicContent(topic: string): Record<string, Json> {
  return { topic, "m.topic": { "m.text": [{ body: topic }] } };
}

function avatarFileOf(a: Extract<Entry["avatar"], { kind: "file" }> & object): AvatarFile {
  return {
    file: a.written,
    sha256: a.sha256,
    mimetype: a.mimetype,
    size: a.size,
    ...(a.width !== undefined ? { width: a.width } : {}),
    ...(a.height !== undefined ? { height: a.height } : {}),
  };
}

/** What a `create` change shows as `after`: the declared fields, aliases qualified. */
function declaredFields(e: Entry, version: string, serverName: string): Json {
  const out: Record<string, Json> = {};
  if (e.name !== undefined) out["name"] = e.name;
  if (e.topic !== undefined) out["topic"] = e.topic;
  if (e.avatar !== undefined) {
    out["avatar"] =
      e.avatar.kind === "file"
        ? { file: e.avatar.written, sha256: e.avatar.sha256 }
        : { url: e.avatar.url };
  }
  if (e.alias !== undefined) out["alias"] = qualifyAlias(e.alias, serverName);
  if (e.alt_aliases !== undefined) {
    out["alt_aliases"] = e.alt_aliases.map((a) => qualifyAlias(a, serverName));
  }
  if (e.join_rule !== undefined) out["join_rule"] = e.join_rule;
  if (e.allow !== undefined) out["allow"] = e.allow;
  if (e.history_visibility !== undefined) out["history_visibility"] = e.history_visibility;
  if (e.guest_access !== undefined) out["guest_access"] = e.guest_access;
  if (e.encrypted !== undefined) out["encrypted"] = e.encrypted;
  if (e.publish !== undefined) out["publish"] = e.publish;
  out["room_version"] = version;
  if (e.power_levels !== undefined) out["power_levels"] = e.power_levels as Json;
  if (e.suggested !== undefined) out["suggested"] = e.suggested;
  if (e.order !== undefined) out["order"] = e.order;
  return out;
}
