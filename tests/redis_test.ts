/**
 * Shared crawls end to end (issue 16): several `cli.ts --frontier redis://…` processes on one
 * crawl, against a Redis server and a logging site that each test starts itself; checked on
 * the site's own log and the processes' outputs and exit codes.
 *
 * deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env tests/redis_test.ts
 *
 * Skipped (with the reason) where `redis-server` is missing; `.ci/run` installs it.
 * @module
 */
import { assert, assertEquals } from "./assert.ts";
import {
  finished,
  freePort,
  HAVE_REDIS,
  type LoggingSite,
  spawnShared,
  startLoggingSite,
  startRedis,
  type TestRedis,
  urlsOf,
} from "./redis_helpers.ts";

if (!HAVE_REDIS) console.error("redis-server not found: the shared-crawl tests are skipped");

/** Runs `fn` with a Redis server, a logging site and a temporary directory, then stops them. */
async function withSetup(
  siteOptions: Parameters<typeof startLoggingSite>[0],
  fn: (redis: TestRedis, site: LoggingSite, dir: string) => Promise<void>,
): Promise<void> {
  const redis = await startRedis();
  try {
    const site = await startLoggingSite(siteOptions);
    const dir = await Deno.makeTempDir({ prefix: "greencrawl-shared-" });
    try {
      await Deno.writeTextFile(`${dir}/seed.txt`, `${site.url}/\n`);
      await fn(redis, site, dir);
    } finally {
      await site.close();
      await Deno.remove(dir, { recursive: true });
    }
  } finally {
    await redis.stop();
  }
}

/** The paths of the site's pages as the crawler records them (full URLs). */
function pageUrls(site: LoggingSite): Set<string> {
  return new Set([...site.site.reachable()].map((p) => site.url + p));
}

const pageHits = (site: LoggingSite) => site.hits.filter((h) => h.path !== "/robots.txt");

Deno.test({
  name:
    "shared crawl: three processes, one SIGKILLed halfway; each page is fetched, twice only if the killed one held it",
  ignore: !HAVE_REDIS,
  async fn() {
    await withSetup({ pages: 2000, links: 8, latencyMs: 10 }, async (redis, site, dir) => {
      const common = [
        "--frontier",
        redis.url,
        "--crawl-id",
        "kill",
        "--lease",
        "3",
        "--depth",
        "100",
        "--per-host",
        "30",
        "-c",
        "6",
        "--format",
        "ndjson",
        "-q",
      ];
      const run = (i: number) =>
        spawnShared([...common, "-A", `p${i}`, "-o", `${dir}/out${i}.ndjson`, `${dir}/seed.txt`]);
      const procs = [run(0), run(1), run(2)];
      // Halfway: SIGKILL process 0 once the site has served 1,000 pages.
      const deadline = Date.now() + 60_000;
      while (pageHits(site).length < 1000 && Date.now() < deadline) {
        await new Promise((ok) => setTimeout(ok, 20));
      }
      const killedAt = pageHits(site).length;
      procs[0].kill("SIGKILL");
      const results = await Promise.all(procs.map(finished));
      assert(killedAt >= 1000 && killedAt < 1900, `killed at ${killedAt} pages`);
      assertEquals(results[1].code, 0, results[1].stderr);
      assertEquals(results[2].code, 0, results[2].stderr);

      const pages = pageUrls(site);
      const times = new Map<string, number>();
      for (const h of pageHits(site)) times.set(h.path, (times.get(h.path) ?? 0) + 1);
      // Every page fetched (the /p/0 redirect aside, which lands on /).
      for (const url of pages) {
        assert(times.has(url.slice(site.url.length)), `never fetched: ${url}`);
      }
      // Twice only for pages the killed process had asked for, at most its 6 workers' worth.
      const killedAsked = new Set(
        pageHits(site).filter((h) => h.agent === "p0").map((h) => h.path),
      );
      assert(killedAsked.size > 0, "the killed process fetched nothing");
      const twice = [...times].filter(([, n]) => n > 1).map(([path]) => path);
      assert(twice.length <= 6, `fetched more than once: ${twice.join(" ")}`);
      for (const path of twice) {
        assert(killedAsked.has(path), `${path} fetched twice, not by the killed process`);
      }
      // robots.txt once for the whole crawl.
      assertEquals(site.hits.filter((h) => h.path === "/robots.txt").length, 1);
      // The union of the outputs holds every page.
      const union = new Set(
        (await Promise.all([0, 1, 2].map((i) => urlsOf(`${dir}/out${i}.ndjson`)))).flat(),
      );
      for (const url of pages) assert(union.has(url), `in no output: ${url}`);
      // Records name their process; the survivors both took part.
      const line = (await Deno.readTextFile(`${dir}/out1.ndjson`)).split("\n")[0];
      assert(/^[^:]+:\d+$/.test(JSON.parse(line).crawler), line);
      assert(site.hits.some((h) => h.agent === "p1") && site.hits.some((h) => h.agent === "p2"));
    });
  },
});

Deno.test({
  name: "shared crawl: --per-host and --delay hold across three processes, measured at the site",
  ignore: !HAVE_REDIS,
  async fn() {
    await withSetup({ pages: 300, links: 6, latencyMs: 30 }, async (redis, site, dir) => {
      const args = (i: number, id: string, extra: string[]) => [
        "--frontier",
        redis.url,
        "--crawl-id",
        id,
        "--depth",
        "100",
        "-c",
        "2",
        "-q",
        "--format",
        "ndjson",
        "-A",
        `p${i}`,
        "-o",
        `${dir}/${id}${i}.ndjson`,
        ...extra,
        `${dir}/seed.txt`,
      ];
      const perHost = [0, 1, 2].map((i) => spawnShared(args(i, "perhost", ["--per-host", "4"])));
      for (const r of await Promise.all(perHost.map(finished))) assertEquals(r.code, 0, r.stderr);
      const paths = pageHits(site).map((h) => h.path);
      assertEquals(new Set(paths).size, paths.length); // each page once
      for (const url of pageUrls(site)) assert(paths.includes(url.slice(site.url.length)), url);
      assert(site.maxInFlight() <= 4, `${site.maxInFlight()} requests in flight`);
      // Each process has 2 workers: 4 in flight took two processes at once.
      assertEquals(site.maxInFlight(), 4);

      // --delay: a new crawl of the first pages only, 0.4 s between request starts.
      site.hits.length = 0;
      const delayed = [0, 1, 2].map((i) =>
        spawnShared(args(i, "delay", ["--delay", "0.4", "--max-pages", "12", "--per-host", "8"]))
      );
      for (const r of await Promise.all(delayed.map(finished))) assertEquals(r.code, 0, r.stderr);
      const starts = site.hits.map((h) => h.start).sort((a, b) => a - b);
      assert(starts.length >= 12, `${starts.length} requests`);
      const gaps = starts.slice(1).map((t, i) => t - starts[i]);
      // Each gap is the delay, give or take how long a request takes from its lease to the site
      // (a few ms; tens on a loaded machine). Three processes each keeping the delay on its own
      // would average 133 ms.
      const sorted = gaps.toSorted((a, b) => a - b);
      const shown = `gaps (ms): ${gaps.map(Math.round).join(" ")}`;
      assert(sorted[0] >= 280, shown);
      assert(sorted[Math.floor(sorted.length / 2)] >= 380, shown);
      assert(new Set(site.hits.map((h) => h.agent)).size >= 2, "one process did everything");
    });
  },
});

Deno.test({
  name: "shared crawl: a late joiner on a finished crawl exits 0 at once; --status counts",
  ignore: !HAVE_REDIS,
  async fn() {
    await withSetup({ pages: 50, links: 4 }, async (redis, site, dir) => {
      const args = ["--frontier", redis.url, "--depth", "10", "--format", "ndjson"];
      const first = await finished(spawnShared([...args, `${dir}/seed.txt`]));
      assertEquals(first.code, 0, first.stderr);
      const id = /crawl id (\S+)/.exec(first.stderr)?.[1];
      assert(id, first.stderr);
      const served = site.hits.length;

      const late = await finished(spawnShared([...args, `${dir}/seed.txt`]));
      assertEquals(late.code, 0, late.stderr);
      assert(late.stderr.includes(`crawl ${id} is already finished`), late.stderr);
      assertEquals(late.stdout, ""); // no record
      assertEquals(site.hits.length, served); // no request

      const status = await finished(
        spawnShared(["--frontier", redis.url, "--crawl-id", id, "--status", "--format", "ndjson"]),
      );
      assertEquals(status.code, 0, status.stderr);
      const s = JSON.parse(status.stdout);
      assertEquals([s.finished, s.queued, s.leased, s.done, s.failed], [true, 0, 0, 50, 0]);
      assertEquals(s.hosts[0].done, 50);
      const text = await finished(
        spawnShared(["--frontier", redis.url, "--depth", "10", "--status", `${dir}/seed.txt`]),
      );
      assert(text.stdout.includes(`crawl ${id}: finished`), text.stdout);
      assert(/^done: 50$/m.test(text.stdout), text.stdout);
    });
  },
});

Deno.test({
  name: "shared crawl: Redis stopped mid-crawl gives exit 1 within --timeout, records kept",
  ignore: !HAVE_REDIS,
  async fn() {
    await withSetup({ pages: 400, links: 4, latencyMs: 50 }, async (redis, site, dir) => {
      const out = `${dir}/out.ndjson`;
      const child = spawnShared([
        "--frontier",
        redis.url,
        "--depth",
        "100",
        "-c",
        "2",
        "--timeout",
        "2",
        "--format",
        "ndjson",
        "-o",
        out,
        `${dir}/seed.txt`,
      ]);
      const deadline = Date.now() + 30_000;
      while (pageHits(site).length < 20 && Date.now() < deadline) {
        await new Promise((ok) => setTimeout(ok, 20));
      }
      await redis.stop();
      const stoppedAt = Date.now();
      const result = await finished(child);
      const took = Date.now() - stoppedAt;
      assertEquals(result.code, 1, result.stderr);
      assert(result.stderr.includes("lost Redis"), result.stderr);
      assert(took < 15_000, `exited ${took} ms after Redis stopped`);
      assert((await urlsOf(out)).length >= 10, "records written before the loss are kept");
    });
  },
});

Deno.test({
  name: "shared crawl: no Redis there, a wrong password or a bad URL gives exit 2",
  ignore: !HAVE_REDIS,
  async fn() {
    const redis = await startRedis("s3cret");
    const dir = await Deno.makeTempDir({ prefix: "greencrawl-shared-" });
    try {
      await Deno.writeTextFile(`${dir}/seed.txt`, "http://127.0.0.1:9/\n");
      const run = (url: string) =>
        finished(spawnShared(["--frontier", url, "--depth", "1", `${dir}/seed.txt`]));
      const nobody = await run(`redis://127.0.0.1:${freePort()}`);
      assertEquals(nobody.code, 2, nobody.stderr);
      assert(
        /cannot use Redis at 127\.0\.0\.1:\d+: .*ECONNREFUSED/.test(nobody.stderr),
        nobody.stderr,
      );
      const wrong = await run(redis.url.replace("s3cret", "wrong"));
      assertEquals(wrong.code, 2, wrong.stderr);
      assert(wrong.stderr.includes("WRONGPASS"), wrong.stderr);
      assert(!wrong.stderr.includes("wrong@"), "the password is not printed");
      const bad = await run(`http://127.0.0.1:${redis.port}`);
      assertEquals(bad.code, 2, bad.stderr);
      assert(bad.stderr.includes("--frontier must be redis://"), bad.stderr);
      // The right password works.
      const status = await finished(
        spawnShared(["--frontier", redis.url, "--crawl-id", "none", "--status"]),
      );
      assertEquals(status.code, 0, status.stderr);
      assert(status.stdout.includes("not started"), status.stdout);
    } finally {
      await redis.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
