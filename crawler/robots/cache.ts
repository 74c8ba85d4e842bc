/**
 * robots.txt for a crawl: fetched once per host (concurrent workers share one fetch), cached
 * for the run, and turned into a verdict per URL.
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
 * Where robots.txt outlives a run (a durable crawl's state) or a process (a crawl shared through
 * Redis): per host, the file's text, or null for "no robots.txt, everything allowed". Hosts whose
 * robots.txt failed are not kept (they are skipped for one run only). A store on a server answers
 * later (a promise), and may make `get` wait while another process fetches the file.
 */
export interface RobotsStore {
  /** The stored robots.txt of `host`; undefined when none is stored (this process fetches it). */
  get(host: string): string | null | undefined | Promise<string | null | undefined>;
  /** Keeps `host`'s robots.txt (null: allow everything). */
  put(host: string, robotsTxt: string | null): void | Promise<void>;
  /** Optional: `host`'s robots.txt was not fetched after all (it failed, or the host is refused). */
  failed?(host: string): void | Promise<void>;
}

/**
 * Per-host robots.txt, fetched on first use with the crawl's own fetch options (or read from a
 * {@linkcode RobotsStore}, which keeps what was fetched).
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
   * `store` keeps robots.txt across runs.
   */
  constructor(
    options: FetchOptions,
    agent: string,
    onUnavailable: (host: string, why: string) => void = () => {},
    guard?: (url: URL) => FetchError | null | Promise<FetchError | null>,
    store?: RobotsStore,
  ) {
    this.#store = store;
    this.#options = {
      ...options,
      keep: () => ROBOTS_MAX_BYTES,
      maxBytes: ROBOTS_MAX_BYTES,
      retries: 1,
    };
    this.#agent = agent;
    this.#onUnavailable = onUnavailable;
    this.#guard = guard;
  }

  /**
   * Whether `url` may be fetched, and the host's crawl delay: at once (no promise) when the
   * host's robots.txt is already here, as it is for all but a host's first URLs.
   */
  check(url: URL): RobotsVerdict | Promise<RobotsVerdict> {
    const host = url.host;
    let robots = this.#hosts.get(host);
    if (robots === undefined) {
      const stored = this.#store?.get(host);
      robots = stored instanceof Promise
        ? stored.then((s) => this.#known(url, s))
        : this.#known(url, stored);
      if (robots instanceof Promise) robots = robots.then((r) => (this.#hosts.set(host, r), r));
      this.#hosts.set(host, robots);
    }
    return robots instanceof Promise
      ? robots.then((r) => this.#verdict(r, url))
      : this.#verdict(robots, url);
  }

  #verdict(r: Robots, url: URL): RobotsVerdict {
    return { allowed: r.isAllowed(url, this.#agent), crawlDelay: r.crawlDelay(this.#agent) };
  }

  /** A stored robots.txt, parsed (null: allow all); fetched when none is stored. */
  #known(url: URL, stored: string | null | undefined): Robots | Promise<Robots> {
    if (stored === undefined) return this.#load(url);
    return stored === null ? ALLOW_ALL : parseRobots(stored);
  }

  async #load(url: URL): Promise<Robots> {
    if (this.#guard && (await this.#guard(url)) !== null) {
      await this.#store?.failed?.(url.host);
      return ALLOW_ALL;
    }
    const robotsUrl = `${url.protocol}//${url.host}/robots.txt`;
    const { record, body } = await fetchBody(robotsUrl, this.#options);
    const status = record.error?.code === "http" || record.ok ? record.status : null;
    const policy = robotsForStatus(status);
    if (policy === "parse") {
      const text = new TextDecoder().decode(body ?? new Uint8Array());
      await this.#store?.put(url.host, text);
      return parseRobots(text);
    }
    if (policy === "allow-all") {
      await this.#store?.put(url.host, null);
      return ALLOW_ALL;
    }
    await this.#store?.failed?.(url.host);
    this.#onUnavailable(
      url.host,
      record.error ? `${record.error.code}: ${record.error.message}` : `HTTP ${status}`,
    );
    return DISALLOW_ALL;
  }
}
