/**
 * Differential test of the link scanner: `scanLinks` (`crawler/html/link_scanner.ts`) must return exactly
 * what the htmlparser2-driven scanner it replaced returns (`tests/fixtures/htmlparser2_scanner.ts`)
 * on seeded random tag soup, on every page of the synthetic site and on every HTML string of
 * `tests/links_test.ts`. Any difference fails with the smallest input that still shows it.
 * (Seeded, so every run checks the same 100,000 random documents.)
 *
 * Run: `deno test --allow-read tests/html_scanner_diff_test.ts`
 * @module
 */
import { deepStrictEqual as eq, ok } from "node:assert/strict";
import { type LinkScan, scanLinks } from "../crawler/html/link_scanner.ts";
import { scanLinks as reference } from "./fixtures/htmlparser2_scanner.ts";
import { buildSite, type SiteOptions } from "../bench/site.ts";
import { prng } from "../bench/site/graph.ts";

const SOUP_DOCUMENTS = 60_000;
const TOKEN_DOCUMENTS = 40_000;

// ---------------------------------------------------------------------------------------------
// Comparing, and shrinking a difference to the smallest input that still shows it

const same = (a: LinkScan, b: LinkScan) =>
  a.baseHref === b.baseHref && a.hrefs.length === b.hrefs.length &&
  a.hrefs.every((h, i) => h === b.hrefs[i]);

const differs = (html: string) => !same(scanLinks(html), reference(html));

/**
 * Delta debugging, greedy: drop whole fragments, then single characters, while the two scanners
 * still disagree. A 300-character soup usually shrinks to a dozen characters that name the bug.
 */
function shrink(fragments: string[]): string {
  let parts = [...fragments];
  for (let i = 0; i < parts.length;) {
    const fewer = parts.toSpliced(i, 1);
    if (differs(fewer.join(""))) parts = fewer;
    else i++;
  }
  let html = parts.join("");
  for (let i = 0; i < html.length;) {
    const shorter = html.slice(0, i) + html.slice(i + 1);
    if (differs(shorter)) html = shorter;
    else i++;
  }
  return html;
}

/** Fail with the smallest failing input and both answers. */
function expectSame(fragments: string[], where: string): LinkScan {
  const html = fragments.join("");
  const got = scanLinks(html);
  const want = reference(html);
  if (!same(got, want)) {
    const small = shrink(fragments);
    eq(
      scanLinks(small),
      reference(small),
      `${where}: scanners differ; smallest failing input: ${JSON.stringify(small)}`,
    );
    eq(got, want, `${where}: ${JSON.stringify(html)}`); // shrinking lost it: show the original
  }
  return got;
}

// ---------------------------------------------------------------------------------------------
// Seeded tag soup

type Rand = () => number;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** Some letters upper-cased: tag and attribute names are case-insensitive. */
function someUpper(r: Rand, name: string): string {
  const roll = r();
  if (roll < 0.6) return name;
  if (roll < 0.75) return name.toUpperCase();
  return [...name].map((ch) => (r() < 0.5 ? ch.toUpperCase() : ch)).join("");
}

const SPACE = ["", " ", " ", "  ", "\n", "\t", "\r\n", "\f", " \n\t", "\v"];

const ATTRIBUTE_NAMES = [
  ...["href", "href", "href", "href", "href", "href", "HREF", "Href"],
  ...["hre", "hrefx", "xhref", "class", "x", "target", "=", "==", '"q"', "'q'", "href/", "h\0ref"],
];

const VALUE_PARTS = [
  ...["/x", "x", "", "a b", "a>b", "x/", "/", "=", "--", "]]>", "<a href=in>", "</a>"],
  ...["http://h.example/p?q=1#f", "javascript:void(0)", "'q'", '"q"', "é", "\u{1F600}"],
  ...["\0", "\uD800", "\x1c", " \n\t", "/p?a=1&amp;b=2", "&amp;", "&amp", "&amp&amp;", "&"],
  ...["?x=1&copy=2", "&copy", "&copy;", "&copy=", "&#x41;", "&#65", "&#x41", "&#65;", "&#x;"],
  ...["&#", "&#;", "&notit;", "&not", "&notin;", "&noti", "&;", "&AElig", "&frac12;", "&frac1"],
  ...["&#0;", "&#xD800;", "&#1114112;", "&#128;", "&NotEqualTilde;", "&lt&gt", "&ampx", "&amp1"],
];

function value(r: Rand): string {
  let v = pick(r, VALUE_PARTS);
  while (r() < 0.35) v += pick(r, VALUE_PARTS);
  return v;
}

function attribute(r: Rand): string {
  const name = someUpper(r, pick(r, ATTRIBUTE_NAMES));
  const roll = r();
  if (roll < 0.12) return name; // no value at all
  const eqSign = (r() < 0.7 ? "" : pick(r, SPACE)) + "=" + (r() < 0.7 ? "" : pick(r, SPACE));
  if (roll < 0.5) return name + eqSign + '"' + value(r) + '"';
  if (roll < 0.7) return name + eqSign + "'" + value(r) + "'";
  if (roll < 0.92) return name + eqSign + value(r); // unquoted: may hold quotes, `/`, `=`
  return name + eqSign; // `=` and then the tag ends: a missing value
}

const LINK_TAGS = ["a", "a", "a", "a", "area", "base", "base"];
const OTHER_TAGS = [
  ...["p", "div", "li", "link", "img", "abbr", "b", "aa", "bases", "areas", "select", "option"],
  ...["noscript", "template", "template", "svg", "svg", "math", "foreignObject", "desc", "title"],
  ...["mi", "mo", "mn", "ms", "mtext", "annotation-xml", "scriptx", "styles", "titl", "xmpp"],
];
/** End tags: those that change the scanner's state (template, svg, math…) are more common. */
const END_TAGS = [...LINK_TAGS, ...OTHER_TAGS, "template", "template", "svg", "math", "title"];
const RAW_TAGS = [
  ...["script", "script", "style", "title", "title", "textarea", "xmp", "iframe", "noembed"],
  "noframes",
];

function startTag(r: Rand, name: string): string {
  let tag = "<" + someUpper(r, name);
  const attributes = r() < 0.2 ? 0 : 1 + Math.floor(r() * 3);
  for (let i = 0; i < attributes; i++) {
    tag += pick(r, [" ", " ", " ", "\n", "\t", "  ", "/", " / ", "", "\r\n"]) + attribute(r);
  }
  tag += pick(r, ["", "", "", " ", "/", " /", "/ ", "\n", "/x", " / ", "/\n", "\v"]);
  return tag + (r() < 0.93 ? ">" : ""); // unclosed: the next fragment continues the tag
}

function endTag(r: Rand, name: string): string {
  const tail = pick(r, ["", "", "", " ", " x", "/", "\n", ' x=">"']);
  return "</" + someUpper(r, name) + tail + (r() < 0.95 ? ">" : "");
}

const TEXT = [
  ...["text", " ", "\n", "a < b", "<", "< a", "<1", "<=", "<<", "<\0", "é", "\u{1F600}"],
  ...["\uD800", "\0", "\x1c", "\x0f", "&amp;", "--", "-->", "]]>", ">", '"', "'", "<!", "<!-"],
  ...["<?", "</", "</ a>", "</>", "</1>", "<\0a>", "<a\0 href=nul>", "<é>", "<\u{1F600}>"],
];

const MARKUP = [
  ...["<!-- x -->", "<!---->", "<!--->", "<!-->", "<!-- --!>", "<!-- -- >", "<!-- --->"],
  ...["<!-- <a href=in-comment> -->", "<!-- --!x -->", "<!---x-->", "<!--", "<!-- ", "<!- x>"],
  ...["<!x>", "<!>", "<!doctype html>", "<!DOCTYPE html>", "<!DOCTYPE", "<!d>", "<!doc>"],
  ...["<?pi?>", "<?x>", "<?", "<![CDATA[ <a href=cdata> ]]>", "<![CDATA[", "<![CDATA[x]]]>"],
  ...["<![cdata[x]]>", "<![CDAT>", "<![>", "<!-x->"],
];

/** Ways a raw-text element's end can be written, some of which do not end it. */
function rawEnd(r: Rand, name: string): string {
  const n = someUpper(r, name);
  return pick(r, [
    ...[`</${n}>`, `</${n}>`, `</${n}>`, `</${n} >`, `</${n} x>`, `</${n}\n>`, `</${n}/>`],
    ...[`</${n}x>`, `</${n}`, `</${n.slice(0, 3)}`, `<</${n}>`, `\x1c/${n}>`, `<\x0f${n}>`],
    ...[`</ ${n}>`, `<!--</${n}>-->`],
  ]);
}

/** One piece of soup; some (a raw-text element with its content) are several pieces. */
/** `<` or `</` and any printable ASCII character: only a letter starts a tag. */
function ltAndAscii(r: Rand): string {
  const c = String.fromCharCode(0x21 + Math.floor(r() * 94));
  return pick(r, ["<", "</"]) + c + pick(r, ["x>", "", " ", " x='"]);
}

function fragment(r: Rand): string[] {
  const roll = r();
  if (roll < 0.22) return [pick(r, TEXT)];
  if (roll < 0.25) return [ltAndAscii(r)];
  if (roll < 0.5) return [startTag(r, pick(r, LINK_TAGS))];
  if (roll < 0.65) return [startTag(r, pick(r, OTHER_TAGS))];
  if (roll < 0.75) return [endTag(r, pick(r, END_TAGS))];
  if (roll < 0.85) return [pick(r, MARKUP)];
  if (roll < 0.995) {
    const name = pick(r, RAW_TAGS);
    const parts = [startTag(r, name)];
    while (r() < 0.5) parts.push(pick(r, [startTag(r, "a"), pick(r, TEXT), pick(r, MARKUP)]));
    parts.push(rawEnd(r, name));
    return parts;
  }
  return [startTag(r, "plaintext")]; // rare: nothing after it is markup
}

/** A document: 1–40 fragments, sometimes cut off at a random point. */
function soup(r: Rand): string[] {
  const fragments: string[] = [];
  const n = 1 + Math.floor(r() * 40);
  while (fragments.length < n) fragments.push(...fragment(r));
  if (r() < 0.05) {
    // A quote that never closes: the tag, and so the document, ends there.
    const q = pick(r, ['"', "'"]);
    const at = Math.floor(r() * fragments.length);
    fragments.splice(at, 0, pick(r, ["<a href=", "<p title=", "<base href="]) + q);
    for (let i = at + 1; i < fragments.length; i++) fragments[i] = fragments[i].replaceAll(q, "");
  }
  if (r() < 0.1) {
    const all = fragments.join("");
    return [all.slice(0, Math.floor(r() * all.length))];
  }
  return fragments;
}

Deno.test("scanLinks = htmlparser2 scanner on seeded tag soup", () => {
  const r = prng(0x5eed);
  let withLinks = 0, hrefs = 0, decoded = 0, bases = 0;
  for (let d = 0; d < SOUP_DOCUMENTS; d++) {
    const found = expectSame(soup(r), `soup document ${d}`);
    if (found.hrefs.length > 0) withLinks++;
    hrefs += found.hrefs.length;
    decoded += found.hrefs.filter((h) => h.includes("&") || h.includes("©")).length;
    if (found.baseHref !== null) bases++;
  }
  // The soup must exercise what matters, not just agree on empty answers.
  ok(withLinks > SOUP_DOCUMENTS * 0.4, `only ${withLinks} documents with links`);
  ok(decoded > 1000 && bases > SOUP_DOCUMENTS / 10, `${decoded} decoded hrefs, ${bases} bases`);
  console.log(
    `${SOUP_DOCUMENTS} documents identical: ${hrefs} hrefs (${decoded} with & or ©), ` +
      `${withLinks} documents with links, ${bases} with a base href`,
  );
});

/**
 * Pieces of markup strung together at random, with no grammar: finds the odd states (a `<`
 * inside an attribute name, CDATA opened inside a tag, `-->` with no comment) that well-formed
 * fragments rarely reach.
 */
const TOKENS = [
  ...["<a href=", "<a href=", "<A HREF=", "<base href=", "<area href=", "</", "<!--", "-->"],
  ...["--!>", "<svg>", "</svg>", "<math/>", "<title>", "</title>", "</script", "<script>"],
  ...["<template>", "</template>", "<mi>", "</mi>", "<![CDATA[", "]]>", "&amp;", "&copy=", "&#x41"],
  ...["<", "<", "<", ">", ">", "/", "!", "-", "-", "=", '"', "'", " ", "\n", "a", "A", "href"],
  ...["HREF", "area", "base", "svg", "math", "title", "desc", "mi", "template", "script", "style"],
  ...["textarea", "plaintext", "xmp", "iframe", "noembed", "noframes", "foreignObject", "\x1c"],
  ...["annotation-xml", "\x0f", "[", "]", "[CDATA[", "?", "&", ";", "#", "amp", "x", "1", "\0"],
  ...["é", "\v"],
];

Deno.test("scanLinks = htmlparser2 scanner on random token strings", () => {
  const r = prng(0x70c3);
  let withLinks = 0;
  for (let d = 0; d < TOKEN_DOCUMENTS; d++) {
    const tokens = Array.from({ length: 1 + Math.floor(r() * 60) }, () => pick(r, TOKENS));
    if (expectSame(tokens, `token document ${d}`).hrefs.length > 0) withLinks++;
  }
  ok(withLinks > TOKEN_DOCUMENTS / 4, `only ${withLinks} documents with links`);
  console.log(`${TOKEN_DOCUMENTS} documents identical, ${withLinks} with links`);
});

// ---------------------------------------------------------------------------------------------
// The synthetic site

const ORIGIN = "http://127.0.0.1:8080";

/** Every page of a site with these options, and every other path its pages link to. */
function sitePages(opts: SiteOptions): string[] {
  const site = buildSite(opts);
  const paths = new Set<string>();
  for (let i = 0; i < site.pages; i++) {
    paths.add(site.pathOf(i));
    for (const p of site.linksOf(i)) paths.add(p);
  }
  const decoder = new TextDecoder();
  return [...paths].filter((p) => site.has(p)).map((p) => decoder.decode(site.render(p, ORIGIN)!));
}

Deno.test("scanLinks = htmlparser2 scanner on every page of the synthetic site", () => {
  const pages = [
    ...sitePages({}), // the crawl benchmark's site: 2,000 pages of 10 KB, 10 links each
    ...sitePages({ pages: 300, offsite: true, private: 20, trap: true, seed: 7, pageBytes: 2000 }),
  ];
  let hrefs = 0;
  for (const [i, page] of pages.entries()) {
    hrefs += expectSame([page], `site page ${i}`).hrefs.length;
  }
  ok(pages.length > 2300 && hrefs > 20_000, `${pages.length} pages, ${hrefs} hrefs`);
});

// ---------------------------------------------------------------------------------------------
// The HTML of tests/links_test.ts

Deno.test("scanLinks = htmlparser2 scanner on every HTML string literal of links_test.ts", async () => {
  const source = await Deno.readTextFile(new URL("./links_test.ts", import.meta.url));
  const html = stringLiterals(source).filter((s) => s.includes("<"));
  ok(html.length > 60, `only ${html.length} literals with "<" found: is the lexer broken?`);
  for (const [i, h] of html.entries()) expectSame([h], `links_test literal ${i}`);
});

/**
 * The string literals of a TypeScript source, unescaped, template literals cut at each `${…}`.
 * Enough for `links_test.ts` (no regex literals, no nested templates); not a general lexer.
 */
function stringLiterals(source: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === "/" && source[i + 1] === "/") i = source.indexOf("\n", i) >>> 0;
    else if (c === "/" && source[i + 1] === "*") i = source.indexOf("*/", i) + 2;
    else if (c === '"' || c === "'" || c === "`") {
      // A test's name is not HTML ("links: absolute <base href> replaces …").
      i = literal(source, i, /Deno\.test\($/.test(source.slice(i - 10, i)) ? [] : out);
    } else i++;
  }
  return out;
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", f: "\f", "0": "\0" };

/** Read the literal opening at `start` into `out` (pieces, for templates); return its end. */
function literal(source: string, start: number, out: string[]): number {
  const quote = source[start];
  let piece = "";
  let i = start + 1;
  while (source[i] !== quote) {
    if (source[i] === "\\") {
      const e = source[i + 1];
      if (e === "u") {
        piece += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        piece += ESCAPES[e] ?? e;
        i += 2;
      }
    } else if (quote === "`" && source.startsWith("${", i)) {
      out.push(piece);
      piece = "";
      i = source.indexOf("}", i) + 1;
    } else piece += source[i++];
  }
  out.push(piece);
  return i + 1;
}
