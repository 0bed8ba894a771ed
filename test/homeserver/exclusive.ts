// One holder at a time for a test that takes a whole homeserver for itself (crash.test.ts kills
// and restarts the `crash` server): a lock file in the homeserver cache dir naming the holder's
// process id. A second run waits for the first to finish; a lock whose holder is gone is taken.
import { link, readFile, rm, writeFile } from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./local.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function holderOf(lock: string): Promise<number | undefined> {
  const text = await readFile(lock, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Waits until this process holds `<cache dir>/<name>.lock` (checking every `pollMs`, telling
 * `log` once whom it waits for), at most `timeoutMs`; resolves to the function that releases it.
 */
export async function holdExclusive(
  name: string,
  options: { log: (line: string) => void; timeoutMs: number; pollMs?: number },
): Promise<() => Promise<void>> {
  mkdirSync(cacheDir(), { recursive: true });
  const lock = join(cacheDir(), `${name}.lock`);
  const deadline = Date.now() + options.timeoutMs;
  // Written whole first, then linked into place (which fails if the lock exists): a lock file
  // is never seen half-written.
  const mine = `${lock}.${String(process.pid)}`;
  await writeFile(mine, String(process.pid));
  let told = false;
  try {
    for (;;) {
      try {
        await link(mine, lock);
        return async () => {
          if ((await holderOf(lock)) === process.pid) await rm(lock, { force: true });
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const holder = await holderOf(lock);
      if (holder === undefined || !alive(holder)) {
        // Left by a run that died (or unreadable): take it, unless another waiter did first.
        if ((await holderOf(lock)) === holder) await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${lock} is still held by process ${String(holder)} after ${String(options.timeoutMs / 1000)} s: another run of this test uses the server`,
        );
      }
      if (!told) {
        options.log(`waiting for process ${String(holder)}, which holds ${lock}`);
        told = true;
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
    }
  } finally {
    await rm(mine, { force: true });
  }
}
