/**
 * `--report` and `--sweep` end to end, plus the sweep module (crawler/sweep.ts) on its own.
 *
 * The CLI runs as a subprocess against the latency fixture server in this process; the reports
 * it writes are parsed back (the packed data blob: runs, labels, rows). The browser side of the
 * report is tests/report_browser_test.ts.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env
 *      tests/report_cli_test.ts
 */
import { fileURLToPath } from "node:url";
import type { PackedReport } from "../crawler/report/pack.ts";
import type { RunSummary } from "../crawler/run/stats.ts";
import { formatSweep, sweep, type SweepResult } from "../crawler/measure/sweep.ts";
import { assert, assertEquals, test } from "./assert.ts";
import { startLatencyServer } from "./fixtures/latency_server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Permissions of a run: the local server and the list; `writing` adds the report file. */
const READING = ["--allow-net=127.0.0.1", "--allow-read"];
const writing = (path: string) => [...READING, `--allow-write=${path}`];

async function runCli(args: string[], perms: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", ...perms, "cli.ts", ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** The packed data blob of a report file. */
async function reportData(path: string): Promise<{ html: string; data: PackedReport }> {
  const html = await Deno.readTextFile(path);
  const m = html.match(
    /<script type="application\/json" id="greencrawl-data">([\s\S]*?)<\/script>/,
  );
  assert(m, "data blob present");
  return { html, data: JSON.parse(m[1]) };
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "greencrawl_report_cli_test_" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function summary(wallMs: number, urls: number): RunSummary {
  return {
    urls,
    ok: urls,
    failed: 0,
    bytes: 0,
    wallMs,
    sumTimeMs: 0,
    overlap: 0,
    rps: urls / (wallMs / 1000),
    p50Ms: 100,
    p90Ms: 120,
    p99Ms: 130,
    byError: {},
    byStatus: { "2xx": urls, "3xx": 0, "4xx": 0, "5xx": 0, other: 0, none: 0 },
    busiestHost: null,
  };
}

function level(n: number, wallMs: number, knee = false): SweepResult {
  const speedup = 3200 / wallMs;
  return {
    concurrency: n,
    summary: summary(wallMs, 32),
    speedup,
    efficiency: speedup / n,
    knee,
    records: [],
  };
}

test("formatSweep: one row per N, the knee marked and explained", () => {
  const table = formatSweep([
    level(1, 3200),
    level(2, 1600),
    level(4, 800),
    level(8, 430, true),
    level(16, 410),
  ]);
  const lines = table.split("\n");
  assertEquals(
    lines[0],
    " N  wall s  req/s  p50 s  p90 s  speedup vs N=1  efficiency",
  );
  assertEquals(lines[1], " 1   3.200  10.00  0.100  0.120           1.00x        100%");
  assertEquals(lines[4], " 8   0.430  74.42  0.100  0.120           7.44x         93%  <- knee");
  assert(!lines[5].includes("knee"), lines[5]);
  assertEquals(
    lines[6],
    "knee: N=8, the smallest N reaching 90% of the best throughput (78.05 req/s at N=16); more workers stop paying",
  );
  const last = formatSweep([level(1, 3200), level(2, 1600, true)]).split("\n").at(-1)!;
  assert(last.includes("it is the largest N tried, so more workers may still pay"), last);
  assertEquals(formatSweep([]), "no sweep runs");
});

Deno.test("sweep: levels sorted and unique, speedup against the smallest N, one knee", async () => {
  await using server = await startLatencyServer({ latencyMs: 60 });
  const urls = Array.from({ length: 16 }, (_, i) => `${server.url}/p${i}`);
  const labels: string[] = [];
  const results = await sweep(urls, [8, 2, 4, 2], { onRun: (l) => labels.push(l) });
  assertEquals(results.map((r) => r.concurrency), [2, 4, 8]);
  assertEquals(labels, ["N=2", "N=4", "N=8"]);
  assertEquals(results[0].speedup, 1);
  assertEquals(results[0].efficiency, 1);
  for (const r of results) {
    assertEquals(r.summary.urls, 16);
    assertEquals(r.records.length, 0, "records are not kept by default");
    assert(Math.abs(r.efficiency - r.speedup / (r.concurrency / 2)) < 1e-9);
  }
  assert(results[2].speedup > 2.5, `8 workers vs 2: ${results[2].speedup}`);
  assertEquals(results.filter((r) => r.knee).length, 1);
  const kept = await sweep(urls.slice(0, 3), [1], { keepRecords: true });
  assertEquals(kept[0].records.length, 3);
});

Deno.test("CLI --sweep --report: the table on stdout, the chart and one run per N in the file", async () => {
  await using server = await startLatencyServer({ latencyMs: 80 });
  await withDir(async (dir) => {
    const list = `${dir}/urls.txt`;
    await Deno.writeTextFile(list, urls(server.url, 8).join("\n"));
    const report = `${dir}/sweep.html`;
    const run = await runCli(["--sweep", "4,1,2", "--report", report, list], writing(report));
    assertEquals(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    assertEquals(lines[0].trim().split(/\s{2,}/), [
      "N",
      "wall s",
      "req/s",
      "p50 s",
      "p90 s",
      "speedup vs N=1",
      "efficiency",
    ]);
    assertEquals(lines.slice(1, 4).map((l) => l.trim().split(/\s+/)[0]), ["1", "2", "4"]);
    assertEquals(lines.filter((l) => l.endsWith("<- knee")).length, 1);
    assert(lines[4].startsWith("knee: N="), lines[4]);
    assert(run.stderr.includes("sweeping 8 URLs in concurrent mode at N = 1, 2, 4"), run.stderr);
    const { html, data } = await reportData(report);
    assert(html.includes("Concurrency sweep") && html.includes("knee: N = "), "sweep chart");
    assertEquals(data.runs.map((r) => r.label), ["N=1", "N=2", "N=4"]);
    assertEquals(data.runs.map((r) => r.cols.url.length), [8, 8, 8]);
    assertEquals(data.runs.map((r) => r.concurrency), [1, 2, 4]);
  });
});

Deno.test("CLI --compare --report: the three modes stacked in one file", async () => {
  await using server = await startLatencyServer({ latencyMs: 40 });
  await withDir(async (dir) => {
    const list = `${dir}/urls.txt`;
    await Deno.writeTextFile(list, urls(server.url, 6).join("\n"));
    const report = `${dir}/compare.html`;
    const run = await runCli(["-c", "3", "--compare", "--report", report, list], writing(report));
    assertEquals(run.code, 0, run.stderr);
    assert(run.stdout.startsWith("mode "), run.stdout);
    const { html, data } = await reportData(report);
    assertEquals(data.runs.map((r) => r.label), ["sequential", "blocking", "concurrent"]);
    assertEquals(data.runs.map((r) => r.cols.url.length), [6, 6, 6]);
    assertEquals(data.runs.map((r) => r.concurrency), [1, 3, 3]);
    assert(html.includes("Wall time, one scale"), "compare panel");
    assert(html.includes("<title>greencrawl: 6 URLs, three ways</title>"), "title");
  });
});

Deno.test("CLI --report: list and crawl runs, one row per record; stdout unchanged", async () => {
  await using server = await startLatencyServer({ latencyMs: 10 });
  await withDir(async (dir) => {
    const list = `${dir}/urls.txt`;
    await Deno.writeTextFile(list, [...urls(server.url, 4), "not a url"].join("\n"));
    const report = `${dir}/run.html`;
    const perms = writing(report);
    for (const extra of [["--mode", "sequential"], ["--depth", "1"]]) {
      const args = ["--format", "ndjson", ...extra, list];
      const run = await runCli(["--report", report, ...args], perms);
      assertEquals(run.code, 1, run.stderr); // the invalid line
      const records = run.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
      assertEquals(records.length, 5);
      const { data } = await reportData(report);
      assertEquals(data.runs.length, 1);
      assertEquals(data.runs[0].label, extra[0] === "--depth" ? "crawl, depth 1" : "sequential");
      assertEquals(data.runs[0].cols.url.length, 5);
      const plain = await runCli(args, READING);
      assertEquals(plain.stdout.split("\n").length, run.stdout.split("\n").length);
    }
  });
});

Deno.test("CLI --report: no write permission or a bad path fails at once with exit 2", async () => {
  await withDir(async (dir) => {
    const list = `${dir}/urls.txt`;
    await Deno.writeTextFile(list, "http://127.0.0.1:9/never\n");
    const denied = await runCli(["--report", `${dir}/r.html`, list], READING);
    assertEquals(denied.code, 2, denied.stderr);
    assert(denied.stderr.startsWith(`greencrawl: cannot write ${dir}/r.html`), denied.stderr);
    assertEquals(denied.stdout, "", "nothing was fetched");
    const missing = `${dir}/no/such/dir/r.html`;
    const bad = await runCli(["--report", missing, list], writing(dir));
    assertEquals(bad.code, 2, bad.stderr);
    assert(bad.stderr.startsWith(`greencrawl: cannot write ${missing}`), bad.stderr);
    for (const args of [["--sweep", "1,2", "--compare"], ["--sweep", "0,2"], ["--report", ""]]) {
      const usage = await runCli([...args, list], ["--allow-read"]);
      assertEquals(usage.code, 2, `${args.join(" ")}: ${usage.stderr}`);
      assertEquals(usage.stderr.split("\n").length, 2, usage.stderr);
    }
  });
});

function urls(base: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${base}/page-${i}`);
}
