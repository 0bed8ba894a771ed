/**
 * The request issue's body, as GitHub writes an issue form (.github/ISSUE_TEMPLATE/add-room.yml):
 * a `### Label` heading per field, then its value; `_No response_` for an empty optional field.
 * The body is untrusted: it is parsed here, validated field by field, and never reaches a shell
 * or a workflow expression. Problems are returned in words for the author.
 */
import { isRoomAlias, isRoomId, isValidOrder } from "../matrix/ids.ts";

export interface RoomRequest {
  room: string;
  key: string;
  order: string;
  /** The subspace key; absent for the root space. */
  chapter?: string;
}

export const FORM_LABELS = {
  room: "Room id or alias",
  key: "Key",
  position: "Position",
  chapter: "Chapter",
} as const;

const NO_RESPONSE = "_No response_";
const ROOM_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const RESERVED_KEYS = new Set(["space", "rooms"]);

export type FormResult = { ok: true; request: RoomRequest } | { ok: false; problems: string[] };

/** The value under each `### ` heading (the first heading of a label wins nothing: a repeat is a problem). */
function sections(body: string): { values: Map<string, string>; repeated: string[] } {
  const values = new Map<string, string>();
  const repeated: string[] = [];
  let current: string | undefined;
  let lines: string[] = [];
  const flush = (): void => {
    if (current === undefined) return;
    if (values.has(current)) repeated.push(current);
    else values.set(current, lines.join("\n").trim());
  };
  for (const line of body.replace(/\r\n?/g, "\n").split("\n")) {
    const heading = /^###\s+(.*?)\s*$/.exec(line);
    if (heading) {
      flush();
      current = heading[1] ?? "";
      lines = [];
    } else {
      lines.push(line);
    }
  }
  flush();
  return { values, repeated };
}

export function parseRoomRequest(body: string): FormResult {
  const { values, repeated } = sections(body);
  const problems: string[] = repeated.map(
    (label) => `The field "${label}" appears more than once.`,
  );
  const field = (label: string): string | undefined => {
    const v = values.get(label);
    return v === undefined || v === "" || v === NO_RESPONSE ? undefined : v;
  };
  const room = field(FORM_LABELS.room);
  const key = field(FORM_LABELS.key);
  const order = field(FORM_LABELS.position);
  const chapter = field(FORM_LABELS.chapter);
  if (room === undefined) problems.push(`"${FORM_LABELS.room}" is empty.`);
  else if (!isRoomId(room) && !isRoomAlias(room)) {
    problems.push(
      `"${FORM_LABELS.room}" must be a room id (!…:server) or a room alias (#name:server), not "${room}".`,
    );
  }
  const badKey = (k: string): boolean => !ROOM_KEY.test(k) || RESERVED_KEYS.has(k);
  if (key === undefined) problems.push(`"${FORM_LABELS.key}" is empty.`);
  else if (badKey(key)) {
    problems.push(
      `"${FORM_LABELS.key}" must be lower-case letters, digits, - and _ (starting with a letter or digit, at most 64, not "space" or "rooms"), not "${key}".`,
    );
  }
  if (order === undefined) problems.push(`"${FORM_LABELS.position}" is empty.`);
  else if (!isValidOrder(order)) {
    problems.push(
      `"${FORM_LABELS.position}" must be at most 50 plain characters (letters, digits, punctuation), not "${order}".`,
    );
  }
  if (chapter !== undefined && badKey(chapter)) {
    problems.push(`"${FORM_LABELS.chapter}" must be the key of a subspace, not "${chapter}".`);
  }
  if (problems.length > 0 || room === undefined || key === undefined || order === undefined) {
    return { ok: false, problems };
  }
  return { ok: true, request: { room, key, order, ...(chapter !== undefined ? { chapter } : {}) } };
}
