/**
 * HTML parsing for crawling: a streaming link scanner. The standard DOM for scraping hooks is in
 * `document.ts`, loaded only when a hook asks for it (linkedom and parse5 cost start-up time and
 * memory that a crawl without hooks should not pay).
 *
 * ## Decision: a hybrid
 * - {@linkcode scanLinks} (the crawl path, used when no `onPage` hook is set) runs the
 *   `htmlparser2` tokenizer alone and builds no tree. Without htmlparser2's `Parser` on top (no
 *   element stack, no name strings or attribute objects per tag, no entity decoding in text, so
 *   text is skipped in one pass) a 10 KB page of the synthetic site takes 28 µs instead of
 *   76–125 µs (2,000 pages, median of 3, same machine); the table's "stream" row is the
 *   `Parser`-based scanner.
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
 * | htmlparser2 12 stream (chosen)  | 0.11–0.22 ms    | 13.5–16.6 ms      | 0 (no tree) | none     |
 * | htmlparser2 + css-select        | 0.16–0.19 ms    | 22–33 ms          | 9 MiB       | no (own) |
 * | parse5-sax-parser stream        | 0.30–0.37 ms    | 32–45 ms          | 0 (no tree) | none     |
 * | node-html-parser 9              | 0.31–3.2 ms     | 93–350 ms         | 17 MiB      | DOM-ish  |
 * | parse5 8 (tree walk)            | 0.64–4.3 ms     | 67–104 ms         | 13 MiB      | no (AST) |
 * | linkedom 0.18 (own parser)      | 0.97–2.3 ms     | 140–255 ms        | 22 MiB      | standard |
 * | parse5 → linkedom (chosen DOM)  | 1.4–3.5 ms      | 170–700 ms        | 24 MiB      | standard |
 * | jsdom 31                        | 3.5–3.7 ms      | 354–845 ms        | 31 MiB      | standard |
 * | happy-dom 21                    | 9.3–12.7 ms     | 560–1,200 ms      | 183 MiB     | standard |
 *
 * The scanner is the fastest way to the links (2–3× ahead of parse5's spec tokenizer, ~10× ahead
 * of any DOM) and holds no tree, so crawling without a hook pays only for tokenizing. For the
 * DOM, a correct tree on real pages is worth ~1.5–2× over linkedom's own parser; it stays ahead of
 * jsdom (parse5 plus a full browser DOM) in time and memory; happy-dom held ~180 MiB per 1 MB
 * page, even after `close()`.
 *
 * ## What the scanner does with odd markup (htmlparser2 12, not the full HTML5 algorithm)
 * Never throws. Entities are decoded with the HTML rule for attributes (`&amp;` becomes `&`;
 * `?a=1&copy=2` stays as written). Attribute names are lower-cased and the first of two equal
 * attributes wins. Nothing inside comments, `<script>`, `<style>`, `<title>`, `<textarea>`,
 * `<xmp>`, `<iframe>`, `<noembed>`, `<noframes>` or after `<plaintext>` counts as a tag;
 * `<noscript>` content does (a crawler runs no scripts; the DOM is built the same way), and
 * `<template>` content is skipped, as in the DOM. An unquoted or unclosed tag still counts; a tag
 * cut off by the end of the file does not. Inside `<svg>` and `<math>` (outside their HTML
 * integration points such as `<foreignObject>` and svg `<title>`) `<script>`, `<style>` … are
 * not raw text, as in htmlparser2's parser. Known differences from the spec (and so from
 * `parseDocument` (`document.ts`)): `<!--<script>` inside a script does not hide a later `</script>`,
 * an `<a>` inside `<select>` counts, and there is no element stack: only `</template>`,
 * `</svg>` … close those elements, never an ancestor's end tag. (On 30,000 random soups of such
 * fragments the scanner differs from the spec DOM slightly less often than the `Parser`-based
 * one did: 569 vs 583 of 5,000.)
 * @module
 */
// Inline pinned specifiers: mod.ts must work when imported by URL, without an import map.
// deno-lint-ignore no-import-prefix
import { Parser, QuoteType, Tokenizer } from "npm:htmlparser2@12.0.0";

/** What {@linkcode scanLinks} found, raw: hrefs are entity-decoded but not resolved. */
export interface LinkScan {
  /** `href` of every `<a href>` and `<area href>`, in document order, as written. */
  hrefs: string[];
  /** `href` of the first `<base href>`, or null. */
  baseHref: string | null;
}

/**
 * Scan HTML for link targets and `<base href>` without building a tree. Never throws: on a
 * parser error it returns what it found so far. The strings returned are copies (see
 * {@linkcode detach}), so keeping them does not keep the page alive.
 *
 * @example
 * ```ts
 * scanLinks('<base href="/d/"><a href="x?a=1&amp;b=2">x</a><!-- <a href="no"> -->');
 * // { hrefs: ["x?a=1&b=2"], baseHref: "/d/" }
 * ```
 */
export function scanLinks(html: string): LinkScan {
  const scanner = new LinkScanner(html);
  try {
    const tokenizer = new Tokenizer({ decodeEntities: false }, scanner);
    (tokenizer as unknown as { fastForwardTo: typeof fastForwardTo }).fastForwardTo = fastForwardTo;
    tokenizer.write(html);
    tokenizer.end();
  } catch {
    // keep what was found
  }
  return scanner.found;
}

/** The tokenizer fields {@linkcode fastForwardTo} works on (private in htmlparser2's typings). */
interface TokenizerText {
  buffer: string;
  index: number;
  offset: number;
}

/**
 * htmlparser2 12's `Tokenizer.fastForwardTo`, with `String.prototype.indexOf` instead of a
 * `charCodeAt` loop: the tokenizer calls it to skip text up to the next `<` (and inside comments
 * and raw-text elements up to the end marker's first character), which was 7–9% of a crawl's CPU.
 * Same contract: move `index` to the next occurrence of `c` after it and return true, or to the
 * last character of the buffer and return false. Set on each scanner's own tokenizer instance,
 * so htmlparser2 itself is left as it is.
 */
function fastForwardTo(this: TokenizerText, c: number): boolean {
  const found = this.buffer.indexOf(String.fromCharCode(c), this.index + 1 - this.offset);
  if (found >= 0) {
    this.index = found + this.offset;
    return true;
  }
  this.index = this.buffer.length + this.offset - 1;
  return false;
}

/** Tag kinds the scanner cares about. */
const enum Kind {
  Other,
  Link, // a, area
  Base,
  Template,
  Foreign, // svg, math: inside them script, style, title… are not raw text
  Integration, // mi, mo, mn, ms, mtext, annotation-xml, foreignObject, desc, title: HTML again
}

const INTEGRATION = new Set([
  "mi",
  "mo",
  "mn",
  "ms",
  "mtext",
  "annotation-xml",
  "foreignobject",
  "desc",
  "title",
]);

/**
 * htmlparser2's tokenizer with only the callbacks links need. Without its `Parser` there is no
 * element stack and no tag-name or attribute objects per tag: names are compared in place and
 * only `href` values are cut out. Entities are not decoded in text (the tokenizer then skips text
 * with `indexOf`); an `href` containing `&` is decoded by htmlparser2 itself (see
 * {@linkcode decodeAttribute}), so values come out as the full parser gives them.
 */
class LinkScanner {
  found: LinkScan = { hrefs: [], baseHref: null };
  #html: string;
  #kind = Kind.Other;
  #inTemplate = 0;
  /** Foreign (svg/math) or not, per open svg, math or integration element; as htmlparser2. */
  #foreign: boolean[] = [false];
  #isHref = false;
  #value = "";
  #href: string | undefined = undefined;
  #quote = QuoteType.Double;

  constructor(html: string) {
    this.#html = html;
  }

  #kindOf(start: number, end: number): Kind {
    // Most tags (p, li, div, span…) are ruled out by length and first letter, without a slice.
    const n = end - start;
    const c = this.#html.charCodeAt(start) | 0x20;
    const maybe = n === 1
      ? c === 0x61 // a
      : n === 2
      ? c === 0x6d // mi mo mn ms
      : n === 3
      ? c === 0x73 // svg
      : n === 4
      ? c === 0x61 || c === 0x62 || c === 0x6d || c === 0x64 // area base math desc
      : n === 5
      ? c === 0x6d || c === 0x74 // mtext title
      : n === 8
      ? c === 0x74 // template
      : (n === 13 && c === 0x66) || (n === 14 && c === 0x61); // foreignobject annotation-xml
    if (!maybe) return Kind.Other;
    const name = this.#html.slice(start, end).toLowerCase();
    if (name === "a" || name === "area") return Kind.Link;
    if (name === "base") return Kind.Base;
    if (name === "template") return Kind.Template;
    if (name === "svg" || name === "math") return Kind.Foreign;
    if (INTEGRATION.has(name)) return Kind.Integration;
    return Kind.Other;
  }

  onopentagname(start: number, end: number): void {
    this.#kind = this.#kindOf(start, end);
    this.#href = undefined;
  }

  onattribname(start: number, end: number): void {
    this.#isHref = (this.#kind === Kind.Link || this.#kind === Kind.Base) &&
      this.#href === undefined && end - start === 4 &&
      this.#html.slice(start, end).toLowerCase() === "href";
    this.#value = "";
  }

  onattribdata(start: number, end: number): void {
    if (this.#isHref) this.#value += this.#html.slice(start, end);
  }

  onattribend(quote: QuoteType): void {
    if (!this.#isHref) return;
    this.#isHref = false;
    this.#href = this.#value;
    this.#quote = quote;
  }

  onopentagend(): void {
    const kind = this.#kind;
    this.#kind = Kind.Other;
    if (kind === Kind.Template) this.#inTemplate++;
    else if (kind === Kind.Foreign) this.#foreign.push(true);
    else if (kind === Kind.Integration) this.#foreign.push(false);
    else if (this.#inTemplate > 0 || this.#href === undefined) return;
    else if (kind === Kind.Link) this.found.hrefs.push(this.#decoded());
    else if (kind === Kind.Base && this.found.baseHref === null) {
      this.found.baseHref = this.#decoded();
    }
  }

  onselfclosingtag(): void {
    const kind = this.#kind;
    this.onopentagend();
    // In svg/math a self-closing tag is closed at once (htmlparser2 does the same).
    if (this.isInForeignContext() || kind === Kind.Foreign) this.#closed(kind);
  }

  onclosetag(start: number, end: number): void {
    this.#closed(this.#kindOf(start, end));
  }

  #closed(kind: Kind): void {
    if (kind === Kind.Template && this.#inTemplate > 0) this.#inTemplate--;
    else if (
      (kind === Kind.Foreign || kind === Kind.Integration) && this.#foreign.length > 1
    ) this.#foreign.pop();
  }

  isInForeignContext(): boolean {
    return this.#foreign[this.#foreign.length - 1];
  }

  #decoded(): string {
    const raw = this.#href!;
    return detach(raw.includes("&") ? decodeAttribute(raw, this.#quote) : raw);
  }

  onattribentity(): void {}
  oncdata(): void {}
  oncomment(): void {}
  ondeclaration(): void {}
  onend(): void {}
  onprocessinginstruction(): void {}
  ontext(): void {}
  ontextentity(): void {}
}

/**
 * An attribute value with its character references decoded exactly as htmlparser2 does for an
 * attribute written with the same quotes (the HTML attribute rule: `&amp;` is `&`, `&copy=2`
 * stays as written). Rare (only values containing `&`), so a tiny parse is cheap enough.
 */
function decodeAttribute(raw: string, quote: QuoteType): string {
  const q = quote === QuoteType.Single ? "'" : quote === QuoteType.Double ? '"' : "";
  let value = raw;
  const parser = new Parser({
    onopentag(_name, attrs) {
      value = attrs.v ?? raw;
    },
  });
  parser.end(`<x v=${q}${raw}${q}>`);
  return value;
}

/**
 * A copy of `text` that does not point into the page it was cut from.
 *
 * V8 substrings of 13+ chars are views of the whole page string (and `new URL(s).href` returns
 * `s` itself when already canonical), so a kept link would keep a 1 MB page alive (the Crawlee
 * memory bug apify/crawlee#3809). Flattening a concatenation copies the characters.
 *
 * @example
 * ```ts
 * const page = "<p>" + "x".repeat(1_000_000) + "</p>";
 * const kept = detach(page.slice(3, 60)); // holds 57 chars, not the page
 * ```
 */
export function detach(text: string): string {
  return text.length < 13 ? text : (" " + text).slice(1);
}
