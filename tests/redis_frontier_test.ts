/**
 * The shared crawl as a library (issue 16): `SharedCrawl` and `RedisFrontier` with `crawl()`,
 * two "processes" (two connections) in this one, against a Redis server and a logging site that
 * each test starts itself. The multi-process command line is in `redis_test.ts`.
 *
 * deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env tests/redis_frontier_test.ts
 * @module
 */
// deno-lint-ignore no-import-prefix -- the pinned client, to check the declared API against it
import * as realClient from "npm:@redis/client@6.4.0";
import {
  CLIENT_SPECIFIER,
  type NodeRedisModule,
  RedisConnection,
} from "../crawler/frontier/redis/client.ts";
import { RedisRobotsStore } from "../crawler/frontier/redis/stores.ts";
import { crawl, crawlIdOf, type CrawlOptions, type FetchRecord, SharedCrawl } from "../mod.ts";
import { makeScope } from "../crawler/url/scope.ts";
import { assert, assertEquals } from "./assert.ts";
import { HAVE_REDIS, startLoggingSite, startRedis } from "./redis_helpers.ts";

Deno.test("shared crawl: the client module has the API the connection declares", async () => {
  // Type-checked: the package's own types must fit the declared part of its API.
  const declared: NodeRedisModule = realClient;
  assertEquals(typeof declared.createClient, "function");
  assertEquals(CLIENT_SPECIFIER, "npm:@redis/client@6.4.0"); // the same as the import above
  const source = await Deno.readTextFile(
    new URL("../crawler/frontier/redis/client.ts", import.meta.url),
  );
  // Kept out of Deno's module graph: no literal import of the client anywhere in the module.
  assert(!/import\(\s*["'`]npm:/.test(source) && !/from\s+["']npm:/.test(source));
});

Deno.test("shared crawl: crawl ids follow the seeds and settings", () => {
  const a = crawlIdOf(["http://127.0.0.1:8000/"], { depth: 2 });
  assertEquals(a, crawlIdOf(["http://127.0.0.1:8000/"], { depth: 2 }));
  assert(a !== crawlIdOf(["http://127.0.0.1:8000/"], { depth: 3 }));
  assert(a !== crawlIdOf(["http://127.0.0.1:8001/"], { depth: 2 }));
  assert(/^c[0-9a-f]{15}$/.test(a), a);
});

/** Two processes' parts in one crawl, with a site and a Redis server; all stopped after. */
async function twoProcesses(
  site: Parameters<typeof startLoggingSite>[0],
  fn: (
    shared: [SharedCrawl, SharedCrawl],
    run: (s: SharedCrawl, options?: CrawlOptions) => Promise<FetchRecord[]>,
    siteUrl: string,
    hits: { path: string; start: number }[],
  ) => Promise<void>,
): Promise<void> {
  const redis = await startRedis();
  const server = await startLoggingSite(site).catch(async (error) => {
    await redis.stop(); // the finally below is not reached
    throw error;
  });
  const open = (crawler: string) =>
    SharedCrawl.open(redis.url, { crawlId: "lib", crawler, lease: 5 });
  const shared: SharedCrawl[] = [];
  const run = async (s: SharedCrawl, options: CrawlOptions = {}) => {
    const records: FetchRecord[] = [];
    await crawl([server.url + "/"], {
      depth: 100,
      concurrency: 3,
      frontier: s.frontier,
      ...options,
    }).pipeTo({ record: (r) => void records.push(r) });
    return records;
  };
  try {
    shared.push(await open("a"), await open("b"));
    await fn(shared as [SharedCrawl, SharedCrawl], run, server.url, server.hits);
  } finally {
    await Promise.all(shared.map((s) => s.close()));
    await server.close();
    await redis.stop();
  }
}

Deno.test({
  name: "shared crawl: --max-pages and --depth count for the whole crawl, not per process",
  ignore: !HAVE_REDIS,
  async fn() {
    await twoProcesses({ pages: 400, links: 5, latencyMs: 5 }, async (shared, run, url) => {
      const [a, b] = await Promise.all(shared.map((s) => run(s, { maxPages: 40 })));
      const all = [...a, ...b];
      assertEquals(all.length, 40);
      assertEquals(new Set(all.map((r) => r.url)).size, 40);
      assert(a.every((r) => r.crawler === "a") && b.every((r) => r.crawler === "b"));
      const status = await shared[0].status();
      assertEquals([status.done, status.total, status.finished], [40, 40, true]);
      assert(all.some((r) => r.url === url + "/"));
    });
    await twoProcesses({ pages: 400, links: 5 }, async (shared, run, url) => {
      const records = (await Promise.all(shared.map((s) => run(s, { depth: 1 })))).flat();
      // The seed and its distinct links: depth 1 for the crawl as a whole.
      assert(records.every((r) => r.depth <= 1));
      assertEquals(records.filter((r) => r.depth === 0).map((r) => r.url), [url + "/"]);
      const links = records.find((r) => r.depth === 0)!.links;
      assert(records.length > 1 && records.length <= links + 1, `${records.length} records`);
    });
  },
});

Deno.test({
  name: "shared crawl: robots.txt is fetched once for both processes and its Crawl-delay holds",
  ignore: !HAVE_REDIS,
  async fn() {
    const robotsTxt = "User-agent: *\nCrawl-delay: 0.3\nDisallow: /p/7\n";
    await twoProcesses(
      { pages: 100, links: 6, robotsTxt },
      async (shared, run, _url, hits) => {
        const [a, b] = await Promise.all(shared.map((s) => run(s, { maxPages: 8 })));
        const urls = [...a, ...b].map((r) => new URL(r.url).pathname);
        assertEquals(hits.filter((h) => h.path === "/robots.txt").length, 1);
        assert(!urls.includes("/p/7"), "a disallowed page was fetched");
        const starts = hits.map((h) => h.start).sort((x, y) => x - y);
        const gaps = starts.slice(1).map((t, i) => t - starts[i]);
        // The seed goes before robots.txt is known; every request after robots.txt waits 0.3 s.
        const robotsAt = hits.findIndex((h) => h.path === "/robots.txt");
        const after = gaps.slice(robotsAt);
        assert(after.length >= 6, `${hits.length} requests`);
        assert(Math.min(...after) >= 200, `gaps (ms): ${gaps.map(Math.round).join(" ")}`);
      },
    );
  },
});

Deno.test({
  name:
    "shared crawl: jobs of a closed (interrupted) process go back at once; a dead one's after the lease",
  ignore: !HAVE_REDIS,
  async fn() {
    const redis = await startRedis();
    const server = await startLoggingSite({ pages: 10, links: 2 }).catch(async (error) => {
      await redis.stop(); // the finally below is not reached
      throw error;
    });
    const setup = {
      seeds: [{ url: server.url + "/", line: 1 }],
      maxDepth: 0,
      maxPages: 10,
      perHost: 4,
      delay: 0,
      inScope: makeScope("host"),
    };
    const open = (crawler: string, lease: number) =>
      SharedCrawl.open(redis.url, { crawlId: "leases", crawler, lease });
    const opened: SharedCrawl[] = [];
    try {
      opened.push(await open("a", 1), await open("b", 1), await open("c", 1));
      const [a, b, c] = opened;
      const fa = await a.frontier(setup);
      const taken = await fa.next();
      assertEquals(taken?.url, server.url + "/");
      await fa.close?.(); // interrupted: gives the job back
      const fb = await b.frontier(setup);
      const t0 = performance.now();
      const again = await fb.next();
      assertEquals(again?.url, server.url + "/");
      assert(performance.now() - t0 < 500, "the released job waited for its lease");
      // b dies holding it: its connection goes, its heartbeat with it.
      await b.close();
      const fc = await c.frontier(setup);
      const t1 = performance.now();
      const third = await fc.next();
      assertEquals(third?.url, server.url + "/");
      assert(performance.now() - t1 >= 500, "taken before the dead process's lease expired");
      await fb.close?.();
      await fc.close?.();
    } finally {
      await Promise.all(opened.map((s) => s.close())); // closing twice is harmless
      await server.close();
      await redis.stop();
    }
  },
});

Deno.test({
  name: "shared crawl: the robots.txt store lets one process fetch a host; the others wait for it",
  ignore: !HAVE_REDIS,
  async fn() {
    const redis = await startRedis();
    const [r1, r2] = [await RedisConnection.open(redis.url), await RedisConnection.open(redis.url)];
    try {
      const stores = [new RedisRobotsStore(r1, "t:"), new RedisRobotsStore(r2, "t:")];
      // The first asks: it is to fetch (undefined). The others wait until it stores the file.
      assertEquals(await stores[0].get("h:1"), undefined);
      const waiting = [stores[1].get("h:1"), stores[0].get("h:1"), stores[1].get("h:1")];
      await new Promise((ok) => setTimeout(ok, 100));
      await stores[0].put("h:1", "User-agent: *\nDisallow: /x\n");
      assertEquals(await Promise.all(waiting), Array(3).fill("User-agent: *\nDisallow: /x\n"));
      // No robots.txt (allow all) is kept as null; a failed fetch lets the next process try.
      assertEquals(await stores[1].get("h:2"), undefined);
      await stores[1].put("h:2", null);
      assertEquals(await stores[0].get("h:2"), null);
      assertEquals(await stores[0].get("h:3"), undefined);
      const next = stores[1].get("h:3");
      await stores[0].failed("h:3");
      assertEquals(await next, undefined);
    } finally {
      await r1.close();
      await r2.close();
      await redis.stop();
    }
  },
});
