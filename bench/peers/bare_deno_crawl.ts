/**
 * Bare Deno crawl: K async workers share one FIFO queue and one seen-set; each fetches a page,
 * pulls `href`s out with a regular expression, resolves them against the page URL, drops the
 * fragment and queues the same-host ones not seen before. No robots.txt, no retries, no
 * records. The floor a Deno crawler starts from.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 bench/peers/bare_deno_crawl.ts http://127.0.0.1:PORT/ 50
 * ```
 * @module
 */

const [start, k = "50"] = Deno.args;
const host = new URL(start).host;
const HREF = /<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

const queue: string[] = [start];
const seen = new Set<string>(queue);
let head = 0, active = 0, ok = 0, failed = 0;
const waiters: (() => void)[] = [];

function wakeAll(): void {
  for (const w of waiters.splice(0)) w();
}

/** The next queued URL, waiting while others may still find links; null when the crawl is done. */
async function take(): Promise<string | null> {
  while (head >= queue.length) {
    if (active === 0) {
      wakeAll();
      return null; // nothing queued, nobody fetching
    }
    await new Promise<void>((ok) => waiters.push(ok));
  }
  active++; // counted before the caller's await, so no other worker sees an idle crawl
  return queue[head++];
}

async function worker(): Promise<void> {
  for (let url = await take(); url !== null; url = await take()) {
    try {
      const res = await fetch(url);
      const html = await res.text();
      if (!res.ok) failed++;
      else {
        ok++;
        for (const m of html.matchAll(HREF)) {
          let u: URL;
          try {
            u = new URL((m[1] ?? m[2] ?? m[3]).trim(), res.url);
          } catch {
            continue;
          }
          if (u.host !== host || (u.protocol !== "http:" && u.protocol !== "https:")) continue;
          u.hash = "";
          const key = u.href;
          if (!seen.has(key)) {
            seen.add(key);
            queue.push(key);
          }
        }
      }
    } catch {
      failed++;
    } finally {
      active--;
      wakeAll();
    }
  }
}

await Promise.all(Array.from({ length: Number(k) }, worker));
console.error(`bare deno crawl: ${ok} ok, ${failed} failed, ${seen.size} seen`);
Deno.exit(failed === 0 ? 0 : 1);
