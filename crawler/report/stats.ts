/**
 * The numbers of the HTML report: outcome classes, percentiles, per-run summaries, speedups and
 * the knee of a concurrency sweep. Pure functions, tested on known inputs.
 * @module
 */

import type { FetchRecord } from "../record.ts";
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
 * The nearest-rank percentile: the smallest value such that at least `p` percent of the values
 * are at or below it. Null for an empty list. The input need not be sorted.
 *
 * @example
 * ```ts
 * import { percentile } from "./stats.ts";
 * const xs = Array.from({ length: 100 }, (_, i) => i + 1);
 * percentile(xs, 50); // 50
 * percentile(xs, 99); // 99
 * percentile([7], 90); // 7
 * ```
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The numbers shown in a run's summary panel. */
export interface RunSummary {
  /** Number of records. */
  urls: number;
  /** Records that ended ok. */
  ok: number;
  /** Records that did not (`http + network + timeout`). */
  failed: number;
  /** Records with status >= 400. */
  http: number;
  /** Records that failed without an HTTP error status or a timeout. */
  network: number;
  /** Records with error code `"timeout"`. */
  timeout: number;
  /** Body bytes received, summed. */
  bytes: number;
  /** Wall time of the run (ms). */
  wallMs: number;
  /** Median time per URL (ms); null without records. */
  p50: number | null;
  /** 90th percentile of time per URL (ms). */
  p90: number | null;
  /** 99th percentile of time per URL (ms). */
  p99: number | null;
  /** Median time to response headers over records that got headers (ms). */
  ttfbP50: number | null;
  /** Records per second of wall time; null when the wall time is 0. */
  rps: number | null;
  /** Distinct workers that ran a record. */
  workers: number;
  /** The host with the most records (ties: alphabetically first); null without a parseable URL. */
  busiestHost: { host: string; count: number } | null;
  /** Pages per depth, by depth; empty unless some record has depth > 0 (a crawl). */
  perDepth: { depth: number; pages: number }[];
}

/**
 * Summarises one run: totals, percentiles of time per URL, throughput, busiest host and, for
 * crawls, pages per depth.
 *
 * @example
 * ```ts
 * import { summarizeRun } from "./stats.ts";
 * const summary = summarizeRun({ label: "c=8", concurrency: 8, wallMs: 500, records: [] });
 * summary.urls; // 0
 * summary.rps; // 0
 * ```
 */
export function summarizeRun(run: ReportRun): RunSummary {
  const counts = { ok: 0, http: 0, network: 0, timeout: 0 };
  const hosts = new Map<string, number>();
  const depths = new Map<number, number>();
  const times: number[] = [];
  const ttfbs: number[] = [];
  const workers = new Set<number>();
  let bytes = 0;
  let crawl = false;
  for (const r of run.records) {
    counts[outcomeOf(r)]++;
    bytes += r.bytes;
    times.push(r.timeMs);
    if (r.ttfbMs !== null) ttfbs.push(r.ttfbMs);
    if (r.worker !== null) workers.add(r.worker);
    if (r.depth > 0) crawl = true;
    depths.set(r.depth, (depths.get(r.depth) ?? 0) + 1);
    const host = hostOf(r.url);
    if (host !== null) hosts.set(host, (hosts.get(host) ?? 0) + 1);
  }
  let busiestHost: RunSummary["busiestHost"] = null;
  for (const [host, count] of hosts) {
    if (
      busiestHost === null || count > busiestHost.count ||
      (count === busiestHost.count && host < busiestHost.host)
    ) busiestHost = { host, count };
  }
  const urls = run.records.length;
  return {
    urls,
    ok: counts.ok,
    failed: urls - counts.ok,
    http: counts.http,
    network: counts.network,
    timeout: counts.timeout,
    bytes,
    wallMs: run.wallMs,
    p50: percentile(times, 50),
    p90: percentile(times, 90),
    p99: percentile(times, 99),
    ttfbP50: percentile(ttfbs, 50),
    rps: run.wallMs > 0 ? urls / (run.wallMs / 1000) : (urls === 0 ? 0 : null),
    workers: workers.size,
    busiestHost,
    perDepth: crawl
      ? [...depths].sort((a, b) => a[0] - b[0]).map(([depth, pages]) => ({ depth, pages }))
      : [],
  };
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
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
