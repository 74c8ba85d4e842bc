/**
 * Numbers for people, shared by the text summary, the status line and the HTML report: times,
 * byte counts and speedups.
 * @module
 */

/**
 * Milliseconds for people: `3.2 ms`, `312 ms`, `1.23 s`, `2 min 5 s`.
 *
 * @example
 * ```ts
 * import { formatMs } from "./units.ts";
 * formatMs(1234); // "1.23 s"
 * ```
 */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "–";
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * Bytes for people, binary units: `512 B`, `1.5 KiB`, `12 KiB`, `3.4 MiB`.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./units.ts";
 * formatBytes(1536); // "1.5 KiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/**
 * A speedup for people: `1.0×`, `4.2×`, `12×`; `–` when unknown.
 *
 * @example
 * ```ts
 * import { formatSpeedup } from "./units.ts";
 * formatSpeedup(4.234); // "4.2×"
 * ```
 */
export function formatSpeedup(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "–";
  return x >= 10 ? `${Math.round(x)}×` : `${x.toFixed(1)}×`;
}
