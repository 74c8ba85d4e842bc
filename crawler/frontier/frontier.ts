/**
 * The frontier: where workers take their next job from.
 *
 * Workers only see this small interface, so the list of URLs (here), a crawl frontier with a
 * seen-set, or a persistent/distributed queue can stand behind it without touching them.
 * @module
 */
import { Queue } from "../../green/queue.ts";

/** One unit of work for a worker. */
export interface Job {
  /** The URL to fetch (absolute http(s)). */
  url: string;
  /** 1-based input line, or null for discovered URLs. */
  line: number | null;
  /** 0 for listed URLs; parent depth + 1 for discovered ones. */
  depth: number;
  /** The page the URL was found on; null for listed URLs. */
  parent: string | null;
  /** When the job was queued (`performance.now()`). */
  queuedAt: number;
  /** The listed URL this job descends from (itself for listed URLs): the scope's reference. */
  seed: string;
}

/**
 * A source of jobs shared by all workers.
 *
 * @example
 * ```ts
 * import { ListFrontier } from "./frontier.ts";
 * const frontier = new ListFrontier([{ url: "http://127.0.0.1/", line: 1 }]);
 * console.log((await frontier.next())?.url); // "http://127.0.0.1/"
 * ```
 */
export interface Frontier {
  /** The next job, waiting (green) while more may come; null when the work is finished. */
  next(): Promise<Job | null>;
  /**
   * A worker finished `job`; `links` are the canonical URLs found on it (empty in list mode),
   * `finalUrl` where its redirects ended.
   */
  done(job: Job, links: readonly string[], finalUrl?: string | null): void;
  /** Jobs queued and not yet taken. */
  pending(): number;
  /**
   * Optional: `job`'s request is redirected to `url`; false (or a promise of it) means do not
   * follow (the target is already seen, out of scope or disallowed). Frontiers without it follow
   * every redirect.
   */
  redirect?(job: Job, url: string): boolean | Promise<boolean>;
}

/**
 * The URL list as a shared queue: every listed line is one job (duplicates included), as in
 * the seed where 100 copies of one URL are drained by workers.
 *
 * @example
 * ```ts
 * import { ListFrontier } from "./frontier.ts";
 * const f = new ListFrontier([{ url: "http://127.0.0.1/a", line: 1 }]);
 * console.log(f.pending()); // 1
 * ```
 */
export class ListFrontier implements Frontier {
  #queue = new Queue<Job>();

  /** Queues every entry now. */
  constructor(entries: Iterable<{ url: string; line: number | null }>) {
    const now = performance.now();
    for (const { url, line } of entries) {
      this.#queue.putNowait({ url, line, depth: 0, parent: null, queuedAt: now, seed: url });
    }
  }

  next(): Promise<Job | null> {
    return Promise.resolve(this.#queue.qsize() > 0 ? this.#queue.getNowait() : null);
  }

  done(): void {}

  pending(): number {
    return this.#queue.qsize();
  }
}
