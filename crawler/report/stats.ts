/**
 * The numbers of the HTML report: outcome classes, per-run summaries (built on the CLI's
 * `RunStats`, with the report-only extras), speedups and the knee of a concurrency sweep. Pure
 * functions, tested on known inputs.
 * @module
 */

import type { FetchRecord } from "../record.ts";
import { percentile, RunStats, type RunSummary } from "../run/stats.ts";
import type { ReportRun, SweepPoint } from "./types.ts";

/** How a record ended, as the report colours it. */
export type Outcome = "ok" | "http" | "network" | "timeout";

/** Outcomes in legend order; the report packs an outcome as its index here. */
export const OUTCOMES: readonly Outcome[] = ["ok", "http", "network", "timeout"];

/**
 * Classifies a record: `ok`, `timeout` (error code `"timeout"`), `http` (status >= 400) or
 * `network` (every other failure: refused, reset, invalid URL, too large, redirect trouble…).
 *
 * @example
 * ```ts
 * import { outcomeOf } from "./stats.ts";
 * outcomeOf({ ok: false, status: 503, error: { code: "http", message: "503" } }); // "http"
 * ```
 */
export function outcomeOf(record: Pick<FetchRecord, "ok" | "status" | "error">): Outcome {
  if (record.ok) return "ok";
  if (record.error?.code === "timeout") return "timeout";
  if (record.error?.code === "http" || (record.status !== null && record.status >= 400)) {
    return "http";
  }
  return "network";
}

/**
 * The numbers shown in a run's summary panel: the CLI's {@linkcode RunSummary}, computed by the
 * same {@linkcode RunStats} (so the page and the terminal summary agree), plus what only the report
 * shows.
 */
export interface ReportSummary extends RunSummary {
  /** Records with status >= 400. */
  http: number;
  /** Records that failed without an HTTP error status or a timeout. */
  network: number;
  /** Records with error code `"timeout"`. */
  timeout: number;
  /** Records with at least one attempt: the ones the percentiles are taken over. */
  timed: number;
  /** Median time to response headers over records that got headers (ms); null when none did. */
  ttfbP50Ms: number | null;
  /** Distinct workers that ran a record. */
  workers: number;
  /** Pages per depth, by depth; empty unless some record has depth > 0 (a crawl). */
  perDepth: { depth: number; pages: number }[];
}

/**
 * Summarises one run: the {@linkcode RunStats} totals, percentiles of time per URL, throughput
 * and busiest host, plus outcome classes, median TTFB, workers and, for crawls, pages per depth.
 * The totals are `run.summary` when the run carries one (computed while it ran); otherwise a
 * `RunStats` is built over `run.records`.
 *
 * @param run The run: its records, wall time and, optionally, its summary.
 * @returns The numbers of the run's summary panel.
 *
 * @example
 * ```ts
 * import { summarizeRun } from "./stats.ts";
 * const summary = summarizeRun({ label: "c=8", concurrency: 8, wallMs: 500, records: [] });
 * summary.urls; // 0
 * summary.rps; // 0
 * ```
 */
export function summarizeRun(run: ReportRun): ReportSummary {
  const stats = run.summary ? null : new RunStats();
  const counts = { ok: 0, http: 0, network: 0, timeout: 0 };
  const depths = new Map<number, number>();
  const ttfbs: number[] = [];
  const workers = new Set<number>();
  let timed = 0;
  let crawl = false;
  for (const r of run.records) {
    stats?.add(r);
    counts[outcomeOf(r)]++;
    if (r.attempts > 0) timed++;
    if (r.ttfbMs !== null) ttfbs.push(r.ttfbMs);
    if (r.worker !== null) workers.add(r.worker);
    if (r.depth > 0) crawl = true;
    depths.set(r.depth, (depths.get(r.depth) ?? 0) + 1);
  }
  return {
    ...(run.summary ?? stats!.summary(run.wallMs)),
    http: counts.http,
    network: counts.network,
    timeout: counts.timeout,
    timed,
    ttfbP50Ms: percentile(ttfbs, 50),
    workers: workers.size,
    perDepth: crawl
      ? [...depths].sort((a, b) => a[0] - b[0]).map(([depth, pages]) => ({ depth, pages }))
      : [],
  };
}

/**
 * The index of the run every speedup is measured against: the first run labelled
 * `"sequential"` (any case), otherwise the first run with a wall time, otherwise the first run.
 *
 * @example
 * ```ts
 * import { baselineIndex } from "./stats.ts";
 * baselineIndex([{ label: "concurrent", wallMs: 90 }, { label: "Sequential", wallMs: 800 }]); // 1
 * baselineIndex([{ label: "empty", wallMs: 0 }, { label: "c=8", wallMs: 120 }]); // 1
 * ```
 */
export function baselineIndex(runs: readonly Pick<ReportRun, "label" | "wallMs">[]): number {
  const i = runs.findIndex((r) => r.label.trim().toLowerCase() === "sequential");
  if (i >= 0) return i;
  const timed = runs.findIndex((r) => r.wallMs > 0);
  return timed >= 0 ? timed : 0;
}

/**
 * Speedup of each run against the baseline run ({@linkcode baselineIndex}): baseline wall time
 * divided by the run's wall time. Null when a wall time is 0.
 *
 * @example
 * ```ts
 * import { speedups } from "./stats.ts";
 * speedups([
 *   { label: "sequential", wallMs: 1000 },
 *   { label: "concurrent", wallMs: 250 },
 * ]); // [1, 4]
 * ```
 */
export function speedups(
  runs: readonly Pick<ReportRun, "label" | "wallMs">[],
): (number | null)[] {
  if (runs.length === 0) return [];
  const base = runs[baselineIndex(runs)].wallMs;
  return runs.map((r) => (r.wallMs > 0 && base > 0 ? base / r.wallMs : null));
}

/**
 * The knee of a concurrency sweep: the point with the smallest concurrency whose throughput
 * reaches `fraction` (default 90 %) of the best throughput; past it, more workers stop paying.
 * Null for an empty sweep.
 *
 * @example
 * ```ts
 * import { findKnee } from "./stats.ts";
 * findKnee([
 *   { concurrency: 1, wallMs: 800, rps: 10 },
 *   { concurrency: 4, wallMs: 230, rps: 35 },
 *   { concurrency: 8, wallMs: 205, rps: 39 },
 *   { concurrency: 16, wallMs: 200, rps: 40 },
 * ])?.concurrency; // 8
 * ```
 */
export function findKnee(
  sweep: readonly SweepPoint[],
  fraction = 0.9,
): SweepPoint | null {
  const points = sweep.filter((p) => Number.isFinite(p.rps) && Number.isFinite(p.concurrency));
  if (points.length === 0) return null;
  const best = Math.max(...points.map((p) => p.rps));
  const reaching = points.filter((p) => p.rps >= fraction * best);
  return reaching.reduce((a, b) => (b.concurrency < a.concurrency ? b : a));
}
