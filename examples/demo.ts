/**
 * `deno task demo`: greencrawl's main job on a small local site, with no internet (about 5 s).
 *
 * Starts a site on 127.0.0.1 (fast, slow, streamed, failing and redirecting pages at a few
 * hundred milliseconds each), then runs the real command line (`main` of `cli.ts`) on its pages
 * twice: once with green workers, printing the seed's `GET: <url>` and `<n> bytes received from
 * <url>. time: <s>` lines, then with `--compare`, which runs the list sequentially, with
 * blocking I/O and concurrently and prints the table. Then it stops the site. The 404 page
 * fails on purpose; the demo exits 0 when both runs complete.
 *
 * ```sh
 * deno task demo
 * deno run --allow-net=127.0.0.1 --allow-read=examples/_demo_site.ts,tests/fixtures/fault_server.ts examples/demo.ts
 * ```
 * @module
 */
import { main } from "../cli.ts";

/** The pages, as paths of the fault server (`tests/fixtures/fault_server.ts`). */
const PAGES = [
  "/slow?ms=80", // fast pages
  "/slow?ms=110",
  "/slow?ms=140",
  "/slow?ms=170",
  "/slow?ms=500", // a slow one
  "/drip?chunks=5&ms=70", // streamed: headers at once, a chunk every 70 ms
  "/redirect/2", // two redirects, then a page
  "/status/404", // a failure
];

/** Starts the site in a Worker; resolves its URL and a `close()` that stops it. */
async function startSite(): Promise<{ url: string; close(): Promise<void> }> {
  const worker = new Worker(new URL("./_demo_site.ts", import.meta.url), { type: "module" });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`the demo site failed: ${event.message}`));
      };
    });
  const url = await next().catch((error) => {
    worker.terminate();
    throw error;
  });
  return {
    url,
    async close() {
      const closed = next();
      worker.postMessage("close");
      await closed.finally(() => worker.terminate());
    },
  };
}

/** Prints the command a user would type, then runs it through the CLI's `main`. */
async function run(why: string, args: string[], urls: string[]): Promise<number> {
  console.log(`\n# ${why}\n$ greencrawl ${args.join(" ")} <the ${urls.length} URLs>`);
  return await main([...args, ...urls]);
}

if (import.meta.main) {
  const site = await startSite();
  let code = 0;
  try {
    const urls = PAGES.map((path) => site.url + path);
    console.log(
      `greencrawl demo: ${urls.length} pages of a local site at ${site.url} ` +
        "(fast, slow, streamed, redirected, and one 404 that fails on purpose)",
    );
    const codes = [
      await run("green workers: every GET at once, each page reported as it completes", [
        "-c",
        `${urls.length}`,
      ], urls),
      await run(
        "the same list one URL after another, with blocking I/O, then with green workers",
        ["--compare", "-c", `${urls.length}`],
        urls,
      ),
    ];
    // 1 means "some URLs failed": the 404, as planned. Anything else is a real problem.
    code = codes.find((c) => c !== 0 && c !== 1) ?? 0;
  } finally {
    await site.close();
  }
  Deno.exit(code);
}
