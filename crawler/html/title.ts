/**
 * Is a response HTML, and what is its `<title>`? Callers pass only a prefix of the body: the first
 * 256 KiB is plenty (a title that starts later is not found; one cut off by the prefix is kept as
 * far as it goes).
 * @module
 */

// deno-lint-ignore no-import-prefix -- pinned inline: mod.ts must work imported by URL
import { decodeHTML } from "npm:entities@8.1.0/decode";
import { decodeHtml } from "./charset.ts";
import { detach } from "./detach.ts";

/** Longest title returned, in code points. */
const MAX_TITLE = 300;

// Sniffing as in WHATWG MIME sniffing: optional UTF-8 BOM, whitespace, then one of these tags
// followed by a space or `>` (or any whitespace — more lenient than the spec).
const SNIFF =
  /^(?:\xef\xbb\xbf)?[\t\n\f\r ]*<(?:!doctype html|html|head|body|title|script|iframe|h1|div|font|table|a|style|b|br|p)[\t\n\f\r >]|^(?:\xef\xbb\xbf)?[\t\n\f\r ]*<!--/i;

/** Content types that are not trusted to rule HTML out. */
// Sniffed only when the server did not really say: missing or generic types. An explicit
// text/plain is taken at its word, as browsers do: its "links" are text, not links to follow.
const SNIFFABLE = new Set(["", "application/octet-stream", "unknown/unknown"]);

/**
 * True when the body should be read as HTML: the Content-Type is `text/html` or
 * `application/xhtml+xml`; or it is missing, `application/octet-stream` or `unknown/unknown` and
 * the first bytes of `head` look like an HTML tag. An explicit `text/plain` is never HTML.
 *
 * @example
 * ```ts
 * isHtml("text/html; charset=utf-8", new Uint8Array()); // true
 * isHtml(null, new TextEncoder().encode("\n<!DOCTYPE html><p>")); // true
 * isHtml("image/png", new TextEncoder().encode("<html>")); // false
 * ```
 */
export function isHtml(contentType: string | null, head: Uint8Array): boolean {
  const essence = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (essence === "text/html" || essence === "application/xhtml+xml") return true;
  if (!SNIFFABLE.has(essence)) return false;
  return SNIFF.test(String.fromCharCode(...head.subarray(0, 512)));
}

/** Index of the first match of `re` (global) at or after `from`, or -1. */
function searchFrom(html: string, re: RegExp, from: number): { index: number; end: number } {
  re.lastIndex = from;
  const m = re.exec(html);
  return m ? { index: m.index, end: m.index + m[0].length } : { index: -1, end: -1 };
}

/**
 * The raw text of the first HTML `<title>` and whether its end tag was there, or null. Steps over
 * comments, `<script>`/`<style>` contents and titles inside `<svg>`. Linear: every search moves
 * forward, and a construct with no end ends the scan (nothing later could be a complete tag
 * either). On a prefix of a page it finds what it finds on the whole page, when `closed`.
 */
function findTitle(html: string): { text: string; closed: boolean } | null {
  const tag = /<(?:!--|(\/?)(svg|title|script|style)(?=[\t\n\f\r />]))/gi;
  let svgDepth = 0;
  for (let m; (m = tag.exec(html));) {
    if (m[2] === undefined) { // a comment; "<!-->" is a whole (empty) one
      const end = html.indexOf("-->", m.index + 2);
      if (end < 0) return null;
      tag.lastIndex = end + 3;
      continue;
    }
    const gt = html.indexOf(">", tag.lastIndex);
    if (gt < 0) return null;
    tag.lastIndex = gt + 1;
    const name = m[2].toLowerCase(), close = m[1] === "/";
    if (close) {
      if (name === "svg") svgDepth = Math.max(0, svgDepth - 1);
    } else if (name === "script" || name === "style") {
      const end = searchFrom(html, new RegExp(`</${name}[\\t\\n\\f\\r />]`, "gi"), gt + 1).end;
      if (end < 0) return null;
      tag.lastIndex = end;
    } else if (name === "svg") {
      if (html[gt - 1] !== "/") svgDepth++;
    } else if (svgDepth === 0) {
      const end = searchFrom(html, /<\/title[\t\n\f\r />]/gi, gt + 1).index;
      return { text: html.slice(gt + 1, end < 0 ? undefined : end), closed: end >= 0 };
    }
  }
  return null;
}

/**
 * The page title as a browser would show it: decoded with the page's charset, entities resolved,
 * whitespace collapsed, at most 300 code points (control characters stay: outputs remove them,
 * once, with `sanitizeRecord`). Null when the body is not HTML; `""` when the HTML has no (or an empty)
 * title, as `document.title` would be. Pass a prefix of the body (256 KiB is enough).
 *
 * @example
 * ```ts
 * const page = new TextEncoder().encode("<title>Tom &amp; Jerry\n</title>");
 * extractTitle(page, "text/html"); // "Tom & Jerry"
 * extractTitle(page, "image/png"); // null
 * ```
 */
export function extractTitle(bytes: Uint8Array, contentType: string | null): string | null {
  if (!isHtml(contentType, bytes)) return null;
  return titleFromHtml(decodeHtml(bytes, contentType));
}

/**
 * The title of already decoded HTML, cleaned as {@linkcode extractTitle} cleans it (for callers
 * that decoded the page once for other uses too).
 *
 * @example
 * ```ts
 * titleFromHtml("<title>Tom &amp; Jerry</title>"); // "Tom & Jerry"
 * ```
 */
export function titleFromHtml(html: string): string {
  const found = findTitle(html);
  return found === null ? "" : cleanTitle(found.text);
}

/**
 * The title when the start of a page holds all of it (its end tag included), else null: then
 * read more of the page. Lets a caller decode a page's head instead of the whole page.
 *
 * @example
 * ```ts
 * titleIfComplete("<title>Tom &amp; Jerry</title>"); // "Tom & Jerry"
 * titleIfComplete("<title>Tom &amp; Je"); // null
 * ```
 */
export function titleIfComplete(head: string): string | null {
  const found = findTitle(head);
  return found?.closed ? cleanTitle(found.text) : null;
}

/** Entities decoded, whitespace collapsed, at most 300 code points, copied off the page. */
function cleanTitle(raw: string): string {
  // A copy: an unchanged title is a view of the whole page (see detach), and records are kept.
  const title = detach(decodeHTML(raw).replace(/\s+/g, " ").trim());
  if (title.length <= MAX_TITLE) return title; // code points <= code units
  const points = Array.from(title);
  return points.length <= MAX_TITLE ? title : points.slice(0, MAX_TITLE).join("").trimEnd();
}
