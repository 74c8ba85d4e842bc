/**
 * The run summary and the HTML waterfall report. {@linkcode RunStats} accumulates a run's totals
 * as its records stream in (what the CLI prints); {@linkcode renderReport} turns one or more runs,
 * or bare records, into one self-contained page that shows what each green worker did.
 *
 * @example
 * ```ts
 * import { renderReport, RunStats } from "./mod.ts";
 * import { blankRecord } from "../record.ts";
 *
 * const record = { ...blankRecord("http://127.0.0.1/"), ok: true, attempts: 1, timeMs: 12 };
 * const stats = new RunStats();
 * stats.add(record);
 * const summary = stats.summary(20);
 * const html = renderReport([
 *   { label: "c=1", concurrency: 1, wallMs: 20, records: [record], summary },
 * ]);
 * if (!html.startsWith("<!doctype html>") || summary.p50Ms !== 12) throw new Error("report");
 * ```
 * @module
 */

export { renderReport } from "./render.ts";
export type { ReportOptions, ReportRun, SweepPoint } from "./types.ts";
export { percentile, RunStats } from "./summary.ts";
export type { RunSummary, StatusClass } from "./summary.ts";
