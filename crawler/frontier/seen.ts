/**
 * The default visited set: a `Set` of canonical URLs in this process's heap (about 100 bytes a
 * URL). Durable and shared crawls use other {@linkcode SeenStore}s.
 * @module
 */
import type { SeenStore } from "./frontier.ts";

/**
 * A {@linkcode SeenStore} in memory.
 *
 * @example
 * ```ts
 * import { MemorySeenStore } from "./seen.ts";
 * const seen = new MemorySeenStore();
 * console.log(seen.add(["http://127.0.0.1/a", "http://127.0.0.1/a"]), seen.size()); // [ true, false ] 1
 * ```
 */
export class MemorySeenStore implements SeenStore {
  #urls = new Set<string>();

  /**
   * Whether each URL was seen.
   *
   * @param urls Canonical URLs.
   * @returns For each, whether it was seen.
   * @example
   * ```ts
   * import { MemorySeenStore } from "./seen.ts";
   * const seen = new MemorySeenStore();
   * seen.add(["http://127.0.0.1/a"]);
   * console.log(seen.has(["http://127.0.0.1/a", "http://127.0.0.1/b"])); // [ true, false ]
   * ```
   */
  has(urls: readonly string[]): boolean[] {
    return urls.map((url) => this.#urls.has(url));
  }

  /**
   * Marks the URLs seen.
   *
   * @param urls Canonical URLs to mark seen.
   * @returns For each, whether it was new.
   * @example
   * ```ts
   * import { MemorySeenStore } from "./seen.ts";
   * const seen = new MemorySeenStore();
   * seen.add(["http://127.0.0.1/a"]);
   * console.log(seen.add(["http://127.0.0.1/a", "http://127.0.0.1/b"])); // [ false, true ]
   * ```
   */
  add(urls: readonly string[]): boolean[] {
    return urls.map((url) => {
      if (this.#urls.has(url)) return false;
      this.#urls.add(url);
      return true;
    });
  }

  /**
   * The visited set's size.
   *
   * @returns How many distinct URLs were seen.
   * @example
   * ```ts
   * import { MemorySeenStore } from "./seen.ts";
   * const seen = new MemorySeenStore();
   * seen.add(["http://127.0.0.1/a", "http://127.0.0.1/b", "http://127.0.0.1/a"]);
   * console.log(seen.size()); // 2
   * ```
   */
  size(): number {
    return this.#urls.size;
  }
}
