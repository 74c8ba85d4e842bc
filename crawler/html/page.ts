/**
 * What a fetched body means: is it HTML (by Content-Type, or sniffed), what is its charset, its
 * text and its `<title>`. The fetcher keeps the bytes this module asks for and nothing more:
 * a prefix for the title, or the whole page when its links are wanted.
 * @module
 */
import type { FetchRecord } from "../record.ts";
import { decodeHtml, decodeWhole, detectCharset } from "./charset.ts";
import { isHtml, titleFromHtml, titleIfComplete } from "./title.ts";

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
 * Reads a kept body: sets `record.title` when the body is HTML and, with `whole`, returns the
 * decoded page (with the page's charset, GBK included); null for a body that is not HTML, or
 * without `whole` (then only the page's head is decoded, up to its title's end tag).
 *
 * @param record The page's record: `contentType` is read, `title` set.
 * @param body The kept body (see {@linkcode keepHtml}), or null.
 * @param whole Decode and return the whole page (its links are wanted); the body is then the
 *   whole page, as {@linkcode keepHtml}`(true)` keeps it. Default true.
 * @returns The decoded page, or null.
 * @example
 * ```ts
 * import { blankRecord } from "../record.ts";
 * import { readPage } from "./page.ts";
 * const record = { ...blankRecord("http://127.0.0.1/"), contentType: "text/html" };
 * readPage(record, new TextEncoder().encode("<title>Hi</title>"));
 * console.log(record.title); // "Hi"
 * ```
 */
export function readPage(
  record: FetchRecord,
  body: Uint8Array | null,
  whole = true,
): string | null {
  if (body === null || !isHtml(record.contentType, body)) return null;
  if (!whole) {
    record.title = titleOf(body, record.contentType);
    return null;
  }
  // The fetcher keeps a page whole or not at all (past `maxBytes` it is an error), so the body
  // ends on a character: one-shot decoding, several times cheaper than streaming, is exact.
  const page = decodeWhole(body, detectCharset(body, record.contentType));
  record.title = titleFromHtml(page);
  return page;
}

/**
 * The title of an HTML body, decoding only its head when the first `</title` ends the title
 * (most pages): decoding a whole 10 KB page for its title was a list run's largest extra cost.
 */
function titleOf(body: Uint8Array, contentType: string | null): string {
  const end = afterTitleEnd(body);
  if (end > 0) {
    const encoding = detectCharset(body, contentType); // on the whole body, as the page's would be
    const title = titleIfComplete(decodeWhole(body.subarray(0, end), encoding));
    if (title !== null) return title;
  }
  return titleFromHtml(decodeHtml(body, contentType));
}

/**
 * Where the bytes of the first `</title` (any case) and the character after it end, or -1. An
 * ASCII search: it finds nothing in UTF-16, whose pages are then decoded whole.
 */
function afterTitleEnd(b: Uint8Array): number {
  for (let i = b.indexOf(0x3c); i >= 0 && i + 8 <= b.length; i = b.indexOf(0x3c, i + 1)) {
    if (
      b[i + 1] === 0x2f && (b[i + 2] | 0x20) === 0x74 && (b[i + 3] | 0x20) === 0x69 &&
      (b[i + 4] | 0x20) === 0x74 && (b[i + 5] | 0x20) === 0x6c && (b[i + 6] | 0x20) === 0x65
    ) return i + 8;
  }
  return -1;
}
