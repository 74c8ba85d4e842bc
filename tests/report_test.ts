/**
 * Pure tests of the HTML waterfall report (crawler/report_html.ts): structure, numbers,
 * injection safety and size. No browser; tests/report_browser_test.ts opens the page for real.
 *
 * Run: deno test tests/report_test.ts
 */

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { blankRecord, type FetchRecord } from "../crawler/record.ts";
import { renderReport, type ReportRun } from "../crawler/report/mod.ts";
import { percentile, RunStats } from "../crawler/run/stats.ts";
import { asRuns } from "../crawler/report/render.ts";
import { CLIENT_JS } from "../crawler/report/client.ts";
import { cleanText, escapeHtml, jsonForScript } from "../crawler/report/escape.ts";
import type { PackedReport } from "../crawler/report/pack.ts";
import { findKnee, outcomeOf, speedups, summarizeRun } from "../crawler/report/stats.ts";

function record(over: Partial<FetchRecord> = {}): FetchRecord {
  return {
    ...blankRecord("https://example.test/"),
    finalUrl: "https://example.test/",
    status: 200,
    ok: true,
    bytes: 1000,
    timeMs: 50,
    ttfbMs: 20,
    contentType: "text/html; charset=utf-8",
    title: "Example",
    attempts: 1,
    worker: 0,
    line: 1,
    ...over,
  };
}

/** `n` records fetched by `workers` workers, each taking the next URL when it is free. */
function synthetic(
  n: number,
  workers: number,
  seed = 1,
): { records: FetchRecord[]; wallMs: number } {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const free = new Array(workers).fill(0);
  const records: FetchRecord[] = [];
  for (let i = 0; i < n; i++) {
    const w = free.indexOf(Math.min(...free));
    const startMs = free[w];
    const ttfbMs = 5 + rand() * 120;
    const timeMs = ttfbMs + rand() * 60;
    const roll = rand();
    const failed = roll < 0.03
      ? "http"
      : roll < 0.045
      ? "network"
      : roll < 0.055
      ? "timeout"
      : null;
    records.push(record({
      url: `https://host${i % 7}.example.test/section-${i % 13}/page-${i}.html?ref=synthetic`,
      status: failed === "http" ? 503 : failed ? null : 200,
      ok: failed === null,
      ttfbMs: failed === "network" || failed === "timeout" ? null : ttfbMs,
      timeMs,
      startMs,
      queueMs: startMs,
      bytes: failed ? 0 : Math.round(rand() * 40_000),
      worker: w,
      title: failed ? null : `Page ${i}`,
      error: failed === null ? null : {
        code: failed,
        message: failed === "http" ? "HTTP 503 Service Unavailable" : `${failed} error`,
      },
    }));
    free[w] = startMs + timeMs;
  }
  return { records, wallMs: Math.max(...free) };
}

/** The packed data blob of a rendered report. */
function dataOf(html: string): PackedReport {
  const m = html.match(
    /<script type="application\/json" id="greencrawl-data">([\s\S]*?)<\/script>/,
  );
  ok(m, "data blob present");
  return JSON.parse(m[1]);
}

Deno.test("report: one data row per record, runs labelled, speedup against sequential", () => {
  const a = synthetic(30, 1, 1), b = synthetic(30, 1, 2), c = synthetic(30, 6, 3);
  const runs: ReportRun[] = [
    { label: "blocking", concurrency: 1, wallMs: 1200, records: b.records },
    { label: "sequential", concurrency: 1, wallMs: 1000, records: a.records },
    { label: "concurrent", concurrency: 6, wallMs: 250, records: c.records.slice(0, 25) },
  ];
  const html = renderReport(runs, {
    title: "compare",
    generatedAt: new Date("2025-01-02T03:04:05Z"),
  });
  const data = dataOf(html);
  deepStrictEqual(data.runs.map((r) => r.label), ["blocking", "sequential", "concurrent"]);
  deepStrictEqual(data.runs.map((r) => r.cols.url.length), [30, 30, 25]);
  for (const run of data.runs) {
    for (const col of Object.values(run.cols)) strictEqual(col.length, run.cols.url.length);
  }
  // rows are sorted by start time
  const starts = data.runs[2].cols.start;
  ok(starts.every((s, i) => i === 0 || starts[i - 1] <= s));
  // speedup: sequential is the baseline even when it is not first
  deepStrictEqual(data.runs.map((r) => r.speedup), [1000 / 1200, 1, 4]);
  strictEqual((html.match(/<section class="card run" data-run="\d+">/g) ?? []).length, 3);
  ok(html.includes("4.0× faster than sequential"));
  ok(html.includes("1.2× slower than sequential"));
  ok(html.includes("Wall time, one scale"));
  ok(html.includes("generated 2025-01-02 03:04:05 UTC"));
  // shared time axis covers the longest run
  ok(data.tMax >= 1200);
});

Deno.test("report: speedups without a sequential run use the first run", () => {
  deepStrictEqual(speedups([{ label: "c=1", wallMs: 800 }, { label: "c=8", wallMs: 100 }]), [1, 8]);
  deepStrictEqual(speedups([{ label: "a", wallMs: 0 }, { label: "b", wallMs: 0 }]), [null, null]);
  deepStrictEqual(speedups([]), []);
  // an empty first run is no baseline
  deepStrictEqual(
    speedups([{ label: "empty", wallMs: 0 }, { label: "b", wallMs: 10 }, {
      label: "c",
      wallMs: 5,
    }]),
    [null, 1, 2],
  );
});

Deno.test("report: percentiles are nearest-rank", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted on purpose
  strictEqual(percentile(hundred, 50), 50);
  strictEqual(percentile(hundred, 90), 90);
  strictEqual(percentile(hundred, 99), 99);
  strictEqual(percentile(hundred, 100), 100);
  strictEqual(percentile([10, 20, 30, 40], 50), 20);
  strictEqual(percentile([10, 20, 30, 40], 90), 40);
  strictEqual(percentile([7], 99), 7);
  strictEqual(percentile([], 50), null);
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  strictEqual(percentile(ten, 99), 10);
  strictEqual(percentile(ten, 90), 9);
});

Deno.test("report: summary totals, rps, busiest host, pages per depth", () => {
  const records = [
    record({ url: "https://a.test/1", timeMs: 10, bytes: 100 }),
    record({ url: "https://b.test/1", timeMs: 20, bytes: 200, depth: 1 }),
    record({ url: "https://b.test/2", timeMs: 30, bytes: 300, depth: 1 }),
    record({
      url: "https://b.test/3",
      timeMs: 40,
      status: 404,
      ok: false,
      depth: 2,
      error: { code: "http", message: "HTTP 404" },
    }),
    record({
      url: "https://c.test/",
      timeMs: 50,
      status: null,
      ttfbMs: null,
      ok: false,
      bytes: 0,
      error: { code: "timeout", message: "no response within 2 s" },
    }),
    record({
      url: "not a url",
      timeMs: 0,
      status: null,
      ttfbMs: null,
      ok: false,
      bytes: 0,
      worker: null,
      error: { code: "invalid-url", message: "not an absolute http(s) URL" },
    }),
  ];
  const s = summarizeRun({ label: "crawl", concurrency: 4, wallMs: 500, records });
  strictEqual(s.urls, 6);
  strictEqual(s.ok, 3);
  strictEqual(s.failed, 3);
  strictEqual(s.http, 1);
  strictEqual(s.timeout, 1);
  strictEqual(s.network, 1);
  strictEqual(s.bytes, 600 + 1000);
  strictEqual(s.rps, 12);
  strictEqual(s.p50Ms, 20);
  strictEqual(s.p90Ms, 50);
  strictEqual(s.workers, 1);
  deepStrictEqual(s.busiestHost, { host: "b.test", count: 3 });
  deepStrictEqual(s.perDepth, [{ depth: 0, pages: 3 }, { depth: 1, pages: 2 }, {
    depth: 2,
    pages: 1,
  }]);
  // not a crawl: no per-depth table
  strictEqual(
    summarizeRun({ label: "x", concurrency: 1, wallMs: 1, records: [record()] })
      .perDepth.length,
    0,
  );
  const html = renderReport([{ label: "crawl", concurrency: 4, wallMs: 500, records }]);
  ok(html.includes("pages per depth"));
  ok(html.includes("b.test"));
});

Deno.test("report: a run's own summary is shown as given; only the extras come from records", () => {
  const records = [
    record({ url: "https://a.test/1", timeMs: 10, ttfbMs: 4, worker: 0 }),
    record({
      url: "https://b.test/1",
      timeMs: 30,
      ttfbMs: null,
      status: null,
      ok: false,
      bytes: 0,
      worker: 1,
      error: { code: "timeout", message: "no response within 1 s" },
    }),
  ];
  // the run's RunStats also saw a record the caller did not keep for the report
  const stats = new RunStats();
  for (const r of records) stats.add(r);
  stats.add(record({ url: "https://c.test/", timeMs: 70, bytes: 5000, worker: 2 }));
  const summary = stats.summary(400);
  const run: ReportRun = { label: "cli", concurrency: 3, wallMs: 400, records, summary };

  const s = summarizeRun(run);
  strictEqual(s.urls, 3);
  strictEqual(s.ok, 2);
  strictEqual(s.bytes, 1000 + 0 + 5000);
  strictEqual(s.p99Ms, 70);
  strictEqual(s.rps, 3 / 0.4);
  deepStrictEqual(s.busiestHost, summary.busiestHost);
  // report-only extras: from the records it was given
  strictEqual(s.timeout, 1);
  strictEqual(s.workers, 2);
  strictEqual(s.ttfbP50Ms, 4);
  const html = renderReport([run]);
  ok(html.includes(`<div class="k">URLs</div><div class="v">3</div>`), "the page shows 3 URLs");
  ok(html.includes(`<div class="k">p99 time</div><div class="v">70 ms</div>`));

  // without a summary the same records give their own totals
  const bare = summarizeRun({ ...run, summary: undefined });
  strictEqual(bare.urls, 2);
  strictEqual(bare.p99Ms, 30);
  ok(renderReport(records).includes(`<div class="k">URLs</div><div class="v">2</div>`));
});

Deno.test("report: outcome classes ok / http / network / timeout", () => {
  strictEqual(outcomeOf(record()), "ok");
  strictEqual(
    outcomeOf(record({ ok: false, status: 500, error: { code: "http", message: "" } })),
    "http",
  );
  strictEqual(
    outcomeOf(record({ ok: false, status: null, error: { code: "timeout", message: "" } })),
    "timeout",
  );
  strictEqual(
    outcomeOf(record({ ok: false, status: null, error: { code: "network", message: "" } })),
    "network",
  );
  strictEqual(
    outcomeOf(record({ ok: false, status: 200, error: { code: "too-large", message: "" } })),
    "network",
  );
  const html = renderReport([
    record(),
    record({ ok: false, status: 500, error: { code: "http", message: "x" } }),
    record({ ok: false, status: null, error: { code: "network", message: "x" } }),
    record({ ok: false, status: null, error: { code: "timeout", message: "x" } }),
  ]);
  const data = dataOf(html);
  deepStrictEqual(data.outcomes, ["ok", "http", "network", "timeout"]);
  deepStrictEqual(data.runs[0].cols.outcome, [0, 1, 2, 3]);
});

Deno.test("report: bare records become one run; empty input renders", () => {
  const runs = asRuns([record({ startMs: 10, timeMs: 30, worker: 0 }), record({ worker: 1 })]);
  strictEqual(runs.length, 1);
  strictEqual(runs[0].label, "run");
  strictEqual(runs[0].wallMs, 50);
  strictEqual(runs[0].concurrency, 2);
  const empty = renderReport([]);
  ok(empty.includes("No runs to show."));
  strictEqual(dataOf(empty).runs.length, 0);
  const noRecords = renderReport([{ label: "none", concurrency: 1, wallMs: 0, records: [] }]);
  ok(noRecords.includes("No records in this run."));
});

Deno.test("report: sweep chart marks the knee", () => {
  const sweep = [
    { concurrency: 1, wallMs: 2400, rps: 10 },
    { concurrency: 2, wallMs: 1250, rps: 19.2 },
    { concurrency: 4, wallMs: 700, rps: 34 },
    { concurrency: 8, wallMs: 520, rps: 46 },
    { concurrency: 16, wallMs: 500, rps: 48 },
    { concurrency: 32, wallMs: 505, rps: 47.5 },
  ];
  strictEqual(findKnee(sweep)?.concurrency, 8);
  strictEqual(findKnee(sweep, 0.5)?.concurrency, 4);
  strictEqual(findKnee([]), null);
  const html = renderReport([record()], { sweep });
  ok(html.includes("Concurrency sweep"));
  ok(html.includes("knee: N = 8 reaches 96% of peak 48.0 req/s"));
  ok(html.includes("log scale"));
  ok(!renderReport([record()]).includes("Concurrency sweep"));
});

const EVIL_URL =
  "https://evil.test/</script><script>alert(1)</script>?q=<img src=x onerror=alert(2)>";

Deno.test("report: network text cannot inject HTML or script", () => {
  const html = renderReport([{
    label: "<b onmouseover=alert(3)>run</b>",
    concurrency: 1,
    wallMs: 10,
    records: [
      record({
        url: EVIL_URL,
        finalUrl: "https://evil.test/\u2028</SCRIPT >",
        title: "<script>alert(4)</script>\u001b[31mred\u0007",
        contentType: "text/html\r\n<script>",
        error: { code: "http", message: "</script><!-- <script>alert(5)</script>" },
        ok: false,
        status: 500,
      }),
      record({ url: "https://xn--evil.test/<!--<script>" }),
    ],
  }], { title: "</title><script>alert(6)</script>" });
  // exactly the page's own two scripts: the data blob and the nonce'd client
  strictEqual((html.match(/<script/gi) ?? []).length, 2);
  strictEqual((html.match(/<\/script/gi) ?? []).length, 2);
  ok(!/<img/i.test(html));
  ok(!/<b on/i.test(html));
  ok(!html.includes("<!--"));
  ok(!html.includes("\u001b") && !html.includes("\u0007") && !html.includes("\u2028"));
  ok(html.includes("&lt;/title&gt;&lt;script&gt;alert(6)&lt;/script&gt;"));
  ok(html.includes("&lt;b onmouseover=alert(3)&gt;run&lt;/b&gt;"));
  // the data still carries the text intact (minus control characters) for the tooltip
  const data = dataOf(html);
  ok(data.strings.includes(EVIL_URL));
  ok(data.strings.includes("<script>alert(4)</script>red"));
  ok(data.strings.includes("</script><!-- <script>alert(5)</script>"));
  // CSP: nothing may load, only the nonce'd script runs
  const csp = html.match(/Content-Security-Policy" content="([^"]*)"/)?.[1] ?? "";
  ok(csp.includes("default-src 'none'"));
  const nonce = csp.match(/'nonce-([A-Za-z0-9]+)'/)?.[1];
  ok(nonce && nonce.length >= 16);
  ok(html.includes(`<script nonce="${nonce}">`));
  // no external references at all
  ok(
    !/\b(?:src|href)\s*=/i.test(
      html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, ""),
    ),
  );
  const css = html.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? "";
  ok(css.length > 0 && !/@import|url\(|@font-face/i.test(css));
});

Deno.test("report: bad numbers do not break the time axis", () => {
  const data = dataOf(renderReport([
    record({ startMs: Number.NaN, timeMs: 30 }),
    record({ startMs: -5, timeMs: Number.POSITIVE_INFINITY, ttfbMs: Number.NaN }),
    record({ startMs: 10, timeMs: 40 }),
  ]));
  strictEqual(data.tMax, 50);
  deepStrictEqual(data.runs[0].cols.start, [0, 0, 10]);
  deepStrictEqual(data.runs[0].cols.time, [30, 0, 40]);
  deepStrictEqual(data.runs[0].cols.ttfb, [20, 0, 20]);
});

Deno.test("report: escape helpers", () => {
  strictEqual(
    escapeHtml(`<a href="x" title='y'>&`),
    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;",
  );
  strictEqual(cleanText("a\u0000b\nc"), "ab c");
  strictEqual(cleanText("abcdef", 4), "abc…");
  const tricky = { s: "</script><!--\u2028\u2029&" };
  const json = jsonForScript(tricky);
  ok(!/[<>&\u2028\u2029]/.test(json));
  deepStrictEqual(JSON.parse(json), tricky);
});

Deno.test("report: the client script parses", () => {
  new Function(CLIENT_JS);
  ok(!CLIENT_JS.includes("innerHTML"), "the client never writes HTML");
});

Deno.test("report: 10,000 records stay under 5 MB", () => {
  const { records, wallMs } = synthetic(10_000, 64);
  const t0 = performance.now();
  const html = renderReport([{ label: "c=64", concurrency: 64, wallMs, records }], {
    generatedAt: new Date(0),
  });
  const ms = performance.now() - t0;
  const bytes = new TextEncoder().encode(html).length;
  console.log(
    `10,000-record report: ${(bytes / 1e6).toFixed(2)} MB, rendered in ${ms.toFixed(0)} ms`,
  );
  ok(bytes < 5_000_000, `${bytes} bytes`);
  strictEqual(dataOf(html).runs[0].cols.url.length, 10_000);
  // very long URLs are capped so the file stays bounded
  const long = Array.from(
    { length: 10_000 },
    (_, i) =>
      record({ url: `https://long.test/${i}/${"x".repeat(5000)}`, title: "t".repeat(5000) }),
  );
  const big = new TextEncoder().encode(renderReport(long)).length;
  ok(big < 6_000_000, `${big} bytes for 10,000 5 kB URLs`);
});
