/**
 * The soak (`bench/soak.ts`) at test size: 2,000 URL-list lines and a crawl of about 1,000 URLs
 * through the flaky web (`tests/fixtures/flaky_server.ts`), with `--timeout 2 --retries 1 -c 100
 * --max-bytes 1MiB`: every line and every discoverable URL gives exactly one record of the kind
 * its fault must give, within its timeouts and retries, peak RSS <= 150 MB, no connection left
 * open. The full soak (100,000 lines, 50,000 URLs) is `deno task soak`.
 *
 * Run: `deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run tests/soak_test.ts`
 * @module
 */
import { assertEquals } from "./assert.ts";
import { formatSoak, soak, SOAK_DEFAULTS, type SoakOptions } from "../bench/soak.ts";

Deno.test("soak at test size: nothing lost, nothing twice, bounded time and memory", async () => {
  const o: SoakOptions = { ...SOAK_DEFAULTS, urls: 2_000, pages: 1_000, every: 500, log: () => {} };
  const results = await soak(o);
  console.log(formatSoak(results, o));
  assertEquals(results.map((r) => r.phase), ["list", "crawl"]);
  assertEquals(results.flatMap((r) => r.failures), []);
});
