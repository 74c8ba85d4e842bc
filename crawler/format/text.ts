/**
 * Human-readable output, one line per event, in the spirit of the gevent urlopen examples:
 * `GET: <url>` when a fetch starts, `<n> bytes received from <url>. time: <s>` when it ends.
 * @module
 */
import type { FetchRecord } from "../record.ts";
import type { RunSummary } from "../run/stats.ts";
import type { RecordFormat } from "./mod.ts";
import { formatBytes } from "./units.ts";

/** Milliseconds as seconds with 3 decimals: `2004` → `"2.004"`. */
const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * The line printed when a fetch starts.
 *
 * @example
 * ```ts
 * formatStart("http://example.com/"); // "GET: http://example.com/"
 * ```
 */
export function formatStart(url: string): string {
  return `GET: ${url}`;
}

/**
 * The line printed when a URL is done: for ok records exactly the seed's
 * `'%d bytes received from %s. time: %s'` (time in seconds, 3 decimals); otherwise
 * `ERROR <url>: <code>: <message> (status 503, 3 attempts, time: 2.004)`.
 *
 * @example
 * ```ts
 * import { blankRecord } from "../record.ts";
 * const r = { ...blankRecord("http://example.com/"), ok: true, bytes: 1256, timeMs: 123 };
 * formatRecord(r); // "1256 bytes received from http://example.com/. time: 0.123"
 * ```
 */
export function formatRecord(r: FetchRecord): string {
  if (r.ok) return `${r.bytes} bytes received from ${r.url}. time: ${seconds(r.timeMs)}`;
  const what = r.error ? `${r.error.code}: ${r.error.message}` : "failed";
  const details = [
    ...(r.status === null ? [] : [`status ${r.status}`]),
    ...(r.attempts === 1 ? ["1 attempt"] : r.attempts > 1 ? [`${r.attempts} attempts`] : []),
    `time: ${seconds(r.timeMs)}`,
  ];
  return `ERROR ${r.url}: ${what} (${details.join(", ")})`;
}

/**
 * The end-of-run summary: a few aligned `label: value` lines, joined with `\n` (no final newline).
 *
 * @example
 * ```ts
 * import { RunStats } from "../run/stats.ts";
 * const stats = new RunStats();
 * console.log(formatSummary(stats.summary(1500)));
 * // URLs:          3
 * // ok:            2
 * // failed:        1 (timeout 1)
 * // ...
 * ```
 */
export function formatSummary(s: RunSummary, extra: [string, string][] = []): string {
  const errors = Object.entries(s.byError).map(([code, n]) => `${code} ${n}`);
  const rows: [string, string][] = [
    ["URLs", `${s.urls}`],
    ["ok", `${s.ok}`],
    ["failed", `${s.failed}${errors.length ? ` (${errors.join(", ")})` : ""}`],
    ["total bytes", `${formatBytes(s.bytes)} (${s.bytes} bytes)`],
    ["wall time", `${seconds(s.wallMs)} s`],
    ["sum of times", `${seconds(s.sumTimeMs)} s`],
    ["overlap", `${s.overlap.toFixed(2)}×`],
    ["requests/s", s.rps.toFixed(2)],
    ["p50/p90/p99", `${seconds(s.p50Ms)} / ${seconds(s.p90Ms)} / ${seconds(s.p99Ms)} s`],
  ];
  const host = s.busiestHost;
  if (host) rows.push(["busiest host", `${host.host} (${host.count})`]);
  rows.push(...extra);
  // A fixed column, so that it does not move when the optional rows are absent.
  return rows.map(([label, value]) => `${label}:`.padEnd(15) + value).join("\n");
}

/**
 * The text format: the seed's lines.
 *
 * @example
 * ```ts
 * import { text } from "./text.ts";
 * console.log(text.start("http://127.0.0.1/")); // "GET: http://127.0.0.1/"
 * ```
 */
export const text: RecordFormat = { header: null, start: formatStart, record: formatRecord };
