/**
 * URL canonicalisation: the key of the crawler's seen-set, so each page is fetched once.
 *
 * The WHATWG URL parser does most of the work: it lower-cases the scheme and host, converts IDN
 * hosts to punycode, normalises numeric IPv4 forms (`http://0x7f.1/` → `127.0.0.1`), removes the
 * default port (`:80` for http, `:443` for https), resolves `.`/`..` segments (also `%2e`) and
 * percent-encodes spaces and non-ASCII. On top of that {@linkcode canonicalUrl}:
 *
 * - drops the fragment (`#top` never reaches the server);
 * - drops an empty query (`/a?` → `/a`);
 * - normalises percent-escapes in path and query: hex digits upper-cased (`%2f` → `%2F`), and
 *   escapes of unreserved characters (`A-Z a-z 0-9 - . _ ~`) decoded (`%7E` → `~`), as RFC 3986
 *   §6.2.2 allows. Escapes of reserved characters (`%2F`, `%3F`, `%26`, `%3D` …) are kept,
 *   because decoding them changes the URL's meaning.
 *
 * Query parameters are **not** sorted (Scrapy and Crawlee do sort): `?b=1&a=2` and `?a=2&b=1`
 * are different requests to servers that read parameters in order (repeated keys, signed URLs,
 * routers keyed on the first parameter), and fetching one page twice is cheaper than missing one.
 * @module
 */

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const HEX = /^[0-9A-Fa-f]$/;
/** A `%` not followed by two hex digits. */
const MALFORMED = /%(?![0-9A-Fa-f]{2})/;

/**
 * Normalise the percent-escapes in a URL component: upper-case hex, decode unreserved
 * characters, leave everything else (malformed `%zz` too) as it was. In a component with a
 * malformed `%`, escapes of hex digits are kept (`%2%30` stays, rather than become `%20`).
 *
 * @example
 * ```ts
 * normalizePercentEncoding("/a%7eb/%2f?q=%e2%82%ac"); // "/a~b/%2F?q=%E2%82%AC"
 * normalizePercentEncoding("/100%-%41%7e"); // "/100%-%41~"
 * ```
 */
export function normalizePercentEncoding(text: string): string {
  if (!text.includes("%")) return text;
  // Next to a `%` that starts no escape, a decoded hex digit could complete one: `%2%30` would
  // become `%20`, a space. Then escapes of hex digits stay escaped.
  const keepHex = MALFORMED.test(text);
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) && !(keepHex && HEX.test(ch)) ? ch : `%${hex.toUpperCase()}`;
  });
}

/**
 * The canonical form of an absolute URL (see the module doc for the rules).
 *
 * @throws {TypeError} when `input` is not an absolute URL.
 * @example
 * ```ts
 * canonicalUrl("HTTP://Example.COM:80/a/./b/../c?#frag"); // "http://example.com/a/c"
 * canonicalUrl("https://example.com/%7euser/?q=%2f");      // "https://example.com/~user/?q=%2F"
 * ```
 */
export function canonicalUrl(input: string | URL): string {
  // Cut the fragment and an empty query off the serialisation: the first `#` of an href starts
  // the fragment, and the first `?` the query, so a first `?` at the end is an empty query.
  // Without any `%` left there is no escape to normalise (most links: no second parse).
  let href = typeof input === "string" ? new URL(input).href : input.href;
  const hash = href.indexOf("#");
  if (hash >= 0) href = href.slice(0, hash);
  if (href.indexOf("?") === href.length - 1) href = href.slice(0, -1);
  if (!href.includes("%")) return href;
  const { pathname, search } = new URL(href);
  const prefix = href.slice(0, href.length - pathname.length - search.length);
  return prefix + normalizePercentEncoding(pathname) + normalizePercentEncoding(search);
}

/**
 * Like {@linkcode canonicalUrl}, but resolves `input` against `base` and returns null instead of
 * throwing when the result is not a valid URL.
 *
 * @example
 * ```ts
 * tryCanonicalUrl("../x#y", "http://h/a/b/"); // "http://h/a/x"
 * tryCanonicalUrl("http://[bad/");            // null
 * ```
 */
export function tryCanonicalUrl(input: string | URL, base?: string | URL): string | null {
  try {
    return canonicalUrl(base === undefined ? input : new URL(input, base));
  } catch {
    return null;
  }
}
