/**
 * The in-memory crawl frontier: a queue per host, a visited set ({@linkcode SeenStore}, in memory
 * by default), and per-host politeness.
 *
 * What it enforces:
 * - each discovered URL is queued once (canonical form; listed URLs keep the list's rule: every
 *   line is a job), breadth-first within each host;
 * - depth (`--depth`), scope (`--scope`, `--include`, `--exclude`, private addresses), and a
 *   budget (`--max-pages`, after which nothing more is queued);
 * - per host: at most `perHost` requests in flight and at least `delay` seconds between the
 *   starts of two requests (raised to the host's robots.txt `Crawl-delay`);
 * - robots.txt for discovered URLs (listed ones are fetched as the user asked).
 *
 * A queued URL costs two array slots (its string and the {@linkcode Origin} shared by all links
 * of its page) rather than an object of its own: 130 instead of 207 bytes per queued URL (the
 * `seen` row of `bench:crawl`), at the same CPU; finished records are never kept here. Given a
 * {@linkcode CrawlJournal}, the same frontier is durable: the journal is told every job queued,
 * taken and finished, holds the queue beyond a window, and gives it back as the window empties
 * (`./sqlite/`).
 * @module
 */
import { tryCanonicalUrl } from "../url/canonical.ts";
import type {
  CrawlCounters,
  CrawlingFrontier,
  CrawlSetup,
  Job,
  JobResult,
  RedirectVerdict,
  SeenStore,
} from "./frontier.ts";
import { emptyCounters } from "./frontier.ts";
import { judgeRedirect } from "./redirect.ts";
import { MemorySeenStore } from "./seen.ts";
import { screenLinks } from "./links.ts";
import { Waiters } from "./waiters.ts";
import type { FetchRecord } from "../record.ts";
import type { RobotsStore, RobotsVerdict } from "../robots/cache.ts";

/**
 * What a queued URL's job gets besides its URL: shared by all links found on one page (and one
 * per listed URL), so a queued link costs two array slots rather than a job object.
 */
export interface Origin {
  /** The job's input line, or null. */
  line: number | null;
  /** The job's depth. */
  depth: number;
  /** The page it was found on, or null. */
  parent: string | null;
  /** When it was queued (`performance.now()`). */
  queuedAt: number;
  /** The listed URL it descends from. */
  seed: string;
}

/**
 * Where a durable {@linkcode CrawlFrontier} keeps its jobs. The frontier tells the journal every
 * job it queues, takes and finishes, in that order, synchronously; it keeps only the queued jobs
 * the journal hands back in memory, and asks for more from the journal as they run out.
 */
export interface CrawlJournal {
  /** The visited set that goes with the journal: synchronous, so `done()` never waits. */
  readonly seen: SeenStore;
  /** robots.txt kept with the journal, so a resumed crawl does not fetch it again. */
  readonly robots?: RobotsStore;
  /** Queued jobs held by the journal alone (not yet handed to the frontier). */
  readonly stored: number;
  /**
   * The run begins: the journal fills `counters` in from earlier runs and keeps the object to
   * store it. True when it resumes (its jobs are queued already: the seeds are not queued again).
   */
  start(counters: CrawlCounters): boolean;
  /**
   * A new job (found on `parent`, or listed). Returns the origin the frontier should queue it
   * with, or null: the journal keeps it until {@linkcode load} hands it out.
   */
  queued(url: string, origin: Origin, parent: Job | null): Origin | null;
  /** Up to `max` of the jobs the journal holds, oldest first, with their hosts. */
  load(max: number): { url: string; host: string; origin: Origin }[];
  /** A worker took `job`, queued with `origin`. */
  taken(job: Job, origin: Origin): void;
  /** `job` ended: its record, or null when robots.txt disallowed it. Not called for robots.txt. */
  finished(job: Job, record: FetchRecord | null): void;
  /** Between pages (no record half-written): the journal may commit. */
  tick(): void;
  /** The run ends; `finished` when every job was done (not stopped). */
  close(finished: boolean): void | Promise<void>;
}

/** Jobs the frontier keeps in memory while a journal holds more: it loads some below LOW. */
const WINDOW_LOW = 1000;
/** How many jobs one load brings. */
const WINDOW_LOAD = 2000;
/** Most jobs loaded while none may start (their hosts are busy): then it waits. */
const WINDOW_MAX = 10_000;

interface Host {
  /** Queued URLs from `head` on, and the origin of each. */
  urls: string[];
  origins: Origin[];
  head: number;
  active: number;
  /** `performance.now()` before which no request may start. */
  readyAt: number;
  /** Seconds between starts: `delay`, raised by Crawl-delay. */
  gap: number;
  /** robots.txt: not asked yet, being fetched (the host waits), or known (its delay applied). */
  robots: "unknown" | "loading" | "known";
}

/**
 * The in-memory crawl frontier.
 *
 * @example
 * ```ts
 * import { CrawlFrontier } from "./crawl.ts";
 * import { makeScope } from "../url/scope.ts";
 * import { blankRecord } from "../record.ts";
 * const f = new CrawlFrontier({
 *   seeds: [{ url: "http://127.0.0.1:8000/", line: 1 }],
 *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
 * });
 * const job = await f.next();
 * f.done(job!, { record: blankRecord(job!.url), links: ["http://127.0.0.1:8000/a"] });
 * console.log(f.counters.queued); // 2
 * ```
 */
export class CrawlFrontier implements CrawlingFrontier {
  /** Counts of what was queued and skipped, for the summary. */
  readonly counters: CrawlCounters = emptyCounters();
  #o: CrawlSetup;
  #seen: SeenStore;
  #journal: CrawlJournal | undefined;
  /** Links accepted by a page but not yet queued (an asynchronous store is being asked). */
  #reserved = 0;
  /** Resolves once the seeds are marked seen, when the store answers asynchronously. */
  #ready: Promise<void> | undefined;
  #hosts = new Map<string, Host>();
  #hostOf = new Map<Job, Host>(); // jobs handed out and not done yet
  #waiting = new Set<Host>(); // hosts with queued jobs, in round-robin order
  #queued = 0;
  #inFlight = 0;
  #waiters = new Waiters();
  #finished = false;

  /**
   * Queues the listed URLs (every line is a job) and marks them seen. With a `journal`, its
   * visited set is used, and a journal that resumes brings the queue instead of the seeds.
   */
  constructor(setup: CrawlSetup, journal?: CrawlJournal) {
    this.#o = setup;
    this.#seen = journal?.seen ?? setup.seen ?? new MemorySeenStore();
    this.#journal = journal;
    if (journal?.start(this.counters)) return;
    const now = performance.now();
    const keys: string[] = [];
    for (const { url, line } of setup.seeds) {
      keys.push(tryCanonicalUrl(url) ?? url);
      const origin = { line, depth: 0, parent: null, queuedAt: now, seed: url };
      this.#enqueue(url, origin, new URL(url).host, null);
    }
    const marked = this.#seen.add(keys);
    if (marked instanceof Promise) this.#ready = marked.then(() => this.#ready = undefined);
  }

  /** True once `maxPages` jobs were queued. */
  get budgetReached(): boolean {
    return this.counters.queued >= this.#o.maxPages;
  }

  /**
   * Distinct URLs seen so far: the listed and queued ones, and where redirects landed.
   *
   * @returns Their number; a promise when the visited set answers asynchronously.
   * @example
   * ```ts
   * import { CrawlFrontier } from "./crawl.ts";
   * import { makeScope } from "../url/scope.ts";
   * const f = new CrawlFrontier({
   *   seeds: [{ url: "http://127.0.0.1:8000/", line: 1 }],
   *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
   * });
   * console.log(f.seen()); // 1
   * ```
   */
  seen(): number | Promise<number> {
    return this.#seen.size();
  }

  /**
   * Jobs queued and not yet taken.
   *
   * @returns Their number (jobs a journal still holds on disk not included).
   * @example
   * ```ts
   * import { CrawlFrontier } from "./crawl.ts";
   * import { makeScope } from "../url/scope.ts";
   * const f = new CrawlFrontier({
   *   seeds: [{ url: "http://127.0.0.1:8000/", line: 1 }],
   *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
   * });
   * console.log(f.pending()); // 1
   * await f.next();
   * console.log(f.pending()); // 0
   * ```
   */
  pending(): number {
    return this.#queued;
  }

  /** robots.txt kept by the journal, if any (`crawl()` gives it to its robots.txt cache). */
  get robotsStore(): RobotsStore | undefined {
    return this.#journal?.robots;
  }

  #enqueue(url: string, origin: Origin, key: string, parent: Job | null): void {
    this.counters.queued++;
    if (this.#journal) {
      const kept = this.#journal.queued(url, origin, parent);
      if (kept === null) return; // the journal holds it until the window empties
      origin = kept;
    }
    this.#push(url, origin, key);
  }

  #push(url: string, origin: Origin, key: string): void {
    let host = this.#hosts.get(key);
    if (!host) {
      host = {
        urls: [],
        origins: [],
        head: 0,
        active: 0,
        readyAt: 0,
        gap: this.#o.delay,
        robots: "unknown",
      };
      this.#hosts.set(key, host);
    }
    host.urls.push(url);
    host.origins.push(origin);
    this.#waiting.add(host);
    this.#queued++;
  }

  /** Brings jobs back from the journal: below the low mark, or while none may start. */
  #refill(blocked: boolean): boolean {
    const journal = this.#journal!;
    if (journal.stored === 0) return false;
    if (blocked ? this.#queued >= WINDOW_MAX : this.#queued >= WINDOW_LOW) return false;
    const loaded = journal.load(WINDOW_LOAD);
    for (const { url, host, origin } of loaded) this.#push(url, origin, host);
    return loaded.length > 0;
  }

  /** A host that may start a request now, or the earliest time one may (ms), or null. */
  #pick(now: number): Host | number | null {
    let soonest: number | null = null;
    for (const host of this.#waiting) {
      if (host.active >= this.#o.perHost || host.robots === "loading") continue;
      if (host.readyAt > now) {
        soonest = soonest === null ? host.readyAt : Math.min(soonest, host.readyAt);
        continue;
      }
      return host;
    }
    return soonest;
  }

  #take(host: Host, now: number): Job {
    const o = host.origins[host.head];
    const job: Job = {
      url: host.urls[host.head],
      line: o.line,
      depth: o.depth,
      parent: o.parent,
      queuedAt: o.queuedAt,
      seed: o.seed,
    };
    host.urls[host.head] = undefined as unknown as string;
    host.origins[host.head++] = undefined as unknown as Origin;
    if (host.head === host.urls.length) {
      host.urls = [];
      host.origins = [];
      host.head = 0;
      this.#waiting.delete(host);
    } else {
      // Round robin: this host goes to the back of the line.
      this.#waiting.delete(host);
      this.#waiting.add(host);
      if (host.head > 1024 && host.head * 2 > host.urls.length) {
        host.urls = host.urls.slice(host.head);
        host.origins = host.origins.slice(host.head);
        host.head = 0;
      }
    }
    this.#queued--;
    host.active++;
    host.readyAt = now + host.gap * 1000;
    this.#hostOf.set(job, host);
    this.#journal?.taken(job, o);
    return job;
  }

  /**
   * The next job a worker may start: round robin over the hosts, each within its `perHost` and
   * `delay` (and robots.txt, fetched before a host's first discovered URL). Waits (green) while
   * none may start yet or pages in flight may still queue more.
   *
   * @returns The job, or null once every queued job was done.
   * @example
   * ```ts
   * import { CrawlFrontier } from "./crawl.ts";
   * import { makeScope } from "../url/scope.ts";
   * const f = new CrawlFrontier({
   *   seeds: [{ url: "http://127.0.0.1:8000/", line: 1 }],
   *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
   * });
   * const job = await f.next();
   * console.log(job?.url, job?.depth); // "http://127.0.0.1:8000/" 0
   * ```
   */
  async next(): Promise<Job | null> {
    if (this.#ready) await this.#ready;
    while (true) {
      if (this.#finished) return null;
      if (this.#journal) {
        this.#journal.tick();
        this.#refill(false);
      }
      const now = performance.now();
      const picked = this.#pick(now);
      if (typeof picked === "object" && picked !== null) {
        const depth = picked.origins[picked.head].depth;
        if (this.#o.robots && picked.robots === "unknown") {
          if (depth > 0) {
            await this.#loadRobots(picked, picked.urls[picked.head], now);
            continue;
          }
          if (this.#prefetchRobots(picked)) {
            // A listed URL of a crawl: its links will need the host's robots.txt, so ask for it
            // now, beside this request, rather than one round trip later. It ends with this
            // worker if a kill (Ctrl-C) interrupts it; the host then keeps its current delay.
            this.#loadRobots(picked, picked.urls[picked.head], now).catch(() => {});
          }
        }
        const job = this.#take(picked, now);
        this.#inFlight++;
        if (job.depth > 0 && this.#o.robots) {
          const asked = this.#o.robots(new URL(job.url));
          if (!this.#allowed(job, picked, asked instanceof Promise ? await asked : asked)) continue;
        }
        return job;
      }
      if (this.#journal && this.#refill(true)) continue;
      if (this.#queued === 0 && this.#inFlight === 0) {
        this.#finish();
        return null;
      }
      const wait = picked === null ? undefined : Math.max(0, (picked - now) / 1000);
      await this.#waiters.wait(wait);
    }
  }

  /**
   * Whether a listed URL's host may have its robots.txt fetched alongside it: the crawl goes
   * deeper than the list, no delay applies (else robots.txt goes first, to learn Crawl-delay),
   * and the host has a free slot for it besides this request.
   */
  #prefetchRobots(host: Host): boolean {
    return this.#o.maxDepth > 0 && host.gap === 0 && host.active + 2 <= this.#o.perHost;
  }

  /**
   * Fetches the host's robots.txt before its first discovered URL, as one of the host's requests
   * (it takes a `perHost` slot and keeps the delay), so its Crawl-delay spaces every request
   * after it: no batch of requests starts before the delay is known.
   */
  async #loadRobots(host: Host, url: string, now: number): Promise<void> {
    host.robots = "loading";
    host.active++;
    this.#inFlight++;
    host.readyAt = now + host.gap * 1000;
    try {
      const { crawlDelay } = await this.#o.robots!(new URL(url));
      if (crawlDelay !== null && crawlDelay > host.gap) {
        host.readyAt += (crawlDelay - host.gap) * 1000;
        host.gap = crawlDelay;
      }
    } finally {
      host.robots = "known";
      this.#release(host);
    }
  }

  /** Applies robots.txt's verdict; a disallowed job is dropped (and counted) without a request. */
  #allowed(job: Job, host: Host, verdict: RobotsVerdict): boolean {
    if (verdict.crawlDelay !== null && verdict.crawlDelay > host.gap) {
      host.gap = verdict.crawlDelay;
      host.readyAt = Math.max(host.readyAt, performance.now() + host.gap * 1000);
    }
    if (verdict.allowed) return true;
    this.counters.robots++;
    host.readyAt = performance.now(); // no request was made: do not make the host wait
    this.#journal?.finished(job, null);
    this.#hostOf.delete(job);
    this.#release(host);
    return false;
  }

  /**
   * A redirect of `job` to `url`: the crawl's rule for redirects ({@linkcode judgeRedirect});
   * the runner applies the address rules besides.
   *
   * @param job The job whose response redirects.
   * @param url The target.
   * @returns True to follow, or why not.
   * @example
   * ```ts
   * import { CrawlFrontier } from "./crawl.ts";
   * import { makeScope } from "../url/scope.ts";
   * const f = new CrawlFrontier({
   *   seeds: [{ url: "http://127.0.0.1:8000/", line: 1 }],
   *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
   * });
   * const job = (await f.next())!;
   * console.log(f.redirect(job, "http://127.0.0.1:8000/home"), f.seen()); // true 2
   * ```
   */
  redirect(job: Job, url: string): RedirectVerdict | Promise<RedirectVerdict> {
    const seed = new URL(job.seed);
    return judgeRedirect(job, url, seed, this.#o, this.#seen, this.counters);
  }

  /**
   * A worker finished `job`: frees its host's slot, marks where a redirect landed as seen, and
   * queues the page's links that are new, in scope, within `maxDepth` and the budget (the rest
   * are counted in `counters`).
   *
   * @param job A job from `next()`.
   * @param result Its record, and the canonical links found on its page.
   * @returns A promise when the visited set answers asynchronously (await it), else nothing.
   * @example
   * ```ts
   * import { CrawlFrontier } from "./crawl.ts";
   * import { makeScope } from "../url/scope.ts";
   * import { blankRecord } from "../record.ts";
   * const f = new CrawlFrontier({
   *   seeds: [{ url: "http://127.0.0.1:8000/", line: 1 }],
   *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
   * });
   * const job = (await f.next())!;
   * const links = ["http://127.0.0.1:8000/a", "http://b.test/"];
   * f.done(job, { record: blankRecord(job.url), links });
   * console.log(f.pending(), f.counters.outOfScope); // 1 { "off-host": 1 }
   * ```
   */
  done(job: Job, result: JobResult): void | Promise<void> {
    const host = this.#hostOf.get(job);
    if (host) {
      this.#hostOf.delete(job);
      this.#release(host);
    }
    if (!this.#journal) return this.#learn(job, result);
    this.#learn(job, result); // synchronous with a journal: its visited set answers at once
    this.#journal.finished(job, result.record); // after its links, which name it as their parent
  }

  /**
   * Ends the journal's run, if any: `finished` once every job was done. In memory there is
   * nothing to release.
   *
   * @returns A promise when the journal closes asynchronously, else nothing.
   * @example
   * ```ts
   * import { CrawlFrontier } from "./crawl.ts";
   * import { makeScope } from "../url/scope.ts";
   * const f = new CrawlFrontier({
   *   seeds: [{ url: "http://127.0.0.1:8000/", line: 1 }],
   *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
   * });
   * await f.close(); // in memory: nothing to end
   * ```
   */
  close(): void | Promise<void> {
    return this.#journal?.close(this.#finished);
  }

  /** What a finished page teaches: where it landed, and which of its links to queue. */
  #learn(job: Job, { record, links }: JobResult): void | Promise<void> {
    // Where a redirect ended counts as seen: a later link to it is not fetched again.
    // (A page that was not redirected landed on its own URL, seen since it was queued.)
    const finalUrl = record.finalUrl;
    const landed = finalUrl && finalUrl !== job.url ? tryCanonicalUrl(finalUrl) : null;
    const marked = landed ? this.#seen.add([landed]) : null;
    if (links.length > 0 && job.depth + 1 > this.#o.maxDepth) this.counters.tooDeep += links.length;
    else if (links.length > 0) {
      const known = this.#seen.has(links);
      if (known instanceof Promise || marked instanceof Promise) {
        return Promise.all([marked, known]).then(([, k]) => this.#follow(job, links, k));
      }
      return this.#follow(job, links, known);
    }
    if (marked instanceof Promise) return marked.then(() => {});
  }

  /** Queues the links of `job`'s page that are new, in scope and within the budget. */
  #follow(job: Job, links: readonly string[], known: boolean[]): void | Promise<void> {
    const seed = new URL(job.seed);
    const { links: fresh, hosts } = screenLinks(
      links,
      (i) => known[i],
      seed,
      this.#o.inScope,
      this.counters,
    );
    const room = Math.max(0, this.#o.maxPages - this.counters.queued - this.#reserved);
    if (fresh.length > room) {
      this.counters.overBudget += fresh.length - room;
      fresh.length = hosts.length = room;
    }
    if (fresh.length === 0) return;
    const added = this.#seen.add(fresh);
    if (!(added instanceof Promise)) return this.#queueNew(job, fresh, hosts, added);
    this.#reserved += fresh.length;
    return added.then((a) => {
      this.#reserved -= fresh.length;
      this.#queueNew(job, fresh, hosts, a);
    });
  }

  #queueNew(job: Job, fresh: string[], hosts: string[], added: boolean[]): void {
    const origin = {
      line: null,
      depth: job.depth + 1,
      parent: job.url,
      queuedAt: performance.now(),
      seed: job.seed,
    }; // one for all links of this page
    let queued = 0;
    for (let i = 0; i < fresh.length; i++) {
      if (!added[i]) {
        this.counters.duplicate++; // another page queued it while the store was asked
        continue;
      }
      this.#enqueue(fresh[i], origin, hosts[i], job);
      queued++;
    }
    this.#wake(queued);
  }

  #release(host: Host): void {
    host.active--;
    this.#inFlight--;
    this.#wake(1);
  }

  /**
   * Wakes up to `count` waiting workers: one per job that became available. Waking them all
   * on every finished page made 50 workers re-check the frontier 2,000 times to take one job
   * each time. (A woken worker that finds nothing waits again; the finish wakes everyone.)
   */
  #wake(count = Infinity): void {
    this.#waiters.wake(count);
  }

  #finish(): void {
    this.#finished = true;
    this.#wake();
  }
}
