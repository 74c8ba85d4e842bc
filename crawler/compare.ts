/**
 * `compare`: the same URL list run sequentially, blocking and concurrently, side by side —
 * the seeds' "concurrent, then one after another" timing, measured rather than told.
 * @module
 */
import type { FetchRecord } from "./record.ts";
import { fetchAll, type Mode, MODES, type RunInput, type RunOptions, workersFor } from "./run.ts";
import { RunStats, type RunSummary } from "./stats.ts";

/** One mode's outcome. */
export interface ModeResult {
  /** The scheduling mode. */
  mode: Mode;
  /** Green workers used. */
  workers: number;
  /** Totals, percentiles and the wall time of this run. */
  summary: RunSummary;
  /** Wall time of the first mode divided by this one's (1 for the first). */
  speedup: number;
  /** Every record of the run (kept for reports; the list is finite). */
  records: FetchRecord[];
}

/**
 * Runs `input` once per mode (default: sequential, blocking, concurrent) with the same
 * options and returns each run's summary and records.
 *
 * @example
 * ```ts ignore
 * import { compare } from "./compare.ts";
 * const runs = await compare(["http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b"], {
 *   concurrency: 2,
 * });
 * for (const r of runs) console.log(r.mode, r.summary.wallMs, r.speedup);
 * ```
 */
export async function compare(
  input: RunInput,
  options: RunOptions & { modes?: readonly Mode[] } = {},
): Promise<ModeResult[]> {
  const items = [...input];
  const results: ModeResult[] = [];
  for (const mode of options.modes ?? MODES) {
    if (options.signal?.aborted) break;
    const stats = new RunStats();
    const records: FetchRecord[] = [];
    const started = performance.now();
    for await (const r of fetchAll(items, { ...options, mode })) {
      stats.add(r);
      records.push(r);
    }
    const summary = stats.summary(performance.now() - started);
    const base = results[0]?.summary.wallMs ?? summary.wallMs;
    results.push({
      mode,
      workers: workersFor(mode, options.concurrency ?? 16),
      summary,
      speedup: summary.wallMs > 0 ? base / summary.wallMs : 1,
      records,
    });
  }
  return results;
}

/**
 * The comparison as an aligned text table.
 *
 * @example
 * ```ts ignore
 * import { compare, formatCompare } from "./compare.ts";
 * console.log(formatCompare(await compare(["http://127.0.0.1:8000/"])));
 * ```
 */
export function formatCompare(results: readonly ModeResult[]): string {
  const rows = [[
    "mode",
    "workers",
    "wall s",
    "sum of URL times s",
    "overlap",
    "speedup",
    "ok/URLs",
  ]];
  for (const r of results) {
    const s = r.summary;
    rows.push([
      r.mode,
      String(r.workers),
      (s.wallMs / 1000).toFixed(3),
      (s.sumTimeMs / 1000).toFixed(3),
      `${s.overlap.toFixed(2)}x`,
      `${r.speedup.toFixed(2)}x`,
      `${s.ok}/${s.urls}`,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) =>
    row.map((cell, c) => c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])).join("  ")
  ).join("\n");
}
