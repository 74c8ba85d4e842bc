/**
 * Copies of strings cut from a page, so that what a crawl keeps (links, titles) does not keep
 * the page alive.
 * @module
 */

/**
 * A copy of `text` that does not point into the page it was cut from.
 *
 * V8 substrings of 13+ chars are views of the whole page string (and `new URL(s).href` returns
 * `s` itself when already canonical), so a kept link would keep a 1 MB page alive (the Crawlee
 * memory bug apify/crawlee#3809). Flattening a concatenation copies the characters.
 *
 * @example
 * ```ts
 * import { detach } from "./detach.ts";
 * const page = "<p>" + "x".repeat(1_000_000) + "</p>";
 * const kept = detach(page.slice(3, 60)); // holds 57 chars, not the page
 * ```
 */
export function detach(text: string): string {
  return text.length < 13 ? text : (" " + text).slice(1);
}
