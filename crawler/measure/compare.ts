/**
 * `compare`: the same URL list run sequentially, blocking and concurrently, side by side —
 * the seeds' "concurrent, then one after another" timing, measured rather than told.
 * @module
 */
import type { FetchRecord } from "../record.ts";
import {
  fetchAll,
  type Mode,
  MODES,
  type RecordSink,
  type RunInput,
  type RunOptions,
  workersFor,
} from "../run/runner.ts";
import { RunStats, type RunSummary } from "../run/stats.ts";

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
  /** Every record of the run (kept for reports; empty with `keepRecords: false`). */
  records: FetchRecord[];
}

/**
 * Options of {@linkcode compare}: the run options plus which modes, and what to keep.
 *
 * @example
 * ```ts
 * import type { CompareOptions } from "./compare.ts";
 * const options: CompareOptions = { concurrency: 8, modes: ["sequential", "concurrent"] };
 * ```
 */
export interface CompareOptions extends RunOptions {
  /** Modes to run, in order (default: sequential, blocking, concurrent). */
  modes?: readonly Mode[];
  /** Keep every record in the results (default true); false leaves `records` empty. */
  keepRecords?: boolean;
  /** Called before each run starts, with its label (here the mode). */
  onRun?: (label: string) => void;
  /** Sees every run's jobs and records as they happen (the CLI's status line). */
  watch?: RecordSink;
}

/**
 * Runs `items` once with `options`, timing the whole run; returns its summary and, when `keep`,
 * its records (`watch` sees them as they come). The building block of {@linkcode compare} and the
 * concurrency sweep.
 *
 * @param items The URL list.
 * @param options Run options.
 * @param keep Keep the records in the result.
 * @param watch Sees the jobs and records as they happen.
 * @returns The run's summary and (when kept) its records.
 *
 * @example
 * ```ts ignore
 * import { measure } from "./compare.ts";
 * const { summary } = await measure(["http://127.0.0.1:8000/"], { concurrency: 4 }, false);
 * console.log(summary.wallMs, summary.rps);
 * ```
 */
export async function measure(
  items: RunInput,
  options: RunOptions,
  keep = true,
  watch?: RecordSink,
): Promise<{ summary: RunSummary; records: FetchRecord[] }> {
  const stats = new RunStats();
  const records: FetchRecord[] = [];
  const started = performance.now();
  await fetchAll(items, options).pipeTo({
    start: watch?.start && ((job, worker) => watch.start!(job, worker)),
    record(r) {
      stats.add(r);
      if (keep) records.push(r);
      watch?.record(r);
    },
  });
  return { summary: stats.summary(performance.now() - started), records };
}

/**
 * Runs `input` once per mode (default: sequential, blocking, concurrent) with the same
 * options and returns each run's summary and records.
 *
 * @param input The URL list.
 * @param options Run options, the modes, whether to keep records, and hooks.
 * @returns One result per mode, in the order run.
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
  options: CompareOptions = {},
): Promise<ModeResult[]> {
  const items = [...input];
  const results: ModeResult[] = [];
  for (const mode of options.modes ?? MODES) {
    if (options.signal?.aborted) break;
    options.onRun?.(mode);
    const { summary, records } = await measure(
      items,
      { ...options, mode },
      options.keepRecords ?? true,
      options.watch,
    );
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
 * @param results What `compare` returned.
 * @returns The table, one row per mode, without a final newline.
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
  return alignTable(rows);
}

/**
 * Aligns rows of cells as a text table: the first `left` columns padded on the right, the rest
 * (numbers) on the left, two spaces between columns, trailing spaces trimmed.
 *
 * @example
 * ```ts
 * import { alignTable } from "./compare.ts";
 * alignTable([["mode", "wall s"], ["sequential", "2.095"]]);
 * // "mode        wall s\nsequential   2.095"
 * ```
 */
export function alignTable(rows: readonly (readonly string[])[], left = 1): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) =>
    row.map((cell, c) => c < left ? cell.padEnd(widths[c]) : cell.padStart(widths[c])).join("  ")
      .trimEnd()
  ).join("\n");
}
