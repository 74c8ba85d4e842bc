/**
 * The HTML waterfall report: one self-contained page (inline CSS, inline script, canvas and SVG,
 * no external requests) that shows what the green workers did — one lane per worker, one row per
 * URL on a shared time axis, several runs on one scale with their speedups, summary panels and,
 * optionally, a concurrency sweep with its knee.
 *
 * The parts live in `crawler/report/`: `pack.ts` (compact column data), `stats.ts` (numbers),
 * `panels.ts` and `sweep.ts` (static HTML/SVG), `styles.ts` (CSS), `client.ts` (the script).
 * @module
 */

import type { FetchRecord } from "../record.ts";
import { escapeHtml, jsonForScript } from "./escape.ts";
import { packRuns, type PageData } from "./pack.ts";
import { renderCompare, renderLegend, renderRunHeader, renderSummary } from "./panels.ts";
import type { RunView } from "./panels.ts";
import { baselineIndex, summarizeRun } from "./stats.ts";
import { renderSweep } from "./sweep.ts";
import { OUTCOME_COLORS, reportCss, WORKER_COLORS } from "./styles.ts";
import { CLIENT_JS } from "./client.ts";
import type { ReportOptions, ReportRun } from "./types.ts";

/**
 * Wraps bare records as one run: label `"run"`, wall time = the latest end, concurrency = the
 * number of distinct workers (at least 1). Runs are returned as they are.
 *
 * @param input Runs, or one run's bare records.
 * @returns The runs.
 *
 * @example
 * ```ts
 * import { asRuns } from "./render.ts";
 * if (asRuns([]).length !== 0) throw new Error("no records, no run");
 * ```
 */
export function asRuns(input: readonly ReportRun[] | readonly FetchRecord[]): ReportRun[] {
  if (input.length === 0) return [];
  if (isRunList(input)) return [...input];
  const records = [...input] as FetchRecord[];
  const wallMs = records.reduce((m, r) => Math.max(m, r.startMs + r.timeMs), 0);
  const workers = new Set(records.map((r) => r.worker).filter((w) => w !== null));
  return [{ label: "run", concurrency: Math.max(1, workers.size), wallMs, records }];
}

function isRunList(
  input: readonly ReportRun[] | readonly FetchRecord[],
): input is readonly ReportRun[] {
  return Array.isArray((input[0] as Partial<ReportRun>).records);
}

function nonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/[^A-Za-z0-9]/g, "");
}

/**
 * Renders runs (or bare records, as one run) as one self-contained HTML document. It opens from
 * disk and makes no network request: a Content-Security-Policy forbids any, and only the page's
 * own nonce'd script runs. Everything that came from the network is escaped; the rows travel as
 * column arrays in one `<script type="application/json">` blob and are drawn on canvas, only the
 * visible ones at a time, so 10,000 rows stay fast and around a megabyte.
 *
 * @param runs The runs to show on one time axis (the first labelled `"sequential"` is the
 *   baseline of the speedups), or one run's bare records.
 * @param options Title, generation time and an optional concurrency sweep.
 * @returns The whole HTML document; write it with `Deno.writeTextFile`.
 *
 * @example
 * ```ts
 * import { renderReport } from "./render.ts";
 * import type { FetchRecord } from "../record.ts";
 *
 * const records: FetchRecord[] = []; // from a run
 * const html = renderReport(
 *   [
 *     { label: "sequential", concurrency: 1, wallMs: 1200, records },
 *     { label: "concurrent", concurrency: 8, wallMs: 180, records },
 *   ],
 *   { title: "greencrawl: sequential vs concurrent" },
 * );
 * if (!html.startsWith("<!doctype html>")) throw new Error("not a page");
 * if (!html.includes("6.7× faster")) throw new Error("no speedup"); // 1200 / 180
 * ```
 */
export function renderReport(
  runs: ReportRun[] | FetchRecord[],
  options: ReportOptions = {},
): string {
  const list = asRuns(runs);
  const title = options.title ?? "greencrawl report";
  const generatedAt = options.generatedAt ?? new Date();
  const packed = packRuns(list);
  const base = baselineIndex(list);
  const compare = list.length > 1;
  const views: RunView[] = list.map((r, i) => ({
    label: r.label,
    concurrency: r.concurrency,
    wallMs: r.wallMs,
    speedup: packed.runs[i].speedup,
    baseline: list[base].label,
    isBaseline: i === base,
  }));
  const totalRows = list.reduce((n, r) => n + r.records.length, 0);
  const page: PageData = {
    ...packed,
    theme: { outcomes: OUTCOME_COLORS, workers: WORKER_COLORS },
  };
  const data = jsonForScript(page);
  const sections = list.map((run, i) => {
    const n = run.records.length;
    return `<section class="card run" data-run="${i}">
${renderRunHeader(views[i], compare)}
${renderSummary(summarizeRun(run))}
${
      n === 0
        ? `<p class="empty">No records in this run.</p>`
        : `<div class="caption"><b>Workers</b> — one lane per green worker; each bar is a URL the worker took from the shared queue, start to finish.</div>
<div class="lanes-box"><canvas class="lanes"></canvas></div>
<div class="caption"><b>URLs</b> — one row per URL, in the order workers took them (hover a bar for details, click to pin).</div>
<div class="wf-scroll"><div class="wf-inner"><canvas class="rows"></canvas></div></div>`
    }
</section>`;
  }).join("\n");
  const n = nonce();
  const when = Number.isNaN(generatedAt.getTime()) ? "" : generatedAt.toISOString();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${n}'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${reportCss()}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(title)}</h1>
<div class="meta">${list.length} run${list.length === 1 ? "" : "s"} · ${
    totalRows.toLocaleString("en-US")
  } record${totalRows === 1 ? "" : "s"}${
    when ? ` · generated ${escapeHtml(when.replace("T", " ").replace(/\.\d+Z$/, " UTC"))}` : ""
  } · times in ms since each run started</div>
</header>
<noscript><p class="card">The waterfall is drawn by the page's script; the summaries below need none.</p></noscript>
${renderLegend()}
${compare ? renderCompare(views) : ""}
${options.sweep && options.sweep.length > 0 ? renderSweep(options.sweep) : ""}
${list.length === 0 ? `<p class="card empty">No runs to show.</p>` : sections}
<footer>Made by greencrawl. This file is self-contained: it loads nothing from the network.</footer>
</main>
<div id="tip" role="tooltip" hidden></div>
<script type="application/json" id="greencrawl-data">${data}</script>
<script nonce="${n}">${CLIENT_JS}</script>
</body>
</html>
`;
}
