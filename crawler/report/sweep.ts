/**
 * The concurrency-sweep chart: throughput and wall time against the number of workers N, with
 * the knee marked. Static SVG built from numbers only.
 * @module
 */

import { formatMs } from "../format/units.ts";
import { findKnee } from "./stats.ts";
import type { SweepPoint } from "./types.ts";

const W = 900, H = 300, ML = 62, MR = 72, MT = 40, MB = 46;

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = v / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

const fmtRps = (r: number): string =>
  r >= 100 ? Math.round(r).toLocaleString("en-US") : r.toFixed(r >= 10 ? 1 : 2);
/** A tick value with as few decimals as it needs (25, 2.5, 0.25). */
function fmtTick(v: number): string {
  for (let d = 0; d < 3; d++) {
    if (Math.abs(Number(v.toFixed(d)) - v) < 1e-9 * Math.max(1, Math.abs(v))) {
      return Number(v.toFixed(d)).toLocaleString("en-US", { maximumFractionDigits: d });
    }
  }
  return v.toFixed(3);
}

/** Wall-time ticks: ms below 2 s, seconds above. */
const fmtTickMs = (ms: number, top: number): string =>
  ms === 0 ? "0" : top >= 2000 ? `${fmtTick(ms / 1000)} s` : `${fmtTick(ms)} ms`;

const fmtNum = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/**
 * Renders the sweep chart as an `<svg>` inside a card section; an empty string for no points.
 * The x axis is logarithmic when N spans a factor of 4 or more (1, 2, 4, 8…), linear otherwise.
 * The knee is the smallest N that reaches 90 % of the best throughput ({@linkcode findKnee}).
 *
 * @example
 * ```ts
 * import { renderSweep } from "./sweep.ts";
 * const html = renderSweep([
 *   { concurrency: 1, wallMs: 800, rps: 10 },
 *   { concurrency: 8, wallMs: 205, rps: 39 },
 * ]);
 * ```
 */
export function renderSweep(sweep: readonly SweepPoint[]): string {
  const pts = sweep
    .filter((p) =>
      Number.isFinite(p.concurrency) && Number.isFinite(p.rps) && Number.isFinite(p.wallMs)
    )
    .slice()
    .sort((a, b) => a.concurrency - b.concurrency);
  if (pts.length === 0) return "";
  const knee = findKnee(pts);
  const nMin = pts[0].concurrency, nMax = pts[pts.length - 1].concurrency;
  const log = nMin > 0 && nMax / nMin >= 4;
  const fx = (n: number): number => {
    if (nMax === nMin) return ML + (W - ML - MR) / 2;
    const f = log ? Math.log(n / nMin) / Math.log(nMax / nMin) : (n - nMin) / (nMax - nMin);
    return ML + f * (W - ML - MR);
  };
  const rpsTop = niceMax(Math.max(...pts.map((p) => p.rps)) * 1.08);
  const wallTop = niceMax(Math.max(...pts.map((p) => p.wallMs)) * 1.08);
  const fyR = (r: number) => MT + (1 - r / rpsTop) * (H - MT - MB);
  const fyW = (w: number) => MT + (1 - w / wallTop) * (H - MT - MB);
  const f1 = (v: number) => v.toFixed(1);
  const out: string[] = [];
  out.push(
    `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="throughput and wall time against concurrency">`,
  );
  // grid + left/right ticks
  for (let k = 0; k <= 4; k++) {
    const y = MT + (k / 4) * (H - MT - MB);
    out.push(
      `<line x1="${ML}" x2="${W - MR}" y1="${f1(y)}" y2="${f1(y)}" stroke="#edf0f4"/>`,
      `<text x="${ML - 8}" y="${f1(y + 4)}" text-anchor="end">${
        fmtTick(rpsTop * (1 - k / 4))
      }</text>`,
      `<text x="${W - MR + 8}" y="${f1(y + 4)}">${
        fmtTickMs(wallTop * (1 - k / 4), wallTop)
      }</text>`,
    );
  }
  // x ticks: every point, thinned when crowded
  const every = Math.max(1, Math.ceil(pts.length / 14));
  pts.forEach((p, i) => {
    if (i % every !== 0 && i !== pts.length - 1) return;
    const x = fx(p.concurrency);
    out.push(
      `<line x1="${f1(x)}" x2="${f1(x)}" y1="${H - MB}" y2="${H - MB + 5}" stroke="#9aa3b2"/>`,
      `<text x="${f1(x)}" y="${H - MB + 18}" text-anchor="middle">${fmtNum(p.concurrency)}</text>`,
    );
  });
  out.push(
    `<line x1="${ML}" x2="${W - MR}" y1="${H - MB}" y2="${H - MB}" stroke="#9aa3b2"/>`,
    `<text x="${(ML + W - MR) / 2}" y="${H - 6}" text-anchor="middle">concurrency N (workers${
      log ? ", log scale" : ""
    })</text>`,
    `<text x="14" y="${(MT + H - MB) / 2}" transform="rotate(-90 14 ${
      (MT + H - MB) / 2
    })" text-anchor="middle" fill="#3b6fb6">requests / s</text>`,
    `<text x="${W - 12}" y="${(MT + H - MB) / 2}" transform="rotate(90 ${W - 12} ${
      (MT + H - MB) / 2
    })" text-anchor="middle" fill="#e07b00">wall time</text>`,
  );
  if (knee) {
    const x = fx(knee.concurrency);
    const best = Math.max(...pts.map((p) => p.rps));
    const label = `knee: N = ${fmtNum(knee.concurrency)} reaches ${
      Math.round((knee.rps / best) * 100)
    }% of peak ${fmtRps(best)} req/s`;
    const anchor = x > W * 0.62 ? "end" : "start";
    out.push(
      `<line x1="${f1(x)}" x2="${f1(x)}" y1="${MT - 6}" y2="${
        H - MB
      }" stroke="#1f9d6b" stroke-width="1.5" stroke-dasharray="5 4"/>`,
      `<text class="knee" x="${f1(anchor === "end" ? x - 6 : x + 6)}" y="${
        MT - 10
      }" text-anchor="${anchor}" style="fill:#1f6f4a;font-weight:600">${label}</text>`,
    );
  }
  const path = (fy: (v: number) => number, key: "rps" | "wallMs") =>
    pts.map((p, i) => `${i ? "L" : "M"}${f1(fx(p.concurrency))},${f1(fy(p[key]))}`).join("");
  out.push(
    `<path d="${
      path(fyW, "wallMs")
    }" fill="none" stroke="#e07b00" stroke-width="2" stroke-dasharray="6 4"/>`,
    `<path d="${path(fyR, "rps")}" fill="none" stroke="#3b6fb6" stroke-width="2.5"/>`,
  );
  for (const p of pts) {
    const x = f1(fx(p.concurrency));
    const tip = `<title>N = ${fmtNum(p.concurrency)}: ${fmtRps(p.rps)} req/s, wall ${
      formatMs(p.wallMs)
    }</title>`;
    out.push(
      `<circle cx="${x}" cy="${
        f1(fyW(p.wallMs))
      }" r="3.5" fill="#fff" stroke="#e07b00" stroke-width="2">${tip}</circle>`,
      `<circle cx="${x}" cy="${f1(fyR(p.rps))}" r="${p === knee ? 6 : 4}" fill="${
        p === knee ? "#1f9d6b" : "#3b6fb6"
      }" stroke="#fff" stroke-width="1.5">${tip}</circle>`,
    );
  }
  out.push(
    `<g transform="translate(${ML},14)"><line x1="0" x2="22" y1="0" y2="0" stroke="#3b6fb6" stroke-width="2.5"/><text x="28" y="4">throughput (req/s, left)</text>`,
    `<line x1="200" x2="222" y1="0" y2="0" stroke="#e07b00" stroke-width="2" stroke-dasharray="6 4"/><text x="228" y="4">wall time (right)</text></g>`,
    `</svg>`,
  );
  return `<section class="card sweep">
<h2>Concurrency sweep</h2>
<div class="sub" style="margin-bottom:6px">The same URLs fetched with N workers. Throughput climbs while workers overlap their waits, then flattens: past the knee, more workers stop paying.</div>
${out.join("\n")}
</section>`;
}
