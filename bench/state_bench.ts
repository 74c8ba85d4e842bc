/**
 * `--state` (issue 15): what keeping the crawl on disk costs in speed, what it saves in memory,
 * and how fast a large state resumes.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env bench/state_bench.ts [--quick]
 * ```
 *
 * - Speed: the test site (`bench/site.ts`, 20,000 pages, 10 links, ~10 KB, 0 ms) served by this
 *   process, while each crawler runs as its own: `cli.ts --depth 1000 --format ndjson -q -c 50
 *   --per-host 50 -o FILE` in memory and with `--state`, each with V8's defaults and with the
 *   lean heap flags (`LEAN`, the README's "Memory"), RUNS times each in rotating order after one
 *   warm-up of each. Pages/s is judged on the crawl time (the latest `startMs + timeMs` of the records, no
 *   Deno start-up); CPU is user + sys of the crawler process (`/usr/bin/time`). Medians, with
 *   min–max.
 * - Memory: a 200,000-page site (2 KB pages), crawled in memory (V8's defaults, `LEAN`) and with
 *   `--state` (V8's defaults, the young generation capped (`SMALL`), `LEAN`); peak RSS of each.
 *   `--quick` skips this part (it takes minutes).
 * - Resume: one more crawl with `--state` is killed (SIGKILL) half-way, when its state holds about
 *   200,000 URLs, and rerun: the time from the rerun's spawn to its first request at the site,
 *   next to the same for a fresh crawl (both include Deno's start-up).
 *
 * Goals (exit 1 when one is missed): `--state` >= 0.8x the in-memory pages/s (default flags);
 * peak RSS <= 150 MB for 200,000 pages with `--state` (judged on the best configuration, all are
 * printed); resume start-up < 1 s.
 * @module
 */
import { fileURLToPath } from "node:url";
import { type RunningSite, startSite } from "./site.ts";
import { median, readTime, spread, TIME, timeArgs } from "./stats.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNS = 5;
const PAGES = 20_000;
const BIG = 200_000;
const GOAL_RATIO = 0.8;
const GOAL_RSS_MIB = 150;
const GOAL_RESUME_S = 1;
/**
 * A 4 MiB young generation instead of V8's default, which grows to ~56 MiB of RSS under a crawl's
 * allocation rate: the crawler's short-lived objects need no more, and its CPU stays the same.
 */
const SMALL = "--v8-flags=--max-semi-space-size=4";
/**
 * `SMALL` plus a 1 GiB old-generation limit (V8's default here is 4 GiB): under 2 GiB V8 grows
 * the old generation by a smaller factor of what is live after a full collection (about 1.5x
 * instead of 4x). What the README recommends for long and large runs.
 */
const LEAN = "--v8-flags=--max-semi-space-size=4,--max-old-space-size=1024";
const decoder = new TextDecoder();

interface Run {
  pages: number;
  crawlS: number;
  cpuS: number;
  rssMiB: number;
}

/** The crawler's `deno` arguments: in `dir`, with the least permissions, `-o` there. */
function crawlerArgs(
  site: RunningSite,
  dir: string,
  state: boolean,
  flags: string[] = [],
): string[] {
  return [
    "run",
    ...flags,
    "--allow-net=127.0.0.1",
    `--allow-read=${dir}`,
    `--allow-write=${dir}`,
    `${ROOT}cli.ts`,
    ...["--depth", "1000", "--max-pages", "1000000", "--format", "ndjson", "-q"],
    ...["-c", "50", "--per-host", "50", "-o", `${dir}/out.ndjson`],
    ...(state ? ["--state", `${dir}/state.db`] : []),
    `${site.url}/`,
  ];
}

async function crawlOnce(site: RunningSite, state: boolean, flags: string[] = []): Promise<Run> {
  const dir = await Deno.makeTempDir({ prefix: "greencrawl_state_bench_" });
  try {
    const out = await new Deno.Command(TIME, {
      args: timeArgs([Deno.execPath(), ...crawlerArgs(site, dir, state, flags)]),
      env: { DENO_NO_UPDATE_CHECK: "1" },
      stdout: "null",
      stderr: "piped",
    }).output();
    const stderr = decoder.decode(out.stderr);
    const timed = readTime(stderr);
    if (out.code !== 0 || !timed) throw new Error(`crawler exited ${out.code}: ${stderr}`);
    let pages = 0, crawlMs = 0;
    for (const line of (await Deno.readTextFile(`${dir}/out.ndjson`)).split("\n")) {
      if (line === "") continue;
      const r = JSON.parse(line);
      pages++;
      crawlMs = Math.max(crawlMs, r.startMs + r.timeMs);
    }
    return {
      pages,
      crawlS: crawlMs / 1000,
      cpuS: timed.cpuS,
      rssMiB: timed.rssMiB,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Seconds from spawning the crawler to the site's next request. */
async function toFirstRequest(site: RunningSite, args: string[]): Promise<{
  seconds: number;
  child: Deno.ChildProcess;
}> {
  const before = site.stats().requests;
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: args.filter((a) => a !== "-q"), // deno itself, to kill it; the resume line
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  while (site.stats().requests === before) await new Promise((ok) => setTimeout(ok, 2));
  return { seconds: (performance.now() - started) / 1000, child };
}

async function speed(): Promise<{ rows: string[]; ratio: number }> {
  const site = await startSite({ pages: PAGES, keepLog: false });
  const variants = [
    { label: "in memory", state: false, flags: [] as string[] },
    { label: "--state", state: true, flags: [] as string[] },
    { label: `in memory, ${LEAN}`, state: false, flags: [LEAN] },
    { label: `--state, ${LEAN}`, state: true, flags: [LEAN] },
  ];
  try {
    for (const v of variants) await crawlOnce(site, v.state, v.flags); // warm-up
    const runs: Run[][] = variants.map(() => []);
    for (let i = 0; i < RUNS; i++) {
      for (let k = 0; k < variants.length; k++) {
        const j = (i + k) % variants.length; // each variant takes each place in turn
        const run = await crawlOnce(site, variants[j].state, variants[j].flags);
        if (run.pages !== PAGES) throw new Error(`${variants[j].label}: ${run.pages} pages`);
        runs[j].push(run);
      }
    }
    const rows = variants.map(({ label }, j) => {
      const rs = runs[j];
      return `| ${label} | ${spread(rs.map((r) => PAGES / r.crawlS), 0)} | ${
        spread(rs.map((r) => r.crawlS), 2)
      } s | ${spread(rs.map((r) => r.cpuS), 2)} s | ${
        Math.max(...rs.map((r) => r.rssMiB)).toFixed(0)
      } MiB |`;
    });
    const pps = (rs: Run[]) => median(rs.map((r) => PAGES / r.crawlS));
    return { rows, ratio: pps(runs[1]) / pps(runs[0]) };
  } finally {
    await site.close();
  }
}

async function memoryAndResume(): Promise<
  { rows: string[]; bestRss: number; resume: string[]; resumeS: number }
> {
  const site = await startSite({
    pages: BIG,
    pageBytes: 2048,
    keepLog: false,
    cacheBytes: 600 * 1024 * 1024,
  });
  try {
    const rows: string[] = [];
    const rss: number[] = [];
    for (
      const [label, state, flags] of [
        ["in memory", false, []],
        [`in memory, ${LEAN}`, false, [LEAN]],
        ["--state", true, []],
        [`--state, ${SMALL}`, true, [SMALL]],
        [`--state, ${LEAN}`, true, [LEAN]],
      ] as const
    ) {
      const run = await crawlOnce(site, state, [...flags]);
      if (run.pages !== BIG) throw new Error(`${label}: ${run.pages} pages, want ${BIG}`);
      rows.push(
        `| ${label} | ${BIG.toLocaleString("en")} | ${run.rssMiB.toFixed(0)} MiB | ${
          run.cpuS.toFixed(1)
        } s |`,
      );
      if (state) rss.push(run.rssMiB);
    }
    // Resume: a fresh crawl's start-up, then a kill half-way and the rerun's.
    const dir = await Deno.makeTempDir({ prefix: "greencrawl_state_bench_" });
    try {
      const args = crawlerArgs(site, dir, true);
      const fresh = await toFirstRequest(site, args);
      const half = (site.stats().requests) + BIG / 2;
      while (site.stats().requests < half) await new Promise((ok) => setTimeout(ok, 50));
      fresh.child.kill("SIGKILL");
      await fresh.child.output();
      const resumed = await toFirstRequest(site, args);
      resumed.child.kill("SIGKILL");
      const said = decoder.decode((await resumed.child.output()).stderr);
      const m = /resuming: ([\d,]+) done, ([\d,]+) queued/.exec(said);
      if (!m) throw new Error(`no resume line: ${said}`);
      const [done, queued] = [m[1], m[2]].map((n) => Number(n.replaceAll(",", "")));
      const resume = [
        `| fresh crawl | 0 | ${fresh.seconds.toFixed(2)} s |`,
        `| resume | ${(done + queued).toLocaleString("en")} (${m[1]} done) | ${
          resumed.seconds.toFixed(2)
        } s |`,
      ];
      return { rows, bestRss: Math.min(...rss), resume, resumeS: resumed.seconds };
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  } finally {
    await site.close();
  }
}

async function main(): Promise<number> {
  let failed = false;
  const { rows, ratio } = await speed();
  console.log(`## --state: ${PAGES.toLocaleString("en")}-page crawl at 0 ms, 50 workers\n`);
  console.log(`Median of ${RUNS} runs of each, in rotating order (min–max).\n`);
  console.log("| run | pages/s | crawl time | CPU (user+sys) | peak RSS |");
  console.log("| --- | ------- | ---------- | -------------- | -------- |");
  for (const r of rows) console.log(r);
  const ok = ratio >= GOAL_RATIO;
  failed ||= !ok;
  console.log(
    `\n--state / in memory: ${(ratio * 100).toFixed(0)}% of the pages/s ` +
      `(goal >= ${GOAL_RATIO * 100}%: ${ok ? "met" : "MISSED"})`,
  );
  if (Deno.args.includes("--quick")) return failed ? 1 : 0;

  const m = await memoryAndResume();
  console.log(`\n## Peak memory: ${BIG.toLocaleString("en")}-page crawl (2 KB pages)\n`);
  console.log("| frontier | pages | peak RSS | CPU (user+sys) |");
  console.log("| -------- | ----- | -------- | -------------- |");
  for (const r of m.rows) console.log(r);
  const rssOk = m.bestRss <= GOAL_RSS_MIB;
  failed ||= !rssOk;
  console.log(
    `\nBest --state peak RSS ${m.bestRss.toFixed(0)} MiB (goal <= ${GOAL_RSS_MIB}: ${
      rssOk ? "met" : "MISSED"
    })`,
  );
  console.log("\n## Start-up: spawn to the first request\n");
  console.log("| run | URLs in the state | to first request |");
  console.log("| --- | ----------------- | ---------------- |");
  for (const r of m.resume) console.log(r);
  const resumeOk = m.resumeS < GOAL_RESUME_S;
  failed ||= !resumeOk;
  console.log(`\nResume < ${GOAL_RESUME_S} s: ${resumeOk ? "met" : "MISSED"}`);
  return failed ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
