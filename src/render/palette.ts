/**
 * Terminal colours. Below the CLI so the renderers can use them; whether colour
 * is on is the CLI's decision (src/cli/output.ts, colorEnabled).
 */

export interface Palette {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const wrap =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;

export function palette(enabled: boolean): Palette {
  if (!enabled) {
    const id = (s: string): string => s;
    return { red: id, green: id, yellow: id, cyan: id, bold: id, dim: id };
  }
  return {
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  };
}
