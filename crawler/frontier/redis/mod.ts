/**
 * A crawl shared by many processes through Redis: {@linkcode SharedCrawl} connects one process
 * to it, {@linkcode RedisFrontier} is its frontier. The Redis client (node-redis) is loaded
 * only when a shared crawl is opened.
 * @module
 */
export {
  RedisConnection,
  type RedisConnectionOptions,
  RedisLostError,
  RedisUnavailableError,
  SharedCrawlError,
} from "./client.ts";
export { RedisFrontier, type SharedCrawlParts } from "./frontier.ts";
export {
  crawlIdOf,
  type CrawlStatus,
  type HostStatus,
  SharedCrawl,
  type SharedCrawlOptions,
} from "./shared.ts";
export { RedisRobotsStore, RedisSeenStore } from "./stores.ts";
