/**
 * Bare Deno URL-list fetch: K async workers share one index into the list; each takes the next
 * URL, fetches it and reads the whole body. No retries, no records, no output but a count on
 * stderr. The floor a Deno fetcher starts from.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read bench/peers/bare_deno_list.ts urls.txt 50
 * ```
 * @module
 */

const [file, k = "50"] = Deno.args;
const urls = Deno.readTextFileSync(file).split("\n").map((l) => l.trim()).filter((l) => l);
let next = 0, ok = 0, failed = 0;

async function worker(): Promise<void> {
  while (next < urls.length) {
    const url = urls[next++];
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) ok++;
      else failed++;
    } catch {
      failed++;
    }
  }
}

await Promise.all(Array.from({ length: Number(k) }, worker));
console.error(`bare deno: ${ok} ok, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
