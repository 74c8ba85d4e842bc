/**
 * robots.txt for a crawl: fetched once per host (concurrent workers share one fetch), cached
 * for the run, and turned into a verdict per URL. With a {@linkcode RobotsStore} the files are
 * kept beyond the process: a crawl shared by many processes fetches each one once.
 * @module
 */
import { fetchBody, type FetchOptions } from "../fetch/fetch.ts";
import type { FetchError } from "../record.ts";
import {
  ALLOW_ALL,
  DISALLOW_ALL,
  parseRobots,
  type Robots,
  ROBOTS_MAX_BYTES,
  robotsForStatus,
} from "./parse.ts";

/** The verdict for one URL. */
export interface RobotsVerdict {
  /** May the crawler fetch it? */
  allowed: boolean;
  /** The host's `Crawl-delay` for our user agent, seconds, or null. */
  crawlDelay: number | null;
}

/**
 * Where a crawl keeps its robots.txt files beyond this process (a shared crawl keeps them in
 * Redis). Entries are this module's own text form: a store keeps them as they are.
 *
 * @example
 * ```ts
 * import type { RobotsStore } from "./cache.ts";
 * const kept = new Map<string, string>();
 * const store: RobotsStore = {
 *   async get(host, fetch) {
 *     if (!kept.has(host)) kept.set(host, await fetch());
 *     return kept.get(host)!;
 *   },
 * };
 * ```
 */
export interface RobotsStore {
  /**
   * The host's entry: the stored one, or `fetch()`'s (which the store then keeps). A store
   * shared by processes calls `fetch` in one of them only.
   */
  get(host: string, fetch: () => Promise<string>): Promise<string>;
}

/**
 * Per-host robots.txt, fetched on first use with the crawl's own fetch options.
 *
 * @example
 * ```ts ignore
 * import { RobotsCache } from "./cache.ts";
 * const robots = new RobotsCache({ timeout: 10 }, "greencrawl/0.1.0");
 * console.log((await robots.check(new URL("http://127.0.0.1:8000/private/x"))).allowed);
 * ```
 */
export class RobotsCache {
  /** Per host: the fetch in progress, replaced by its result when it arrives. */
  #hosts = new Map<string, Robots | Promise<Robots>>();
  #options: FetchOptions;
  #agent: string;
  #onUnavailable: (host: string, why: string) => void;
  #guard: ((url: URL) => FetchError | null | Promise<FetchError | null>) | undefined;
  #store: RobotsStore | undefined;

  /**
   * `agent` is matched against robots.txt groups; `onUnavailable` hears about hosts whose
   * robots.txt failed with 5xx or no answer (they are disallowed for the run). The robots.txt
   * of a host that `guard` refuses (the address rules) is never requested: its URLs are allowed
   * here, and each gets the guard's refusal as its record when the fetcher asks the same guard.
   * `store` keeps the files beyond this process (a shared crawl's).
   */
  constructor(
    options: FetchOptions,
    agent: string,
    onUnavailable: (host: string, why: string) => void = () => {},
    guard?: (url: URL) => FetchError | null | Promise<FetchError | null>,
    store?: RobotsStore,
  ) {
    this.#options = {
      ...options,
      keep: () => ROBOTS_MAX_BYTES,
      maxBytes: ROBOTS_MAX_BYTES,
      retries: 1,
    };
    this.#agent = agent;
    this.#onUnavailable = onUnavailable;
    this.#guard = guard;
    this.#store = store;
  }

  /**
   * Whether `url` may be fetched, and the host's crawl delay: at once (no promise) when the
   * host's robots.txt is already here, as it is for all but a host's first URLs.
   */
  check(url: URL): RobotsVerdict | Promise<RobotsVerdict> {
    const host = url.host;
    let robots = this.#hosts.get(host);
    if (robots === undefined) {
      robots = this.#load(url).then((r) => (this.#hosts.set(host, r), r));
      this.#hosts.set(host, robots);
    }
    return robots instanceof Promise
      ? robots.then((r) => this.#verdict(r, url))
      : this.#verdict(robots, url);
  }

  #verdict(r: Robots, url: URL): RobotsVerdict {
    return { allowed: r.isAllowed(url, this.#agent), crawlDelay: r.crawlDelay(this.#agent) };
  }

  async #load(url: URL): Promise<Robots> {
    if (this.#guard && (await this.#guard(url)) !== null) return ALLOW_ALL;
    const fetch = () => this.#fetch(url);
    const entry = this.#store ? await this.#store.get(url.host, fetch) : await fetch();
    // An entry: "A" allow all, "D" + why (unavailable: disallow all), "R" + the file.
    if (entry.startsWith("R")) return parseRobots(entry.slice(1));
    if (entry.startsWith("D")) {
      this.#onUnavailable(url.host, entry.slice(1));
      return DISALLOW_ALL;
    }
    return ALLOW_ALL;
  }

  /** Fetches the host's robots.txt, as an entry (see `#load`). */
  async #fetch(url: URL): Promise<string> {
    const robotsUrl = `${url.protocol}//${url.host}/robots.txt`;
    const { record, body } = await fetchBody(robotsUrl, this.#options);
    const status = record.error?.code === "http" || record.ok ? record.status : null;
    const policy = robotsForStatus(status);
    if (policy === "parse") return "R" + new TextDecoder().decode(body ?? new Uint8Array());
    if (policy === "allow-all") return "A";
    return "D" +
      (record.error ? `${record.error.code}: ${record.error.message}` : `HTTP ${status}`);
  }
}
