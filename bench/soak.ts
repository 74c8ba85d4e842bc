/**
 * Soak: greencrawl's CLI against a flaky web of faults (`tests/fixtures/flaky_server.ts`: resets
 * before and during the body, hangs, slow drips, truncated chunked bodies, a Content-Length longer
 * than the body, 500/502/503, 429 with Retry-After, redirect chains, loops and hops to other
 * hosts, huge bodies, gzip bombs, binary bodies, good pages), mixed at random with a fixed seed.
 *
 * 1. A URL list (default 100,000 lines) with `--timeout 2 --retries 1 -c 100 --max-bytes 1MiB
 *    --format ndjson -o FILE`: every input line gives exactly one record (by line number), of
 *    the kind its fault must give.
 * 2. A crawl through the same faults (default about 50,000 URLs, `--scope any --allow-private`):
 *    every discoverable URL gives exactly one record, nothing twice, nothing else.
 *
 * For both: the crawler's RSS is sampled from `/proc/<pid>/status` as the output file grows (VmRSS
 * every `--every` records, peak VmHWM) and must stay <= `--max-rss` MB; every record must end
 * within what its timeouts, hops and retries allow, and the run within the list-scheduling bound
 * of those (sum / workers + longest); no connection may be left open once the crawler has exited.
 * Prints a table; exits 1 on any failure.
 *
 * Run: `deno task soak` (about 10 minutes); `deno task soak --urls 2000 --pages 1000` for a short
 * one; `--v8-flags=--max-semi-space-size=8` runs the crawler with a smaller young generation
 * (see `bench/RESULTS.md`, "Soak").
 * @module
 */
import { parseArgs } from "node:util";
import {
  discoverable,
  type Fault,
  flakyList,
  type FlakyWeb,
  startFlakyServer,
} from "../tests/fixtures/flaky_server.ts";
import { gzipBomb } from "../tests/fixtures/fault_server.ts";
import type { FetchRecord } from "../crawler/record.ts";
import { canonicalUrl } from "../crawler/url/canonical.ts";

/** Settings of a soak run. */
export interface SoakOptions {
  /** Lines of the URL list. */
  urls: number;
  /** About how many URLs the crawl discovers (0: no crawl). */
  pages: number;
  /** Workers (`-c`). */
  concurrency: number;
  /** `--timeout`, seconds. */
  timeout: number;
  /** `--retries`. */
  retries: number;
  /** Largest peak RSS allowed, MB. */
  maxRssMb: number;
  /** Sample RSS every this many records. */
  every: number;
  /** Seed of every random choice. */
  seed: number;
  /** Hosts (servers on other loopback ports). */
  hosts: number;
  /** `--v8-flags` for the crawler's process (e.g. `--max-semi-space-size=8`), or "" for none. */
  v8Flags: string;
  /** Progress lines go here. */
  log: (line: string) => void;
}

/** What one phase measured and found. */
export interface PhaseResult {
  /** "list" or "crawl". */
  phase: string;
  /** Records written. */
  records: number;
  /** Records expected (job lines, or discoverable URLs). */
  expected: number;
  /** Expected records that never came. */
  lost: number;
  /** Records that came twice or more (extra copies), or for nothing expected. */
  extra: number;
  /** Records of the wrong kind for their fault. */
  wrong: number;
  /** Records that took longer than their timeouts and retries allow. */
  late: number;
  /** Wall time of the crawler process, seconds. */
  wallS: number;
  /** Longest wall time the timeouts and retries allow, seconds. */
  boundS: number;
  /** VmRSS (MB) when the output reached each multiple of `every` records. */
  rssMb: number[];
  /** Peak RSS (VmHWM), MB. */
  peakMb: number;
  /** Connections still open after the crawler exited. */
  openAtEnd: number;
  /** Exit code of the crawler. */
  code: number;
  /** Records by fault: count and how many were as expected. */
  kinds: Map<string, { count: number; expected: number }>;
  /** What went wrong (empty: the phase passed). */
  failures: string[];
}

const MiB = 1024 * 1024;
const ROOT = new URL("..", import.meta.url).pathname;

/** Worst time a record may take: its attempts, each up to the timeout per hop, and the waits. */
function recordBoundMs(r: FetchRecord, o: SoakOptions): number {
  const attempts = Math.max(1, r.attempts);
  // A retry waits the backoff (base 0.5 s, at most its step) or Retry-After (1 s here).
  const waits = (attempts - 1) * 1000;
  return attempts * (r.redirects + 1) * o.timeout * 1000 + waits + 1000; // + 1 s of slack
}

/**
 * A field of `/proc/<pid>/status`, bytes; null once the process is gone. Read with `cat`: Deno
 * asks for `--allow-all` to read another process's `/proc` files.
 */
async function vm(pid: number, field: "VmRSS" | "VmHWM"): Promise<number | null> {
  const { stdout } = await new Deno.Command("cat", {
    args: [`/proc/${pid}/status`],
    stdout: "piped",
    stderr: "null",
  }).output();
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(new TextDecoder().decode(stdout));
  return m ? Number(m[1]) * 1024 : null;
}

/** Runs cli.ts, sampling its RSS as `out` grows; returns its records, wall time and samples. */
async function runCli(
  args: string[],
  out: string,
  o: SoakOptions,
  dir: string,
): Promise<
  { records: FetchRecord[]; wallS: number; rssMb: number[]; peakMb: number; code: number }
> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...(o.v8Flags ? [`--v8-flags=${o.v8Flags}`] : []),
      "--allow-net=127.0.0.1",
      `--allow-read=${dir}`,
      `--allow-write=${out}`,
      `${ROOT}cli.ts`,
      ...args,
      "--timeout",
      `${o.timeout}`,
      "--retries",
      `${o.retries}`,
      "-c",
      `${o.concurrency}`,
      "--max-bytes",
      "1MiB",
      "--format",
      "ndjson",
      "-o",
      out,
      "-q",
    ],
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const result = child.output();
  let exited = false;
  result.finally(() => exited = true);
  const rssMb: number[] = [];
  let peak = 0;
  let lines = 0;
  let offset = 0;
  const buffer = new Uint8Array(MiB);
  while (!exited) {
    await new Promise((r) => setTimeout(r, 100));
    const hwm = await vm(child.pid, "VmHWM");
    if (hwm !== null) peak = Math.max(peak, hwm);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(out);
    } catch {
      continue; // not created yet
    }
    try {
      await file.seek(offset, Deno.SeekMode.Start);
      for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
        offset += n;
        for (let i = 0; i < n; i++) {
          if (buffer[i] !== 0x0a) continue;
          lines++;
          if (lines % o.every === 0) {
            const rss = await vm(child.pid, "VmRSS");
            if (rss !== null) rssMb.push(rss / MiB);
          }
        }
      }
    } finally {
      file.close();
    }
  }
  const { code, stderr } = await result;
  const wallS = (performance.now() - started) / 1000;
  const text = await Deno.readTextFile(out);
  const records = text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
  const errors = new TextDecoder().decode(stderr).trim();
  if (errors) o.log(`  stderr: ${errors.slice(0, 500)}`);
  return { records, wallS, rssMb, peakMb: peak / MiB, code };
}

/** Connections open on the web, after waiting up to 2 s for closes to be seen. */
async function openAfter(web: FlakyWeb): Promise<number> {
  for (let i = 0; i < 40 && web.openConnections() > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return web.openConnections();
}

function judge(
  phase: string,
  run: Awaited<ReturnType<typeof runCli>>,
  expected: Map<string | number, Fault>,
  keyOf: (r: FetchRecord) => string | number | null,
  o: SoakOptions,
  openAtEnd: number,
): PhaseResult {
  const kinds = new Map<string, { count: number; expected: number }>();
  const seen = new Map<string | number, number>();
  const failures: string[] = [];
  const examples = (what: string, r: FetchRecord) => {
    if (failures.length < 12) failures.push(`${what}: ${JSON.stringify(r).slice(0, 400)}`);
  };
  let extra = 0, wrong = 0, late = 0, boundSum = 0, boundMax = 0;
  for (const r of run.records) {
    const key = keyOf(r);
    const fault = key === null ? undefined : expected.get(key);
    seen.set(key ?? "?", (seen.get(key ?? "?") ?? 0) + 1);
    if (fault === undefined || seen.get(key!)! > 1) {
      extra++;
      examples(fault === undefined ? "unexpected record" : "second record", r);
      continue;
    }
    const k = kinds.get(fault.name) ?? { count: 0, expected: 0 };
    k.count++;
    if (fault.expect(r)) k.expected++;
    else {
      wrong++;
      examples(`not what ${fault.name} must give`, r);
    }
    kinds.set(fault.name, k);
    const bound = recordBoundMs(r, o);
    boundSum += bound;
    boundMax = Math.max(boundMax, bound);
    if (r.timeMs > bound) {
      late++;
      examples(`took ${r.timeMs} ms, bound ${bound} ms`, r);
    }
  }
  let lost = 0;
  for (const [key, fault] of expected) {
    if (fault.name === "comment-or-blank" || seen.has(key)) continue;
    lost++;
    if (failures.length < 12) failures.push(`no record for ${key} (${fault.name})`);
  }
  const expectedCount = [...expected.values()].filter((f) => f.name !== "comment-or-blank").length;
  // List scheduling: no worker idles while work is left, so the run ends by sum / c + longest.
  const boundS = (boundSum / o.concurrency + boundMax) / 1000 + 10; // + start-up and output
  const peakMb = run.peakMb;
  if (lost > 0) failures.push(`${lost} records lost`);
  if (extra > 0) failures.push(`${extra} records extra or twice`);
  if (wrong > 0) failures.push(`${wrong} records of the wrong kind`);
  if (late > 0) failures.push(`${late} records later than their bound`);
  if (run.wallS > boundS) {
    failures.push(`run took ${run.wallS.toFixed(1)} s > ${boundS.toFixed(1)} s`);
  }
  if (peakMb > o.maxRssMb) failures.push(`peak RSS ${peakMb.toFixed(0)} MB > ${o.maxRssMb} MB`);
  if (openAtEnd > 0) failures.push(`${openAtEnd} connections still open`);
  if (run.code !== 0 && run.code !== 1) failures.push(`exit code ${run.code}`);
  return {
    phase,
    records: run.records.length,
    expected: expectedCount,
    lost,
    extra,
    wrong,
    late,
    wallS: run.wallS,
    boundS,
    rssMb: run.rssMb,
    peakMb,
    openAtEnd,
    code: run.code,
    kinds,
    failures,
  };
}

/**
 * Runs the soak (list, then crawl) and returns what each phase found.
 *
 * @example
 * ```ts ignore
 * const [list] = await soak({ ...SOAK_DEFAULTS, urls: 2000, pages: 0 });
 * console.log(list.failures); // []
 * ```
 */
export async function soak(o: SoakOptions): Promise<PhaseResult[]> {
  await gzipBomb(); // compressed once, before anything is timed
  const dir = await Deno.makeTempDir({ prefix: "greencrawl_soak_" });
  const results: PhaseResult[] = [];
  try {
    if (o.urls > 0) {
      await using web = await startFlakyServer({ seed: o.seed, hosts: o.hosts, pages: 1000 });
      const list = flakyList(o.seed, o.urls, web.origins);
      const input = `${dir}/urls.txt`;
      await Deno.writeTextFile(input, list.lines.join("\n") + "\n");
      o.log(`list: ${o.urls} lines on ${o.hosts} hosts`);
      const run = await runCli([input], `${dir}/list.ndjson`, o, dir);
      const expected = new Map<number, Fault>(list.kinds.map((k, i) => [i + 1, k]));
      results.push(judge("list", run, expected, (r) => r.line, o, await openAfter(web)));
    }
    if (o.pages > 0) {
      // Pages per host for about `o.pages` URLs: a page has two fault links, some shared.
      let perHost = Math.ceil(o.pages / (o.hosts * 3));
      const size = (pages: number) =>
        startFlakyServer({ seed: o.seed, hosts: o.hosts, pages }).then(async (web) => {
          const n = discoverable(web).size;
          await web.close();
          return n;
        });
      perHost = Math.ceil(perHost * o.pages / await size(perHost));
      await using web = await startFlakyServer({ seed: o.seed, hosts: o.hosts, pages: perHost });
      const expected = new Map<string, Fault>();
      for (const [url, fault] of discoverable(web)) expected.set(canonicalUrl(url), fault);
      const seeds = `${dir}/seeds.txt`;
      await Deno.writeTextFile(seeds, web.origins.map((o) => `${o}/page/0\n`).join(""));
      o.log(`crawl: ${expected.size} discoverable URLs on ${o.hosts} hosts`);
      const run = await runCli(
        [
          seeds,
          "--depth",
          "1000",
          "--scope",
          "any",
          "--allow-private",
          "--max-pages",
          `${expected.size * 2}`,
          "--per-host",
          `${Math.ceil(o.concurrency / o.hosts)}`,
        ],
        `${dir}/crawl.ndjson`,
        o,
        dir,
      );
      results.push(judge("crawl", run, expected, (r) => r.url, o, await openAfter(web)));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return results;
}

/** The defaults of `deno task soak`. */
export const SOAK_DEFAULTS: SoakOptions = {
  urls: 100_000,
  pages: 50_000,
  concurrency: 100,
  timeout: 2,
  retries: 1,
  maxRssMb: 150,
  every: 10_000,
  seed: 18,
  hosts: 3,
  v8Flags: "",
  log: (line) => console.error(line),
};

/** The results as a table (one row per phase) and the records by fault. */
export function formatSoak(results: PhaseResult[], o: SoakOptions): string {
  const rows = [
    [
      "phase",
      "records",
      "expected",
      "lost",
      "extra",
      "wrong",
      "late",
      "wall s",
      "bound s",
      "peak MB",
      `RSS MB every ${o.every} records`,
      "growth MB",
      "open",
    ],
    ...results.map((r) => [
      r.phase,
      `${r.records}`,
      `${r.expected}`,
      `${r.lost}`,
      `${r.extra}`,
      `${r.wrong}`,
      `${r.late}`,
      r.wallS.toFixed(1),
      r.boundS.toFixed(0),
      r.peakMb.toFixed(0),
      r.rssMb.map((x) => x.toFixed(0)).join(" ") || "-",
      // after the first sample: the last sample minus the first
      r.rssMb.length > 1 ? (r.rssMb[r.rssMb.length - 1] - r.rssMb[0]).toFixed(0) : "-",
      `${r.openAtEnd}`,
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const table = rows.map((row) => row.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
  const names = [...new Set(results.flatMap((r) => [...r.kinds.keys()]))];
  const kinds = names.map((name) =>
    `${name.padEnd(20)} ` +
    results.map((r) => {
      const k = r.kinds.get(name);
      return `${r.phase} ${k ? `${k.expected}/${k.count}` : "-"}`.padEnd(20);
    }).join("")
  );
  const failures = results.flatMap((r) => r.failures.map((f) => `${r.phase}: ${f}`));
  return [
    ...table,
    "",
    "records as their fault must give, by fault:",
    ...kinds,
    ...(failures.length ? ["", "FAILURES:", ...failures] : ["", "all checks passed"]),
  ].join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      urls: { type: "string" },
      pages: { type: "string" },
      concurrency: { type: "string", short: "c" },
      seed: { type: "string" },
      "max-rss": { type: "string" },
      every: { type: "string" },
      "v8-flags": { type: "string" },
    },
  });
  const num = (v: string | undefined, d: number) => v === undefined ? d : Number(v);
  const o: SoakOptions = {
    ...SOAK_DEFAULTS,
    urls: num(values.urls, SOAK_DEFAULTS.urls),
    pages: num(values.pages, SOAK_DEFAULTS.pages),
    concurrency: num(values.concurrency, SOAK_DEFAULTS.concurrency),
    seed: num(values.seed, SOAK_DEFAULTS.seed),
    maxRssMb: num(values["max-rss"], SOAK_DEFAULTS.maxRssMb),
    every: num(values.every, SOAK_DEFAULTS.every),
    v8Flags: values["v8-flags"] ?? SOAK_DEFAULTS.v8Flags,
  };
  const results = await soak(o);
  console.log(formatSoak(results, o));
  if (results.some((r) => r.failures.length > 0)) Deno.exit(1);
}
