/**
 * greencrawl: a gevent-style green-thread layer for Deno, and the crawler built on it.
 *
 * ```ts
 * import { joinall, sleep, spawn } from "./mod.ts";
 * const foo = spawn(async () => { console.log("running in foo"); await sleep(0.02); });
 * const bar = spawn(async () => { console.log("switch to bar"); await sleep(0.01); });
 * await joinall([foo, bar]); // about 0.02 s, not 0.03
 * ```
 * @module
 */

// The green layer (gevent's programming model).
export { getcurrent, Greenlet, GreenletExit, spawn, spawnLater } from "./green/greenlet.ts";
export type { KillOptions, LinkTarget } from "./green/greenlet.ts";
export type { RawGreenlet } from "./green/hub.ts";
export { sleep } from "./green/sleep.ts";
export { joinall, killall } from "./green/joinall.ts";
export type { JoinallOptions } from "./green/joinall.ts";
export { iwait, wait } from "./green/iwait.ts";
export type { WaitOptions } from "./green/iwait.ts";
export type { Waitable } from "./green/waitable.ts";
export { Timeout, withTimeout } from "./green/timeout.ts";
export type { TimeoutSpec } from "./green/timeout.ts";
export { Event } from "./green/event.ts";
export { Linkable } from "./green/linkable.ts";
export { AsyncResult } from "./green/async_result.ts";
export { BoundedSemaphore, Semaphore } from "./green/semaphore.ts";
export {
  LifoQueue,
  naturalOrder,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  StopIteration,
} from "./green/queue.ts";
export type { QueueWaitOptions } from "./green/queue.ts";
export { JoinableQueue } from "./green/joinable_queue.ts";
export { Group } from "./green/group.ts";
export type { AnyGreenlet } from "./green/group.ts";
export { Pool } from "./green/pool.ts";
export { monkey } from "./green/monkey.ts";
export { io } from "./green/io/mod.ts";
export type { OpenOptions, UrlResponse } from "./green/io/mod.ts";

// The crawler built on it.
export { VERSION } from "./crawler/version.ts";
export type { ErrorCode, FetchError, FetchRecord, RedirectStop } from "./crawler/record.ts";
export {
  addressRules,
  crawl,
  crawlMeaning,
  fetchAll,
  fetchPage,
  fetchUrl,
  percentile,
  runFrontier,
  runOf,
  RunStats,
} from "./crawler/run/mod.ts";
export type {
  AddressRules,
  CrawlOptions,
  CrawlRun,
  FetchedPage,
  LinkExtractor,
  ListOptions,
  Mode,
  Page,
  RecordSink,
  Run,
  RunExtras,
  RunInput,
  RunOptions,
  RunSummary,
  StatusClass,
} from "./crawler/run/mod.ts";
export type { FetchOptions, KeepBody, RedirectAnswer } from "./crawler/fetch/mod.ts";
export type { RobotsStore, RobotsVerdict } from "./crawler/robots/mod.ts";
export {
  CrawlFrontier,
  crawlIdOf,
  FingerprintSet,
  ListFrontier,
  MemorySeenStore,
  RedisConnection,
  RedisFrontier,
  RedisLostError,
  RedisUnavailableError,
  SharedCrawl,
  SharedCrawlError,
} from "./crawler/frontier/mod.ts";
export { SqliteState, StateError } from "./crawler/frontier/sqlite/mod.ts";
export type { CommittedOutput, StateSettings } from "./crawler/frontier/sqlite/mod.ts";
export type {
  CrawlCounters,
  CrawlFrontierFactory,
  CrawlingFrontier,
  CrawlJournal,
  CrawlMeaning,
  CrawlSetup,
  CrawlStatus,
  Frontier,
  HostStatus,
  Job,
  JobResult,
  Origin,
  RedirectVerdict,
  RedisConnectionOptions,
  SeenStore,
  SharedCrawlOptions,
} from "./crawler/frontier/mod.ts";
export { FORMATS, sanitizeRecord, stripControl } from "./crawler/format/mod.ts";
export type { FormatName, RecordFormat } from "./crawler/format/mod.ts";
export {
  compare,
  formatCompare,
  formatSweep,
  sweep,
  sweepPoints,
  sweepRuns,
} from "./crawler/measure/mod.ts";
export type {
  CompareOptions,
  ModeResult,
  SweepOptions,
  SweepResult,
} from "./crawler/measure/mod.ts";
export { renderReport } from "./crawler/report/mod.ts";
export type { ReportOptions, ReportRun, SweepPoint } from "./crawler/report/mod.ts";
export type { InScope, ScopeMode, ScopeReason, ScopeVerdict } from "./crawler/url/mod.ts";
export { AddressGuard, nonPublicHost, nonPublicRange, parseUrlList } from "./crawler/url/mod.ts";
export type { AddressGuardOptions, Resolver } from "./crawler/url/mod.ts";
export type { ListEntry } from "./crawler/url/mod.ts";
