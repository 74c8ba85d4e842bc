/**
 * A compact visited set: 64-bit fingerprints of the URLs in one typed array (16 bytes a URL at
 * most, against about 100 for a `Set` of strings), so a durable crawl keeps its whole seen-set
 * in memory and known links never reach the database. Two URLs with the same fingerprint count
 * as one: about one chance in 10^9 over a 200,000-URL crawl (n² / 2^65), as with Scrapy's
 * request fingerprints.
 * @module
 */
import type { SeenStore } from "./frontier.ts";

/**
 * A {@linkcode SeenStore} of 64-bit fingerprints (open addressing, at most half full).
 *
 * @example
 * ```ts
 * import { FingerprintSet } from "./fingerprints.ts";
 * const seen = new FingerprintSet();
 * console.log(seen.add(["http://127.0.0.1/a", "http://127.0.0.1/a"]), seen.size()); // [ true, false ] 1
 * ```
 */
export class FingerprintSet implements SeenStore {
  /** Pairs of 32-bit halves; (0, 0) marks an empty slot. */
  #slots = new Uint32Array(2 * 1024);
  #mask = 1023;
  #size = 0;

  /**
   * Whether each URL was seen (by its fingerprint).
   *
   * @param urls Canonical URLs.
   * @returns For each, whether it was seen.
   * @example
   * ```ts
   * import { FingerprintSet } from "./fingerprints.ts";
   * const seen = new FingerprintSet();
   * seen.add(["http://127.0.0.1/a"]);
   * console.log(seen.has(["http://127.0.0.1/a", "http://127.0.0.1/b"])); // [ true, false ]
   * ```
   */
  has(urls: readonly string[]): boolean[] {
    return urls.map((url) => this.#find(url, false));
  }

  /**
   * Marks the URLs seen.
   *
   * @param urls Canonical URLs to mark seen.
   * @returns For each, whether it was new (false for a repeat within `urls` too).
   * @example
   * ```ts
   * import { FingerprintSet } from "./fingerprints.ts";
   * const seen = new FingerprintSet();
   * console.log(seen.add(["http://127.0.0.1/a", "http://127.0.0.1/a"])); // [ true, false ]
   * ```
   */
  add(urls: readonly string[]): boolean[] {
    return urls.map((url) => !this.#find(url, true));
  }

  /**
   * Adds one URL, without the array of {@linkcode FingerprintSet.add} (for a journal that
   * loads its visited set URL by URL).
   *
   * @param url A canonical URL.
   * @returns True when it was new.
   * @example
   * ```ts
   * import { FingerprintSet } from "./fingerprints.ts";
   * const seen = new FingerprintSet();
   * console.log(seen.addOne("http://127.0.0.1/a"), seen.addOne("http://127.0.0.1/a")); // true false
   * ```
   */
  addOne(url: string): boolean {
    return !this.#find(url, true);
  }

  /**
   * The visited set's size.
   *
   * @returns How many distinct fingerprints it holds.
   * @example
   * ```ts
   * import { FingerprintSet } from "./fingerprints.ts";
   * const seen = new FingerprintSet();
   * seen.add(["http://127.0.0.1/a", "http://127.0.0.1/b", "http://127.0.0.1/a"]);
   * console.log(seen.size()); // 2
   * ```
   */
  size(): number {
    return this.#size;
  }

  /** Whether `url` is here; with `insert`, it is added when not. */
  #find(url: string, insert: boolean): boolean {
    // cyrb53's two 32-bit lanes, both kept: 64 bits.
    let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
    for (let i = 0; i < url.length; i++) {
      const ch = url.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    h1 >>>= 0;
    h2 = (h2 >>> 0) || 1; // never (0, 0)
    const slots = this.#slots;
    let i = h1 & this.#mask;
    while (true) {
      const a = slots[2 * i], b = slots[2 * i + 1];
      if (a === h1 && b === h2) return true;
      if (a === 0 && b === 0) break;
      i = (i + 1) & this.#mask;
    }
    if (!insert) return false;
    slots[2 * i] = h1;
    slots[2 * i + 1] = h2;
    if (++this.#size * 2 > this.#mask + 1) this.#grow();
    return false;
  }

  #grow(): void {
    const old = this.#slots;
    this.#mask = this.#mask * 2 + 1;
    const slots = this.#slots = new Uint32Array(2 * (this.#mask + 1));
    for (let j = 0; j < old.length; j += 2) {
      const a = old[j], b = old[j + 1];
      if (a === 0 && b === 0) continue;
      let i = a & this.#mask;
      while (slots[2 * i] !== 0 || slots[2 * i + 1] !== 0) i = (i + 1) & this.#mask;
      slots[2 * i] = a;
      slots[2 * i + 1] = b;
    }
  }
}
