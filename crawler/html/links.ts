/**
 * Link extraction: the absolute http(s) URLs a page links to, canonical and each listed once.
 *
 * Sources are `<a href>` and `<area href>`. Each href is resolved against the document's base
 * URL: the first `<base href>` (itself resolved against the page URL; ignored when that fails or
 * gives a `data:`/`javascript:` URL, as in browsers), else the page's final URL (after
 * redirects). Entities are decoded by the scanner; the URL parser trims surrounding whitespace
 * and control characters and removes tabs and newlines inside. Links that do not parse, or whose
 * scheme is not http or https (`mailto:`, `javascript:`, `tel:`, `data:`, `ftp:` …), are skipped.
 * The rest are canonicalised ({@linkcode canonicalUrl}, which drops the fragment) and listed once,
 * in document order. What the scanner counts as a tag (comments and scripts do not) is
 * listed in `docs/decisions.md`.
 * @module
 */
import { canonicalUrl } from "../url/canonical.ts";
import type { HtmlDocument } from "./document.ts";
import { detach } from "./detach.ts";
import { scanLinks } from "./link_scanner.ts";

/**
 * The links of an HTML page, without building a DOM. Never throws; returns `[]` when `pageUrl`
 * is not an absolute URL.
 *
 * @example
 * ```ts
 * extractLinks('<a href="../b?x=1&amp;y=2#top">b</a><a href="mailto:a@b.c">mail</a>', "http://h/a/p");
 * // ["http://h/b?x=1&y=2"]
 * ```
 */
export function extractLinks(html: string, pageUrl: string | URL): string[] {
  const { hrefs, baseHref } = scanLinks(html);
  return resolveLinks(hrefs, baseHref, pageUrl);
}

/**
 * The links of an already parsed document (use it when an `onPage` hook asked for the DOM, to
 * avoid parsing twice). Same rules and result as {@linkcode extractLinks}.
 *
 * @param doc A document from {@linkcode parseDocument}.
 * @param pageUrl The page's URL, against which (and its `<base href>`) links resolve.
 * @returns The canonical http(s) links of its `<a>` and `<area>` elements, without repeats.
 * @example
 * ```ts
 * import { parseDocument } from "./document.ts";
 * const doc = parseDocument('<base href="https://cdn.example/"><area href="map">');
 * linksFromDocument(doc, "http://h/"); // ["https://cdn.example/map"]
 * ```
 */
export function linksFromDocument(doc: HtmlDocument, pageUrl: string | URL): string[] {
  try {
    const base = doc.querySelector("base[href]")?.getAttribute("href") ?? null;
    const hrefs = [...doc.querySelectorAll("a[href], area[href]")].map((el) =>
      detach(el.getAttribute("href") ?? "")
    );
    return resolveLinks(hrefs, base === null ? null : detach(base), pageUrl);
  } catch {
    return [];
  }
}

/**
 * Resolve raw hrefs against a page (and its `<base href>`, if any); keep http(s) only,
 * canonicalise, drop repeats. Never throws. Each href resolves as `URL.parse(href, base)` does.
 *
 * @example
 * ```ts
 * resolveLinks(["/x", " //cdn.example/y \n", "tel:123", "/x#again"], null, "https://h/p");
 * // ["https://h/x", "https://cdn.example/y"]
 * ```
 */
export function resolveLinks(
  hrefs: readonly string[],
  baseHref: string | null,
  pageUrl: string | URL,
): string[] {
  const base = documentBase(baseHref, pageUrl);
  if (base === null) return [];
  const seen = new Set<string>();
  for (const href of hrefs) {
    const link = linkOf(URL.parse(href, base));
    if (link !== null) seen.add(link);
  }
  return [...seen];
}

/** The canonical form of an http(s) URL; null for other schemes and failed parses. */
function linkOf(url: URL | null): string | null {
  if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) return null;
  return canonicalUrl(url);
}

/** The base URL links resolve against, or null when `pageUrl` itself is not a URL. */
function documentBase(baseHref: string | null, pageUrl: string | URL): URL | null {
  let page: URL;
  try {
    page = new URL(pageUrl);
  } catch {
    return null;
  }
  if (baseHref === null) return page;
  try {
    const base = new URL(baseHref, page);
    return base.protocol === "data:" || base.protocol === "javascript:" ? page : base;
  } catch {
    return page;
  }
}
