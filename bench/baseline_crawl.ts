/**
 * The bare Deno crawl that `bench/crawl_bench.ts` and `bench/peers.ts` hold greencrawl against: K workers on one
 * shared array (an index, no queue object), `fetch` plus a regular expression for `href="…"`,
 * `new URL` to resolve, a `Set` for seen URLs, same host only. No robots.txt, no retries, no
 * records, no politeness: the floor a Deno crawler starts from.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 bench/baseline_crawl.ts http://127.0.0.1:PORT/ 50
 * ```
 *
 * Prints one JSON line on stdout: `{"pages":…,"ok":…,"failed":…,"seen":…,"ms":…}`, where `ms`
 * runs from the first request to the end of the last (start-up not included).
 * @module
 */

const [start, k = "50"] = Deno.args;
const workers = Number(k);
const host = new URL(start).host;
const HREF = /<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

const urls: string[] = [start];
const seen = new Set<string>(urls);
let next = 0;
let active = 0;
let ok = 0;
let failed = 0;
let waiting: (() => void)[] = [];

function wake(): void {
  const w = waiting;
  waiting = [];
  for (const resolve of w) resolve();
}

async function worker(): Promise<void> {
  while (true) {
    if (next >= urls.length) {
      if (active === 0) return wake(); // nothing left and nobody can add more
      await new Promise<void>((resolve) => waiting.push(resolve));
      continue;
    }
    const url = urls[next++];
    active++;
    try {
      const res = await fetch(url);
      const html = await res.text();
      if (!res.ok) {
        failed++;
        continue;
      }
      ok++;
      for (const m of html.matchAll(HREF)) {
        let link: URL;
        try {
          link = new URL((m[1] ?? m[2] ?? m[3]).trim(), res.url);
        } catch {
          continue;
        }
        if (link.host !== host || (link.protocol !== "http:" && link.protocol !== "https:")) {
          continue;
        }
        link.hash = "";
        const key = link.href;
        if (!seen.has(key)) {
          seen.add(key);
          urls.push(key);
        }
      }
    } catch {
      failed++;
    } finally {
      active--;
      wake();
    }
  }
}

const t0 = performance.now();
await Promise.all(Array.from({ length: workers }, worker));
const ms = performance.now() - t0;
console.log(JSON.stringify({ pages: ok + failed, ok, failed, seen: seen.size, ms }));
