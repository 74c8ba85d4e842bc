/**
 * The URL list as a frontier: every listed line is one job (duplicates included), as in the
 * seed where 100 copies of one URL are drained by workers.
 * @module
 */
import type { Frontier, Job } from "./frontier.ts";

/**
 * The listed URLs, handed out in order.
 *
 * @example
 * ```ts
 * import { ListFrontier } from "./list.ts";
 * const f = new ListFrontier([{ url: "http://127.0.0.1/a", line: 1 }]);
 * console.log((await f.next())?.line); // 1
 * ```
 */
export class ListFrontier implements Frontier {
  #entries: { url: string; line: number | null }[];
  #next = 0;
  #queuedAt = performance.now();

  /** Queues every entry now. */
  constructor(entries: Iterable<{ url: string; line: number | null }>) {
    this.#entries = [...entries];
  }

  /**
   * The next listed URL.
   *
   * @returns Its job, or null when the list is done.
   * @example
   * ```ts
   * import { ListFrontier } from "./list.ts";
   * const f = new ListFrontier([{ url: "http://127.0.0.1/a", line: 3 }]);
   * const job = await f.next();
   * console.log(job?.url, job?.line, await f.next()); // "http://127.0.0.1/a" 3 null
   * ```
   */
  next(): Promise<Job | null> {
    if (this.#next === this.#entries.length) return Promise.resolve(null);
    const { url, line } = this.#entries[this.#next];
    this.#entries[this.#next++] = undefined as never; // a long list is not kept twice
    return Promise.resolve({
      url,
      line,
      depth: 0,
      parent: null,
      queuedAt: this.#queuedAt,
      seed: url,
    });
  }

  /**
   * A list learns nothing from a finished job: its links are not followed.
   *
   * @example
   * ```ts
   * import { ListFrontier } from "./list.ts";
   * import type { Frontier } from "./frontier.ts";
   * import { blankRecord } from "../record.ts";
   * const f: Frontier = new ListFrontier([{ url: "http://127.0.0.1/a", line: 1 }]);
   * const job = (await f.next())!;
   * f.done(job, { record: blankRecord(job.url), links: ["http://127.0.0.1/b"] });
   * console.log(await f.next()); // null
   * ```
   */
  done(): void {}
}
