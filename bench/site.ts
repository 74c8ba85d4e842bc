/**
 * The deterministic loopback test site that greencrawl's benchmarks and crawl tests run
 * against.
 *
 * As a program it prints its base URL (`http://127.0.0.1:PORT`) as the one first line on
 * stdout and serves until SIGINT or SIGTERM:
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read bench/site.ts --pages 5000 --latency-ms 20
 * ```
 *
 * As a module it gives tests the graph without HTTP ({@linkcode buildSite}) and an in-process
 * server that records every request ({@linkcode startSite}).
 *
 * The synthetic site: pages `/p/1` … `/p/N-1` plus `/` (page 0; `/p/0` redirects to `/`),
 * each linking to M others in many href spellings, `/robots.txt`, `/sitemap.xml` (first 50,000
 * pages), and, on request, `/private/k` pages that robots.txt disallows, a calendar trap and
 * off-site links. Other paths are 404. `GET /__stats` answers the request counts as JSON
 * (add `?paths=1` for the count of every path); it is not counted itself.
 * @module
 */

import { parseArgs } from "node:util";
import { buildSite, type Site, type SiteOptions } from "./site/graph.ts";
import { staticFiles } from "./site/static.ts";

export {
  type Anchor,
  buildSite,
  DEFAULT_ROBOTS_TXT,
  type Site,
  SITE_DEFAULTS,
  type SiteOptions,
  TRAP_START,
} from "./site/graph.ts";
export { contentTypeOf, staticFiles, type StaticResult } from "./site/static.ts";

/** Options of {@linkcode startSite}: the site's shape plus how to serve it. */
export interface StartOptions extends SiteOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Serve the files of this directory instead of the synthetic graph. */
  static?: string;
  /** Path of a robots.txt file to serve (read once at start). `robotsTxt` wins over it. */
  robots?: string;
  /** Keep the ordered request log (`log`); default true. Counts are always kept. */
  keepLog?: boolean;
  /** Memory for cached page bodies, in bytes; default 128 MiB. Past it pages are rebuilt. */
  cacheBytes?: number;
}

/** Request counters of a running site. */
export interface RequestStats {
  /** Requests answered (all paths, all statuses; `/__stats` not counted). */
  requests: number;
  /** Distinct paths (with query) requested. */
  distinct: number;
  /** Requests for a path that had been requested before: `requests - distinct`. */
  duplicates: number;
  /** Responses by status code, e.g. `{ "200": 1990, "404": 3 }`. */
  statuses: Record<string, number>;
}

/** A site serving on 127.0.0.1, as returned by {@linkcode startSite}. */
export interface RunningSite {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234` (no `:80` on port 80). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The synthetic graph being served; null in static mode. */
  readonly site: Site | null;
  /** Paths (with query) requested, in arrival order; empty when `keepLog` is false. */
  readonly log: string[];
  /** How many times each path (with query) was requested. */
  readonly counts: Map<string, number>;
  /** The counters so far. */
  stats(): RequestStats;
  /** Forget the log, counts and counters (e.g. after a warm-up). */
  reset(): void;
  /** Stop accepting, let requests in flight finish, release the port. */
  close(): Promise<void>;
}

const HTML = "text/html; charset=utf-8";
const TEXT = "text/plain; charset=utf-8";
const NOT_FOUND = new TextEncoder().encode("not found\n");

function readRobots(file: string): string {
  return Deno.readTextFileSync(file);
}

/**
 * Start the test site on 127.0.0.1 in this process. Page bodies are built once and cached
 * (within `cacheBytes`), delays are timers, and every request is counted.
 *
 * @example
 * ```ts
 * const server = await startSite({ pages: 50, links: 4 });
 * const res = await fetch(server.url + "/");
 * await res.text(); // "<!DOCTYPE html>…<title>Page 0</title>…"
 * server.log; // ["/"]
 * await server.close();
 * ```
 */
export async function startSite(opts: StartOptions = {}): Promise<RunningSite> {
  const {
    port = 0,
    static: staticDir,
    robots,
    keepLog = true,
    cacheBytes = 128 * 1024 * 1024,
    ...shape
  } = opts;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  }
  const robotsTxt = shape.robotsTxt ?? (robots !== undefined ? readRobots(robots) : undefined);
  // Static mode still uses a one-page site for its robots rules and its delays.
  const site = buildSite(
    staticDir === undefined ? { ...shape, robotsTxt } : {
      pages: 1,
      links: 0,
      latencyMs: shape.latencyMs,
      jitterMs: shape.jitterMs,
      seed: shape.seed,
      robotsTxt,
    },
  );
  const lookup = staticDir === undefined ? null : staticFiles(staticDir);
  const robotsBody = new TextEncoder().encode(site.robotsTxt);

  const log: string[] = [];
  const counts = new Map<string, number>();
  let requests = 0;
  let statuses: Record<string, number> = {};
  const stats = (): RequestStats => ({
    requests,
    distinct: counts.size,
    duplicates: requests - counts.size,
    statuses: { ...statuses },
  });

  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  let cached = 0;
  let sitemap: Uint8Array<ArrayBuffer> | null = null;
  let origin = "";

  const htmlHeaders = { "content-type": HTML }; // shared: the hot path allocates no headers
  const answer = (
    status: number,
    body: Uint8Array<ArrayBuffer> | null,
    type: string,
    extra?: Record<string, string>,
  ) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    const headers = type === HTML && !extra ? htmlHeaders : { "content-type": type, ...extra };
    return new Response(body, { status, headers });
  };

  function synthetic(pathname: string): Response {
    let body = cache.get(pathname);
    if (body !== undefined) return answer(200, body, HTML);
    if (pathname === "/robots.txt") return answer(200, robotsBody, TEXT);
    if (pathname === "/sitemap.xml") {
      sitemap ??= new TextEncoder().encode(
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
          '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' +
          Array.from(
            { length: Math.min(site.pages, 50_000) },
            (_, i) => `<url><loc>${origin}${site.pathOf(i)}</loc></url>\n`,
          ).join("") + "</urlset>\n",
      );
      return answer(200, sitemap, "application/xml; charset=utf-8");
    }
    if (pathname === "/p/0") return answer(301, null, TEXT, { location: "/" });
    body = site.render(pathname, origin) ?? undefined;
    if (body === undefined) return answer(404, NOT_FOUND, TEXT);
    if (cached + body.length <= cacheBytes && !pathname.startsWith("/calendar/")) {
      cache.set(pathname, body);
      cached += body.length;
    }
    return answer(200, body, HTML);
  }

  async function fromDirectory(pathname: string): Promise<Response> {
    const r = await lookup!(pathname);
    if (r.status === 200) return answer(200, r.body, r.contentType);
    if (pathname === "/robots.txt") return answer(200, robotsBody, TEXT);
    if (r.status === 301) return answer(301, null, TEXT, { location: r.location });
    return answer(r.status, r.status === 404 ? NOT_FOUND : null, TEXT);
  }

  async function handler(req: Request): Promise<Response> {
    const url = req.url;
    const slash = url.indexOf("/", url.indexOf("//") + 2);
    const path = slash < 0 ? "/" : url.slice(slash);
    const q = path.indexOf("?");
    const pathname = q < 0 ? path : path.slice(0, q);
    if (pathname === "/__stats") {
      const body: Record<string, unknown> = { ...stats() };
      if (path.includes("paths=1")) body.paths = Object.fromEntries(counts);
      return Response.json(body);
    }
    requests++;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (keepLog) log.push(path);
    if (req.method !== "GET" && req.method !== "HEAD") {
      return answer(405, null, TEXT, { allow: "GET, HEAD" });
    }
    const delay = site.delayOf(pathname);
    if (delay > 0) await new Promise((ok) => setTimeout(ok, delay));
    return lookup === null ? synthetic(pathname) : await fromDirectory(pathname);
  }

  const listening = Promise.withResolvers<void>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: () => listening.resolve(), // also keeps Deno from printing "Listening on"
    onError: (err) => {
      console.error("site: handler failed:", err);
      return answer(500, null, TEXT);
    },
  }, handler);
  await listening.promise;
  const boundPort = server.addr.port;
  origin = boundPort === 80 ? "http://127.0.0.1" : `http://127.0.0.1:${boundPort}`;
  let closing: Promise<void> | null = null;

  return {
    url: origin,
    port: boundPort,
    site: lookup === null ? site : null,
    log,
    counts,
    stats,
    reset() {
      log.length = 0;
      counts.clear();
      requests = 0;
      statuses = {};
    },
    close() {
      closing ??= server.shutdown();
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Command line

const HELP = `Usage: deno run --allow-net=127.0.0.1 --allow-read bench/site.ts [options]

Serve greencrawl's deterministic test site on 127.0.0.1. The first line on stdout is the base
URL (http://127.0.0.1:PORT); then it serves until SIGINT or SIGTERM, and on exit writes its
request counts to stderr. GET /__stats answers them as JSON at any time (?paths=1: per path).

Options:
  --port P         TCP port; 0 picks a free one                              [default: 0]
  --pages N        synthetic pages /p/0 … /p/N-1 (/ is page 0)               [default: 2000]
  --links M        internal links on each page; page i always links its
                   successor on a seeded cycle, so all N are reachable       [default: 10]
  --page-bytes B   approximate body size; padded with deterministic text     [default: 10240]
  --latency-ms L   delay before every response                               [default: 0]
  --jitter-ms J    extra delay 0…J per path, seeded, the same every run      [default: 0]
  --seed S         seed of links, href forms, filler text and jitter         [default: 1]
  --robots FILE    serve this robots.txt instead of the built-in one, which is
                   "User-agent: *" + "Disallow: /private/" (in --static mode a
                   robots.txt inside DIR wins over both)
  --static DIR     serve the files of DIR (Content-Type by extension; /dir/ serves
                   dir/index.html; ../ and encoded traversal rejected) instead of the graph
  --trap           add an endless calendar from /calendar/2026/11 (linked from /): each month
                   links the previous and the next one                        [default: off]
  --offsite        add links to other hosts (*.invalid) and mailto:, javascript:, tel:, ftp:,
                   data: links                                               [default: off]
  --private K      K pages /private/0 … /private/K-1, linked from some pages
                   and disallowed by the default robots.txt                  [default: 0]
  --cache-mb C     memory for cached page bodies, MiB                        [default: 128]
  -h, --help       show this help and exit
`;

function int(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new Error(`--${name} needs an integer${min === 0 ? " >= 0" : ""}, got "${value}"`);
  }
  return Number(value);
}

function parseCommandLine(args: string[]): StartOptions | "help" {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: "boolean", short: "h" },
      port: { type: "string" },
      pages: { type: "string" },
      links: { type: "string" },
      "page-bytes": { type: "string" },
      "latency-ms": { type: "string" },
      "jitter-ms": { type: "string" },
      seed: { type: "string" },
      robots: { type: "string" },
      static: { type: "string" },
      trap: { type: "boolean" },
      offsite: { type: "boolean" },
      private: { type: "string" },
      "cache-mb": { type: "string" },
    },
  });
  if (values.help) return "help";
  const cacheMb = int("cache-mb", values["cache-mb"], 0);
  return {
    port: int("port", values.port, 0),
    pages: int("pages", values.pages, 1),
    links: int("links", values.links, 0),
    pageBytes: int("page-bytes", values["page-bytes"], 0),
    latencyMs: int("latency-ms", values["latency-ms"], 0),
    jitterMs: int("jitter-ms", values["jitter-ms"], 0),
    seed: int("seed", values.seed, Number.MIN_SAFE_INTEGER),
    robots: values.robots,
    static: values.static,
    trap: values.trap,
    offsite: values.offsite,
    private: int("private", values.private, 0),
    keepLog: false,
    cacheBytes: cacheMb === undefined ? undefined : cacheMb * 1024 * 1024,
  };
}

async function main(args: string[]): Promise<number> {
  let opts: StartOptions | "help";
  let server: RunningSite;
  try {
    opts = parseCommandLine(args);
    if (opts === "help") {
      console.log(HELP);
      return 0;
    }
    server = await startSite(opts);
  } catch (err) {
    console.error(`site: ${err instanceof Error ? err.message : err}\nTry --help.`);
    return 2;
  }
  console.log(server.url);
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const signalled = Promise.withResolvers<void>();
  for (const sig of signals) Deno.addSignalListener(sig, signalled.resolve);
  await signalled.promise;
  for (const sig of signals) Deno.removeSignalListener(sig, signalled.resolve);
  // Let requests in flight finish, but never hang on a client that keeps a request open.
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    server.close(),
    new Promise((ok) => timer = setTimeout(ok, 2000)),
  ]);
  clearTimeout(timer);
  const s = server.stats();
  console.error(
    `site: served ${s.requests} requests, ${s.distinct} distinct paths, ` +
      `${s.duplicates} repeats, statuses ${JSON.stringify(s.statuses)}`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
