/**
 * Frontiers: where workers take jobs and give back links. The contract ({@linkcode Frontier},
 * {@linkcode SeenStore}) and its implementations: a URL list, the crawl frontier with its
 * visited set, the durable state on disk that a rerun resumes (`./sqlite/`, which loads
 * `node:sqlite` only for those who import it), and the crawl shared by many processes through
 * Redis ({@linkcode SharedCrawl}, {@linkcode RedisFrontier}; the Redis client loads only when a
 * shared crawl opens).
 * @module
 */
export type {
  CrawlCounters,
  CrawlFrontierFactory,
  CrawlingFrontier,
  CrawlMeaning,
  CrawlSetup,
  Frontier,
  Job,
  JobResult,
  RedirectVerdict,
  SeenStore,
} from "./frontier.ts";
export { ListFrontier } from "./list.ts";
export { CrawlFrontier, type CrawlJournal, type Origin } from "./crawl.ts";
export { MemorySeenStore } from "./seen.ts";
export { FingerprintSet } from "./fingerprints.ts";
export {
  crawlIdOf,
  type CrawlStatus,
  type HostStatus,
  RedisConnection,
  type RedisConnectionOptions,
  RedisFrontier,
  RedisLostError,
  RedisUnavailableError,
  SharedCrawl,
  SharedCrawlError,
  type SharedCrawlOptions,
} from "./redis/mod.ts";
