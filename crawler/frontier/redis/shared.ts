/**
 * A crawl shared through Redis, as one process takes part in it: the connection, the crawl's id
 * and key prefix, the frontier factory `crawl()` runs on (its frontier brings the crawl's
 * robots.txt store), plus the crawl's counts for `--status`.
 * @module
 */
import { createHash } from "node:crypto";
import type { RobotsStore } from "../../robots/cache.ts";
import type { CrawlFrontierFactory, SeenStore } from "../frontier.ts";
import { RedisConnection, type RedisConnectionOptions, SharedCrawlError } from "./client.ts";
import { RedisFrontier } from "./frontier.ts";
import { STATUS } from "./scripts.ts";
import { RedisRobotsStore, RedisSeenStore } from "./stores.ts";

/** Options of {@linkcode SharedCrawl.open}. */
export interface SharedCrawlOptions extends RedisConnectionOptions {
  /** The crawl's name: its keys are `greencrawl:<crawlId>:*` (letters, digits, `.`, `_`, `-`). */
  crawlId: string;
  /** Seconds a leased job may go without a heartbeat before it returns to the queue. Default 120. */
  lease?: number;
  /** This process's name in records and heartbeats. Default `hostname:pid` (`--allow-sys=hostname`). */
  crawler?: string;
  /** Hears what the user should know: joined a running crawl, or the crawl is already finished. */
  onNotice?: (message: string) => void;
}

/** One host's share of a crawl, in {@linkcode CrawlStatus}. */
export interface HostStatus {
  /** The host (with its port, if any). */
  host: string;
  /** Jobs waiting. */
  queued: number;
  /** Jobs leased (in flight). */
  leased: number;
  /** Pages done. */
  done: number;
}

/** A shared crawl's counts, as {@linkcode SharedCrawl.status} reads them. */
export interface CrawlStatus {
  /** The crawl's id. */
  crawlId: string;
  /** False when no process has started the crawl (no keys). */
  exists: boolean;
  /** True once the queue ran empty with no lease outstanding. */
  finished: boolean;
  /** Jobs waiting. */
  queued: number;
  /** Jobs leased by some process. */
  leased: number;
  /** Pages fetched (failed ones included). */
  done: number;
  /** Pages whose record is not ok. */
  failed: number;
  /** Discovered URLs that robots.txt disallowed (not fetched). */
  robots: number;
  /** Distinct canonical URLs seen. */
  seen: number;
  /** Jobs ever queued (listed URLs included): what `maxPages` limits. */
  total: number;
  /** The crawl's budget of queued pages. */
  maxPages: number;
  /** Processes that sent a heartbeat in the last 30 s. */
  crawlers: number;
  /** The 10 hosts with the most jobs (queued + leased + done), most first. */
  hosts: HostStatus[];
}

/** Crawl ids: what may stand in a key without quoting. */
const CRAWL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * One process's part in a crawl shared through Redis. Pass {@linkcode SharedCrawl.frontier} to
 * `crawl()`; run the same on as many processes and machines as you like; close it at the end.
 *
 * @example
 * ```ts ignore
 * import { crawl, SharedCrawl } from "../../../mod.ts";
 * const shared = await SharedCrawl.open("redis://127.0.0.1:6379", { crawlId: "docs" });
 * try {
 *   await crawl(["http://127.0.0.1:8000/"], {
 *     depth: 2,
 *     frontier: shared.frontier,
 *   }).pipeTo({ record: (r) => console.log(r.crawler, r.url) });
 *   console.log((await shared.status()).done);
 * } finally {
 *   await shared.close();
 * }
 * ```
 */
export class SharedCrawl {
  /** The crawl's id. */
  readonly id: string;
  /** The crawl's key prefix, `greencrawl:<id>:`. */
  readonly prefix: string;
  /** This process's name, `hostname:pid` unless given. */
  readonly crawler: string;
  /** The crawl's robots.txt files, fetched once per host for all processes. */
  readonly robots: RobotsStore;
  /** The crawl's visited set. */
  readonly seen: SeenStore;
  /** Builds this process's {@linkcode RedisFrontier} on the crawl (the factory `crawl()` takes). */
  readonly frontier: CrawlFrontierFactory;
  #redis: RedisConnection;

  private constructor(redis: RedisConnection, options: SharedCrawlOptions, crawler: string) {
    this.#redis = redis;
    this.id = options.crawlId;
    this.prefix = `greencrawl:${options.crawlId}:`;
    this.crawler = crawler;
    const lease = options.lease ?? 120;
    this.robots = new RedisRobotsStore(redis, this.prefix, lease * 1000);
    this.seen = new RedisSeenStore(redis, `${this.prefix}seen`);
    const parts = {
      redis,
      id: this.id,
      prefix: this.prefix,
      crawler,
      lease,
      seen: this.seen,
      robots: this.robots,
      onNotice: options.onNotice ?? (() => {}),
    };
    this.frontier = (setup) => RedisFrontier.start(parts, setup);
  }

  /**
   * Connects to Redis for the crawl `options.crawlId`.
   *
   * @param url `redis://[user:password@]host:port[/db]`.
   * @param options The crawl id, lease, process name, timeout.
   * @returns The process's part in the crawl.
   * @throws {RedisUnavailableError} when Redis cannot be reached or refuses the login.
   * @throws {SharedCrawlError} for a bad crawl id, or no permission to read the hostname.
   * @example
   * ```ts ignore
   * import { SharedCrawl } from "./shared.ts";
   * const shared = await SharedCrawl.open("redis://127.0.0.1:6379", {
   *   crawlId: "docs",
   *   lease: 60,
   *   onNotice: (message) => console.error(message), // e.g. "joined crawl docs"
   * });
   * console.log(shared.prefix, shared.crawler); // "greencrawl:docs:" "myhost:4242"
   * await shared.close();
   * ```
   */
  static async open(url: string, options: SharedCrawlOptions): Promise<SharedCrawl> {
    if (!CRAWL_ID.test(options.crawlId)) {
      throw new SharedCrawlError(
        `crawl id must be 1 to 64 letters, digits, '.', '_' or '-', got ${
          JSON.stringify(options.crawlId)
        }`,
        2,
      );
    }
    const crawler = options.crawler ?? processName();
    const redis = await RedisConnection.open(url, options);
    return new SharedCrawl(redis, options, crawler);
  }

  /**
   * The crawl's counts, for all processes together.
   *
   * @returns Queued, leased, done, failed, seen, live processes, and the top 10 hosts.
   * @example
   * ```ts ignore
   * import { SharedCrawl } from "./shared.ts";
   * const shared = await SharedCrawl.open("redis://127.0.0.1:6379", { crawlId: "docs" });
   * const { exists, finished, done, queued, crawlers } = await shared.status();
   * console.log(exists, finished, done, queued, crawlers); // e.g. true false 120 880 3
   * await shared.close();
   * ```
   */
  async status(): Promise<CrawlStatus> {
    const reply = await this.#redis.script(STATUS, [this.prefix], [30_000]) as [
      string[],
      number,
      number,
      number,
      number,
      (string | number)[],
    ];
    const [flat, leased, seen, crawlers, , hostList] = reply;
    const meta = new Map<string, string>();
    for (let i = 0; i < flat.length; i += 2) meta.set(flat[i], flat[i + 1]);
    const n = (field: string) => Number(meta.get(field) ?? 0);
    const hosts: HostStatus[] = [];
    for (let i = 0; i < hostList.length; i += 4) {
      hosts.push({
        host: String(hostList[i]),
        queued: Number(hostList[i + 1]),
        leased: Number(hostList[i + 2]),
        done: Number(hostList[i + 3]),
      });
    }
    const size = (h: HostStatus) => h.queued + h.leased + h.done;
    hosts.sort((a, b) => size(b) - size(a) || (a.host < b.host ? -1 : 1));
    return {
      crawlId: this.id,
      exists: meta.has("created"),
      finished: meta.has("finished"),
      queued: n("queued"),
      leased,
      done: n("done"),
      failed: n("failed"),
      robots: n("robotsSkipped"),
      seen,
      total: n("total"),
      maxPages: n("maxPages"),
      crawlers,
      hosts: hosts.slice(0, 10),
    };
  }

  /**
   * Closes the connection. The crawl's keys stay in Redis (other processes, `--status`).
   *
   * @returns Resolves once the connection is closed.
   * @example
   * ```ts ignore
   * import { SharedCrawl } from "./shared.ts";
   * const shared = await SharedCrawl.open("redis://127.0.0.1:6379", { crawlId: "docs" });
   * await shared.close(); // `greencrawl --status` still reports the crawl
   * ```
   */
  async close(): Promise<void> {
    await this.#redis.close();
  }
}

/**
 * A crawl id from what makes a crawl what it is (the seeds, and the settings that change which
 * pages it reaches): the same command on several machines joins the same crawl, and a changed
 * one starts another.
 *
 * @param seeds The listed URLs, in order.
 * @param settings The crawl's meaning-changing settings (any JSON).
 * @returns `c` and 15 hex digits of the SHA-256 of both.
 * @example
 * ```ts
 * import { crawlIdOf } from "./shared.ts";
 * const id = crawlIdOf(["http://127.0.0.1:8000/"], { depth: 2, scope: "host" });
 * console.log(id.length); // 16
 * ```
 */
export function crawlIdOf(seeds: readonly string[], settings: unknown): string {
  const text = JSON.stringify({ seeds, settings });
  return `c${createHash("sha256").update(text).digest("hex").slice(0, 15)}`;
}

/** `hostname:pid`, the `crawler` field of records. */
function processName(): string {
  try {
    return `${Deno.hostname()}:${Deno.pid}`;
  } catch (error) {
    throw new SharedCrawlError(
      `a shared crawl names each process hostname:pid in its records: run with ` +
        `--allow-sys=hostname (${error instanceof Error ? error.message : error})`,
      2,
    );
  }
}
