/**
 * The HTML waterfall report: {@linkcode renderReport} turns one or more runs (with the summary a
 * run's `RunStats` gave), or bare records, into one self-contained page that shows what each
 * green worker did.
 *
 * @example
 * ```ts
 * import { renderReport } from "./mod.ts";
 * import { RunStats } from "../run/stats.ts";
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
