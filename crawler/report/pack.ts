/**
 * Packs runs into the compact data blob the report page draws from: column arrays of numbers per
 * run and one shared, de-duplicated string table, so 10,000 rows stay around a megabyte.
 * @module
 */

import type { FetchRecord } from "../record.ts";
import { cleanText } from "./escape.ts";
import { type Outcome, outcomeOf, OUTCOMES, speedups } from "./stats.ts";
import type { ReportRun } from "./types.ts";

/**
 * Per-run columns; entry `i` of every array belongs to row `i`. Rows are sorted by start time.
 * String columns hold indexes into {@linkcode PackedReport.strings}, `-1` for null; missing
 * numbers (`ttfb`, `worker`, `status`) are `-1`.
 */
export interface PackedColumns {
  /** URL (string index). */
  url: number[];
  /** Final URL when it differs from the URL, else -1 (string index). */
  final: number[];
  /** startMs. */
  start: number[];
  /** queueMs. */
  queue: number[];
  /** ttfbMs, -1 when no headers arrived. */
  ttfb: number[];
  /** timeMs. */
  time: number[];
  /** Worker index, -1 for none. */
  worker: number[];
  /** HTTP status, -1 for none. */
  status: number[];
  /** Body bytes. */
  bytes: number[];
  /** Crawl depth. */
  depth: number[];
  /** Attempts made. */
  attempts: number[];
  /** Redirects followed. */
  redirects: number[];
  /** Index into {@linkcode OUTCOMES}. */
  outcome: number[];
  /** Error code (string index). */
  errCode: number[];
  /** Error message (string index). */
  errMsg: number[];
  /** Page title (string index). */
  title: number[];
  /** Content-Type (string index). */
  type: number[];
}

/** One run in the packed blob. */
export interface PackedRun {
  /** Run label (control characters removed; the page shows it with textContent). */
  label: string;
  /** Workers the run was configured with. */
  concurrency: number;
  /** Wall time (ms). */
  wallMs: number;
  /** Speedup against the baseline run, null when undefined. */
  speedup: number | null;
  /** Distinct worker indexes that appear in the rows, ascending. */
  workers: number[];
  /** The rows. */
  cols: PackedColumns;
}

/** The whole blob, embedded as JSON in `<script type="application/json" id="greencrawl-data">`. */
export interface PackedReport {
  /** Format version. */
  v: 1;
  /** End of the shared time axis (ms): the latest end or wall time over all runs. */
  tMax: number;
  /** Outcome names, in the order outcome indexes refer to. */
  outcomes: readonly Outcome[];
  /** Shared string table. */
  strings: string[];
  /** The runs, in the order given. */
  runs: PackedRun[];
}

/** Colours the page draws with: a `solid` and a `light` tint per outcome, and worker stripes. */
export interface PackedTheme {
  /** Colours per outcome name. */
  outcomes: Readonly<Record<Outcome, { readonly solid: string; readonly light: string }>>;
  /** Worker stripe colours, cycled by worker index. */
  workers: readonly string[];
}

/** What the page's script reads: the packed runs plus the theme. */
export interface PageData extends PackedReport {
  /** Colours. */
  theme: PackedTheme;
}

const round1 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 10) / 10 : 0);
/** Times on the axis: finite, not negative, 0.1 ms resolution. */
const time1 = (x: number): number => Math.max(0, round1(x));

/**
 * Packs runs for the page. Strings are cleaned of control characters and capped so the blob
 * stays small: URLs get `clamp(2.5 M / rows, 160, 2048)` characters, titles and messages at most
 * 300, content types 80.
 *
 * @example
 * ```ts
 * import { packRuns } from "./pack.ts";
 * const packed = packRuns([{ label: "c=1", concurrency: 1, wallMs: 0, records: [] }]);
 * packed.runs[0].cols.url.length; // 0
 * ```
 */
export function packRuns(runs: readonly ReportRun[]): PackedReport {
  const total = runs.reduce((n, r) => n + r.records.length, 0);
  const urlCap = Math.min(2048, Math.max(160, Math.floor(2_500_000 / Math.max(1, total))));
  const textCap = Math.min(300, urlCap);
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const intern = (s: string | null | undefined, cap: number): number => {
    if (s === null || s === undefined) return -1;
    const clean = cleanText(s, cap);
    let id = ids.get(clean);
    if (id === undefined) {
      id = strings.length;
      strings.push(clean);
      ids.set(clean, id);
    }
    return id;
  };
  const ups = speedups(runs);
  let tMax = 0;
  const packed = runs.map((run, i): PackedRun => {
    const rows = run.records
      .map((r, k) => ({ r, k }))
      .sort((a, b) => time1(a.r.startMs) - time1(b.r.startMs) || a.k - b.k)
      .map((x) => x.r);
    const cols: PackedColumns = {
      url: [],
      final: [],
      start: [],
      queue: [],
      ttfb: [],
      time: [],
      worker: [],
      status: [],
      bytes: [],
      depth: [],
      attempts: [],
      redirects: [],
      outcome: [],
      errCode: [],
      errMsg: [],
      title: [],
      type: [],
    };
    const workers = new Set<number>();
    for (const r of rows) pushRow(cols, r);
    function pushRow(c: PackedColumns, r: FetchRecord) {
      c.url.push(intern(r.url, urlCap));
      c.final.push(r.finalUrl !== null && r.finalUrl !== r.url ? intern(r.finalUrl, urlCap) : -1);
      c.start.push(time1(r.startMs));
      c.queue.push(time1(r.queueMs));
      c.ttfb.push(r.ttfbMs === null ? -1 : time1(r.ttfbMs));
      c.time.push(time1(r.timeMs));
      c.worker.push(r.worker ?? -1);
      c.status.push(r.status ?? -1);
      c.bytes.push(r.bytes);
      c.depth.push(r.depth);
      c.attempts.push(r.attempts);
      c.redirects.push(r.redirects);
      c.outcome.push(OUTCOMES.indexOf(outcomeOf(r)));
      c.errCode.push(intern(r.error?.code, 40));
      c.errMsg.push(intern(r.error?.message, textCap));
      c.title.push(intern(r.title, textCap));
      c.type.push(intern(r.contentType, 80));
      if (r.worker !== null) workers.add(r.worker);
      tMax = Math.max(tMax, time1(r.startMs) + time1(r.timeMs));
    }
    tMax = Math.max(tMax, time1(run.wallMs));
    return {
      label: cleanText(run.label, 80),
      concurrency: run.concurrency,
      wallMs: time1(run.wallMs),
      speedup: ups[i],
      workers: [...workers].sort((a, b) => a - b),
      cols,
    };
  });
  return { v: 1, tMax: Math.max(1, round1(tMax)), outcomes: OUTCOMES, strings, runs: packed };
}
