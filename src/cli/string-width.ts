/**
 * The width of a string on a terminal, for yargs' help layout (cliui and wrap-ansi call
 * string-width for every word of every help line, even when a command only runs: yargs lays out
 * the command's help before its handler, about 25 ms per run). Printable ASCII is one column a
 * character, which is what string-width answers for it too; anything else goes to string-width.
 * scripts/build.ts puts this in front of each copy of string-width in the bundle.
 */
type StringWidth = (text: string, options?: object) => number;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function asciiFirst(stringWidth: StringWidth): StringWidth {
  return (text, options) =>
    typeof text === "string" && PRINTABLE_ASCII.test(text)
      ? text.length
      : stringWidth(text, options);
}
