/**
 * The frontier's contract: where workers take their next job and give back what they found.
 *
 * Workers see only {@linkcode Frontier}, so a URL list, the in-memory crawl frontier, a durable
 * one on disk or one shared by many processes can stand behind it without touching them. A crawl
 * frontier keeps its visited set behind {@linkcode SeenStore}, the second replaceable part.
 * @module
 */
import type { FetchRecord, RedirectStop } from "../record.ts";
import type { RobotsStore, RobotsVerdict } from "../robots/cache.ts";
import type { InScope, ScopeReason } from "../url/scope.ts";

/** One unit of work for a worker. */
export interface Job {
  /** The URL to fetch (absolute http(s)). */
  url: string;
  /** 1-based input line, or null for discovered URLs. */
  line: number | null;
  /** 0 for listed URLs; parent depth + 1 for discovered ones. */
  depth: number;
  /** The page the URL was found on; null for listed URLs. */
  parent: string | null;
  /** When the job was queued (`performance.now()` of this process). */
  queuedAt: number;
  /** The listed URL this job descends from (itself for listed URLs): the scope's reference. */
  seed: string;
}

/** A frontier's answer to a redirect: `true` follows; a reason (or `false`) stops there. */
export type RedirectVerdict = boolean | RedirectStop;

/** What a worker gives back with a finished job. */
export interface JobResult {
  /** The job's complete record (status, error, attempts, final URL, title, links count). */
  record: FetchRecord;
  /** The canonical links found on the page; empty for URL lists and pages that are not HTML. */
  links: readonly string[];
}

/**
 * A source of jobs shared by all workers of a run.
 *
 * @example
 * ```ts
 * import { ListFrontier } from "./list.ts";
 * const frontier = new ListFrontier([{ url: "http://127.0.0.1/", line: 1 }]);
 * const job = await frontier.next();
 * console.log(job?.url, await frontier.next()); // "http://127.0.0.1/" null
 * ```
 */
export interface Frontier {
  /** The next job, waiting (green) while more may come; null when the work is finished. */
  next(): Promise<Job | null>;
  /** A worker finished `job`: its record, and the links found on it. */
  done(job: Job, result: JobResult): void | Promise<void>;
  /**
   * Optional: may `job`'s request follow a redirect to `url`? `true` follows. Anything else
   * stops there, and the record keeps the target (`location`) and the reason (`stopped`): a
   * {@linkcode RedirectStop} such as `"redirect-seen"`, `"redirect-out-of-scope"` or
   * `"redirect-disallowed"`; plain `false` reads as `"redirect-refused"`. (A reason is a truthy
   * string: compare the answer with `=== true`.) Asked only for targets the address rules
   * allow, and never for a loop. Frontiers without it follow every redirect.
   */
  redirect?(job: Job, url: string): RedirectVerdict | Promise<RedirectVerdict>;
  /** Optional: releases what the frontier holds (a database, a connection), after the run. */
  close?(): void | Promise<void>;
}

/**
 * The visited set of a crawl: canonical URLs, each queued at most once. Methods take batches
 * (a page's links) so that a store on disk or on a server answers a page in one round trip; an
 * in-memory store answers at once, without a promise.
 *
 * @example
 * ```ts
 * import { MemorySeenStore } from "./seen.ts";
 * const seen = new MemorySeenStore();
 * seen.add(["http://127.0.0.1/a"]);
 * console.log(seen.has(["http://127.0.0.1/a", "http://127.0.0.1/b"])); // [ true, false ]
 * ```
 */
export interface SeenStore {
  /** For each URL, whether it was seen. */
  has(urls: readonly string[]): boolean[] | Promise<boolean[]>;
  /** Marks the URLs seen; for each, whether it was new (false: seen already, maybe meanwhile). */
  add(urls: readonly string[]): boolean[] | Promise<boolean[]>;
  /** How many distinct URLs were seen. */
  size(): number | Promise<number>;
}

/** Why discovered links were not queued, and how much was queued. */
export interface CrawlCounters {
  /** Jobs queued (listed URLs included). */
  queued: number;
  /** Links already seen (or listed). */
  duplicate: number;
  /** Links deeper than `maxDepth`. */
  tooDeep: number;
  /** Links out of scope, by reason. */
  outOfScope: Partial<Record<ScopeReason, number>>;
  /** Links skipped after queueing because robots.txt disallows them. */
  robots: number;
  /** Links dropped because `maxPages` was reached. */
  overBudget: number;
}

/**
 * The counters of a frontier that has queued nothing yet.
 *
 * @returns All zero.
 * @example
 * ```ts
 * import { emptyCounters } from "./frontier.ts";
 * console.log(emptyCounters().queued); // 0
 * ```
 */
export function emptyCounters(): CrawlCounters {
  return { queued: 0, duplicate: 0, tooDeep: 0, outOfScope: {}, robots: 0, overBudget: 0 };
}

/**
 * What a crawl means besides its seeds, depth and budget, as plain data: a durable frontier
 * stores it with its state and refuses to resume a crawl that differs.
 */
export interface CrawlMeaning {
  /** The scope mode (`host`, `domain`, `any`). */
  scope: string;
  /** `--include` patterns (their source text). */
  include: string[];
  /** `--exclude` patterns (their source text). */
  exclude: string[];
  /** Links to private addresses followed (with scope `any`). */
  allowPrivate: boolean;
  /** robots.txt obeyed. */
  robots: boolean;
}

/** What a crawl frontier is built from: the listed URLs and the crawl's rules. */
export interface CrawlSetup {
  /** The listed URLs (every line is a job), depth 0. */
  seeds: readonly { url: string; line: number | null }[];
  /** Largest depth fetched: listed URLs are depth 0. */
  maxDepth: number;
  /** Most jobs ever queued (listed URLs included); then queueing stops. */
  maxPages: number;
  /** Most requests in flight per host. */
  perHost: number;
  /** Least seconds between two request starts on one host. */
  delay: number;
  /** The scope check for discovered links, against the seed they descend from. */
  inScope: InScope;
  /** robots.txt verdicts (at once when known); undefined ignores robots.txt. */
  robots?: (url: URL) => RobotsVerdict | Promise<RobotsVerdict>;
  /** The visited set (default: one in memory). */
  seen?: SeenStore;
  /** The rules above as data, for a durable frontier to compare (`crawl()` fills it in). */
  meaning?: CrawlMeaning;
}

/** A frontier that crawls: it follows links by a {@linkcode CrawlSetup} and counts why not. */
export interface CrawlingFrontier extends Frontier {
  /** What was queued, and why the other links were not. */
  readonly counters: CrawlCounters;
  /** True once `maxPages` stopped the queueing. */
  readonly budgetReached: boolean;
  /** A durable frontier's robots.txt, kept across runs (`crawl()` caches robots.txt there). */
  readonly robotsStore?: RobotsStore;
}

/**
 * Builds the frontier of a crawl from its setup: `crawl()` uses the in-memory one unless given
 * another (a durable or a shared one).
 */
export type CrawlFrontierFactory = (
  setup: CrawlSetup,
) => CrawlingFrontier | Promise<CrawlingFrontier>;
