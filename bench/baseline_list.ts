/**
 * The bare Deno URL-list loop that `bench/crawl_bench.ts` holds greencrawl's list run against:
 * K workers share one index into the list; each fetches its URL, reads the body with `bytes()`
 * and writes the seed's line, `N bytes received from URL. time: S`, into a buffer that goes to
 * stdout in blocks of 32 KiB (as greencrawl gathers its records). No retries, no records, no
 * redirects of its own: the floor a Deno fetcher that reports every URL starts from.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 bench/baseline_list.ts 50 < urls.txt > lines.txt
 * ```
 *
 * The URL list comes on stdin, one URL a line. A failed fetch writes `URL failed: reason`.
 * @module
 */

const workers = Number(Deno.args[0] ?? "50");
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

async function worker(): Promise<void> {
  while (next < urls.length) {
    const url = urls[next++];
    const started = performance.now();
    try {
      const res = await fetch(url);
      const body = await res.bytes();
      if (!res.ok) failed++;
      const seconds = ((performance.now() - started) / 1000).toFixed(3);
      line(`${body.length} bytes received from ${url}. time: ${seconds}`);
    } catch (error) {
      failed++;
      line(`${url} failed: ${error instanceof Error ? error.message : error}`);
    }
  }
}

await Promise.all(Array.from({ length: workers }, worker));
flush();
Deno.exit(failed === 0 ? 0 : 1);
