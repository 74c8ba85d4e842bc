/**
 * What a fetched body means: is it HTML (by Content-Type, or sniffed), what is its charset, its
 * text and its `<title>`. The fetcher keeps the bytes this module asks for and nothing more:
 * a prefix for the title, or the whole page when its links are wanted.
 * @module
 */
import type { FetchRecord } from "../record.ts";
import { decodeHtml } from "./charset.ts";
import { isHtml, titleFromHtml } from "./title.ts";

/** Bytes kept for the title alone: a title that starts later is not found. */
const TITLE_PREFIX = 256 * 1024;

/** How many bytes of a body to keep, from its type and first chunk (the fetcher's `keep`). */
type Keep = (contentType: string | null, head: Uint8Array) => number;

/** Keeps an HTML body's first 256 KiB (for the title), nothing of other bodies. */
const keepTitle: Keep = (type, head) => isHtml(type, head) ? TITLE_PREFIX : 0;
/** Keeps an HTML body whole (up to the fetcher's `maxBytes`), nothing of other bodies. */
const keepPage: Keep = (type, head) => isHtml(type, head) ? Infinity : 0;

/**
 * What to keep of a body: the whole page when its links are wanted, else a prefix for the title.
 *
 * @example
 * ```ts
 * import { keepHtml } from "./page.ts";
 * console.log(keepHtml(false)("text/html", new Uint8Array())); // 262144
 * ```
 */
export function keepHtml(whole: boolean): Keep {
  return whole ? keepPage : keepTitle;
}

/**
 * Reads a kept body: sets `record.title` when the body is HTML and returns the decoded page
 * (with the page's charset, GBK included), or null for a body that is not HTML.
 *
 * @example
 * ```ts
 * import { blankRecord } from "../record.ts";
 * import { readPage } from "./page.ts";
 * const record = { ...blankRecord("http://127.0.0.1/"), contentType: "text/html" };
 * readPage(record, new TextEncoder().encode("<title>Hi</title>"));
 * console.log(record.title); // "Hi"
 * ```
 */
export function readPage(record: FetchRecord, body: Uint8Array | null): string | null {
  if (body === null || !isHtml(record.contentType, body)) return null;
  const page = decodeHtml(body, record.contentType);
  record.title = titleFromHtml(page);
  return page;
}
