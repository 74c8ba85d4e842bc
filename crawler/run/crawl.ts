/**
 * `crawl`: the list runner plus link following — the same green workers take URLs from the
 * shared frontier, and every HTML page they fetch feeds its links back into it.
 * @module
 */
import { type CrawlCounters, CrawlFrontier } from "../frontier/crawl.ts";
import type { HtmlDocument } from "../html/document.ts";
import { extractLinks, linksFromDocument } from "../html/links.ts";
import type { FetchRecord } from "../record.ts";
import { RobotsCache } from "../robots/cache.ts";
import { runFrontier, type RunInput, type RunOptions, splitInput } from "./runner.ts";
import { type InScope, loadScope, type ScopeMode } from "../url/scope.ts";
import { VERSION } from "../fetch/fetch.ts";

/** A fetched HTML page, as the `onPage` hook sees it. */
export interface Page {
  /** The page's record (still being filled: `links` is set after the hook). */
  record: FetchRecord;
  /** The parsed document: a standard DOM (`querySelectorAll`, `getAttribute`, `textContent`). */
  document: HtmlDocument;
  /** The canonical links that will be considered for the frontier. */
  links: readonly string[];
}

/** Options of {@linkcode crawl}: the list options plus where and how politely to go. */
export interface CrawlOptions extends RunOptions {
  /** Largest link depth followed (listed URLs are 0). Default 1. */
  depth?: number;
  /** How far from the seed a link may go: same host (default), registrable domain, or any. */
  scope?: ScopeMode;
  /** If given, a discovered URL must match one of these. */
  include?: RegExp[];
  /** A discovered URL matching any of these is skipped. */
  exclude?: RegExp[];
  /** Most pages queued, listed URLs included. Default 10,000. */
  maxPages?: number;
  /** Most requests in flight per host. Default 8. */
  perHost?: number;
  /** Least seconds between two request starts on one host. Default 0 (robots Crawl-delay may raise it). */
  delay?: number;
  /** Fetch discovered URLs even where robots.txt disallows them. Default false. */
  ignoreRobots?: boolean;
  /** With scope `any`, also follow links to loopback/private/metadata addresses. Default false. */
  allowPrivate?: boolean;
  /** Receives every fetched HTML page with its parsed document (for scraping). */
  onPage?: (page: Page) => void | Promise<void>;
  /** Hears about notable events (a host whose robots.txt failed is skipped for the run). */
  onWarning?: (message: string) => void;
}

/** Defaults of the crawl options. */
export const CRAWL_DEFAULTS = {
  depth: 1,
  scope: "host",
  maxPages: 10_000,
  perHost: 8,
  delay: 0,
} as const;

/**
 * A running crawl: iterate it for the records; `counters` tells what was queued and skipped.
 *
 * @example
 * ```ts ignore
 * import { crawl } from "./crawl.ts";
 * const run = crawl(["http://127.0.0.1:8000/"], { depth: 2 });
 * for await (const r of run) console.log(r.depth, r.url, r.status);
 * console.log(run.counters.queued, run.budgetReached);
 * ```
 */
export interface CrawlRun extends AsyncIterable<FetchRecord> {
  /** What the frontier queued and why it skipped the rest. */
  readonly counters: CrawlCounters;
  /** True when `maxPages` stopped the queueing. */
  readonly budgetReached: boolean;
}

/**
 * Crawls from the listed URLs: yields one record per fetched page (and per invalid input
 * line), in completion order. Records are streamed, never kept.
 *
 * @example
 * ```ts ignore
 * import { crawl } from "./crawl.ts";
 * const titles: string[] = [];
 * for await (const r of crawl(["http://127.0.0.1:8000/"], {
 *   depth: 1,
 *   onPage: ({ document }) => void titles.push(document.querySelector("h1")?.textContent ?? ""),
 * })) console.log(r.url);
 * ```
 */
export function crawl(seeds: RunInput, options: CrawlOptions = {}): CrawlRun {
  const o = { ...CRAWL_DEFAULTS, ...options };
  const { valid, invalid } = splitInput(seeds);
  const agent = (o.userAgent ?? `greencrawl/${VERSION}`).split("/")[0];
  const robots = o.ignoreRobots ? undefined : new RobotsCache(
    o,
    agent,
    (host, why) =>
      o.onWarning?.(`robots.txt of ${host} unavailable (${why}): host skipped for this run`),
  );
  // Loaded when the crawl starts (mode "domain" imports the Public Suffix List then); links are
  // only judged once a page is fetched, so it is always there by the time it is asked.
  let inScope: InScope | undefined;
  const frontier = new CrawlFrontier(valid, {
    maxDepth: o.depth,
    maxPages: o.maxPages,
    perHost: o.perHost,
    delay: o.delay,
    inScope: (link, seed) => inScope!(link, seed),
    robots: robots ? (url) => robots.check(url) : undefined,
  });
  // Without a hook, links come back at once: no async step (and no promise) per page.
  const extract = (record: FetchRecord, text: string) =>
    o.onPage ? withHook(record, text, o.onPage) : extractLinks(text, record.finalUrl ?? record.url);
  return {
    counters: frontier.counters,
    get budgetReached() {
      return frontier.budgetReached;
    },
    [Symbol.asyncIterator]() {
      return runFrontier(frontier, o, {
        extract,
        first: invalid,
        ready: async () => {
          inScope ??= await loadScope(o.scope, {
            include: o.include,
            exclude: o.exclude,
            allowPrivate: o.allowPrivate,
          });
        },
      });
    },
  };
}

/** The links of a page whose `onPage` hook gets the parsed document (loaded on first use). */
async function withHook(
  record: FetchRecord,
  text: string,
  onPage: (page: Page) => void | Promise<void>,
): Promise<readonly string[]> {
  const { parseDocument } = await import("../html/document.ts"); // only crawls with a hook pay for it
  const document = parseDocument(text);
  const links = linksFromDocument(document, record.finalUrl ?? record.url);
  await onPage({ record, document, links });
  return links;
}
