/**
 * Input types of the HTML waterfall report (`renderReport` in `render.ts`).
 * @module
 */

import type { FetchRecord } from "../record.ts";
import type { RunSummary } from "../run/stats.ts";

/**
 * One run of the crawler: its records and how it was run.
 *
 * @example
 * ```ts
 * import type { ReportRun } from "./types.ts";
 * const run: ReportRun = { label: "concurrent", concurrency: 8, wallMs: 312, records: [] };
 * if (run.records.length !== 0) throw new Error("no records yet");
 * ```
 */
export interface ReportRun {
  /** Shown as the run's name, e.g. `"sequential"`, `"blocking"`, `"concurrent"` or `"c=8"`. */
  label: string;
  /** Number of green workers the run used. */
  concurrency: number;
  /** Wall time of the whole run in milliseconds. */
  wallMs: number;
  /** One record per URL (and per crawled page). */
  records: FetchRecord[];
  /**
   * The run's totals as a {@linkcode RunStats} computed them while the run streamed its records
   * (the CLI's summary). When given, the report shows these instead of recomputing them from
   * `records`, and derives only its own extras (outcome classes, TTFB, workers, depths) there.
   */
  summary?: RunSummary;
}

/**
 * One point of a concurrency sweep: the same URL list run with `concurrency` workers.
 *
 * @example
 * ```ts
 * import type { SweepPoint } from "./types.ts";
 * const point: SweepPoint = { concurrency: 8, wallMs: 240, rps: 10 / 0.24 };
 * if (Math.round(point.rps) !== 42) throw new Error("10 records in 240 ms");
 * ```
 */
export interface SweepPoint {
  /** Number of green workers. */
  concurrency: number;
  /** Wall time of the run in milliseconds. */
  wallMs: number;
  /** Throughput: records per second. */
  rps: number;
}

/**
 * Options of {@linkcode renderReport}.
 *
 * @example
 * ```ts
 * import type { ReportOptions } from "./types.ts";
 * const options: ReportOptions = {
 *   title: "greencrawl: 3 ways to fetch 40 URLs",
 *   generatedAt: new Date("2025-01-01T00:00:00Z"),
 *   sweep: [{ concurrency: 1, wallMs: 900, rps: 11 }, { concurrency: 8, wallMs: 130, rps: 77 }],
 * };
 * if (options.sweep?.length !== 2) throw new Error("two sweep points");
 * ```
 */
export interface ReportOptions {
  /** Heading and `<title>` of the page; default `"greencrawl report"`. */
  title?: string;
  /** Shown in the header; default: now. */
  generatedAt?: Date;
  /** When given, a chart of throughput and wall time against concurrency, with the knee marked. */
  sweep?: SweepPoint[];
}
