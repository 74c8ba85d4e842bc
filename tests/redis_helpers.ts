/**
 * For the shared-crawl tests: a Redis server of the test's own (`bench/redis_server.ts`), and a
 * site that logs every request with its user agent, start time and the requests in flight.
 * @module
 */
import { buildSite, type Site, type SiteOptions } from "../bench/site.ts";
import { spawnCli } from "./subprocess.ts";

export { freePort, HAVE_REDIS, startRedis, type TestRedis } from "../bench/redis_server.ts";

/** One request the site received. */
export interface Hit {
  /** Path with query. */
  path: string;
  /** The User-Agent header (the tests give each process its own). */
  agent: string;
  /** When it arrived and when it was answered (performance.now() of the test). */
  start: number;
  end: number;
}

/** A site that logs requests, as {@linkcode startLoggingSite} returns it. */
export interface LoggingSite {
  url: string;
  site: Site;
  /** Every request, in arrival order (the open ones with `end` 0). */
  hits: Hit[];
  /** Most requests ever in flight at once. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/** Serves the synthetic site of `bench/site.ts` on 127.0.0.1, logging every request. */
export async function startLoggingSite(options: SiteOptions): Promise<LoggingSite> {
  const site = buildSite(options);
  const hits: Hit[] = [];
  let inFlight = 0;
  let most = 0;
  let origin = "";
  const listening = Promise.withResolvers<void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => listening.resolve() },
    async (req) => {
      const url = new URL(req.url);
      const hit = { path: url.pathname + url.search, agent: "", start: 0, end: 0 };
      hit.agent = req.headers.get("user-agent") ?? "";
      hit.start = performance.now();
      hits.push(hit);
      most = Math.max(most, ++inFlight);
      try {
        const delay = site.delayOf(url.pathname);
        if (delay > 0) await new Promise((ok) => setTimeout(ok, delay));
        if (url.pathname === "/robots.txt") return new Response(site.robotsTxt);
        if (url.pathname === "/p/0") return Response.redirect(`${origin}/`, 301);
        const body = site.render(url.pathname, origin);
        if (body === null) return new Response("not found", { status: 404 });
        return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
      } finally {
        inFlight--;
        hit.end = performance.now();
      }
    },
  );
  await listening.promise;
  origin = `http://127.0.0.1:${server.addr.port}`;
  return {
    url: origin,
    site,
    hits,
    maxInFlight: () => most,
    close: () => server.shutdown(),
  };
}

/**
 * Permissions of a shared-crawl CLI process in these tests (the README's set), and the tests'
 * own configuration: the Redis client goes into `tests/deno.lock`, not the root lock that
 * `cli.ts` starts with.
 */
export const CLI_PERMISSIONS = [
  "--config",
  "tests/deno.json",
  "--allow-net=127.0.0.1",
  "--allow-read",
  "--allow-write",
  "--allow-env=REDIS_DEBUG_MAINTENANCE,REDIS_EMIT_DIAGNOSTICS",
  "--allow-sys=hostname",
];

/** Starts `cli.ts` with `args` as a shared-crawl process (killed after 120 s). */
export function spawnShared(args: string[]): Deno.ChildProcess {
  const { child, clear } = spawnCli(CLI_PERMISSIONS, args, 120_000);
  child.status.finally(clear);
  return child;
}

/** Waits for a CLI process: its exit code and its output. */
export async function finished(
  child: Deno.ChildProcess,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

/** The URLs of an NDJSON output file (missing file: none). */
export async function urlsOf(file: string): Promise<string[]> {
  let text = "";
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  // A killed process may have written half a line last.
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length > 0 && !text.endsWith("\n")) lines.pop();
  return lines.map((l) => JSON.parse(l).url);
}
