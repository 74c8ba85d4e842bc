/**
 * What every benchmark measures with: the median and spread of runs, and GNU time's report of
 * one process (wall, user + system CPU and peak RSS, read from `/usr/bin/time`).
 * @module
 */

/**
 * The median of `xs` (the mean of the middle two for an even count).
 *
 * @param xs The values, in any order (not changed).
 * @returns Their median.
 * @example
 * ```ts
 * import { median } from "./stats.ts";
 * console.log(median([3, 1, 2, 10])); // 2.5
 * ```
 */
export function median(xs: readonly number[]): number {
  const s = xs.toSorted((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * `median [min–max]` of `xs`, each with `digits` decimals.
 *
 * @param xs The values.
 * @param digits Decimals shown.
 * @returns The text.
 * @example
 * ```ts
 * import { spread } from "./stats.ts";
 * console.log(spread([1.234, 2, 3], 1)); // "2.0 [1.2–3.0]"
 * ```
 */
export function spread(xs: readonly number[], digits: number): string {
  const f = (x: number) => x.toFixed(digits);
  return `${f(median(xs))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`;
}

/** GNU time, which reports on the process it runs. */
export const TIME = "/usr/bin/time";

const MARK = "bench-time";

/**
 * The arguments of {@linkcode TIME} that run `argv` and append one marked report line to its
 * stderr (read back by {@linkcode readTime}).
 *
 * @param argv The program and its arguments.
 * @returns GNU time's arguments.
 * @example
 * ```ts
 * import { timeArgs } from "./stats.ts";
 * console.log(timeArgs(["deno", "--version"]).slice(2)); // [ "deno", "--version" ]
 * ```
 */
export function timeArgs(argv: readonly string[]): string[] {
  return ["-f", `\n${MARK} %e %U %S %M`, ...argv];
}

/** One process as GNU time saw it. */
export interface Timed {
  /** Wall seconds. */
  wallS: number;
  /** User plus system CPU seconds. */
  cpuS: number;
  /** Peak resident set, MiB. */
  rssMiB: number;
  /** The process's own stderr, the report removed. */
  stderr: string;
}

/**
 * Reads GNU time's report out of the stderr of a process run with {@linkcode timeArgs}.
 *
 * @param stderr The whole stderr.
 * @returns The figures and the process's own stderr, or null when there is no report.
 * @example
 * ```ts
 * import { readTime } from "./stats.ts";
 * console.log(readTime("oops\n\nbench-time 1.50 1.00 0.25 204800\n")?.cpuS); // 1.25
 * ```
 */
export function readTime(stderr: string): Timed | null {
  const m = new RegExp(`\\n${MARK} ([\\d.]+) ([\\d.]+) ([\\d.]+) (\\d+)\\s*$`).exec(stderr);
  if (!m) return null;
  return {
    wallS: Number(m[1]),
    cpuS: Number(m[2]) + Number(m[3]),
    rssMiB: Number(m[4]) / 1024,
    stderr: stderr.slice(0, m.index).replace(/Command exited with non-zero status \d+\n/, ""),
  };
}
