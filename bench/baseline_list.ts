/**
 * The bare Deno URL-list loop that `bench/crawl_bench.ts` holds greencrawl's list run against:
 * K workers share one index into the list; each fetches its URL, reads the body with `bytes()`
 * and writes the seed's line, `N bytes received from URL. time: S`, into a buffer that goes to
 * stdout in blocks of 32 KiB (as greencrawl gathers its records). No retries, no records, no
 * redirects of its own: the floor a Deno fetcher that reports every URL starts from.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 bench/baseline_list.ts 50 [plain|request|record] < urls.txt > lines.txt
 * ```
 *
 * The second argument shapes the loop (default `plain`, what `bench:crawl` runs): `request` sends
 * greencrawl's request (a User-Agent header, `redirect: "manual"`, an `AbortController` with a
 * 30 s deadline timer), and `record` also writes one NDJSON record of greencrawl's 24 fields per URL
 * instead of the seed's line (built by greencrawl's own `blankRecord`): the loops a reference that carries the same request, or the same
 * request and record, would be (`bench/RESULTS.md`, "What the list's reference loop carries").
 *
 * The URL list comes on stdin, one URL a line. A failed fetch writes `URL failed: reason`.
 * @module
 */
import { blankRecord, type FetchRecord } from "../crawler/record.ts";

const workers = Number(Deno.args[0] ?? "50");
const mode = Deno.args[1] ?? "plain";
if (!["plain", "request", "record"].includes(mode)) throw new Error(`unknown mode ${mode}`);
const UA = "greencrawl/bench";
const t0 = performance.now();
const urls = (await new Response(Deno.stdin.readable).text()).split("\n").filter((l) => l !== "");
const encoder = new TextEncoder();
const BLOCK_CHARS = 32 * 1024;
let pending = "";
let next = 0;
let failed = 0;

function flush(): void {
  let bytes = encoder.encode(pending);
  pending = "";
  while (bytes.length > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
}

function line(text: string): void {
  pending += text + "\n";
  if (pending.length >= BLOCK_CHARS) flush();
}

async function worker(id: number): Promise<void> {
  while (next < urls.length) {
    const n = next++;
    const url = urls[n];
    const started = performance.now();
    try {
      let res: Response;
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (mode === "plain") res = await fetch(url);
      else {
        const controller = new AbortController();
        timer = setTimeout(() => controller.abort(), 30_000);
        const init = { headers: { "user-agent": UA }, redirect: "manual" as const };
        res = await fetch(url, { ...init, signal: controller.signal });
      }
      const ttfb = performance.now() - started;
      const body = await res.bytes();
      clearTimeout(timer);
      if (!res.ok) failed++;
      if (mode === "record") line(JSON.stringify(record(url, n, id, res, body, started, ttfb)));
      else {
        const seconds = ((performance.now() - started) / 1000).toFixed(3);
        line(`${body.length} bytes received from ${url}. time: ${seconds}`);
      }
    } catch (error) {
      failed++;
      line(`${url} failed: ${error instanceof Error ? error.message : error}`);
    }
  }
}

/** greencrawl's record (`blankRecord`, its 24 fields), filled as a list run without redirects fills it. */
function record(
  url: string,
  n: number,
  worker: number,
  res: Response,
  body: Uint8Array,
  started: number,
  ttfb: number,
): FetchRecord {
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const r = blankRecord(url);
  r.finalUrl = url;
  r.status = res.status;
  r.ok = res.ok;
  r.bytes = body.length;
  r.timeMs = round(performance.now() - started);
  r.ttfbMs = round(ttfb);
  r.startMs = round(started - t0);
  r.contentType = res.headers.get("content-type");
  r.attempts = 1;
  r.worker = worker;
  r.line = n + 1;
  return r;
}

await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
flush();
Deno.exit(failed === 0 ? 0 : 1);
