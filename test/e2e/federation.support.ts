// Shared by the federation end-to-end tests: two local homeservers that federate over loopback
// (profiles fed1 and fed2, see docs/homeserver.md), a member's room on the other server, and
// waiting for an event to cross from one server to the other.
import type { TestContext } from "node:test";
import type { MatrixClient } from "matrix-js-sdk";
import {
  federatingHomeservers,
  freshWorld,
  type TestHomeserver,
  type TestUser,
  type World,
} from "../homeserver/harness.ts";
import { sdkClient } from "./apply.support.ts";

export interface FederatedWorld {
  /** The managing account's world, on server A (fed1). */
  readonly world: World;
  /** The other server, B (fed2), where members have their own accounts and rooms. */
  readonly other: TestHomeserver;
  /** A member with an account on B. */
  readonly member: TestUser;
  readonly memberClient: MatrixClient;
}

export async function federatedWorld(
  t: Pick<TestContext, "name" | "diagnostic">,
): Promise<FederatedWorld> {
  const [, other] = await federatingHomeservers();
  const world = await freshWorld(t, { profile: "fed1" });
  const member = await other.registerUser(`${world.prefix}-member`);
  t.diagnostic(`member ${member.userId} on ${other.baseUrl}`);
  return { world, other, member, memberClient: sdkClient(other, member) };
}

/**
 * A room the member creates on B, as a member would for the space: it invites the managing
 * account of A and makes it admin, and the member stays admin too.
 */
export async function memberRoom(
  fw: FederatedWorld,
  options: { name: string; topic: string },
): Promise<string> {
  const bot = fw.world.bot.userId;
  const { room_id } = await fw.memberClient.createRoom({
    name: options.name,
    topic: options.topic,
    invite: [bot],
    power_level_content_override: { users: { [fw.member.userId]: 100, [bot]: 100 } },
  });
  return room_id;
}

/**
 * Polls `read` until `done` holds for its value, for at most `timeoutMs`: federation delivers
 * events asynchronously, within milliseconds on loopback. Fails with the last value seen.
 */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = last === undefined ? `error ${String(lastError)}` : JSON.stringify(last);
      throw new Error(`${what}: not within ${timeoutMs / 1000} s; last seen: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
