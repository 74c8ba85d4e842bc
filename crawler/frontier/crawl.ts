/**
 * The crawl frontier: a queue per host, a seen-set, and per-host politeness.
 *
 * Workers call `next()` and `done()` (the {@linkcode Frontier} interface) and know nothing of
 * what stands behind it, so a persistent or distributed backend can replace this in-memory
 * one. What it enforces:
 * - each discovered URL is queued once (canonical form; listed URLs keep the list's rule: every
 *   line is a job), breadth-first within each host;
 * - depth (`--depth`), scope (`--scope`, `--include`, `--exclude`, private addresses), and a
 *   budget (`--max-pages`, after which nothing more is queued);
 * - per host: at most `perHost` requests in flight and at least `delay` seconds between the
 *   starts of two requests (raised to the host's robots.txt `Crawl-delay`);
 * - robots.txt for discovered URLs (listed ones are fetched as the user asked).
 *
 * Memory stays proportional to the frontier: per queued URL two array slots (its string, shared
 * with the seen-set, and the {@linkcode Origin} shared by all links of its page), one string per
 * seen URL, one small
 * record per host. Finished records are never kept here.
 * @module
 */
import { block } from "../../green/hub.ts";
import { tryCanonicalUrl } from "../url/canonical.ts";
import type { Frontier, Job } from "./frontier.ts";
import type { RobotsVerdict } from "../robots/cache.ts";
import type { InScope, ScopeReason } from "../url/scope.ts";

/** What the crawl frontier needs to know. */
export interface CrawlFrontierOptions {
  /** Largest depth fetched: listed URLs are depth 0. */
  maxDepth: number;
  /** Most jobs ever queued (listed URLs included); then queueing stops. */
  maxPages: number;
  /** Most requests in flight per host. */
  perHost: number;
  /** Least seconds between two request starts on one host. */
  delay: number;
  /** The scope check for discovered links. */
  inScope: InScope;
  /** robots.txt verdicts (at once when known); undefined ignores robots.txt. */
  robots?: (url: URL) => RobotsVerdict | Promise<RobotsVerdict>;
}

/** Why discovered links were not queued, and how much was queued. */
export interface CrawlCounters {
  /** Jobs queued (listed URLs included). */
  queued: number;
  /** Links already seen (or listed). */
  duplicate: number;
  /** Links deeper than `maxDepth`. */
  tooDeep: number;
  /** Links out of scope, by reason. */
  outOfScope: Partial<Record<ScopeReason, number>>;
  /** Links skipped after queueing because robots.txt disallows them. */
  robots: number;
  /** Links dropped because `maxPages` was reached. */
  overBudget: number;
}

/**
 * What a queued URL's job gets besides its URL: shared by all links found on one page (and one
 * per listed URL), so a queued link costs two array slots rather than a job object.
 */
interface Origin {
  line: number | null;
  depth: number;
  parent: string | null;
  queuedAt: number;
  seed: string;
}

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
 * const f = new CrawlFrontier([{ url: "http://127.0.0.1:8000/", line: 1 }], {
 *   maxDepth: 1, maxPages: 100, perHost: 2, delay: 0, inScope: makeScope("host"),
 * });
 * const job = await f.next();
 * f.done(job!, ["http://127.0.0.1:8000/a"]);
 * console.log(f.counters.queued); // 2
 * ```
 */
export class CrawlFrontier implements Frontier {
  /** Counts of what was queued and skipped, for the summary. */
  readonly counters: CrawlCounters = {
    queued: 0,
    duplicate: 0,
    tooDeep: 0,
    outOfScope: {},
    robots: 0,
    overBudget: 0,
  };
  #o: CrawlFrontierOptions;
  #seen = new Set<string>();
  #hosts = new Map<string, Host>();
  #hostOf = new Map<Job, Host>(); // jobs handed out and not done yet
  #waiting = new Set<Host>(); // hosts with queued jobs, in round-robin order
  #queued = 0;
  #inFlight = 0;
  #wakers = new Set<() => void>();
  #finished = false;

  /** Queues the listed URLs (every line is a job) and marks them seen. */
  constructor(
    seeds: Iterable<{ url: string; line: number | null }>,
    options: CrawlFrontierOptions,
  ) {
    this.#o = options;
    const now = performance.now();
    for (const { url, line } of seeds) {
      this.#seen.add(tryCanonicalUrl(url) ?? url);
      const origin = { line, depth: 0, parent: null, queuedAt: now, seed: url };
      this.#enqueue(url, origin, new URL(url).host);
    }
  }

  /** True once `maxPages` jobs were queued. */
  get budgetReached(): boolean {
    return this.counters.queued >= this.#o.maxPages;
  }

  /** Distinct URLs seen so far. */
  get seen(): number {
    return this.#seen.size;
  }

  pending(): number {
    return this.#queued;
  }

  #enqueue(url: string, origin: Origin, key: string): void {
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
    this.counters.queued++;
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
    return job;
  }

  async next(): Promise<Job | null> {
    while (true) {
      if (this.#finished) return null;
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
      if (this.#queued === 0 && this.#inFlight === 0) {
        this.#finish();
        return null;
      }
      const wait = picked === null ? undefined : Math.max(0, (picked - now) / 1000);
      await block<void>((resolve) => {
        this.#wakers.add(resolve);
        return () => this.#wakers.delete(resolve);
      }, wait);
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
    this.#hostOf.delete(job);
    this.#release(host);
    return false;
  }

  /**
   * A redirect of `job` to `url`. A discovered URL's redirect is held to the rules its links
   * are: a target out of scope (for the job's seed, private addresses included) is not followed
   * and counted under its scope reason; one already seen (queued, fetched or reached by another
   * redirect) is not followed and counted as a duplicate; one that robots.txt disallows is not
   * followed and counted under robots (the target host's robots.txt is fetched if need be).
   * Otherwise, and always for listed URLs (the user's choice), the target becomes seen and is
   * followed.
   */
  redirect(job: Job, url: string): boolean | Promise<boolean> {
    const key = tryCanonicalUrl(url);
    if (key === null) return true;
    if (job.depth === 0) {
      this.#seen.add(key);
      return true;
    }
    const target = new URL(key);
    const verdict = this.#o.inScope(target, new URL(job.seed));
    if (!verdict.ok) {
      const c = this.counters.outOfScope;
      c[verdict.reason] = (c[verdict.reason] ?? 0) + 1;
      return false;
    }
    if (this.#seen.has(key)) {
      this.counters.duplicate++;
      return false;
    }
    this.#seen.add(key);
    if (!this.#o.robots) return true;
    const asked = this.#o.robots(target);
    return asked instanceof Promise
      ? asked.then((v) => this.#redirectAllowed(v))
      : this.#redirectAllowed(asked);
  }

  #redirectAllowed(verdict: RobotsVerdict): boolean {
    if (!verdict.allowed) this.counters.robots++;
    return verdict.allowed;
  }

  done(job: Job, links: readonly string[], finalUrl?: string | null): void {
    const host = this.#hostOf.get(job);
    if (host) {
      this.#hostOf.delete(job);
      this.#release(host);
    }
    // Where a redirect ended counts as seen: a later link to it is not fetched again.
    // (A page that was not redirected landed on its own URL, seen since it was queued.)
    const landed = finalUrl && finalUrl !== job.url ? tryCanonicalUrl(finalUrl) : null;
    if (landed) this.#seen.add(landed);
    const depth = job.depth + 1;
    if (links.length === 0) return;
    if (depth > this.#o.maxDepth) {
      this.counters.tooDeep += links.length;
      return;
    }
    const seed = new URL(job.seed);
    const now = performance.now();
    let origin: Origin | undefined; // one for all links of this page
    let queued = 0;
    for (const link of links) {
      if (this.#seen.has(link)) {
        this.counters.duplicate++;
        continue;
      }
      const url = new URL(link);
      const verdict = this.#o.inScope(url, seed);
      if (!verdict.ok) {
        const c = this.counters.outOfScope;
        c[verdict.reason] = (c[verdict.reason] ?? 0) + 1;
        continue;
      }
      if (this.budgetReached) {
        this.counters.overBudget++;
        continue;
      }
      this.#seen.add(link);
      origin ??= { line: null, depth, parent: job.url, queuedAt: now, seed: job.seed };
      this.#enqueue(link, origin, url.host);
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
    for (const w of this.#wakers) {
      if (count-- <= 0) break;
      this.#wakers.delete(w);
      w();
    }
  }

  #finish(): void {
    this.#finished = true;
    this.#wake();
  }
}
