/**
 * A bounded memo: values computed once per key and remembered, in a map that is emptied when it
 * is full. Crawls meet keys from the network (encoding labels, hosts, links), so every memo of the
 * crawler is bounded this way and its memory stays flat however long the crawl.
 * @module
 */

/**
 * Remembers `compute(key)` per key, up to `max` keys; when full it starts over (the next key
 * empties it). `compute` must be pure and must not return undefined.
 *
 * @example
 * ```ts
 * import { Memo } from "./memo.ts";
 * const lengths = new Memo(1024, (s: string) => s.length);
 * console.log(lengths.get("abc"), lengths.get("abc")); // 3 3 (computed once)
 * ```
 */
export class Memo<K, V> {
  readonly #values = new Map<K, V>();
  readonly #max: number;
  readonly #compute: (key: K) => V;

  /** A memo of at most `max` keys over `compute`. */
  constructor(max: number, compute: (key: K) => V) {
    this.#max = max;
    this.#compute = compute;
  }

  /** The value for `key`: remembered, or computed now and remembered. */
  get(key: K): V {
    let value = this.#values.get(key);
    if (value === undefined) {
      value = this.#compute(key);
      if (this.#values.size >= this.#max) this.#values.clear();
      this.#values.set(key, value);
    }
    return value;
  }
}
