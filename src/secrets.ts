/**
 * Every secret the process holds, in one place, and the one function that
 * removes them from text: errors, logs, reports, comments and the job summary
 * all pass `scrubSecrets` before anyone sees them.
 *
 * The tokens in the environment (MATRIX_ACCESS_TOKEN, GITHUB_TOKEN) are known
 * from the start; code that reads a secret from elsewhere registers it. Every
 * length is scrubbed: a long token wherever it appears, a short one (under 8
 * characters, which could also be an ordinary word) wherever it stands as a
 * whole word, i.e. not inside a longer run of letters, digits, `_` or `-`.
 */

/** The environment variables whose values are secrets. */
export const SECRET_ENV_VARS = ["MATRIX_ACCESS_TOKEN", "GITHUB_TOKEN"] as const;

export const REDACTED = "<redacted>";

/** Below this length a token is scrubbed only as a whole word. */
const SHORT = 8;

const registered = new Set<string>();

/** The secret as it may appear in text: as given, and without a `Bearer ` prefix or blanks around it. */
function forms(value: string): string[] {
  const trimmed = value.trim();
  const bare = trimmed.replace(/^(bearer|token)\s+/i, "");
  return [...new Set([trimmed, bare])].filter((s) => s !== "");
}

/** Registers a secret to be scrubbed from every output of this process. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined) return;
  for (const f of forms(value)) registered.add(f);
}

/** Forgets the registered secrets (tests). The environment's are read on every call. */
export function clearSecrets(): void {
  registered.clear();
}

function secrets(env: NodeJS.ProcessEnv): string[] {
  const all = new Set(registered);
  for (const name of SECRET_ENV_VARS) for (const f of forms(env[name] ?? "")) all.add(f);
  // Longest first, so a token that contains another is removed whole.
  return [...all].sort((a, b) => b.length - a.length);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The text with every known secret replaced by `<redacted>`. */
export function scrubSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const s of secrets(env)) {
    if (!out.includes(s)) continue;
    if (s.length >= SHORT) {
      out = out.split(s).join(REDACTED);
    } else {
      const word = new RegExp(`(?<![\\p{L}\\p{N}_-])${escapeRegExp(s)}(?![\\p{L}\\p{N}_-])`, "gu");
      out = out.replace(word, REDACTED);
    }
  }
  return out;
}
