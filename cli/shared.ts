/**
 * The command line's side of a crawl shared through Redis (`--frontier`): the crawl's id (named,
 * or derived from the seeds and settings and printed), joining it, and `--status`.
 * @module
 */
import type { CliOptions } from "./args.ts";
import type { LineWriter } from "./output.ts";
import { stripControl } from "../crawler/format/mod.ts";
import { crawlIdOf, type CrawlStatus, SharedCrawl } from "../crawler/frontier/redis/mod.ts";
import { crawlMeaning } from "../crawler/run/mod.ts";
import type { ListEntry } from "../crawler/url/list.ts";

/**
 * The crawl's id: `--crawl-id`, or one derived from the seeds and the settings that change
 * which pages the crawl reaches (announced on `notes`, so other machines can be given it).
 */
function crawlId(
  options: CliOptions,
  entries: ListEntry[] | undefined,
  notes: LineWriter | undefined,
): string {
  if (options.crawlId !== undefined) return options.crawlId;
  const seeds = (entries ?? []).flatMap((e) => "url" in e ? [e.url] : []);
  // What the crawl means, as --state compares it, plus depth and the budget.
  const { depth, maxPages } = options;
  const id = crawlIdOf(seeds, { depth, maxPages, ...crawlMeaning(options) });
  notes?.line(`crawl id ${id} (from the seeds and settings; --crawl-id names a crawl)`);
  return id;
}

/**
 * Joins the shared crawl of `--frontier` for a run: the crawl's notices (joined, already
 * finished) go to `notes`.
 *
 * @throws {SharedCrawlError} when Redis cannot be used (exit 2).
 */
export async function joinSharedCrawl(
  options: CliOptions,
  entries: ListEntry[],
  notes: LineWriter | undefined,
): Promise<SharedCrawl> {
  return await SharedCrawl.open(options.frontierUrl!, {
    crawlId: crawlId(options, entries, notes),
    lease: options.lease,
    timeout: options.timeout,
    onNotice: (message) => notes?.line(message),
  });
}

/**
 * `--status`: prints the shared crawl's counts to `out` (one JSON object with `--format
 * ndjson`).
 *
 * @throws {SharedCrawlError} when Redis cannot be used (exit 2).
 */
export async function printStatus(
  options: CliOptions,
  entries: ListEntry[] | undefined,
  out: LineWriter,
): Promise<void> {
  const shared = await SharedCrawl.open(options.frontierUrl!, {
    crawlId: crawlId(options, entries, undefined),
    timeout: options.timeout,
    crawler: "status",
  });
  try {
    const status = await shared.status();
    out.line(options.format === "ndjson" ? JSON.stringify(status) : formatStatus(status));
  } finally {
    await shared.close();
  }
}

/** The text form of a crawl's status. */
function formatStatus(s: CrawlStatus): string {
  if (!s.exists) return `crawl ${s.crawlId}: not started (no keys in this Redis database)`;
  const state = s.finished ? "finished" : `running, ${s.crawlers} processes heard from in 30 s`;
  const lines = [
    `crawl ${s.crawlId}: ${state}`,
    `queued: ${s.queued}`,
    `leased: ${s.leased}`,
    `done: ${s.done}`,
    `failed: ${s.failed}`,
    `robots.txt skipped: ${s.robots}`,
    `seen: ${s.seen}`,
    `queued in all: ${s.total} of --max-pages ${s.maxPages}`,
    "hosts (queued, leased, done):",
    ...s.hosts.map((h) => `  ${stripControl(h.host)}  ${h.queued}  ${h.leased}  ${h.done}`),
  ];
  return lines.join("\n");
}
