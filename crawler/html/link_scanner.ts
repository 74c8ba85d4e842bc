/**
 * The link scanner: the `href` of every `<a>` and `<area>` and of the first `<base>` in an HTML
 * page, entity-decoded, found without building a tree. It jumps from `<` to `<` with `indexOf`,
 * reads attributes only of `a`, `area` and `base`, and skips comments and raw text (`script`,
 * `style`, `title`…) by htmlparser2 12's tokenizer rules, quirks included: it replaced a scanner
 * driving that tokenizer, and `tests/html_scanner_diff_test.ts` holds it to the same output. A
 * few rules follow the HTML Standard instead (a NUL in an href is U+FFFD; in svg and math an HTML
 * tag ends them, `#breakOut`, a self-closed integration point is closed, an end tag closes only
 * its own kind), found by `tests/fuzz_links_test.ts` and made in the reference scanner too.
 * Hand-written because it buys CPU: on the benchmark crawl's 20,000 pages htmlparser2's
 * `Tokenizer` takes 2.4x its time, 0.28 s (0.26–0.33 s) more, 5% of the crawl's CPU. What counts
 * as a tag, the known differences from the HTML Standard and the measurements are in
 * `docs/decisions.md`.
 * @module
 */
// deno-lint-ignore no-import-prefix -- pinned inline: mod.ts must work imported by URL
import { decodeHTMLAttribute } from "npm:entities@8.1.0/decode";
import { detach } from "./detach.ts";

/** What {@linkcode scanLinks} found: hrefs entity-decoded, not resolved. */
export interface LinkScan {
  /** `href` of every `<a href>` and `<area href>` outside `<template>`, in document order. */
  hrefs: string[];
  /** `href` of the first `<base href>` outside `<template>`, or null. */
  baseHref: string | null;
}

/**
 * Scan HTML for link targets and `<base href>` without building a tree. Character references are
 * decoded by the HTML rule for attributes (`&amp;` is `&`, `?a=1&copy=2` stays as written). Never
 * throws: on an error it returns what it found so far. The strings returned are copies (see
 * {@linkcode detach}), so keeping them does not keep the page alive.
 *
 * @param html The page, decoded.
 * @returns The hrefs in document order and the base href.
 *
 * @example
 * ```ts
 * import { scanLinks } from "./link_scanner.ts";
 * const found = scanLinks('<base href="/d/"><a href="x?a=1&amp;b=2">x</a><!-- <a href="no"> -->');
 * if (found.hrefs.join() !== "x?a=1&b=2" || found.baseHref !== "/d/") throw new Error("scan");
 * ```
 */
export function scanLinks(html: string): LinkScan {
  const scanner = new LinkScanner(html);
  try {
    scanner.run();
  } catch {
    // keep what was found (nothing here is known to throw; the promise is the caller's safety)
  }
  const { hrefs, baseHref } = scanner.found;
  for (let i = 0; i < hrefs.length; i++) hrefs[i] = decoded(hrefs[i]);
  return { hrefs, baseHref: baseHref === null ? null : decoded(baseHref) };
}

/**
 * An href with its character references decoded, copied off the page. A NUL becomes U+FFFD, as
 * the HTML tokenizer makes it in attribute values (htmlparser2 keeps it, and the URL parser then
 * strips it from the ends: `href="\0"` was a link to the page itself, not to `%EF%BF%BD` as in
 * browsers).
 */
function decoded(raw: string): string {
  const value = raw.includes("\0") ? raw.replaceAll("\0", "\uFFFD") : raw;
  return detach(value.includes("&") ? decodeHTMLAttribute(value) : value);
}

const enum Char {
  Tab = 0x09,
  NewLine = 0x0a,
  FormFeed = 0x0c,
  CarriageReturn = 0x0d,
  Space = 0x20,
  Bang = 0x21,
  DoubleQuote = 0x22,
  SingleQuote = 0x27,
  Slash = 0x2f,
  Lt = 0x3c,
  Eq = 0x3d,
  Gt = 0x3e,
  Question = 0x3f,
}

/** HTML whitespace as htmlparser2 has it (no vertical tab, no NUL). */
function isSpace(c: number): boolean {
  return c === Char.Space || c === Char.NewLine || c === Char.Tab || c === Char.FormFeed ||
    c === Char.CarriageReturn;
}

/** A tag name ends at whitespace, `/` or `>`; anything else (NUL, `<`, `=`, é…) belongs to it. */
function endsTagName(c: number): boolean {
  return c === Char.Slash || c === Char.Gt || isSpace(c);
}

/** Only an ASCII letter after `<` (or `</`) starts a tag. */
function isAsciiLetter(c: number): boolean {
  return ((c | 0x20) - 0x61) >>> 0 < 26;
}

/** Whether `html[start, end)` is `name` (lower case) in any ASCII case, without a slice. */
function nameIs(html: string, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    const c = html.charCodeAt(start + i);
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** What a tag means to the scanner. */
const enum Kind {
  Other,
  Link, // a, area
  Base,
  Template,
  Foreign, // svg, math: inside them script, style, title… are not raw text
  Integration, // mi, mo, mn, ms, mtext, annotation-xml, foreignObject, desc, title: HTML again
}

/** How the content after a start tag is read (outside svg and math). */
const enum Content {
  Markup,
  RawText, // up to the end tag, jumping from `<` to `<`
  Rcdata, // up to the end tag, looking at every character (htmlparser2 would decode entities)
  Plaintext, // the rest of the document is text
}

interface Tag {
  kind: Kind;
  content: Content;
  /** The end tag as htmlparser2 matches it in raw text: `</` and the name. */
  end: string;
}

const TAGS: Record<string, [Kind, Content]> = {
  "a": [Kind.Link, Content.Markup],
  "area": [Kind.Link, Content.Markup],
  "base": [Kind.Base, Content.Markup],
  "template": [Kind.Template, Content.Markup],
  "svg": [Kind.Foreign, Content.Markup],
  "math": [Kind.Foreign, Content.Markup],
  "mi": [Kind.Integration, Content.Markup],
  "mo": [Kind.Integration, Content.Markup],
  "mn": [Kind.Integration, Content.Markup],
  "ms": [Kind.Integration, Content.Markup],
  "mtext": [Kind.Integration, Content.Markup],
  "annotation-xml": [Kind.Integration, Content.Markup],
  "foreignobject": [Kind.Integration, Content.Markup],
  "desc": [Kind.Integration, Content.Markup],
  "title": [Kind.Integration, Content.Rcdata],
  "textarea": [Kind.Other, Content.Rcdata],
  "script": [Kind.Other, Content.RawText],
  "style": [Kind.Other, Content.RawText],
  "iframe": [Kind.Other, Content.RawText],
  "noembed": [Kind.Other, Content.RawText],
  "noframes": [Kind.Other, Content.RawText],
  "xmp": [Kind.Other, Content.RawText],
  "plaintext": [Kind.Other, Content.Plaintext],
};

/**
 * {@linkcode TAGS} by name length and first letter (in either case): most tags (p, li, div,
 * span…) are ruled out by one array read, without looking at their names.
 */
const TAGS_BY_KEY: [string, Tag][][] = [];
const keyOf = (length: number, first: number) => length < 16 ? (length << 5) | (first & 0x1f) : 0;
for (const [name, [kind, content]] of Object.entries(TAGS)) {
  const key = keyOf(name.length, name.charCodeAt(0));
  (TAGS_BY_KEY[key] ??= []).push([name, { kind, content, end: "</" + name }]);
}

const OTHER: Tag = { kind: Kind.Other, content: Content.Markup, end: "" };

/** HTML start tags that end svg and math (the HTML Standard, "parsing tokens in foreign content"). */
const BREAKOUT = new Set(
  ("b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img " +
    "li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var")
    .split(" "),
);

/** Whether the start tag named by `html[start, end)` ends svg and math (only asked inside them). */
function breaksOut(html: string, start: number, end: number): boolean {
  return end - start <= 10 && BREAKOUT.has(html.slice(start, end).toLowerCase());
}

/** The tag named by `html[start, end)`, which starts with an ASCII letter. */
function tagOf(html: string, start: number, end: number): Tag {
  const candidates = TAGS_BY_KEY[keyOf(end - start, html.charCodeAt(start))];
  if (candidates === undefined) return OTHER;
  for (let i = 0; i < candidates.length; i++) {
    if (nameIs(html, start, end, candidates[i][0])) return candidates[i][1];
  }
  return OTHER;
}

/**
 * The scanner: jumps from `<` to `<` with `indexOf`, reads the name of each tag in place, and
 * reads attribute values only of `<a>`, `<area>` and `<base>` (other tags' quoted values are
 * skipped with `indexOf`, as a `>` in them does not end the tag). Every rule follows htmlparser2
 * 12's tokenizer (HTML mode, entities not decoded in text) with the callbacks of the scanner it
 * replaced, quirks included: `tests/html_scanner_diff_test.ts` holds it to that, output for output.
 *
 * Methods return where text resumes after the markup they read, or -1 when nothing after it can
 * count (the end of the input inside a tag, comment or raw text, or `<plaintext>`).
 */
class LinkScanner {
  /** Raw values as written (entities not decoded), slices of the page. */
  readonly found: LinkScan = { hrefs: [], baseHref: null };
  readonly #html: string;
  #inTemplate = 0;
  /** Foreign (svg/math) or not, per open svg, math or integration element; as htmlparser2. */
  readonly #foreign: boolean[] = [false];
  /** The first `href` of the tag just read (only read for links and base), or undefined. */
  #href: string | undefined = undefined;
  /** Whether the tag just read ended with `/>`. */
  #selfClosing = false;

  constructor(html: string) {
    this.#html = html;
  }

  run(): void {
    const html = this.#html;
    for (let lt = html.indexOf("<"); lt >= 0; lt = html.indexOf("<", lt)) {
      lt = this.#markup(lt + 1);
      if (lt < 0) return;
    }
  }

  /** Text resumes after the next `s` at or after `from`, or never. */
  #past(s: string, from: number): number {
    const at = this.#html.indexOf(s, from);
    return at < 0 ? -1 : at + s.length;
  }

  /** What follows a `<`, from `i`. */
  #markup(i: number): number {
    const c = this.#html.charCodeAt(i);
    if (isAsciiLetter(c)) return this.#startTag(i);
    if (c === Char.Slash) return this.#endTag(i + 1);
    if (c === Char.Bang) return this.#bang(i + 1);
    if (c === Char.Question) return this.#past(">", i + 1); // `<?…>`: a bogus comment in HTML
    return i; // `<` is text, and what follows may be another `<`
  }

  #startTag(start: number): number {
    const html = this.#html;
    let end = start + 1;
    while (end < html.length && !endsTagName(html.charCodeAt(end))) end++;
    const tag = tagOf(html, start, end);
    if (this.#foreign.length > 1 && this.#isForeign() && breaksOut(html, start, end)) {
      this.#breakOut();
    }
    // Raw text or not is decided before the tag itself opens (so `<svg><title>` is markup).
    const content = this.#isForeign() ? Content.Markup : tag.content;
    const gt = this.#attributes(end, tag.kind === Kind.Link || tag.kind === Kind.Base);
    if (gt < 0) return -1;
    if (this.#selfClosing) this.#selfClosed(tag.kind);
    else this.#opened(tag.kind);
    // As in htmlparser2, `<script/>` opens raw text too.
    if (content === Content.Markup) return gt + 1;
    if (content === Content.Plaintext) return -1;
    return this.#rawTextEnd(gt + 1, tag, content === Content.Rcdata);
  }

  /**
   * Read a start tag's attributes from `i` (just after the name) to its `>`, and return the
   * position of that `>`. Sets `#selfClosing` and, when `wantHref`, `#href` to the first `href`
   * value (`""` when it has none), still entity-encoded.
   */
  #attributes(i: number, wantHref: boolean): number {
    const html = this.#html;
    const n = html.length;
    this.#href = undefined;
    let selfClosing = false;
    while (i < n) {
      let c = html.charCodeAt(i);
      if (c === Char.Gt) {
        this.#selfClosing = selfClosing;
        return i;
      }
      if (c === Char.Slash || isSpace(c)) {
        // `/` then spaces then `>` is still self-closing: `<a / >`
        if (c === Char.Slash) selfClosing = true;
        i++;
        continue;
      }
      // An attribute name: its first character may be anything else, even `=` or a quote.
      selfClosing = false;
      const name = i;
      do i++; while (i < n && !endsTagName(c = html.charCodeAt(i)) && c !== Char.Eq);
      const isHref = wantHref && this.#href === undefined && nameIs(html, name, i, "href");
      while (i < n && isSpace(html.charCodeAt(i))) i++;
      if (html.charCodeAt(i) !== Char.Eq) {
        if (isHref) this.#href = ""; // no value; `/`, `>` or the next name is read next
        continue;
      }
      i++;
      while (i < n && isSpace(html.charCodeAt(i))) i++;
      c = html.charCodeAt(i);
      if (c === Char.DoubleQuote || c === Char.SingleQuote) {
        const close = html.indexOf(c === Char.DoubleQuote ? '"' : "'", i + 1);
        if (close < 0) return -1;
        if (isHref) this.#href = html.slice(i + 1, close);
        i = close + 1;
      } else {
        // Unquoted: up to whitespace or `>`, so `<a href=x/>` is "x/" and not self-closing.
        const value = i;
        while (i < n && !isSpace(c = html.charCodeAt(i)) && c !== Char.Gt) i++;
        if (isHref) this.#href = html.slice(value, i);
      }
    }
    return -1;
  }

  /**
   * After a raw-text start tag: find its end tag, match it as htmlparser2 does (it compares
   * `char | 0x20`, so `\x1c` passes for `<` and `\x0f` for `/`; after a mismatch it looks at the
   * next character, not for the next `<`), and close the element.
   */
  #rawTextEnd(i: number, tag: Tag, rcdata: boolean): number {
    const html = this.#html;
    const end = tag.end;
    let matched = 0;
    for (; i < html.length; i++) {
      const c = html.charCodeAt(i);
      if (matched === end.length) {
        if (endsTagName(c)) {
          this.#closed(tag.kind); // the end tag has the start tag's name, so its kind
          return this.#past(">", i);
        }
        matched = 0;
      }
      if ((c | 0x20) === end.charCodeAt(matched)) matched++;
      else if (matched > 0) matched = c === Char.Lt ? 1 : 0;
      else if (!rcdata) {
        i = html.indexOf("<", i + 1);
        if (i < 0) return -1;
        matched = 1;
      }
    }
    return -1;
  }

  /** After `</`, from `i`. */
  #endTag(i: number): number {
    const html = this.#html;
    // `</>` is dropped; `</ x>`, `</1>` are bogus comments: all end at the next `>`.
    if (!isAsciiLetter(html.charCodeAt(i))) return this.#past(">", i);
    let end = i + 1;
    while (end < html.length && !endsTagName(html.charCodeAt(end))) end++;
    if (end === html.length) return -1;
    const kind = tagOf(html, i, end).kind;
    if (this.#isForeign() && (nameIs(html, i, end, "p") || nameIs(html, i, end, "br"))) {
      this.#breakOut();
    } else this.#closed(kind);
    if (html.charCodeAt(end) === Char.Gt) return end + 1;
    return this.#past(">", end); // whatever an end tag holds after its name is skipped
  }

  /** After `<!`, from `i`: a comment, CDATA, or a declaration or bogus comment up to `>`. */
  #bang(i: number): number {
    const html = this.#html;
    if (html.startsWith("--", i)) return this.#commentEnd(i + 2);
    // htmlparser2 reads CDATA even in HTML content (the spec: only in svg and math).
    if (html.startsWith("[CDATA[", i)) return this.#past("]]>", i + 7);
    return this.#past(">", i);
  }

  /** A comment's body starts at `i`; it ends at `-->` or `--!>`, or at once for `<!-->`, `<!--->`. */
  #commentEnd(i: number): number {
    const html = this.#html;
    if (html.charCodeAt(i) === Char.Gt) return i + 1;
    if (html.startsWith("->", i)) return i + 2;
    for (let dashes = html.indexOf("--", i); dashes >= 0; dashes = html.indexOf("--", dashes + 1)) {
      const c = html.charCodeAt(dashes + 2);
      if (c === Char.Gt) return dashes + 3;
      if (c === Char.Bang && html.charCodeAt(dashes + 3) === Char.Gt) return dashes + 4;
    }
    return -1;
  }

  #isForeign(): boolean {
    return this.#foreign[this.#foreign.length - 1];
  }

  /**
   * An HTML start tag such as `<p>` or `<div>` (or the end tag `</p>` or `</br>`) in svg or math
   * ends them, up to the nearest integration point, as the HTML Standard's tree construction does
   * ("parsing tokens in foreign content"): `<svg><p><style>` opens raw text. (htmlparser2 stays
   * in svg; `<font>` with `color`, `face` or `size`, which also breaks out, is not handled.)
   */
  #breakOut(): void {
    while (this.#foreign.length > 1 && this.#isForeign()) this.#foreign.pop();
  }

  /** A start tag ended with `>`. */
  #opened(kind: Kind): void {
    if (kind === Kind.Template) this.#inTemplate++;
    else if (kind === Kind.Foreign) this.#foreign.push(true);
    else if (kind === Kind.Integration) this.#foreign.push(false);
    else if (this.#inTemplate > 0 || this.#href === undefined) return;
    else if (kind === Kind.Link) this.found.hrefs.push(this.#href);
    else if (kind === Kind.Base && this.found.baseHref === null) {
      this.found.baseHref = this.#href;
    }
  }

  /**
   * A start tag ended with `/>`: in svg/math it is closed at once. Whether it is in svg/math is
   * asked before it opens: a self-closed integration point (`<svg><desc/>`) is closed too, where
   * htmlparser2 leaves it open and reads `<style>` after it as raw text.
   */
  #selfClosed(kind: Kind): void {
    const foreign = this.#isForeign();
    this.#opened(kind);
    if (foreign || kind === Kind.Foreign) this.#closed(kind);
  }

  /**
   * An end tag: only template, svg, math and integration points are tracked. `</svg>` or
   * `</math>` closes only svg or math, and `</desc>`, `</mi>` … only an integration point: a
   * stray `</title>` in svg does not end the svg, nor `</svg>` a `<foreignObject>` (htmlparser2
   * pops whichever is open).
   */
  #closed(kind: Kind): void {
    if (kind === Kind.Template && this.#inTemplate > 0) this.#inTemplate--;
    else if (
      (kind === Kind.Foreign || kind === Kind.Integration) && this.#foreign.length > 1 &&
      this.#isForeign() === (kind === Kind.Foreign)
    ) this.#foreign.pop();
  }
}
