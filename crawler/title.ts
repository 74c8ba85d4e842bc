/**
 * Is a response HTML, and what is its `<title>`? Callers pass only a prefix of the body: the first
 * 256 KiB is plenty (a title that starts later is not found; one cut off by the prefix is kept as
 * far as it goes).
 * @module
 */

import { decodeHtml } from "./charset.ts";
import { detach } from "./detach.ts";
import { stripControl } from "./sanitize.ts";

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

// Latin-1 entity names, in code point order from U+00A0.
const LATIN1 =
  ("nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr " +
    "deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest " +
    "Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc " +
    "Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute " +
    "THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave " +
    "iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc " +
    "uuml yacute thorn yuml").split(" ");

// Other common names, as `name=character` pairs.
const OTHERS = ("amp=& lt=< gt=> quot=\" apos=' hellip=… mdash=— ndash=– lsquo=‘ rsquo=’ sbquo=‚ " +
  "ldquo=“ rdquo=” bdquo=„ bull=• trade=™ euro=€ dagger=† Dagger=‡ permil=‰ lsaquo=‹ rsaquo=› " +
  "OElig=Œ oelig=œ Scaron=Š scaron=š Yuml=Ÿ fnof=ƒ circ=ˆ tilde=˜ ensp=\u2002 emsp=\u2003 " +
  "thinsp=\u2009 zwnj=\u200c zwj=\u200d lrm=\u200e rlm=\u200f larr=← rarr=→ uarr=↑ darr=↓ " +
  "harr=↔ hearts=♥ star=☆ check=✓ minus=− prime=′ Prime=″ oline=‾ frasl=⁄").split(" ");

const ENTITIES = new Map<string, string>([
  ...LATIN1.map((name, i): [string, string] => [name, String.fromCharCode(0xa0 + i)]),
  ...OTHERS.map((pair): [string, string] => [pair.slice(0, pair.indexOf("=")), pair.slice(-1)]),
]);
/** Names browsers also accept without the `;`, even as a prefix (`&copy2024` is "©2024"). */
const LEGACY = ["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"];
const WINDOWS_1252 = new TextDecoder("windows-1252");

function numeric(code: number): string {
  if (code >= 0x80 && code <= 0x9f) return WINDOWS_1252.decode(new Uint8Array([code]));
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
  return String.fromCodePoint(code);
}

/** Decodes named (a common subset) and numeric character references, as in HTML text. */
function decodeEntities(text: string): string {
  return text.replace(
    /&(?:#[xX]([0-9a-fA-F]{1,8})|#([0-9]{1,9})|([a-zA-Z][a-zA-Z0-9]*))(;?)/g,
    (all, hex, dec, name, semi) => {
      if (hex !== undefined) return numeric(parseInt(hex, 16));
      if (dec !== undefined) return numeric(parseInt(dec, 10));
      const value = ENTITIES.get(name);
      if (value !== undefined && semi) return value;
      const legacy = LEGACY.find((l) => name.startsWith(l));
      return legacy ? ENTITIES.get(legacy) + all.slice(legacy.length + 1) : all;
    },
  );
}

/** Index of the first match of `re` (global) at or after `from`, or -1. */
function searchFrom(html: string, re: RegExp, from: number): { index: number; end: number } {
  re.lastIndex = from;
  const m = re.exec(html);
  return m ? { index: m.index, end: m.index + m[0].length } : { index: -1, end: -1 };
}

/**
 * The raw text of the first HTML `<title>`, or null. Steps over comments, `<script>`/`<style>`
 * contents and titles inside `<svg>`. Linear: every search moves forward, and a construct with no
 * end ends the scan (nothing later could be a complete tag either).
 */
function findTitle(html: string): string | null {
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
      return html.slice(gt + 1, end < 0 ? undefined : end);
    }
  }
  return null;
}

/**
 * The page title as a browser would show it: decoded with the page's charset, entities resolved,
 * controls and escape sequences removed (see {@linkcode stripControl}), whitespace collapsed, at
 * most 300 code points. Null when the body is not HTML; `""` when the HTML has no (or an empty)
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
  const raw = findTitle(html);
  if (raw === null) return "";
  // A copy: an unchanged title is a view of the whole page (see detach), and records are kept.
  const title = detach(stripControl(decodeEntities(raw)));
  const points = Array.from(title);
  return points.length <= MAX_TITLE ? title : points.slice(0, MAX_TITLE).join("").trimEnd();
}
