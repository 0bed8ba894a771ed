/**
 * The reviewed change list packed small enough for a plan record of any size of
 * plan that a comment can show. Kind keys are sorted and share long prefixes
 * (`~ de-rse:rooms.chapters.rooms.berlin.topic`), so each is written as the length
 * of the prefix it shares with the one before and the rest ("front coding"), and
 * the lines are deflated: 6,000 keys of real-looking rooms take about 15,000
 * characters, against some 500,000 as a plain list.
 *
 * The packed list is inside the signed record; on reading it is checked once
 * more against the record's digest, so a list that does not unpack to exactly
 * the reviewed keys is never used.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";

/** Unpacking stops beyond this, whatever the record says (a bound, not a limit anyone reaches). */
const MAX_UNPACKED_BYTES = 64 * 1024 * 1024;

/** Sorted kind keys → base64url text. */
export function packKeys(keys: readonly string[]): string {
  let previous = "";
  const lines = keys.map((key) => {
    let shared = 0;
    const most = Math.min(previous.length, key.length);
    while (shared < most && previous[shared] === key[shared]) shared++;
    previous = key;
    return `${shared} ${key.slice(shared)}`;
  });
  return deflateRawSync(lines.join("\n"), { level: 9 }).toString("base64url");
}

/** The keys `packKeys` packed, or undefined when the text is not such a list. */
export function unpackKeys(packed: string): string[] | undefined {
  let text: string;
  try {
    text = inflateRawSync(Buffer.from(packed, "base64url"), {
      maxOutputLength: MAX_UNPACKED_BYTES,
    }).toString("utf8");
  } catch {
    return undefined;
  }
  if (text === "") return [];
  const keys: string[] = [];
  let previous = "";
  for (const line of text.split("\n")) {
    const space = line.indexOf(" ");
    const shared = Number(line.slice(0, space));
    if (space < 1 || !Number.isInteger(shared) || shared < 0 || shared > previous.length) {
      return undefined;
    }
    previous = previous.slice(0, shared) + line.slice(space + 1);
    keys.push(previous);
  }
  return keys;
}
