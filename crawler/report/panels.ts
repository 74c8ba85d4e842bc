/**
 * The static HTML parts of the report: legend, wall-time comparison, per-run header and summary
 * panel. They work without the script; every dynamic string is escaped with `escapeHtml`.
 * @module
 */

import { formatBytes, formatMs, formatSpeedup } from "../format/units.ts";
import { escapeHtml } from "./escape.ts";
import type { ReportSummary } from "./stats.ts";
import { OUTCOME_COLORS, WORKER_COLORS } from "./styles.ts";

const int = (n: number): string => n.toLocaleString("en-US");

/**
 * The legend: outcome colours (wait-for-headers tint and body download), queue wait, worker
 * stripes and the wall-time marker.
 *
 * @example
 * ```ts
 * import { renderLegend } from "./panels.ts";
 * const html = renderLegend();
 * ```
 */
export function renderLegend(): string {
  const c = OUTCOME_COLORS;
  const pair = (solid: string, light: string, label: string) =>
    `<span><span class="sw pair" style="--c:${solid};--c-l:${light}"></span>${label}</span>`;
  const stripes = WORKER_COLORS.slice(0, 4)
    .map((w) => `<span class="sw stripe" style="background:${w}"></span>`).join("");
  return `<div class="card legend" aria-label="legend">
<b>Bars</b>
${pair(c.ok.solid, c.ok.light, "ok")}
${pair(c.http.solid, c.http.light, "HTTP error (status ≥ 400)")}
${pair(c.network.solid, c.network.light, "network error")}
${pair(c.timeout.solid, c.timeout.light, "timeout")}
<span><span class="sw pair" style="--c:#6b7485;--c-l:#d5d9e0"></span>light: waiting for headers (TTFB) · solid: body download</span>
<span><span class="sw queue"></span>waiting in the queue</span>
<span>${stripes}&nbsp;worker</span>
<span><span class="sw" style="width:0;height:12px;border-left:2px dashed #8b94a5;border-radius:0"></span>wall time</span>
</div>`;
}

/** What {@linkcode renderCompare} and {@linkcode renderRunHeader} need to know about a run. */
export interface RunView {
  /** Run label (raw; escaped on output). */
  label: string;
  /** Configured workers. */
  concurrency: number;
  /** Wall time (ms). */
  wallMs: number;
  /** Speedup against the baseline run. */
  speedup: number | null;
  /** Label of the baseline run. */
  baseline: string;
  /** Whether this run is the baseline. */
  isBaseline: boolean;
}

/** "4.2× faster", "2.0× slower", or "about the same" within 5 %. */
function speedText(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "speedup unknown";
  if (Math.abs(x - 1) < 0.05) return "about the same";
  return x > 1 ? `${formatSpeedup(x)} faster` : `${formatSpeedup(1 / x)} slower`;
}

const workersText = (n: number) => `${int(n)} worker${n === 1 ? "" : "s"}`;

/**
 * The wall-time comparison: one bar per run on one scale, with wall time and speedup.
 *
 * @example
 * ```ts
 * import { renderCompare } from "./panels.ts";
 * const html = renderCompare([
 *   { label: "sequential", concurrency: 1, wallMs: 900, speedup: 1, baseline: "sequential", isBaseline: true },
 *   { label: "concurrent", concurrency: 8, wallMs: 150, speedup: 6, baseline: "sequential", isBaseline: false },
 * ]);
 * ```
 */
export function renderCompare(runs: readonly RunView[]): string {
  const max = Math.max(1, ...runs.map((r) => r.wallMs));
  const rows = runs.map((r) => {
    const pct = Math.max(0, Math.min(100, (r.wallMs / max) * 100));
    const text = `${formatMs(r.wallMs)} · ${r.isBaseline ? "baseline" : speedText(r.speedup)}`;
    const inside = pct > 55;
    const label = `<span${inside ? ` class="in"` : ""}>${text}</span>`;
    return `<div class="lbl" title="${escapeHtml(r.label)}">${escapeHtml(r.label)}<small>${
      workersText(r.concurrency)
    }</small></div>
<div class="track"><div class="bar${r.isBaseline ? " base" : ""}" style="width:${
      pct.toFixed(2)
    }%">${inside ? label : ""}</div>${
      inside ? "" : label.replace("<span", `<span style="left:calc(${pct.toFixed(2)}% + 8px)"`)
    }</div>`;
  }).join("\n");
  return `<section class="card">
<h2>Wall time, one scale</h2>
<div class="sub" style="margin-bottom:10px">Each run's wall time on one scale. Speedup = wall time of <b>${
    escapeHtml(runs.find((r) => r.isBaseline)?.label ?? "")
  }</b> ÷ wall time of the run.</div>
<div class="compare">
${rows}
</div>
</section>`;
}

/**
 * A run's heading line: label, workers, wall time and speedup badge.
 *
 * @example
 * ```ts
 * import { renderRunHeader } from "./panels.ts";
 * const html = renderRunHeader({
 *   label: "concurrent", concurrency: 8, wallMs: 150, speedup: 6, baseline: "sequential", isBaseline: false,
 * }, true);
 * ```
 */
export function renderRunHeader(run: RunView, compare: boolean): string {
  const badge = !compare || (!run.isBaseline && run.speedup === null)
    ? ""
    : run.isBaseline
    ? `<span class="speed base">baseline</span>`
    : `<span class="speed${run.speedup !== null && run.speedup < 0.95 ? " slow" : ""}${
      run.speedup !== null && Math.abs(run.speedup - 1) < 0.05 ? " base" : ""
    }">${speedText(run.speedup)}${
      run.speedup !== null && Math.abs(run.speedup - 1) < 0.05 ? " as" : " than"
    } ${escapeHtml(run.baseline)}</span>`;
  return `<div class="run-head"><h2>${escapeHtml(run.label)}</h2><span class="sub">${
    workersText(run.concurrency)
  } · wall ${formatMs(run.wallMs)}</span>${badge}</div>`;
}

/**
 * A run's summary panel: totals, percentiles, throughput, busiest host, pages per depth.
 *
 * @example
 * ```ts
 * import { renderSummary } from "./panels.ts";
 * import { summarizeRun } from "./stats.ts";
 * const html = renderSummary(summarizeRun({ label: "x", concurrency: 1, wallMs: 10, records: [] }));
 * ```
 */
export function renderSummary(s: ReportSummary): string {
  const stat = (k: string, v: string, extra = "") =>
    `<div class="stat${extra}"><div class="k">${k}</div><div class="v">${v}</div></div>`;
  const failedParts = [
    s.http ? `${int(s.http)} HTTP` : "",
    s.network ? `${int(s.network)} network` : "",
    s.timeout ? `${int(s.timeout)} timeout` : "",
  ].filter(Boolean).join(", ");
  const parts = [
    stat("URLs", int(s.urls)),
    stat("ok", `${int(s.ok)}`),
    stat(
      "failed",
      `${int(s.failed)}${failedParts ? ` <small>${failedParts}</small>` : ""}`,
      failedParts ? " wide" : "",
    ),
    stat("bytes", formatBytes(s.bytes)),
    stat(
      "requests / s",
      s.wallMs <= 0 && s.urls > 0 ? "–" : s.rps >= 100 ? int(Math.round(s.rps)) : s.rps.toFixed(1),
    ),
    stat("p50 time", formatMs(s.timed ? s.p50Ms : null)),
    stat("p90 time", formatMs(s.timed ? s.p90Ms : null)),
    stat("p99 time", formatMs(s.timed ? s.p99Ms : null)),
    stat("p50 TTFB", formatMs(s.ttfbP50Ms)),
    stat(
      "busiest host",
      s.busiestHost
        ? `<span title="${escapeHtml(s.busiestHost.host)}">${
          escapeHtml(s.busiestHost.host)
        }</span> <small>${int(s.busiestHost.count)}</small>`
        : "–",
      " wide",
    ),
  ];
  if (s.perDepth.length > 0) {
    parts.push(stat(
      "pages per depth",
      s.perDepth.map((d) => `<small>d${d.depth}</small> ${int(d.pages)}`).join(" · "),
      " wide",
    ));
  }
  return `<div class="stats">${parts.join("")}</div>`;
}
