/**
 * The shared crawl frontier: the queue, the visited set and the politeness of one crawl live in
 * Redis, and any number of processes take jobs from it. Every change is one Lua script
 * (`scripts.ts`), so processes never see half a lease or half a page.
 *
 * A job is leased, not popped: it returns to the queue when its lease expires, so a process
 * killed mid-page loses nothing. A live process renews its leases every third of the lease
 * time, so only a dead (or frozen) process's jobs are fetched twice. A page is marked done in
 * Redis only after the runner handed its record to the sink (`done` returns at once and the
 * script runs next), so a killed process never leaves a page done without its record written
 * (the CLI writes a shared crawl's records unbuffered). Workers with nothing to do
 * wait in this process; one of them asks Redis again, when the host's next slot opens or after
 * a backoff (10 ms growing to 200 ms), never in a busy loop.
 * @module
 */
import type { RobotsStore, RobotsVerdict } from "../../robots/cache.ts";
import { tryCanonicalUrl } from "../../url/canonical.ts";
import type {
  CrawlCounters,
  CrawlingFrontier,
  CrawlSetup,
  Job,
  JobResult,
  RedirectVerdict,
  SeenStore,
} from "../frontier.ts";
import { emptyCounters } from "../frontier.ts";
import { type RedisConnection, RedisLostError } from "./client.ts";
import { COMPLETE, GAP, LEASE, RELEASE, RENEW, SEED } from "./scripts.ts";
import { Waiters } from "../waiters.ts";
import { judgeRedirect } from "../redirect.ts";
import { screenLinks } from "../links.ts";

/** Separates a job's fields (never in a queued URL: they are canonical). */
const SEP = "\x1f";
/** Shortest and longest wait (ms) before asking Redis again when no job is ready anywhere. */
const MIN_IDLE_MS = 10;
const MAX_IDLE_MS = 200;
/** URLs per generation of the local memory of links known to be seen (two generations kept). */
const KNOWN_CAP = 16_384;

/** LEASE's reply: `job` with the job, lease id, server time and whether its gap is known. */
type LeaseReply = [kind: string, a?: string | number, b?: string, c?: number, d?: number];

/** What a frontier needs of its shared crawl (a {@linkcode SharedCrawl} gives it). */
export interface SharedCrawlParts {
  /** The connection. */
  redis: RedisConnection;
  /** The crawl's id. */
  id: string;
  /** Its key prefix, `greencrawl:<id>:`. */
  prefix: string;
  /** This process's name in records and heartbeats, `hostname:pid`. */
  crawler: string;
  /** Seconds a job stays leased without a heartbeat. */
  lease: number;
  /** The visited set in Redis. */
  seen: SeenStore;
  /** The crawl's robots.txt files in Redis. */
  robots: RobotsStore;
  /** Hears what a process should tell its user (joined a crawl, the crawl is finished). */
  onNotice: (message: string) => void;
}

/** The crawl's own settings, stored by the process that started it. */
interface Settings {
  maxDepth: number;
  maxPages: number;
  perHost: number;
  delayMs: number;
  obeyRobots: boolean;
}

/** A job this process holds: its lease and its host. */
interface Held {
  id: string;
  host: string;
}

/**
 * A {@linkcode CrawlingFrontier} in Redis, shared by every process that runs the same crawl.
 * Build it with `SharedCrawl.frontier` (the factory `crawl()` takes); its counters count what
 * this process did, the crawl's totals are in `SharedCrawl.status()`.
 *
 * @example
 * ```ts ignore
 * import { crawl, SharedCrawl } from "../../../mod.ts";
 * const shared = await SharedCrawl.open("redis://127.0.0.1:6379", { crawlId: "docs" });
 * try {
 *   const run = crawl(["http://127.0.0.1:8000/"], {
 *     depth: 3,
 *     frontier: shared.frontier,
 *   });
 *   for await (const r of run) console.log(r.crawler, r.url, r.status);
 * } finally {
 *   await shared.close();
 * }
 * ```
 */
export class RedisFrontier implements CrawlingFrontier {
  /** What this process queued and why it skipped the rest. */
  readonly counters: CrawlCounters = emptyCounters();
  #parts: SharedCrawlParts;
  #keys: string[];
  #setup: CrawlSetup;
  #settings: Settings;
  #budgetReached = false;
  #held = new Map<Job, Held>();
  #startedAt = performance.now();
  #waiters = new Waiters();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = 0;
  #idleMs = MIN_IDLE_MS;
  #finished = false;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #beating = false;
  /** Completions sent after their records went to the sink, until Redis answers. */
  #pending = new Set<Promise<void>>();
  /** The first error of a completion: the next call to `next` throws it. */
  #failure: { error: unknown } | undefined;
  /** The next jobs leased with completions, one per finished page, for the workers' `next`. */
  #prefetched: Promise<LeaseReply>[] = [];
  /** Lease ids of prefetched jobs no worker took yet (renewed, and released on close). */
  #unclaimed = new Set<string>();
  /**
   * Links this process knows are in the crawl's visited set: they need no parsing, scope check
   * or round trip. Bounded (two generations of {@linkcode KNOWN_CAP}), so the heap does not
   * grow with the crawl; a forgotten link costs a `SADD` in Redis, nothing more.
   */
  #known = new Set<string>();
  #knownBefore = new Set<string>();

  private constructor(parts: SharedCrawlParts, setup: CrawlSetup, settings: Settings) {
    this.#parts = parts;
    this.#keys = [parts.prefix];
    this.#setup = setup;
    this.#settings = settings;
  }

  /**
   * Joins the crawl (starting it, with `setup`'s seeds and settings, if no process has), then
   * starts the heartbeat that keeps this process's leases.
   *
   * @param parts The shared crawl.
   * @param setup The crawl's seeds and rules, as `crawl()` builds them.
   * @returns The frontier, ready for workers.
   * @example
   * ```ts ignore
   * import { RedisConnection } from "./client.ts";
   * import { RedisFrontier } from "./frontier.ts";
   * import { RedisRobotsStore, RedisSeenStore } from "./stores.ts";
   * import { makeScope } from "../../url/scope.ts";
   * // What `SharedCrawl.frontier` does, spelled out:
   * const redis = await RedisConnection.open("redis://127.0.0.1:6379");
   * const prefix = "greencrawl:docs:";
   * const parts = {
   *   redis, id: "docs", prefix, crawler: "docs:1", lease: 120,
   *   seen: new RedisSeenStore(redis, `${prefix}seen`),
   *   robots: new RedisRobotsStore(redis, prefix),
   *   onNotice: (message: string) => console.error(message),
   * };
   * const frontier = await RedisFrontier.start(parts, {
   *   seeds: [{ url: "http://127.0.0.1:8000/", line: 1 }],
   *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
   * });
   * console.log(frontier.counters.queued); // 1 (0 when it joined a running crawl)
   * await frontier.close();
   * await redis.close();
   * ```
   */
  static async start(parts: SharedCrawlParts, setup: CrawlSetup): Promise<RedisFrontier> {
    const own: Settings = {
      maxDepth: setup.maxDepth,
      maxPages: setup.maxPages,
      perHost: setup.perHost,
      delayMs: Math.round(setup.delay * 1000),
      obeyRobots: setup.robots !== undefined,
    };
    const args: (string | number)[] = [
      own.maxDepth,
      own.maxPages,
      own.perHost,
      own.delayMs,
      own.obeyRobots ? 1 : 0,
    ];
    for (const { url, line } of setup.seeds) {
      const u = new URL(url); // as the in-memory frontier: a seed must be a URL
      const given = url.includes(SEP) ? u.href : url;
      args.push(u.host, job(u.host, 0, line, 0, given, null, given), tryCanonicalUrl(url) ?? url);
    }
    const reply = await parts.redis.script(SEED, [parts.prefix], args) as string[];
    const stored: Settings = {
      maxDepth: Number(reply[1]),
      maxPages: Number(reply[2]),
      perHost: Number(reply[3]),
      delayMs: Number(reply[4]),
      obeyRobots: reply[5] === "1",
    };
    const frontier = new RedisFrontier(parts, setup, stored);
    if (reply[0] === "seeded") frontier.counters.queued = setup.seeds.length;
    else frontier.#joined(own, stored, reply[6] !== "");
    frontier.#heartbeat = setInterval(
      () => frontier.#beat(),
      Math.min(parts.lease / 3, 10) * 1000,
    );
    await frontier.#beat();
    return frontier;
  }

  /** Tells the user that this process joined a running (or finished) crawl, and on what terms. */
  #joined(own: Settings, stored: Settings, finished: boolean): void {
    const id = this.#parts.id;
    if (finished) {
      this.#parts.onNotice(`crawl ${id} is already finished: nothing to do`);
      this.#finish();
      return;
    }
    const differ = (Object.keys(own) as (keyof Settings)[]).filter((k) => own[k] !== stored[k]);
    const text = (s: Settings) => differ.map((k) => `${k} ${s[k]}`).join(", ");
    this.#parts.onNotice(
      differ.length === 0
        ? `joined crawl ${id}`
        : `joined crawl ${id}, which was started with ${text(stored)} (this process says ${
          text(own)
        }): the crawl's settings hold`,
    );
  }

  get #leaseMs(): number {
    return this.#parts.lease * 1000;
  }

  /** The crawl's robots.txt in Redis: `crawl()` keeps robots.txt there, fetched once per crawl. */
  get robotsStore(): RobotsStore {
    return this.#parts.robots;
  }

  /** True once the crawl's `maxPages` stopped the queueing (as this process last heard). */
  get budgetReached(): boolean {
    return this.#budgetReached;
  }

  /**
   * Leases the crawl's next job for this process: the next page of a host whose `perHost` and
   * `delay` allow a request now, in any process. Waits (green) while none does, and while jobs
   * are leased that may still queue more.
   *
   * @returns The job, or null once the crawl is finished (here or in another process).
   * @throws {RedisLostError} when the crawl's keys are gone, or Redis stayed away too long.
   * @example
   * ```ts ignore
   * import { SharedCrawl } from "./shared.ts";
   * import { makeScope } from "../../url/scope.ts";
   * const shared = await SharedCrawl.open("redis://127.0.0.1:6379", { crawlId: "docs" });
   * const frontier = await shared.frontier({
   *   seeds: [{ url: "http://127.0.0.1:8000/", line: 1 }],
   *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
   * });
   * const job = await frontier.next();
   * console.log(job?.url); // "http://127.0.0.1:8000/" (in the first process to lease it)
   * await frontier.close?.();
   * await shared.close();
   * ```
   */
  async next(): Promise<Job | null> {
    while (true) {
      if (this.#failure) throw this.#failure.error;
      if (this.#finished) return null;
      const prefetched = this.#prefetched.shift();
      const [kind, a, b, c, d] = prefetched
        ? await prefetched
        : await this.#parts.redis.script(LEASE, this.#keys, [this.#leaseMs]) as LeaseReply;
      if (kind === "none") continue; // the completion failed: the loop throws its error
      if (kind === "job") {
        this.#idleMs = MIN_IDLE_MS;
        this.#wake(1); // more may be ready: one more waiting worker asks
        this.#unclaimed.delete(String(b));
        const job = await this.#take(String(a), String(b), Number(c), d === 1);
        if (job) return job;
        continue;
      }
      if (kind === "finished") {
        this.#finish();
        return null;
      }
      if (kind === "gone") {
        throw new RedisLostError(
          `crawl ${this.#parts.id} is gone from Redis (keys deleted, or a server restarted ` +
            `without persistence)`,
        );
      }
      // "wait": a host may start at a known time; otherwise back off.
      const hint = Number(a);
      if (hint >= 0) await this.#park(Math.min(hint + 1, MAX_IDLE_MS));
      else {
        await this.#park(this.#idleMs);
        this.#idleMs = Math.min(this.#idleMs * 2, MAX_IDLE_MS);
      }
    }
  }

  /**
   * A leased job: parsed and held. Before a discovered URL is fetched, its host's robots.txt
   * decides: disallowed jobs end unfetched, and a host whose Crawl-delay was not yet known gets
   * the job back when the delay is larger than the one it was leased with. Null for those.
   */
  async #take(raw: string, id: string, now: number, gapKnown: boolean): Promise<Job | null> {
    const [host, depth, line, queuedAt, seed, parent, url] = raw.split(SEP);
    const job: Job = {
      url,
      line: line === "-" ? null : Number(line),
      depth: Number(depth),
      parent: parent === "-" ? null : parent,
      queuedAt: queuedAt === "0"
        ? this.#startedAt
        : performance.now() - Math.max(0, now - Number(queuedAt)),
      seed,
    };
    this.#held.set(job, { id, host });
    const robots = this.#setup.robots;
    if (job.depth === 0 || !robots) return job;
    const asked = robots(new URL(url));
    const verdict: RobotsVerdict = asked instanceof Promise ? await asked : asked;
    if (!gapKnown) {
      const gap = Math.max(this.#settings.delayMs, Math.round((verdict.crawlDelay ?? 0) * 1000));
      const back = await this.#parts.redis.script(GAP, this.#keys, [host, gap, id]);
      if (back === 1) {
        this.#held.delete(job);
        return null;
      }
    }
    if (verdict.allowed) return job;
    this.counters.robots++;
    this.#held.delete(job);
    await this.#parts.redis.script(COMPLETE, this.#keys, [id, "robots", "", 0, "-", "-", 0]);
    this.#wake(1);
    return null;
  }

  /**
   * Returns at once; the page's completion goes to Redis right after, once the runner handed
   * the record to its sink (see the module doc), and leases the worker's next job with it.
   *
   * @param job A job from `next()`.
   * @param result Its record (its `crawler` is set to this process), and the page's links.
   * @example
   * ```ts ignore
   * import { SharedCrawl } from "./shared.ts";
   * import { makeScope } from "../../url/scope.ts";
   * import { blankRecord } from "../../record.ts";
   * const shared = await SharedCrawl.open("redis://127.0.0.1:6379", { crawlId: "docs" });
   * const frontier = await shared.frontier({
   *   seeds: [{ url: "http://127.0.0.1:8000/", line: 1 }],
   *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
   * });
   * const job = await frontier.next();
   * if (job) {
   *   const record = { ...blankRecord(job.url), status: 200, ok: true };
   *   frontier.done(job, { record, links: ["http://127.0.0.1:8000/a"] });
   *   console.log(record.crawler); // this process's name
   * }
   * await frontier.close?.();
   * await shared.close();
   * ```
   */
  done(job: Job, { record, links }: JobResult): void {
    const held = this.#held.get(job);
    this.#held.delete(job);
    record.crawler = this.#parts.crawler;
    if (record.error?.code === "aborted") {
      // Not fetched (the run was interrupted): another process takes it at once.
      if (held) this.#afterRecord(() => this.#parts.redis.script(RELEASE, this.#keys, [held.id]));
      return;
    }
    const finalUrl = record.finalUrl;
    const landed = finalUrl && finalUrl !== job.url ? tryCanonicalUrl(finalUrl) ?? "" : "";
    const args: (string | number)[] = [
      held?.id ?? "",
      record.ok ? "ok" : "failed",
      landed,
      job.depth + 1,
      job.seed,
      job.url,
      this.#leaseMs,
    ];
    if (links.length > 0 && job.depth + 1 > this.#settings.maxDepth) {
      this.counters.tooDeep += links.length;
    } else if (links.length > 0) {
      const known = (i: number) => this.#known.has(links[i]) || this.#knownBefore.has(links[i]);
      const offered = screenLinks(
        links,
        known,
        new URL(job.seed),
        this.#setup.inScope,
        this.counters,
      );
      for (let i = 0; i < offered.links.length; i++) args.push(offered.links[i], offered.hosts[i]);
    }
    const next = Promise.withResolvers<LeaseReply>();
    this.#prefetched.push(next.promise);
    this.#afterRecord(async () => {
      try {
        const reply = await this.#parts.redis.script(COMPLETE, this.#keys, args) as
          & [number, number, number, number, number]
          & (string | number)[];
        this.counters.queued += reply[1];
        this.counters.duplicate += reply[2];
        this.counters.overBudget += reply[3];
        this.#budgetReached = reply[4] === 1;
        for (let i = 7; i < args.length; i += 2) this.#remember(args[i] as string);
        if (landed) this.#remember(landed);
        const leased = reply.slice(5) as LeaseReply;
        if (leased[0] === "job") this.#unclaimed.add(String(leased[2]));
        next.resolve(leased);
        this.#wake(Math.max(1, reply[1])); // the host's slot, and each new job
      } catch (error) {
        this.#failure ??= { error };
        throw error;
      } finally {
        next.resolve(["none"]);
      }
    });
  }

  /** Notes that `url` is in the crawl's visited set (see `#known`). */
  #remember(url: string): void {
    this.#known.add(url);
    if (this.#known.size < KNOWN_CAP) return;
    this.#knownBefore = this.#known;
    this.#known = new Set();
  }

  /**
   * Runs `send` once the current turn is over: the runner hands the record to its sink in the
   * same turn that `done` returns in. A failure reaches the workers through `next`.
   */
  #afterRecord(send: () => Promise<unknown>): void {
    const sent: Promise<void> = Promise.resolve()
      .then(send)
      .then(() => {}, (error) => {
        this.#failure ??= { error };
        this.#wake(Infinity);
      })
      .finally(() => this.#pending.delete(sent));
    this.#pending.add(sent);
  }

  /**
   * A redirect of `job` to `url`, held to the rules the in-memory frontier applies: a listed
   * URL follows it (the target becomes seen); a discovered one stops at a target out of scope
   * (`redirect-out-of-scope`, `redirect-non-public`), already seen anywhere in the crawl
   * (`redirect-seen`), or disallowed by robots.txt (`redirect-disallowed`).
   *
   * @param job The job whose response redirects.
   * @param url The target.
   * @returns True to follow, or why not.
   * @example
   * ```ts ignore
   * import { SharedCrawl } from "./shared.ts";
   * import { makeScope } from "../../url/scope.ts";
   * const shared = await SharedCrawl.open("redis://127.0.0.1:6379", { crawlId: "docs" });
   * const frontier = await shared.frontier({
   *   seeds: [{ url: "http://127.0.0.1:8000/", line: 1 }],
   *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
   * });
   * const job = await frontier.next();
   * if (job) console.log(await frontier.redirect?.(job, "http://127.0.0.1:8000/home")); // true
   * await frontier.close?.();
   * await shared.close();
   * ```
   */
  redirect(job: Job, url: string): RedirectVerdict | Promise<RedirectVerdict> {
    const seed = new URL(job.seed);
    return judgeRedirect(job, url, seed, this.#setup, this.#parts.seen, this.counters);
  }

  /**
   * Stops the heartbeat and gives back the jobs this process still holds (an interrupted or
   * failed run), so that other processes take them now rather than after their lease. The
   * connection stays open (its owner, `SharedCrawl`, closes it).
   *
   * @returns Resolves once the completions in flight are sent and the held jobs given back.
   * @example
   * ```ts ignore
   * import { SharedCrawl } from "./shared.ts";
   * import { makeScope } from "../../url/scope.ts";
   * const shared = await SharedCrawl.open("redis://127.0.0.1:6379", { crawlId: "docs" });
   * const frontier = await shared.frontier({
   *   seeds: [{ url: "http://127.0.0.1:8000/", line: 1 }],
   *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
   * });
   * await frontier.next(); // a job leased, then the run is interrupted
   * await frontier.close?.();
   * await shared.close();
   * ```
   */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    this.#finish();
    await Promise.all(this.#pending);
    const ids = [...this.#held.values()].map((h) => h.id).concat(...this.#unclaimed);
    this.#held.clear();
    this.#unclaimed.clear();
    if (ids.length === 0) return;
    try {
      await this.#parts.redis.script(RELEASE, this.#keys, ids);
    } catch {
      // Redis is gone: the leases expire by themselves.
    }
  }

  /** Renews this process's leases and says it is alive; a missed beat is retried next time. */
  async #beat(): Promise<void> {
    if (this.#beating) return;
    this.#beating = true;
    try {
      const ids = [...this.#held.values()].map((h) => h.id).concat(...this.#unclaimed);
      await this.#parts.redis.script(RENEW, this.#keys, [
        this.#parts.lease * 1000,
        this.#parts.crawler,
        ...ids,
      ]);
    } catch {
      // The workers' own calls report a lost connection.
    } finally {
      this.#beating = false;
    }
  }

  /** Waits (green) until woken: by a finished page here, or by the one timer after `ms`. */
  #park(ms: number): Promise<void> {
    const at = performance.now() + ms;
    if (this.#timer === undefined || at < this.#timerAt) {
      clearTimeout(this.#timer);
      this.#timerAt = at;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#wake(1);
      }, ms);
    }
    return this.#waiters.wait();
  }

  /** Wakes up to `count` waiting workers (each asks Redis once more). */
  #wake(count: number): void {
    this.#waiters.wake(count);
  }

  #finish(): void {
    this.#finished = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wake(Infinity);
  }
}

/** A job's string (see `scripts.ts`). */
function job(
  host: string,
  depth: number,
  line: number | null,
  queuedAt: number,
  seed: string,
  parent: string | null,
  url: string,
): string {
  return [host, depth, line ?? "-", queuedAt, seed, parent ?? "-", url].join(SEP);
}
