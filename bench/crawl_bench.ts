/**
 * The steady-state goals of issue 14, measured side by side in one run: greencrawl's CLI and a
 * bare Deno peer, whole processes, alternating which goes first, medians with their spread.
 *
 * ```sh
 * deno task bench:crawl [--only crawl20k,list100k,docs,startup,seen,crawl200k] [--runs N]
 * ```
 *
 * Rows (all on 127.0.0.1, K = 50 workers, the site `bench/site.ts` as a subprocess at 0 ms):
 * - `crawl20k`: a 20,000-page synthetic crawl (10 links a page, ~10 KB pages); greencrawl
 *   (`cli.ts --depth 1000 --format ndjson -q -c 50 --per-host 50 -`) against
 *   `bench/baseline_crawl.ts`. Goals: >= 0.95x its pages/s, <= 1.10x its CPU seconds.
 * - `list100k`: a list of 100,000 distinct URLs; `cli.ts --format ndjson -q -c 50 -` against
 *   `bench/baseline_list.ts` (fetch + `bytes()`, one seed-style line per URL in 32 KiB blocks).
 *   Goals: >= 0.85x its URLs/s, <= 1.2x its CPU seconds. Peak RSS of both is shown.
 * - `docs`: Debian's Python 3 HTML docs (`/usr/share/doc/python3-doc/html`; skipped with a
 *   message when missing) served by the site in static mode. Goals: greencrawl requests every
 *   path bare Deno requests, and >= 0.85x its pages/s.
 * - `startup`: `cli.ts --version` against an empty module (reported, no goal).
 * - `seen`: heap bytes per seen URL of a `CrawlFrontier` fed 100,000 URLs (goal < 200).
 * - `crawl200k` (only when named in `--only`; slow): a 200,000-page crawl, for peak RSS.
 *
 * CPU seconds are user + sys of the crawler process alone and peak RSS its maximum resident
 * set, both from GNU time (`/usr/bin/time`, Debian package `time`); pages/s count the whole
 * process (start-up included). Every run is checked: the site must have answered each page once.
 * `--against DIR` runs the greencrawl checkout in DIR in place of the bare peer (an A/B of a
 * change; goals are not judged then). `--cpu-prof DIR` replaces the timed runs by one run of
 * each crawler under V8's profiler (profiles in DIR; the rows default to `list100k`) and prints
 * where the CPU went, by file and by function. Exit status 1 when a goal is missed.
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { median, readTime, spread, TIME, timeArgs } from "./stats.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WORKERS = 50;
const DOCS = "/usr/share/doc/python3-doc/html";
const SEEN_URLS = 100_000;
const RUN_LIMIT_MS = 600_000;
const decoder = new TextDecoder();

const HELP = `Usage: deno task bench:crawl [options]

greencrawl against bare Deno peers on the loopback site, whole processes, alternating.

Options:
  --only LIST     rows to run, comma-separated: crawl20k, list100k, docs, startup, seen,
                  crawl200k (slow, only when named)   [default: all but crawl200k]
  --runs N        timed pairs per row (crawl20k 5, list100k 3, docs 5, startup 10, crawl200k 1)
  --pages N       pages of the crawl20k row                                [default: 20000]
  --urls N        URLs of the list100k row                                 [default: 100000]
  --against DIR   compare with the greencrawl checkout in DIR instead of the bare peers
  --cpu-prof DIR  instead of timed runs, profile one run of each crawler of the rows
                  (default: list100k) into DIR and print where the CPU went
  -h, --help      show this help
`;

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  only: Set<string>;
  runs: number | undefined;
  pages: number;
  urls: number;
  against: string | undefined;
  cpuProf: string | undefined;
}

const ROWS = ["crawl20k", "list100k", "docs", "startup", "seen", "crawl200k"];

function options(args: string[]): Options | null {
  const { values } = parseArgs({
    args,
    options: {
      only: { type: "string" },
      runs: { type: "string" },
      pages: { type: "string" },
      urls: { type: "string" },
      against: { type: "string" },
      "cpu-prof": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return null;
  const count = (name: string, v: string | undefined, d: number | undefined) => {
    if (v === undefined) return d;
    if (!/^[1-9][0-9]*$/.test(v)) throw new Error(`--${name} needs a positive integer`);
    return Number(v);
  };
  const only = new Set(
    values.only === undefined
      ? (values["cpu-prof"] ? ["list100k"] : ROWS.filter((r) => r !== "crawl200k"))
      : values.only.split(",").map((s) => s.trim()),
  );
  for (const r of only) if (!ROWS.includes(r)) throw new Error(`unknown row ${r}`);
  const against = values.against === undefined
    ? undefined
    : fileURLToPath(new URL(values.against.replace(/\/?$/, "/"), `file://${Deno.cwd()}/`));
  return {
    only,
    runs: count("runs", values.runs, undefined),
    pages: count("pages", values.pages, 20_000)!,
    urls: count("urls", values.urls, 100_000)!,
    against,
    cpuProf: values["cpu-prof"],
  };
}

// ---------------------------------------------------------------------------------------------
// The site

interface Site {
  url: string;
  /** Requests per path (with query) so far. */
  paths(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

async function startSite(args: string[]): Promise<Site> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-read", `${ROOT}bench/site.ts`, ...args],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("bench/site.ts exited before printing its URL");
    text += decoder.decode(value);
  }
  reader.releaseLock();
  const url = text.split("\n")[0].trim();
  return {
    url,
    async paths() {
      const stats = await (await fetch(`${url}/__stats?paths=1`)).json();
      return new Map(Object.entries(stats.paths as Record<string, number>));
    },
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel();
    },
  };
}

/** Paths requested between two `paths()` snapshots, with their counts. */
function requested(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const diff = new Map<string, number>();
  for (const [path, n] of after) {
    const d = n - (before.get(path) ?? 0);
    if (d > 0) diff.set(path, d);
  }
  return diff;
}

// ---------------------------------------------------------------------------------------------
// Measured processes

/** One whole-process run: wall time, CPU of that process only, its peak RSS and its output. */
interface Measured {
  wallS: number;
  cpuS: number;
  rssMiB: number;
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs `deno <args>` under GNU time with `input` on stdin. */
async function measure(args: string[], input: string): Promise<Measured> {
  const child = new Deno.Command(TIME, {
    args: timeArgs([Deno.execPath(), ...args]),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  const started = performance.now();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const limit = setTimeout(() => child.kill("SIGKILL"), RUN_LIMIT_MS); // never hang the bench
  const out = await child.output();
  const wallS = (performance.now() - started) / 1000;
  clearTimeout(limit);
  if (out.signal === "SIGKILL") throw new Error(`deno ${args.join(" ")}: no result in time`);
  const stderr = decoder.decode(out.stderr);
  const timed = readTime(stderr);
  if (!timed) {
    throw new Error(`no GNU time line from deno ${args.join(" ")}: ${stderr.slice(-500)}`);
  }
  return {
    wallS, // from the spawn, stdin written
    cpuS: timed.cpuS,
    rssMiB: timed.rssMiB,
    stdout: decoder.decode(out.stdout),
    stderr: timed.stderr,
    code: out.code,
  };
}

/** A crawler's run: the measurements plus how many pages it fetched. */
interface Run extends Measured {
  pages: number;
}

/**
 * A contender of a row: a name and how to run it once against the site (with `prof`, under
 * `--cpu-prof` writing into that directory).
 */
interface Contender {
  name: string;
  run(site: Site, prof?: string): Promise<Run>;
}

/** `deno run` and, when profiling, V8's CPU profiler flags. */
function denoRun(prof: string | undefined): string[] {
  return ["run", ...(prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : [])];
}

function greencrawlArgs(root: string, extra: string[], prof?: string): string[] {
  return [
    ...denoRun(prof),
    "--allow-net=127.0.0.1",
    "--allow-read",
    `${root}cli.ts`,
    "--format",
    "ndjson",
    "-q",
    "-c",
    String(WORKERS),
    ...extra,
    "-",
  ];
}

/** greencrawl's NDJSON: records, and how many were ok. */
function ndjsonCounts(stdout: string): { records: number; ok: number } {
  let records = 0, ok = 0;
  for (const line of stdout.split("\n")) {
    if (line === "") continue;
    records++;
    if (line.includes('"ok":true')) ok++;
  }
  return { records, ok };
}

const CRAWL_FLAGS = ["--depth", "1000", "--per-host", String(WORKERS), "--max-pages", "1000000"];

/** A greencrawl crawl; `failures`: exit status 1 (some pages failed, e.g. 404) is no error. */
function greencrawlCrawl(root: string, name = "greencrawl", failures = false): Contender {
  return {
    name,
    async run(site, prof) {
      const r = await measure(greencrawlArgs(root, CRAWL_FLAGS, prof), `${site.url}/\n`);
      if (r.code !== 0 && !(failures && r.code === 1)) {
        throw new Error(`${name} exited ${r.code}: ${r.stderr.slice(0, 500)}`);
      }
      return { ...r, pages: ndjsonCounts(r.stdout).records };
    },
  };
}

const bareCrawl: Contender = {
  name: "bare Deno",
  async run(site, prof) {
    const r = await measure([
      ...denoRun(prof),
      "--allow-net=127.0.0.1",
      `${ROOT}bench/baseline_crawl.ts`,
      `${site.url}/`,
      String(WORKERS),
    ], "");
    if (r.code !== 0) throw new Error(`bare Deno crawl exited ${r.code}: ${r.stderr}`);
    return { ...r, pages: JSON.parse(r.stdout).pages };
  },
};

function greencrawlList(root: string, list: string, name = "greencrawl"): Contender {
  return {
    name,
    async run(_site, prof) {
      const r = await measure(greencrawlArgs(root, [], prof), list);
      if (r.code !== 0) throw new Error(`${name} exited ${r.code}: ${r.stderr.slice(0, 500)}`);
      const { records, ok } = ndjsonCounts(r.stdout);
      if (ok !== records) throw new Error(`${name}: ${records - ok} of ${records} URLs failed`);
      return { ...r, pages: records };
    },
  };
}

function bareList(list: string): Contender {
  return {
    name: "bare Deno",
    async run(_site, prof) {
      const r = await measure([
        ...denoRun(prof),
        "--allow-net=127.0.0.1",
        `${ROOT}bench/baseline_list.ts`,
        String(WORKERS),
      ], list);
      if (r.code !== 0) throw new Error(`bare Deno list exited ${r.code}: ${r.stderr}`);
      const lines = r.stdout.split("\n").filter((l) => l !== "");
      if (!lines.every((l) => / bytes received from /.test(l))) {
        throw new Error(
          `bare Deno list: a fetch failed: ${lines.find((l) => / failed: /.test(l))}`,
        );
      }
      return { ...r, pages: lines.length };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics and the table

const fmt = (x: number, digits: number) => x.toFixed(digits);

interface Goal {
  row: string;
  what: string;
  measured: string;
  target: string;
  met: boolean | null; // null: reported only
}

const table: string[] = [];
const goals: Goal[] = [];
const profiles: string[] = [];

/** One row's table lines: each contender's medians, then the ratios of the pairs. */
function report(row: string, runs: Record<string, Run[]>, pair: [Contender, Contender]) {
  const names = [pair[0].name, pair[1].name];
  const [g, b] = names.map((n) => runs[n]);
  for (const [name, rs] of [[names[0], g], [names[1], b]] as const) {
    table.push(
      `| ${row} | ${name} | ${rs.length} | ${median(rs.map((r) => r.pages))} | ` +
        `${spread(rs.map((r) => r.wallS), 2)} | ${spread(rs.map((r) => r.pages / r.wallS), 0)} | ` +
        `${spread(rs.map((r) => r.cpuS), 2)} | ${fmt(Math.max(...rs.map((r) => r.rssMiB)), 0)} |`,
    );
  }
  const rate = median(g.map((r) => r.pages / r.wallS)) / median(b.map((r) => r.pages / r.wallS));
  const cpu = median(g.map((r) => r.cpuS)) / median(b.map((r) => r.cpuS));
  const pairRate = g.map((r, i) => (r.pages / r.wallS) / (b[i].pages / b[i].wallS));
  const pairCpu = g.map((r, i) => r.cpuS / b[i].cpuS);
  return {
    rate,
    cpu,
    rateText: `${fmt(rate, 3)}x (pairs ${fmt(Math.min(...pairRate), 2)}–${
      fmt(Math.max(...pairRate), 2)
    })`,
    cpuText: `${fmt(cpu, 3)}x (pairs ${fmt(Math.min(...pairCpu), 2)}–${
      fmt(Math.max(...pairCpu), 2)
    })`,
  };
}

/** Runs the two contenders `runs` times each, alternating which goes first. */
async function alternate(
  site: Site,
  contenders: [Contender, Contender],
  runs: number,
  check: (c: Contender, run: Run, paths: Map<string, number>) => void,
): Promise<Record<string, Run[]>> {
  const out: Record<string, Run[]> = { [contenders[0].name]: [], [contenders[1].name]: [] };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? contenders : [contenders[1], contenders[0]];
    for (const c of order) {
      const before = await site.paths();
      const run = await c.run(site);
      check(c, run, requested(before, await site.paths()));
      out[c.name].push(run);
      progress(`${c.name} ${run.pages} in ${fmt(run.wallS, 2)} s, ${fmt(run.cpuS, 2)} s CPU`);
    }
  }
  return out;
}

function progress(text: string): void {
  console.error(`bench: ${text}`);
}

// ---------------------------------------------------------------------------------------------
// Rows

/** The pair compared in a row: greencrawl and the bare peer (or the `--against` checkout). */
function pairOf(
  o: Options,
  ours: (root: string, name?: string) => Contender,
  bare: Contender,
): [Contender, Contender] {
  return o.against
    ? [ours(ROOT, "greencrawl (this)"), ours(o.against, "greencrawl (against)")]
    : [ours(ROOT), bare];
}

type Check = (c: Contender, run: Run, paths: Map<string, number>) => void;

/**
 * A row's runs: one warm-up run of each contender (the site builds and caches its pages, its
 * JIT warms up), then `runs` alternated pairs; with `--cpu-prof`, one profiled run of each
 * instead, summarised into `profiles` (and null returned).
 */
async function timed(
  o: Options,
  row: string,
  site: Site,
  pair: [Contender, Contender],
  runs: number,
  check: Check,
): Promise<Record<string, Run[]> | null> {
  progress(`${row}: warm-up`);
  for (const c of pair) await c.run(site);
  if (o.cpuProf === undefined) return await alternate(site, pair, runs, check);
  for (const c of pair) {
    const dir = `${o.cpuProf}/${row}-${c.name.replace(/[^a-z0-9]+/gi, "-")}`;
    const run = await c.run(site, dir);
    const files = [...Deno.readDirSync(dir)].map((e) => `${dir}/${e.name}`).sort();
    const file = files[files.length - 1];
    profiles.push(
      `### ${row}, ${c.name}: ${run.pages} pages in ${fmt(run.wallS, 2)} s, ` +
        `${fmt(run.cpuS, 2)} s CPU (${fmt((run.cpuS / run.pages) * 1e6, 1)} us per page, ` +
        `all threads)\n\n${file}\n`,
      ...summariseProfile(file, run.pages),
      "",
    );
  }
  return null;
}

async function crawlRow(o: Options, row: string, pages: number, runs: number, goal: boolean) {
  const cacheMb = String(Math.ceil((pages * 11_000) / 1024 / 1024) + 64);
  const site = await startSite(["--pages", String(pages), "--cache-mb", cacheMb]);
  try {
    const pair = pairOf(o, greencrawlCrawl, bareCrawl);
    const check: Check = (c, run, paths) => {
      const robots = paths.has("/robots.txt") ? 1 : 0;
      const repeated = [...paths.values()].filter((n) => n > 1).length;
      if (run.pages !== pages || paths.size - robots !== pages || repeated > 0) {
        throw new Error(
          `${c.name}: ${run.pages} pages, ${paths.size - robots} paths requested, ` +
            `${repeated} more than once; want ${pages} once each`,
        );
      }
    };
    const runsOf = await timed(o, row, site, pair, runs, check);
    if (runsOf === null) return;
    const r = report(row, runsOf, pair);
    const judged = !o.against && goal;
    goals.push({
      row,
      what: `pages/s vs ${pair[1].name}`,
      measured: r.rateText,
      target: judged ? ">= 0.95x" : "",
      met: judged ? r.rate >= 0.95 : null,
    });
    goals.push({
      row,
      what: `CPU s vs ${pair[1].name}`,
      measured: r.cpuText,
      target: judged ? "<= 1.10x" : "",
      met: judged ? r.cpu <= 1.10 : null,
    });
    if (row === "crawl200k") peakRss(row, runsOf, pair);
  } finally {
    await site.stop();
  }
}

function peakRss(row: string, runsOf: Record<string, Run[]>, pair: [Contender, Contender]) {
  const rss = (c: Contender) => fmt(Math.max(...runsOf[c.name].map((x) => x.rssMiB)), 0);
  goals.push({
    row,
    what: "peak RSS",
    measured: `${rss(pair[0])} MiB vs ${rss(pair[1])} MiB`,
    target: "",
    met: null,
  });
}

/** The URL list of the list row: `/`, `/p/1` … `/p/N-1` (each distinct, each a 200). */
function urlList(base: string, n: number): string {
  const lines = [`${base}/`];
  for (let i = 1; i < n; i++) lines.push(`${base}/p/${i}`);
  return lines.join("\n") + "\n";
}

async function listRow(o: Options, runs: number) {
  const n = o.urls;
  const cacheMb = String(Math.ceil((n * 11_000) / 1024 / 1024) + 64);
  const site = await startSite(["--pages", String(n), "--cache-mb", cacheMb]);
  try {
    const list = urlList(site.url, n);
    const pair = pairOf(o, (root, name) => greencrawlList(root, list, name), bareList(list));
    const check: Check = (c, run, paths) => {
      const repeated = [...paths.values()].filter((x) => x > 1).length;
      if (run.pages !== n || paths.size !== n || repeated > 0) {
        throw new Error(`${c.name}: ${run.pages} lines, ${paths.size} paths; want ${n} once each`);
      }
    };
    const runsOf = await timed(o, "list100k", site, pair, runs, check);
    if (runsOf === null) return;
    const r = report("list100k", runsOf, pair);
    const judged = !o.against;
    goals.push({
      row: "list100k",
      what: `URLs/s vs ${pair[1].name}`,
      measured: r.rateText,
      target: judged ? ">= 0.85x" : "",
      met: judged ? r.rate >= 0.85 : null,
    });
    goals.push({
      row: "list100k",
      what: `CPU s vs ${pair[1].name}`,
      measured: r.cpuText,
      target: judged ? "<= 1.2x" : "",
      met: judged ? r.cpu <= 1.2 : null,
    });
    peakRss("list100k", runsOf, pair);
  } finally {
    await site.stop();
  }
}

async function docsRow(o: Options, runs: number) {
  try {
    await Deno.stat(`${DOCS}/index.html`);
  } catch {
    table.push(`| docs | skipped: ${DOCS} is missing (apt-get install python3-doc) | | | | | | |`);
    return;
  }
  const site = await startSite(["--static", DOCS]);
  try {
    const crawler = (root: string, name?: string) => greencrawlCrawl(root, name, true);
    const pair = pairOf(o, crawler, bareCrawl);
    const found: Record<string, Set<string>> = {};
    const check: Check = (c, run, paths) => {
      const set = new Set(paths.keys());
      set.delete("/robots.txt");
      run.pages = set.size; // pages/s of what each crawler found
      const first = found[c.name];
      found[c.name] = set;
      if (first && (first.size !== set.size || [...set].some((p) => !first.has(p)))) {
        throw new Error(`${c.name}: a different crawl from one run to the next`);
      }
    };
    const runsOf = await timed(o, "docs", site, pair, runs, check);
    if (runsOf === null) return;
    const r = report("docs", runsOf, pair);
    const ours = found[pair[0].name], theirs = found[pair[1].name];
    const missed = [...theirs].filter((p) => !ours.has(p));
    goals.push({
      row: "docs",
      what: `pages found (${pair[1].name}: ${theirs.size})`,
      measured: `${ours.size}, ${missed.length} of theirs missed` +
        (missed.length ? ` (e.g. ${missed.slice(0, 3).join(", ")})` : ""),
      target: o.against ? "" : "all of bare Deno's",
      met: o.against ? null : missed.length === 0,
    });
    goals.push({
      row: "docs",
      what: `pages/s vs ${pair[1].name}`,
      measured: r.rateText,
      target: o.against ? "" : ">= 0.85x",
      met: o.against ? null : r.rate >= 0.85,
    });
  } finally {
    await site.stop();
  }
}

async function startupRow(runs: number) {
  const versions: Measured[] = [], empties: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    versions.push(await measure(["run", `${ROOT}cli.ts`, "--version"], ""));
    empties.push(await measure(["run", "data:text/javascript,"], ""));
  }
  for (const [name, rs] of [["cli.ts --version", versions], ["empty module", empties]] as const) {
    table.push(
      `| startup | ${name} | ${rs.length} | | ${spread(rs.map((r) => r.wallS * 1000), 0)} ms | | ` +
        `${spread(rs.map((r) => r.cpuS), 2)} | ${fmt(Math.max(...rs.map((r) => r.rssMiB)), 0)} |`,
    );
  }
  const extra = median(versions.map((r) => r.wallS)) - median(empties.map((r) => r.wallS));
  goals.push({
    row: "startup",
    what: "cli.ts --version over an empty module",
    measured: `+${fmt(extra * 1000, 0)} ms`,
    target: "",
    met: null,
  });
}

async function seenRow() {
  const mem = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--v8-flags=--expose-gc",
      "--allow-read",
      fileURLToPath(import.meta.url),
      "--seen-memory",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (mem.code !== 0) throw new Error("the seen-memory subprocess failed");
  const m = JSON.parse(decoder.decode(mem.stdout));
  goals.push({
    row: "seen",
    what: `heap per seen URL (${m.seen.toLocaleString("en")} URLs; ` +
      `${fmt(m.bytesPerUrlQueued, 0)} B with ${m.pending.toLocaleString("en")} queued)`,
    measured: `${fmt(m.bytesPerUrlSeen, 0)} B`,
    target: "< 200 B",
    met: m.bytesPerUrlSeen < 200,
  });
}

// ---------------------------------------------------------------------------------------------
// Memory per seen URL (runs in a subprocess with --expose-gc)

async function seenMemory(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --v8-flags=--expose-gc");
  const { CrawlFrontier } = await import("../crawler/frontier/crawl.ts");
  const { makeScope } = await import("../crawler/url/scope.ts");
  const { canonicalUrl } = await import("../crawler/url/canonical.ts");
  const origin = "https://www.example-shop.com";
  const { blankRecord } = await import("../crawler/record.ts");
  const frontier = new CrawlFrontier({
    seeds: [{ url: `${origin}/`, line: 1 }],
    maxDepth: 10,
    maxPages: SEEN_URLS * 2,
    perHost: 1_000_000,
    delay: 0,
    inScope: makeScope("host"),
  });
  const categories = ["garden", "kitchen", "books", "toys", "tools", "music", "sport", "baby"];
  let made = 0;
  /** 100 new links as the crawler makes them: resolved against the page and canonicalised. */
  const batch = (page: string): string[] => {
    const links: string[] = [];
    for (let i = 0; i < 100 && made < SEEN_URLS; i++, made++) {
      const href = `/catalog/${categories[made % 8]}/item-${made}?colour=red#reviews`;
      links.push(canonicalUrl(new URL(href, page)));
    }
    return links;
  };
  const root = (await frontier.next())!;
  gc();
  gc();
  const before = Deno.memoryUsage().heapUsed;
  frontier.done(root, { record: blankRecord(root.url), links: batch(root.url) });
  while (made < SEEN_URLS) {
    const job = (await frontier.next())!;
    frontier.done(job, { record: blankRecord(job.url), links: batch(job.url) });
  }
  gc();
  gc();
  const queued = Deno.memoryUsage().heapUsed;
  const pending = frontier.pending();
  for (let job = await frontier.next(); job !== null; job = await frontier.next()) {
    frontier.done(job, { record: blankRecord(job.url), links: [] });
  }
  gc();
  gc();
  const seenOnly = Deno.memoryUsage().heapUsed;
  const seen = (await frontier.seen()) - 1; // the seed was seen before `before`
  console.log(JSON.stringify({
    seen,
    pending,
    bytesPerUrlQueued: (queued - before) / seen,
    bytesPerUrlSeen: (seenOnly - before) / seen,
  }));
}

// ---------------------------------------------------------------------------------------------
// CPU profiles

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Self time by file and by function of a `.cpuprofile`, as Markdown lines. */
function summariseProfile(file: string, pages: number): string[] {
  const p = JSON.parse(Deno.readTextFileSync(file)) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const byFile = new Map<string, number>(), byFunction = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const us = p.timeDeltas[i] ?? 0;
    const { functionName, url, lineNumber } = byId.get(p.samples[i])!.callFrame;
    const where = url !== ""
      ? url.replace(`file://${ROOT}`, "").replace(/^.*\/node_modules\//, "npm:")
      : functionName.startsWith("(")
      ? functionName
      : `(${functionName || "native"})`;
    const name = url === "" ? where : `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
    byFile.set(where, (byFile.get(where) ?? 0) + us);
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    total += us;
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) =>
      `| ${k.replaceAll("|", "\\|")} | ${fmt(us / 1e6, 2)} | ${fmt(us / pages, 1)} |`
    );
  return [
    `Main thread sampled ${fmt(total / 1e6, 2)} s (${fmt(total / pages, 1)} us per page; ` +
    `"(idle)" is waiting)\n`,
    "| file | self s | us per page |",
    "| ---- | ------ | ----------- |",
    ...top(byFile, 15),
    "",
    "| function | self s | us per page |",
    "| -------- | ------ | ----------- |",
    ...top(byFunction, 30),
  ];
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  let o: Options | null;
  try {
    o = options(Deno.args);
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : error}\n${HELP}`);
    return 2;
  }
  if (o === null) {
    console.log(HELP);
    return 0;
  }
  try {
    await Deno.stat(TIME);
  } catch {
    console.error(`bench: needs GNU time at ${TIME} (apt-get install time)`);
    return 2;
  }
  const runs = (d: number) => o.runs ?? d;
  if (o.only.has("crawl20k")) await crawlRow(o, "crawl20k", o.pages, runs(5), true);
  if (o.only.has("list100k")) await listRow(o, runs(3));
  if (o.only.has("docs")) await docsRow(o, runs(5));
  if (o.only.has("crawl200k")) await crawlRow(o, "crawl200k", 200_000, runs(1), false);
  if (o.only.has("startup")) await startupRow(runs(10));
  if (o.only.has("seen")) await seenRow();

  console.log(`## bench:crawl, K = ${WORKERS}, 0 ms latency (median [min–max] of the runs)\n`);
  if (table.length > 0) {
    console.log("| row | crawler | runs | pages | wall s | pages/s | CPU s | peak RSS MiB |");
    console.log("| --- | ------- | ---- | ----- | ------ | ------- | ----- | ------------ |");
    for (const line of table) console.log(line);
    console.log();
  }
  let failed = false;
  if (goals.length > 0) {
    console.log("| row | measure | greencrawl | goal | verdict |");
    console.log("| --- | ------- | ---------- | ---- | ------- |");
    for (const g of goals) {
      if (g.met === false) failed = true;
      const verdict = g.met === null ? "reported" : g.met ? "met" : "MISSED";
      console.log(`| ${g.row} | ${g.what} | ${g.measured} | ${g.target} | ${verdict} |`);
    }
  }
  if (profiles.length > 0) {
    console.log(`\n## CPU profiles (self time)\n`);
    for (const line of profiles) console.log(line);
  }
  return failed ? 1 : 0;
}

if (import.meta.main) {
  if (Deno.args[0] === "--seen-memory") await seenMemory();
  else Deno.exit(await main());
}
