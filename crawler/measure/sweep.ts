/**
 * `sweep`: the same URL list run in concurrent mode at several concurrencies (1, 2, 4, 8…), to
 * answer the tuning question "how many workers?": throughput climbs while workers overlap their
 * waits, then flattens. The knee is the smallest N reaching 90 % of the best throughput, found
 * by the report's {@linkcode findKnee} so the table and the chart always agree.
 * @module
 */
import { alignTable, measure } from "./compare.ts";
import type { FetchRecord } from "../record.ts";
import { findKnee } from "../report/stats.ts";
import type { ReportRun, SweepPoint } from "../report/types.ts";
import type { RecordSink, RunInput, RunOptions } from "../run/runner.ts";
import type { RunSummary } from "../run/stats.ts";

/**
 * Options of {@linkcode sweep}: the run options (the mode is always `concurrent`, the
 * concurrency is each level in turn).
 *
 * @example
 * ```ts
 * import type { SweepOptions } from "./sweep.ts";
 * const options: SweepOptions = { timeout: 5, keepRecords: true, onRun: (l) => console.log(l) };
 * ```
 */
export interface SweepOptions extends Omit<RunOptions, "mode" | "concurrency"> {
  /** Keep every record in the results (default false: only the summaries). */
  keepRecords?: boolean;
  /** Called before each run starts, with its label (`"N=4"`). */
  onRun?: (label: string) => void;
  /** Sees every run's jobs and records as they happen (the CLI's status line). */
  watch?: RecordSink;
}

/**
 * One concurrency level of a sweep.
 *
 * @example
 * ```ts ignore
 * import { sweep } from "./sweep.ts";
 * const [one, eight] = await sweep(["http://127.0.0.1:8000/"], [1, 8]);
 * console.log(eight.speedup, eight.efficiency, eight.knee, eight.summary.rps);
 * ```
 */
export interface SweepResult {
  /** Green workers N. */
  concurrency: number;
  /** Totals, percentiles, wall time and requests per second of this run. */
  summary: RunSummary;
  /** Wall time of the smallest N divided by this run's (1 for the smallest N). */
  speedup: number;
  /** `speedup / (N / smallest N)`: 1 when N workers are N times as fast. */
  efficiency: number;
  /** True for the knee: the smallest N reaching 90 % of the best requests per second. */
  knee: boolean;
  /** The run's records (empty unless `keepRecords`). */
  records: FetchRecord[];
}

/**
 * Runs `input` in concurrent mode once per concurrency in `levels` (sorted, duplicates dropped)
 * and returns one result per level, the knee marked.
 *
 * @param input The URL list.
 * @param levels The concurrencies to run at.
 * @param options Run options, whether to keep records, and hooks.
 * @returns One result per level, ascending, the knee marked.
 *
 * @example
 * ```ts ignore
 * import { formatSweep, sweep } from "./sweep.ts";
 * const results = await sweep(["http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b"], [1, 2, 4]);
 * console.log(formatSweep(results));
 * ```
 */
export async function sweep(
  input: RunInput,
  levels: readonly number[],
  options: SweepOptions = {},
): Promise<SweepResult[]> {
  const items = [...input];
  const results: SweepResult[] = [];
  for (const n of [...new Set(levels)].sort((a, b) => a - b)) {
    if (options.signal?.aborted) break;
    options.onRun?.(sweepLabel(n));
    const { summary, records } = await measure(
      items,
      { ...options, mode: "concurrent", concurrency: n },
      options.keepRecords ?? false,
      options.watch,
    );
    const base = results[0] ?? { concurrency: n, summary };
    const speedup = summary.wallMs > 0 ? base.summary.wallMs / summary.wallMs : 1;
    results.push({
      concurrency: n,
      summary,
      speedup,
      efficiency: speedup / (n / base.concurrency),
      knee: false,
      records,
    });
  }
  const knee = findKnee(sweepPoints(results));
  for (const r of results) r.knee = r.concurrency === knee?.concurrency;
  return results;
}

/**
 * The label of a sweep run: `"N=4"`.
 *
 * @example
 * ```ts
 * import { sweepLabel } from "./sweep.ts";
 * sweepLabel(4); // "N=4"
 * ```
 */
export function sweepLabel(concurrency: number): string {
  return `N=${concurrency}`;
}

/**
 * The points the report's sweep chart draws: N, wall time and requests per second.
 *
 * @param results What `sweep` returned.
 * @returns One chart point per level.
 *
 * @example
 * ```ts ignore
 * import { renderReport } from "../report/render.ts";
 * import { sweep, sweepPoints } from "./sweep.ts";
 * const results = await sweep(["http://127.0.0.1:8000/"], [1, 2, 4]);
 * const html = renderReport([], { sweep: sweepPoints(results) });
 * ```
 */
export function sweepPoints(results: readonly SweepResult[]): SweepPoint[] {
  return results.map((r) => ({
    concurrency: r.concurrency,
    wallMs: r.summary.wallMs,
    rps: r.summary.rps,
  }));
}

/**
 * The sweep's runs as report runs (label `N=…`), for the waterfalls under the chart.
 *
 * @param results What `sweep` returned (with kept records).
 * @returns One report run per level.
 *
 * @example
 * ```ts ignore
 * import { renderReport } from "../report/render.ts";
 * import { sweep, sweepPoints, sweepRuns } from "./sweep.ts";
 * const results = await sweep(["http://127.0.0.1:8000/"], [1, 4], { keepRecords: true });
 * const html = renderReport(sweepRuns(results), { sweep: sweepPoints(results) });
 * ```
 */
export function sweepRuns(results: readonly SweepResult[]): ReportRun[] {
  return results.map((r) => ({
    label: sweepLabel(r.concurrency),
    concurrency: r.concurrency,
    wallMs: r.summary.wallMs,
    records: r.records,
    summary: r.summary,
  }));
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * The sweep as an aligned text table (N, wall s, req/s, p50 s, p90 s, speedup, efficiency),
 * the knee row marked `<- knee`, and a line saying what the knee means.
 *
 * @param results What `sweep` returned.
 * @returns The table and the line about the knee.
 *
 * @example
 * ```ts ignore
 * import { formatSweep, sweep } from "./sweep.ts";
 * console.log(formatSweep(await sweep(["http://127.0.0.1:8000/"], [1, 2, 4, 8])));
 * ```
 */
export function formatSweep(results: readonly SweepResult[]): string {
  if (results.length === 0) return "no sweep runs";
  const base = results[0].concurrency;
  const rows = [[
    "N",
    "wall s",
    "req/s",
    "p50 s",
    "p90 s",
    `speedup vs N=${base}`,
    "efficiency",
    "",
  ]];
  for (const r of results) {
    const s = r.summary;
    rows.push([
      String(r.concurrency),
      seconds(s.wallMs),
      s.rps.toFixed(2),
      seconds(s.p50Ms),
      seconds(s.p90Ms),
      `${r.speedup.toFixed(2)}x`,
      `${Math.round(r.efficiency * 100)}%`,
      r.knee ? "<- knee" : "",
    ]);
  }
  const table = [alignTable(rows, 0)];
  const knee = results.find((r) => r.knee);
  const best = results.reduce((a, b) => (b.summary.rps > a.summary.rps ? b : a));
  if (knee) {
    const last = results.length > 1 && knee === results[results.length - 1];
    table.push(
      `knee: N=${knee.concurrency}, the smallest N reaching 90% of the best throughput ` +
        `(${best.summary.rps.toFixed(2)} req/s at N=${best.concurrency}); ` +
        (last
          ? "it is the largest N tried, so more workers may still pay: try larger N"
          : "more workers stop paying"),
    );
  }
  return table.join("\n");
}
