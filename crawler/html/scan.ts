/**
 * HTML parsing for crawling: a streaming link scanner. The standard DOM for scraping hooks is in
 * `document.ts`, loaded only when a hook asks for it (linkedom and parse5 cost start-up time and
 * memory that a crawl without hooks should not pay).
 *
 * ## Decision: a hybrid
 * - {@linkcode scanLinks} (the crawl path, used when no `onPage` hook is set) is a hand-written
 *   scanner in plain TypeScript (`link_scanner.ts`) that builds no tree and loads no parser: it
 *   jumps from `<` to `<` with `indexOf`, tells tags apart by their names in place, reads
 *   attributes only of `<a>`, `<area>` and `<base>`, and skips comments and raw text with
 *   `indexOf`. It replaced a scanner that drove htmlparser2 12's tokenizer and reads markup by
 *   the same rules, quirks included, so no link changed: `tests/html_scanner_diff_test.ts`
 *   compares the two on 100,000 random documents, every synthetic-site page and every HTML string
 *   of the link tests. The 2,000 pages of the synthetic site (10 KB, 10 links each) take
 *   12.0–14.5 ms instead of 30.8–41.2 ms: 6–7 µs a page instead of 15–21 µs, 2.6–3.0× in each
 *   run (median of 21 rounds in one process, the two scanners interleaved; range over 4 runs of
 *   `deno run --allow-read bench/parser_bench.ts --site`). Start-up loads no npm package: an
 *   href containing `&` is decoded by `decodeAttribute` (`char_refs.ts`, the HTML Standard's
 *   rules for character references in attribute values, with the WHATWG table generated into
 *   `entity_table.ts`). It gives exactly the output of `decodeHTMLAttribute` from `entities`
 *   8.1.0 (htmlparser2's decoder, used here before; `tests/char_refs_test.ts` compares the two),
 *   and importing this module takes 1.5–2.0 ms instead of 4.7–5.9 ms with `entities` (npm
 *   resolution, and its trie built at import; median of 15 fresh processes, range over 3
 *   rounds; with htmlparser2 it took ~18 ms). The tokenizer scanner had in turn replaced
 *   htmlparser2's `Parser` (the table's "stream" row): no element stack, no name strings or
 *   attribute objects per tag, 28 µs a page instead of 76–125 µs.
 * - `parseDocument` (`document.ts`) (only when the user asks for a document) builds a standard DOM:
 *   `parse5`, the spec's tree-construction algorithm, building `linkedom` nodes, which give
 *   `querySelector(All)`, `getAttribute`, `textContent`, `title`, `body`. linkedom's own parser
 *   was measured too and is faster, but it is not a tree builder: for
 *   `<!doctype html><title>T</title><p>…` (html/head/body omitted, as HTML allows) its
 *   `document.title` is `""`, `body` is empty and the `<title>` becomes the root; and it keeps
 *   `<A HREF>` as `HREF`, so `a[href]` misses it. deno-dom (the first design) is not on npm.
 *
 * Measured with `deno bench --allow-read --allow-env --allow-sys bench/parser_bench.ts`: mean
 * time to parse and list every `a[href]`, range over 3–4 runs (Deno 2.9.6, 2-core AMD EPYC
 * shared with other jobs, so means carry GC and scheduling noise); heap held by the parsed 1 MB
 * document from the same file run with `--memory`:
 *
 * | parser                          | 10 KB, 50 links | 1 MB, 6,510 links | heap (1 MB) | DOM      |
 * | ------------------------------- | --------------- | ----------------- | ----------- | -------- |
 * | greencrawl scanner (chosen)     | 0.015–0.036 ms  | 1.9–2.4 ms        | 0 (no tree) | none     |
 * | htmlparser2 12 tokenizer       | 0.054–0.16 ms   | 7.1–8.0 ms        | 0 (no tree) | none     |
 * | htmlparser2 12 stream           | 0.11–0.22 ms    | 13.5–16.6 ms      | 0 (no tree) | none     |
 * | htmlparser2 + css-select        | 0.16–0.19 ms    | 22–33 ms          | 9 MiB       | no (own) |
 * | parse5-sax-parser stream        | 0.30–0.37 ms    | 32–45 ms          | 0 (no tree) | none     |
 * | node-html-parser 9              | 0.31–3.2 ms     | 93–350 ms         | 17 MiB      | DOM-ish  |
 * | parse5 8 (tree walk)            | 0.64–4.3 ms     | 67–104 ms         | 13 MiB      | no (AST) |
 * | linkedom 0.18 (own parser)      | 0.97–2.3 ms     | 140–255 ms        | 22 MiB      | standard |
 * | parse5 → linkedom (chosen DOM)  | 1.4–3.5 ms      | 170–700 ms        | 24 MiB      | standard |
 * | jsdom 31                        | 3.5–3.7 ms      | 354–845 ms        | 31 MiB      | standard |
 * | happy-dom 21                    | 9.3–12.7 ms     | 560–1,200 ms      | 183 MiB     | standard |
 *
 * The hand-written scanner is the fastest way to the links (3–4× ahead of the htmlparser2
 * tokenizer scanner it replaced, over 10× ahead of parse5's spec tokenizer, ~50× ahead of any
 * DOM) and holds no tree, so crawling without a hook pays only for finding the tags. For the
 * DOM, a correct tree on real pages is worth ~1.5–2× over linkedom's own parser; it stays ahead of
 * jsdom (parse5 plus a full browser DOM) in time and memory; happy-dom held ~180 MiB per 1 MB
 * page, even after `close()`.
 *
 * ## What the scanner does with odd markup (htmlparser2 12's rules, not the full HTML5 algorithm)
 * Never throws. Entities are decoded with the HTML rule for attributes (`&amp;` becomes `&`;
 * `?a=1&copy=2` stays as written). Attribute names are lower-cased and the first of two equal
 * attributes wins. Nothing inside comments, `<script>`, `<style>`, `<title>`, `<textarea>`,
 * `<xmp>`, `<iframe>`, `<noembed>`, `<noframes>` or after `<plaintext>` counts as a tag;
 * `<noscript>` content does (a crawler runs no scripts; the DOM is built the same way), and
 * `<template>` content is skipped, as in the DOM. An unquoted or unclosed tag still counts; a tag
 * cut off by the end of the file does not. Inside `<svg>` and `<math>` (outside their HTML
 * integration points such as `<foreignObject>` and svg `<title>`) `<script>`, `<style>` … are
 * not raw text; an HTML start tag such as `<p>` or `<div>` ends them, as in the HTML Standard.
 * `tests/fuzz_links_test.ts` holds the links to those of the Standard (parse5) on random and
 * mutated documents; known differences, each pinned there by an example: `<!--<script>` inside a
 * script does not hide a later `</script>`, an `<a>` inside `<select>` counts, a `<frameset>`
 * does not drop earlier links, `<font color>` does not end svg, svg in math (and math in svg) and
 * `<template>` in svg are taken for real ones, integration points are not told apart by
 * namespace, and there is no element stack: only `</template>`, `</svg>` … close those elements,
 * never an ancestor's end tag, and an end tag the Standard ignores still counts. Kept from
 * htmlparser2 so that no link changed with the rewrite: `<![CDATA[ … ]]>` hides what it holds
 * even outside svg and math, `<script/>` opens raw text like `<script>`, and in the end tag of a
 * raw-text element the control characters U+001C and U+000F pass for `<` and `/` (htmlparser2
 * compares `c | 0x20`).
 * @module
 */
import { decodeAttribute } from "./char_refs.ts";
import { detach } from "./detach.ts";
import { scanRawLinks } from "./scanner.ts";

/** What {@linkcode scanLinks} found, raw: hrefs are entity-decoded but not resolved. */
export interface LinkScan {
  /** `href` of every `<a href>` and `<area href>`, in document order, as written. */
  hrefs: string[];
  /** `href` of the first `<base href>`, or null. */
  baseHref: string | null;
}

/**
 * Scan HTML for link targets and `<base href>` without building a tree. Never throws: on an
 * error it returns what it found so far. The strings returned are copies (see
 * {@linkcode detach}), so keeping them does not keep the page alive.
 *
 * @example
 * ```ts
 * scanLinks('<base href="/d/"><a href="x?a=1&amp;b=2">x</a><!-- <a href="no"> -->');
 * // { hrefs: ["x?a=1&b=2"], baseHref: "/d/" }
 * ```
 */
export function scanLinks(html: string): LinkScan {
  const { hrefs, baseHref } = scanRawLinks(html);
  for (let i = 0; i < hrefs.length; i++) hrefs[i] = decoded(hrefs[i]);
  return { hrefs, baseHref: baseHref === null ? null : decoded(baseHref) };
}

/**
 * An href with its character references decoded by the HTML rule for attributes (`&amp;` is
 * `&`, `&copy=2` stays as written), copied off the page. Decoding is rare (only values with `&`).
 * A NUL becomes U+FFFD, as the HTML tokenizer makes it in attribute values (htmlparser2 keeps
 * it, and the URL parser then strips it from the ends: `href="\0"` was a link to the page
 * itself, not to `%EF%BF%BD` as in browsers).
 */
function decoded(raw: string): string {
  return detach(decodeAttribute(raw.includes("\0") ? raw.replaceAll("\0", "\uFFFD") : raw));
}
