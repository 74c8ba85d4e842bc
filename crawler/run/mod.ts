/**
 * Running work: green workers over a frontier ({@linkcode runFrontier}), a URL list
 * ({@linkcode fetchAll}), a crawl ({@linkcode crawl}), one URL ({@linkcode fetchUrl}); records
 * leave a run by one {@linkcode RecordSink}, and {@linkcode RunStats} totals them.
 * @module
 */
export {
  type AddressRules,
  addressRules,
  fetchAll,
  type FetchedPage,
  fetchPage,
  fetchUrl,
  type LinkExtractor,
  type ListOptions,
  type Mode,
  MODES,
  type RecordSink,
  type Run,
  type RunExtras,
  runFrontier,
  type RunInput,
  runOf,
  type RunOptions,
  workersFor,
} from "./runner.ts";
export {
  crawl,
  CRAWL_DEFAULTS,
  crawlMeaning,
  type CrawlOptions,
  type CrawlRun,
  type Page,
} from "./crawl.ts";
export { percentile, RunStats, type RunSummary, type StatusClass } from "./stats.ts";
