/**
 * The shared crawl's benchmark (issue 16): greencrawl processes crawling one site through Redis,
 * against the in-memory crawl.
 *
 * ```sh
 * deno task bench:redis                      # scaling (3 rounds) and memory (200,000 pages)
 * deno task bench:redis --only scaling --runs 1
 * ```
 *
 * Scaling: `bench/site.ts --pages 20000 --latency-ms 50`, `--per-host 200`; the in-memory crawl
 * and one `--frontier redis://` process at `-c 100`, then 1, 2 and 4 processes at `-c 25` each.
 * Rounds are interleaved; the table gives medians (and the range). Pages/s is pages over the
 * wall time from the first process's start to the last one's end. Memory: a 200,000-page crawl
 * through Redis by two processes at `-c 25`; each process's peak RSS (GNU time's `%M`).
 * Every crawler runs under `/usr/bin/time`; Redis (`redis-server`) and the site (served by this
 * process) are started here on free loopback ports and stopped at the end. The report goes to stdout, progress to stderr.
 * @module
 */
import { parseArgs } from "node:util";
import { startRedis } from "./redis_server.ts";
import { startSite } from "./site.ts";
import { median, readTime, TIME, timeArgs } from "./stats.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const CLI = `${ROOT}cli.ts`;
/** The crawlers' permissions, and the benchmarks' configuration (their lock, not the root's). */
const CRAWLER_PERMISSIONS = [
  "--config",
  `${ROOT}bench/deno.json`,
  "--allow-net=127.0.0.1",
  "--allow-read",
  "--allow-write",
  "--allow-env=REDIS_DEBUG_MAINTENANCE,REDIS_EMIT_DIAGNOSTICS",
  "--allow-sys=hostname",
];

interface Options {
  pages: number;
  latencyMs: number;
  runs: number;
  bigPages: number;
  only: "scaling" | "memory" | undefined;
  v8Flags: string | undefined;
}

function options(): Options {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      pages: { type: "string", default: "20000" },
      "latency-ms": { type: "string", default: "50" },
      runs: { type: "string", default: "3" },
      "big-pages": { type: "string", default: "200000" },
      only: { type: "string" },
      "v8-flags": { type: "string" },
    },
  });
  if (values.only !== undefined && values.only !== "scaling" && values.only !== "memory") {
    throw new Error(`--only must be scaling or memory, got ${values.only}`);
  }
  return {
    pages: Number(values.pages),
    latencyMs: Number(values["latency-ms"]),
    runs: Number(values.runs),
    bigPages: Number(values["big-pages"]),
    only: values.only as Options["only"],
    v8Flags: values["v8-flags"],
  };
}

/** One crawler process's measurements. */
interface Proc {
  wallS: number;
  cpuS: number;
  rssMb: number;
  records: number;
}

/** A scenario's run: its processes, and the wall time of all of them together. */
interface Run {
  procs: Proc[];
  wallS: number;
  pages: number;
  distinct: number;
}

/** The site, served by this process (which only waits while the crawlers run). */
async function serveSite(pages: number, latencyMs: number) {
  const site = await startSite({ pages, latencyMs, keepLog: false });
  return { url: site.url, stop: () => site.close() };
}

/** Runs `count` crawler processes at once; each writes its records to its own file. */
async function crawlWith(
  dir: string,
  seedFile: string,
  count: number,
  args: string[],
  v8Flags: string | undefined,
): Promise<Run> {
  const started = performance.now();
  const procs = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const out = `${dir}/out${i}.ndjson`;
      const child = new Deno.Command(TIME, {
        args: timeArgs([
          Deno.execPath(),
          "run",
          ...(v8Flags ? [`--v8-flags=${v8Flags}`] : []),
          ...CRAWLER_PERMISSIONS,
          CLI,
          ...args,
          "--format",
          "ndjson",
          "-q",
          "-o",
          out,
          seedFile,
        ]),
        env: { DENO_NO_UPDATE_CHECK: "1" },
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const { code, stderr } = await child.output();
      const text = new TextDecoder().decode(stderr);
      const timed = readTime(text);
      if (code !== 0 || !timed) throw new Error(`crawler ${i} failed (exit ${code}): ${text}`);
      const urls = (await Deno.readTextFile(out)).split("\n").filter((l) => l !== "")
        .map((l) => JSON.parse(l).url as string);
      return {
        proc: {
          wallS: timed.wallS,
          cpuS: timed.cpuS,
          rssMb: timed.rssMiB,
          records: urls.length,
        },
        urls,
      };
    }),
  );
  const wallS = (performance.now() - started) / 1000;
  const all = procs.flatMap((p) => p.urls);
  return {
    procs: procs.map((p) => p.proc),
    wallS,
    pages: all.length,
    distinct: new Set(all).size,
  };
}

const fix = (n: number, d = 0) => n.toFixed(d);

async function main(): Promise<void> {
  const o = options();
  const redis = await startRedis();
  const dir = await Deno.makeTempDir({ prefix: "greencrawl-redis-bench-" });
  const log = (text: string) => console.error(`[redis_bench] ${text}`);
  let crawlNo = 0;
  const shared = (concurrency: number) => [
    "--frontier",
    redis.url,
    "--crawl-id",
    `bench-${++crawlNo}`,
    "-c",
    `${concurrency}`,
  ];
  const common = ["--depth", "1000", "--max-pages", "10000000", "--per-host", "200"];
  const lines: string[] = [];
  try {
    if (o.only !== "memory") {
      const site = await serveSite(o.pages, o.latencyMs);
      const seed = `${dir}/seed.txt`;
      await Deno.writeTextFile(seed, `${site.url}/\n`);
      try {
        log(`warming the site (${o.pages} pages)`);
        await crawlWith(dir, seed, 1, [...common, "-c", "100"], o.v8Flags);
        const scenarios: [string, () => Promise<Run>][] = [
          [
            "in-memory, 1 process, -c 100",
            () => crawlWith(dir, seed, 1, [...common, "-c", "100"], o.v8Flags),
          ],
          [
            "redis, 1 process, -c 100",
            () => crawlWith(dir, seed, 1, [...common, ...shared(100)], o.v8Flags),
          ],
          [
            "redis, 1 process, -c 25",
            () => crawlWith(dir, seed, 1, [...common, ...shared(25)], o.v8Flags),
          ],
          [
            "redis, 2 processes, -c 25 each",
            () => crawlWith(dir, seed, 2, [...common, ...shared(25)], o.v8Flags),
          ],
          [
            "redis, 4 processes, -c 25 each",
            () => crawlWith(dir, seed, 4, [...common, ...shared(25)], o.v8Flags),
          ],
        ];
        const results = new Map<string, Run[]>(scenarios.map(([name]) => [name, []]));
        for (let round = 1; round <= o.runs; round++) {
          for (const [name, run] of scenarios) {
            log(`round ${round}/${o.runs}: ${name}`);
            const r = await run();
            if (r.distinct !== o.pages || r.pages !== o.pages) {
              log(`  warning: ${r.pages} records, ${r.distinct} distinct pages of ${o.pages}`);
            }
            log(`  ${fix(r.wallS, 1)} s, ${fix(r.pages / r.wallS)} pages/s`);
            results.get(name)!.push(r);
          }
        }
        const rate = (name: string) => median(results.get(name)!.map((r) => r.pages / r.wallS));
        lines.push(
          `### Scaling: ${o.pages} pages at ${o.latencyMs} ms, --per-host 200, ${o.runs} rounds`,
          "",
          "| scenario | pages/s (median) | range | x one redis process at -c 25 | wall s | CPU s per process | peak RSS MB per process | records / distinct |",
          "| --- | --: | --: | --: | --: | --: | --: | --: |",
        );
        const base = rate("redis, 1 process, -c 25");
        for (const [name, runs] of results) {
          const rates = runs.map((r) => r.pages / r.wallS);
          const procs = runs.flatMap((r) => r.procs);
          lines.push(
            `| ${name} | ${fix(rate(name))} | ${fix(Math.min(...rates))}–${
              fix(Math.max(...rates))
            } | ${(rate(name) / base).toFixed(2)} | ${fix(median(runs.map((r) => r.wallS)), 1)} | ${
              fix(median(procs.map((p) => p.cpuS)), 1)
            } | ${fix(Math.max(...procs.map((p) => p.rssMb)))} | ${runs.at(-1)!.pages} / ${
              runs.at(-1)!.distinct
            } |`,
          );
        }
        lines.push(
          "",
          `- 2 processes: ${(rate("redis, 2 processes, -c 25 each") / base).toFixed(2)}x one ` +
            `(goal 1.8x); 4: ${(rate("redis, 4 processes, -c 25 each") / base).toFixed(2)}x ` +
            `(goal 3.2x); redis at -c 100: ${
              (rate("in-memory, 1 process, -c 100") / rate("redis, 1 process, -c 100")).toFixed(2)
            }x the in-memory crawl's time (goal 1.2x)`,
          "",
        );
      } finally {
        await site.stop();
      }
    }
    if (o.only !== "scaling") {
      const site = await serveSite(o.bigPages, o.latencyMs);
      const seed = `${dir}/seed-big.txt`;
      await Deno.writeTextFile(seed, `${site.url}/\n`);
      try {
        log(`memory: ${o.bigPages} pages through Redis, 2 processes at -c 25`);
        const r = await crawlWith(dir, seed, 2, [...common, ...shared(25)], o.v8Flags);
        lines.push(
          `### Memory: ${o.bigPages} pages through Redis, 2 processes at -c 25, ${o.latencyMs} ms`,
          "",
          "| process | records | wall s | CPU s | peak RSS MB |",
          "| --- | --: | --: | --: | --: |",
          ...r.procs.map((p, i) =>
            `| ${i + 1} | ${p.records} | ${fix(p.wallS, 1)} | ${fix(p.cpuS, 1)} | ${fix(p.rssMb)} |`
          ),
          "",
          `- ${r.pages} records, ${r.distinct} distinct pages; goal: each process <= 120 MB`,
          "",
        );
      } finally {
        await site.stop();
      }
    }
  } finally {
    await redis.stop();
    await Deno.remove(dir, { recursive: true });
  }
  const flags = o.v8Flags ? ` with \`--v8-flags=${o.v8Flags}\`` : "";
  console.log(`crawler processes${flags}\n\n${lines.join("\n")}`);
}

if (import.meta.main) await main();
