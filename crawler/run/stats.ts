/**
 * Run statistics, accumulated as records stream in: what the CLI prints after a run, and what the
 * report shows in each run's summary panel.
 * @module
 */

import type { FetchRecord } from "../record.ts";

/**
 * Status classes counted in {@linkcode RunSummary.byStatus}; `"none"` means no response.
 *
 * @example
 * ```ts
 * import type { StatusClass } from "./stats.ts";
 * const cls: StatusClass = "4xx";
 * if (cls !== "4xx") throw new Error("unreachable");
 * ```
 */
export type StatusClass = "2xx" | "3xx" | "4xx" | "5xx" | "other" | "none";

/**
 * Totals for a run. Times are milliseconds.
 *
 * @example
 * ```ts
 * import { RunStats, type RunSummary } from "./stats.ts";
 * const summary: RunSummary = new RunStats().summary(0);
 * if (summary.urls !== 0 || summary.busiestHost !== null) throw new Error("empty run");
 * ```
 */
export interface RunSummary {
  /** Records seen (one per input line, plus crawled pages). */
  urls: number;
  /** Records with `ok`. */
  ok: number;
  /** Records without `ok`. */
  failed: number;
  /** Sum of `bytes` over all records. */
  bytes: number;
  /** Wall time of the whole run, as given to {@linkcode RunStats.summary}. */
  wallMs: number;
  /** Sum of the per-URL `timeMs`. */
  sumTimeMs: number;
  /** `sumTimeMs / wallMs`: how many jobs were in flight on average (0 when `wallMs` is 0). */
  overlap: number;
  /** Records per second of wall time (0 when `wallMs` is 0). */
  rps: number;
  /** Percentiles (nearest rank) of `timeMs` over records with at least one attempt; 0 if none. */
  p50Ms: number;
  /** See `p50Ms`. */
  p90Ms: number;
  /** See `p50Ms`. */
  p99Ms: number;
  /** Count per error code, e.g. `{ timeout: 2 }`; codes that did not occur are absent. */
  byError: Record<string, number>;
  /** Count per status class of the final response. */
  byStatus: Record<StatusClass, number>;
  /** The host (with port) of the most listed/crawled URLs, first seen wins a tie; null if none. */
  busiestHost: { host: string; count: number } | null;
}

function statusClass(status: number | null): StatusClass {
  if (status === null) return "none";
  if (status >= 200 && status <= 599) return `${Math.floor(status / 100)}xx` as StatusClass;
  return "other";
}

/** The nearest-rank percentile `p` (0–100) of ascending `sorted` values; null when empty. */
function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * The nearest-rank percentile: the smallest value such that at least `p` percent (0–100) of the
 * values are at or below it. Null for an empty list. The input need not be sorted (a sorted copy
 * is made); {@linkcode RunStats} and the HTML report both use this definition.
 *
 * @param values The values, in any order.
 * @param p The percentile, 0–100.
 * @returns The smallest value with at least `p` % of the values at or below it; null for none.
 *
 * @example
 * ```ts
 * import { percentile } from "./stats.ts";
 * const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
 * if (percentile(xs, 50) !== 50 || percentile(xs, 99) !== 99) throw new Error("nearest rank");
 * if (percentile([], 50) !== null) throw new Error("empty");
 * ```
 */
export function percentile(values: ArrayLike<number>, p: number): number | null {
  return nearestRank(Float64Array.from(values).sort(), p);
}

/**
 * Accumulates {@linkcode FetchRecord}s. Memory: a few counters, a count per host, and the times
 * of attempted records in a `Float64Array` that doubles as needed (8 bytes per URL, so millions
 * are fine); percentiles are exact.
 *
 * @example
 * ```ts
 * import { blankRecord } from "../record.ts";
 * const started = performance.now();
 * const stats = new RunStats();
 * stats.add({ ...blankRecord("http://127.0.0.1/"), ok: true, attempts: 1, timeMs: 12 });
 * const summary = stats.summary(performance.now() - started);
 * if (summary.ok !== 1 || summary.p50Ms !== 12) throw new Error("one ok record of 12 ms");
 * ```
 */
export class RunStats {
  #times = new Float64Array(1024);
  #timed = 0;
  #urls = 0;
  #ok = 0;
  #bytes = 0;
  #sumTimeMs = 0;
  #byError = new Map<string, number>();
  #byStatus: Record<StatusClass, number> = {
    "2xx": 0,
    "3xx": 0,
    "4xx": 0,
    "5xx": 0,
    other: 0,
    none: 0,
  };
  #hosts = new Map<string, number>();

  /**
   * Counts one record.
   *
   * @param record A finished record.
   * @returns Nothing.
   *
   * @example
   * ```ts
   * import { RunStats } from "./stats.ts";
   * import { blankRecord } from "../record.ts";
   * const stats = new RunStats();
   * stats.add({ ...blankRecord("http://127.0.0.1/"), error: { code: "timeout", message: "" } });
   * if (stats.summary(1).byError.timeout !== 1) throw new Error("counted by error code");
   * ```
   */
  add(record: FetchRecord): void {
    this.#urls++;
    if (record.ok) this.#ok++;
    this.#bytes += record.bytes;
    this.#sumTimeMs += record.timeMs;
    if (record.attempts > 0) {
      if (this.#timed === this.#times.length) {
        const grown = new Float64Array(this.#times.length * 2);
        grown.set(this.#times);
        this.#times = grown;
      }
      this.#times[this.#timed++] = record.timeMs;
    }
    if (record.error) {
      this.#byError.set(record.error.code, (this.#byError.get(record.error.code) ?? 0) + 1);
    }
    this.#byStatus[statusClass(record.status)]++;
    const host = hostOf(record.url);
    if (host !== null) this.#hosts.set(host, (this.#hosts.get(host) ?? 0) + 1);
  }

  /**
   * The totals so far. Can be called at any point.
   *
   * @param wallMs The run's wall time so far (ms), the base of `rps` and `overlap`.
   * @returns The totals.
   *
   * @example
   * ```ts
   * import { RunStats } from "./stats.ts";
   * import { blankRecord } from "../record.ts";
   * const stats = new RunStats();
   * for (const n of [1, 2]) stats.add({ ...blankRecord(`http://h.test/${n}`), timeMs: 100 });
   * const s = stats.summary(100);
   * if (s.rps !== 20 || s.overlap !== 2) throw new Error("2 URLs in 0.1 s, 2 at a time");
   * ```
   */
  summary(wallMs: number): RunSummary {
    const sorted = this.#times.slice(0, this.#timed).sort();
    let busiestHost: RunSummary["busiestHost"] = null;
    for (const [host, count] of this.#hosts) {
      if (busiestHost === null || count > busiestHost.count) busiestHost = { host, count };
    }
    return {
      urls: this.#urls,
      ok: this.#ok,
      failed: this.#urls - this.#ok,
      bytes: this.#bytes,
      wallMs,
      sumTimeMs: this.#sumTimeMs,
      overlap: wallMs > 0 ? this.#sumTimeMs / wallMs : 0,
      rps: wallMs > 0 ? this.#urls / (wallMs / 1000) : 0,
      p50Ms: nearestRank(sorted, 50) ?? 0,
      p90Ms: nearestRank(sorted, 90) ?? 0,
      p99Ms: nearestRank(sorted, 99) ?? 0,
      byError: Object.fromEntries(this.#byError),
      byStatus: { ...this.#byStatus },
      busiestHost,
    };
  }
}

/** The host of a record's URL, or null (an invalid-url record has none). */
function hostOf(url: string): string | null {
  return URL.parse(url)?.host || null;
}
