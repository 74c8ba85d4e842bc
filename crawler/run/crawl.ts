/**
 * `crawl`: the list runner plus link following — the same green workers take URLs from the
 * shared frontier, and every HTML page they fetch feeds its links back into it.
 * @module
 */
import { CrawlFrontier } from "../frontier/crawl.ts";
import type {
  CrawlCounters,
  CrawlFrontierFactory,
  CrawlingFrontier,
  CrawlMeaning,
  SeenStore,
} from "../frontier/frontier.ts";
import { emptyCounters } from "../frontier/frontier.ts";
import { extractLinks } from "../html/links.ts";
import type { FetchRecord } from "../record.ts";
import { RobotsCache, type RobotsStore } from "../robots/cache.ts";
import { loadScope, type ScopeMode } from "../url/scope.ts";
import { bareHost } from "../url/address.ts";
import { VERSION } from "../version.ts";
import {
  addressRules,
  type Run,
  runFrontier,
  type RunInput,
  runOf,
  type RunOptions,
  splitInput,
} from "./runner.ts";

/** A fetched HTML page, as the `onPage` hook sees it. */
export interface Page {
  /** The page's record (still being filled: `links` is set after the hook). */
  record: FetchRecord;
  /**
   * The page, decoded with its charset. For a standard DOM (`querySelectorAll`, `getAttribute`,
   * `textContent`), pass it to `parseDocument` from greencrawl's `./dom` entry, which loads the
   * DOM packages only for those who import it.
   */
  html: string;
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
  /** Receives every fetched HTML page (for scraping). */
  onPage?: (page: Page) => void | Promise<void>;
  /** Hears about notable events (a host whose robots.txt failed is skipped for the run). */
  onWarning?: (message: string) => void;
  /** The visited set of the default, in-memory frontier (default: in memory too). */
  seen?: SeenStore;
  /** Builds the frontier from the crawl's setup (default: the in-memory `CrawlFrontier`). */
  frontier?: CrawlFrontierFactory;
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
 * A crawl, not started until used: iterate it (or `pipeTo` a sink) for the records; `counters`
 * tells what was queued and skipped.
 *
 * @example
 * ```ts ignore
 * import { crawl } from "./crawl.ts";
 * const run = crawl(["http://127.0.0.1:8000/"], { depth: 2 });
 * for await (const r of run) console.log(r.depth, r.url, r.status);
 * console.log(run.counters.queued, run.budgetReached);
 * ```
 */
export interface CrawlRun extends Run {
  /** What the frontier queued and why it skipped the rest (all zero before the crawl starts). */
  readonly counters: CrawlCounters;
  /** True when `maxPages` stopped the queueing. */
  readonly budgetReached: boolean;
}

/**
 * Crawls from the listed URLs: one record per fetched page (and per invalid input line), in
 * completion order. Records are streamed, never kept.
 *
 * @param seeds The listed URLs (depth 0), or parsed list entries.
 * @param options The list options plus depth, scope, politeness, hooks and the frontier to use.
 * @returns The crawl: iterate it, or `pipeTo` a sink; `counters` tells what was skipped.
 *
 * @example
 * ```ts ignore
 * import { crawl } from "./crawl.ts";
 * const sizes: number[] = [];
 * for await (const r of crawl(["http://127.0.0.1:8000/"], {
 *   depth: 1,
 *   onPage: ({ html }) => void sizes.push(html.length),
 * })) console.log(r.url);
 * ```
 */
export function crawl(seeds: RunInput, options: CrawlOptions = {}): CrawlRun {
  const o = { ...CRAWL_DEFAULTS, ...options };
  const agent = (o.userAgent ?? `greencrawl/${VERSION}`).split("/")[0];
  // Scope "any" holds discovered URLs to the address rules too (their robots.txt included);
  // otherwise the scope keeps them on the seed's host or domain, and only redirects are checked.
  const addresses = addressRules(o, o.scope === "any");
  const { valid, invalid } = splitInput(seeds);
  const listed = new Set(valid.map(({ url }) => bareHost(new URL(url).hostname)));
  const guard = addresses?.links
    ? (url: URL) => listed.has(bareHost(url.hostname)) ? null : addresses.guard.check(url)
    : undefined;
  // Made on first use, once the frontier is: a durable one keeps robots.txt with its state.
  let robots: RobotsCache | undefined;
  const newRobots = (store?: RobotsStore) =>
    new RobotsCache(
      o,
      agent,
      (host, why) =>
        o.onWarning?.(`robots.txt of ${host} unavailable (${why}): host skipped for this run`),
      guard,
      store,
    );
  // Without a hook, links come back at once: no async step (and no promise) per page.
  const onPage = o.onPage;
  const extract = (record: FetchRecord, html: string) => {
    const links = extractLinks(html, record.finalUrl ?? record.url);
    if (!onPage) return links;
    const hooked = onPage({ record, html, links });
    return hooked instanceof Promise ? hooked.then(() => links) : links;
  };
  let frontier: CrawlingFrontier | undefined;
  const idle = emptyCounters();
  return {
    get counters() {
      return frontier?.counters ?? idle;
    },
    get budgetReached() {
      return frontier?.budgetReached ?? false;
    },
    ...runOf(async (sink) => {
      // Loaded when the crawl starts: mode "domain" imports the Public Suffix List.
      const inScope = await loadScope(o.scope, {
        include: o.include,
        exclude: o.exclude,
        allowPrivate: o.allowPrivate,
      });
      const setup = {
        seeds: valid,
        maxDepth: o.depth,
        maxPages: o.maxPages,
        perHost: o.perHost,
        delay: o.delay,
        inScope,
        robots: o.ignoreRobots
          ? undefined
          : (url: URL) => (robots ??= newRobots(frontier?.robotsStore)).check(url),
        seen: o.seen,
        meaning: crawlMeaning(o),
      };
      frontier = o.frontier ? await o.frontier(setup) : new CrawlFrontier(setup);
      await runFrontier(frontier, sink, o, { extract, first: invalid, addresses });
    }),
  };
}

/**
 * What the crawl options mean, as data: what a durable frontier compares between runs.
 *
 * @param o The crawl's options (only scope, include, exclude, allowPrivate and ignoreRobots
 * count).
 * @returns Those options with defaults applied and patterns as their source text.
 * @example
 * ```ts
 * import { crawlMeaning } from "./crawl.ts";
 * console.log(crawlMeaning({ exclude: [/\/logout/] }).exclude); // [ "\\/logout" ]
 * ```
 */
export function crawlMeaning(o: CrawlOptions): CrawlMeaning {
  return {
    scope: o.scope ?? CRAWL_DEFAULTS.scope,
    include: (o.include ?? []).map((re) => re.source),
    exclude: (o.exclude ?? []).map((re) => re.source),
    allowPrivate: o.allowPrivate ?? false,
    robots: !o.ignoreRobots,
  };
}
