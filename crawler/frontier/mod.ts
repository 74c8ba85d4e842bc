/**
 * Frontiers: where workers take jobs and give back links. The contract ({@linkcode Frontier},
 * {@linkcode SeenStore}) and its implementations: a URL list and the crawl frontier with its
 * visited set in memory, and the crawl shared by many processes through Redis
 * ({@linkcode SharedCrawl}, {@linkcode RedisFrontier}; the Redis client loads only when used).
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
