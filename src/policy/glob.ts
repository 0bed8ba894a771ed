/** Globs for policy rules: `*` matches any run of characters, `?` exactly one; nothing else is special. */
export function globToRegExp(glob: string): RegExp {
  const body = Array.from(glob)
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "s");
}

export function globMatch(glob: string, text: string): boolean {
  return globToRegExp(glob).test(text);
}
