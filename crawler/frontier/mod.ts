/**
 * Frontiers: where workers take jobs and give back links. The contract ({@linkcode Frontier},
 * {@linkcode SeenStore}) and its in-memory implementations: a URL list, and the crawl frontier
 * with its visited set.
 * @module
 */
export type {
  CrawlCounters,
  CrawlFrontierFactory,
  CrawlingFrontier,
  CrawlSetup,
  Frontier,
  Job,
  JobResult,
  RedirectVerdict,
  SeenStore,
} from "./frontier.ts";
export { ListFrontier } from "./list.ts";
export { CrawlFrontier } from "./crawl.ts";
export { MemorySeenStore } from "./seen.ts";
