/**
 * Property tests of link extraction (`crawler/html/links.ts`) against the HTML Standard: on
 * random and mutated HTML (unclosed tags, comments, scripts and other raw text, CDATA, attributes
 * without quotes, upper case, entities, `<base>`, `<template>`, svg and math), the links
 * `extractLinks` finds equal those of a browser's parse: parse5 (the Standard's tokenizer and tree
 * construction, scripting off as for a crawler, so `<noscript>` content is markup), with every
 * `<a href>`/`<area href>` outside template contents resolved against the first `<base href>` by
 * `URL.parse`, kept if http(s), canonicalised and listed once.
 *
 * The scanner reads markup by htmlparser2's rules, which differ from the Standard in a few known
 * ways (`docs/decisions.md`, "The link scanner"); the generators leave those out, and each one is pinned by an
 * example in the last test, so that the list stays true. Seeded: every run checks the same
 * documents.
 *
 * Run: `deno test --allow-read tests/fuzz_links_test.ts`
 * @module
 */
// deno-lint-ignore no-import-prefix
import fc from "npm:fast-check@4.10.2";
// deno-lint-ignore no-import-prefix
import { parse } from "npm:parse5@8.1.1";
import { assert, assertEquals } from "./assert.ts";
import { extractLinks } from "../crawler/html/links.ts";
import { canonicalUrl } from "../crawler/url/canonical.ts";

const SEED = 18;
/** Any UTF-16 text, lone surrogates and controls included (faster than fast-check's binary unit). */
const anyText = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 }).map((codes) =>
  String.fromCharCode(...codes)
);
const PAGE = "http://h.example/d/page?q=1#top";

// ---------------------------------------------------------------------------------------------
// The reference: parse5's tree

interface Node {
  tagName?: string;
  attrs?: { name: string; value: string; namespace?: string }[];
  childNodes?: Node[];
}

/** The links a browser sees in `html` at `page` (see the module doc). */
function referenceLinks(html: string, page: string): string[] {
  const doc = parse(html, { scriptingEnabled: false }) as unknown as Node;
  const hrefs: string[] = [];
  let baseHref: string | null = null;
  const walk = (node: Node): void => {
    // A template's children are in its `content` fragment, not in `childNodes`: skipped.
    const href = node.attrs?.find((a) => a.name === "href" && !a.namespace)?.value;
    if (href !== undefined) {
      if (node.tagName === "a" || node.tagName === "area") hrefs.push(href);
      else if (node.tagName === "base") baseHref ??= href;
    }
    for (const child of node.childNodes ?? []) walk(child);
  };
  walk(doc);
  let base = new URL(page);
  const declared = baseHref === null ? null : URL.parse(baseHref, base);
  if (declared && declared.protocol !== "data:" && declared.protocol !== "javascript:") {
    base = declared;
  }
  const links = new Set<string>();
  for (const href of hrefs) {
    const url = URL.parse(href, base);
    if (url && (url.protocol === "http:" || url.protocol === "https:")) {
      links.add(canonicalUrl(url));
    }
  }
  return [...links];
}

// ---------------------------------------------------------------------------------------------
// Generators

/** A tag name as written: lower, upper or capitalised. */
const cased = (name: string) =>
  fc.constantFrom(name, name.toUpperCase(), name[0].toUpperCase() + name.slice(1));

const valuePart = fc.constantFrom(
  ...["/x", "x", "", "a b", "a>b", "x/", "/", "=", "'", '"', "`", "?q=1&amp;r=2", "?a=1&b=2"],
  ...["&copy=3", "&copy", "&copy;", "&#65;", "&#x41", "&#0;", "&#128;", "&notin;", "&not", "&"],
  ...["&amp", "&lt;", "\0", "é", "\u{1F600}", "\uD800", " ", "\n", "\t", "\r\n", "..", "../up"],
  ...["http://o.example/z", "HTTPS://O.EXAMPLE:443/%7e", "//cdn.example/y", "javascript:x"],
  ...["mailto:a@b", "data:,x", "#frag", "?only", "http://[bad", "http://h.example:80/d/"],
);
const value = fc.array(valuePart, { maxLength: 3 }).map((parts) => parts.join(""));

const attribute = fc.tuple(
  fc.constantFrom("href", "href", "href", "HREF", "Href", "class", "x", "hre", "hrefx", "=x"),
  fc.constantFrom('"', "'", "", "", "none"),
  value,
  fc.constantFrom("", "", " ", "\n"),
).map(([name, quote, v, space]) => {
  if (quote === "none") return name;
  // Unquoted values cannot hold whitespace, quotes, `=`, `<`, backquote or `>`, nor be empty.
  const text = quote === "" ? v.replace(/[\s"'=<>`]/g, "") || "u" : v.replaceAll(quote, "");
  return `${name}${space}=${space}${quote}${text}${quote}`;
});

const startTag = (names: fc.Arbitrary<string>) =>
  fc.tuple(
    names.chain(cased),
    fc.array(fc.tuple(fc.constantFrom(" ", "  ", "\n", "\t", "/"), attribute), { maxLength: 3 }),
    fc.constantFrom(">", ">", ">", "/>", " >", " />", "\n>"),
  ).map(([name, attrs, end]) => `<${name}${attrs.map(([s, a]) => s + a).join("")}${end}`);

const endTag = (names: fc.Arbitrary<string>) =>
  fc.tuple(names.chain(cased), fc.constantFrom(">", " >", "\n>", " x>")).map(([n, e]) =>
    `</${n}${e}`
  );

const LINK_TAGS = fc.constantFrom("a", "a", "a", "area", "base");
const HTML_TAGS = fc.constantFrom(
  ...["p", "div", "span", "b", "i", "li", "ul", "img", "br", "hr", "noscript", "template"],
  ...["template", "table", "tr", "td", "form", "button", "h1", "head", "body", "html", "object"],
  ...["nobr", "font", "em", "pre", "dl", "dd", "label", "map", "picture", "source", "link"],
);
const RAW_TAGS = fc.constantFrom(
  ...["script", "script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes"],
);

const text = fc.constantFrom(
  ...["text", " ", "\n", "a < b", "<", "< a", "<1", "&", "&amp;", "&lt;a href=x&gt;", ">", "'"],
  ...["-->", "]]>", "é", "\u{1F600}", "\0", "</", "</>", "</ a>", "<!", "<?", "\r\n", '"'],
);

const markup = fc.constantFrom(
  ...["<!-- x -->", "<!---->", "<!-->", "<!--->", "<!-- <a href=in-comment> -->", "<!-- --!>"],
  ...["<!-- -- -->", "<!doctype html>", "<!DOCTYPE html>", "<?pi?>", "<?x <a href=pi>"],
  // CDATA outside svg/math only without a `>` inside (see the known differences below).
  ...["<![CDATA[ x ]]>", "<![CDATA[]]>", "<!x>", "<!-x->"],
);

/** A raw-text element: its content may look like markup; its end tag may be missing. */
const rawTextOf = (names: fc.Arbitrary<string>) =>
  fc.tuple(
    names,
    fc.array(fc.oneof(startTag(LINK_TAGS), text, markup), { maxLength: 3 }),
    fc.constantFrom("close", "close", "CLOSE", "spaced", "none"),
  ).map(([name, inner, end]) => {
    const close = end === "close"
      ? `</${name}>`
      : end === "CLOSE"
      ? `</${name.toUpperCase()}>`
      : end === "spaced"
      ? `</${name} x>`
      : "";
    return `<${name}>${inner.join("")}${close}`;
  });
const rawText = rawTextOf(RAW_TAGS);
/** In svg, `<title>` is an integration point: an `<a>` left open in it would keep it open. */
const foreignRawText = rawTextOf(RAW_TAGS.filter((name) => name !== "title"));

/** Fragments of an HTML document outside svg and math. */
const htmlFragment = fc.oneof(
  { arbitrary: text, weight: 3 },
  { arbitrary: startTag(LINK_TAGS), weight: 6 },
  { arbitrary: startTag(HTML_TAGS), weight: 4 },
  { arbitrary: endTag(fc.oneof(LINK_TAGS, HTML_TAGS, RAW_TAGS)), weight: 3 },
  { arbitrary: markup, weight: 1 },
  { arbitrary: rawText, weight: 2 },
);

/**
 * svg and math with their own elements, HTML tags that end them (`<p>`, `</br>` …), raw-text tags (markup there), CDATA (real CDATA there), and one
 * integration point (svg `foreignObject`, `desc`, `title`; math `mi`, `mo`, `mtext`), self-closed
 * or holding HTML. Blocks are closed, so that no svg nests in math or math in svg, and only
 * elements opened inside are closed; nothing inside an integration point would keep its end tag
 * from closing it (the scanner has no element stack: see the known differences below).
 */
const foreignItem = fc.oneof(
  { arbitrary: startTag(LINK_TAGS), weight: 4 },
  { arbitrary: foreignRawText, weight: 2 },
  { arbitrary: text, weight: 1 },
  {
    arbitrary: fc.constantFrom("<![CDATA[ <a href=cdata> ]]>", "<g>", "</g>", "<circle/>"),
    weight: 1,
  },
  { arbitrary: startTag(fc.constantFrom("p", "div", "b", "img", "span", "br")), weight: 1 },
  { arbitrary: fc.constantFrom("</p>", "</br>"), weight: 1 },
);
const pointItem = fc.oneof(
  startTag(fc.constant("a")).map((tag) => `${tag}link</a>`),
  startTag(fc.constantFrom("area", "base")),
  rawText,
  text,
);

const foreignBlock = fc.tuple(
  fc.constantFrom("svg", "math"),
  fc.array(foreignItem, { maxLength: 4 }),
  fc.array(pointItem, { maxLength: 3 }),
  fc.constantFrom("/>", ">", ">"),
  fc.array(foreignItem, { maxLength: 3 }),
).chain(([root, before, inside, end, after]) => {
  const points = root === "svg" ? ["foreignObject", "desc", "title"] : ["mi", "mo", "mtext"];
  return fc.constantFrom(...points).map((point) => {
    const pointTags = end === "/>" ? `<${point}/>` : `<${point}>${inside.join("")}</${point}>`;
    return `<${root}>${before.join("")}${pointTags}${after.join("")}</${root}>`;
  });
});

const htmlDocument = fc.array(htmlFragment, { maxLength: 30 });
const foreignDocument = fc.array(
  fc.oneof({ arbitrary: htmlFragment, weight: 3 }, { arbitrary: foreignBlock, weight: 1 }),
  { maxLength: 15 },
);

/**
 * Mutations of a document: fragments dropped, repeated or swapped, a range of characters
 * upper-cased, a hostile character inserted, or the end cut off anywhere (mid-tag too).
 */
function mutated(
  doc: fc.Arbitrary<string[]>,
  kinds = ["drop", "repeat", "swap", "upper", "insert", "cut"],
): fc.Arbitrary<string> {
  const mutation = fc.tuple(
    fc.constantFrom(...kinds),
    fc.nat(),
    fc.nat(),
    fc.constantFrom("<", ">", '"', "'", "=", " ", "/", "!", "-", "&", "\0", "é", "\n", "a"),
  );
  return fc.tuple(doc, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([parts, ms]) => {
    let fragments = [...parts];
    let html: string | null = null;
    for (const [kind, a, b, ch] of ms) {
      const n = fragments.length;
      if (n === 0) break;
      if (kind === "drop") fragments.splice(a % n, 1);
      else if (kind === "repeat") fragments.splice(a % n, 0, fragments[a % n]);
      else if (kind === "swap") {
        const i = a % n, j = b % n;
        [fragments[i], fragments[j]] = [fragments[j], fragments[i]];
      } else {
        const s = fragments.join("");
        const i = s.length === 0 ? 0 : a % s.length;
        const j = Math.min(s.length, i + (b % 12));
        if (kind === "upper") html = s.slice(0, i) + s.slice(i, j).toUpperCase() + s.slice(j);
        else if (kind === "insert") html = s.slice(0, i) + ch + s.slice(i);
        else html = s.slice(0, i);
        fragments = [html];
      }
    }
    return html ?? fragments.join("");
  });
}

// ---------------------------------------------------------------------------------------------
// Properties

function agrees(html: string): void {
  assertEquals(extractLinks(html, PAGE), referenceLinks(html, PAGE), JSON.stringify(html));
}

/** Counts how many generated documents had links, so a generator gone empty is noticed. */
function withLinks(docs: fc.Arbitrary<string>, runs: number): number {
  return fc.sample(docs, { seed: SEED, numRuns: runs }).filter((h) =>
    referenceLinks(h, PAGE).length > 0
  ).length;
}

Deno.test("fuzz extractLinks = the HTML Standard (parse5) on random HTML (3,000 documents)", () => {
  const docs = htmlDocument.map((parts) => parts.join(""));
  fc.assert(fc.property(docs, agrees), { seed: SEED, numRuns: 3_000 });
  assert(withLinks(docs, 500) > 150, "too few documents with links");
});

Deno.test("fuzz extractLinks = the HTML Standard on mutated HTML (3,000 documents)", () => {
  const docs = mutated(htmlDocument);
  fc.assert(fc.property(docs, agrees), { seed: SEED, numRuns: 3_000 });
  assert(withLinks(docs, 500) > 100, "too few documents with links");
});

Deno.test("fuzz extractLinks = the HTML Standard with svg and math (2,000 documents)", () => {
  // No inserted characters here: one in `</svg>` would nest the next svg or math in it.
  const whole = ["drop", "repeat", "swap", "upper", "cut"];
  const docs = fc.oneof(
    foreignDocument.map((parts) => parts.join("")),
    mutated(foreignDocument, whole),
  );
  fc.assert(fc.property(docs, agrees), { seed: SEED, numRuns: 2_000 });
  assert(withLinks(docs, 500) > 200, "too few documents with links");
});

Deno.test("fuzz extractLinks on any text: never throws; canonical http(s) links, each once", () => {
  const noise = fc.oneof(
    anyText,
    fc.array(fc.oneof(htmlFragment, anyText.map((t) => t.slice(0, 5))), {
      maxLength: 30,
    }).map((p) => p.join("")),
  );
  const pages = fc.oneof(fc.constant(PAGE), fc.webUrl(), fc.string({ maxLength: 20 }));
  fc.assert(
    fc.property(noise, pages, (html, page) => {
      const links = extractLinks(html, page);
      assertEquals(new Set(links).size, links.length, "each link once");
      for (const link of links) {
        assert(/^https?:\/\//.test(link) && canonicalUrl(link) === link, link);
      }
    }),
    { seed: SEED, numRuns: 2_000 },
  );
});

Deno.test("differences from the Standard found here and fixed in the scanner stay fixed", () => {
  // Each was a difference with htmlparser2's rules, which the scanner followed.
  const cases: { what: string; html: string; links: string[] }[] = [{
    what: "a NUL in an href is U+FFFD (was: stripped, a link to the page itself)",
    html: "<a href=\0>",
    links: ["%EF%BF%BD"],
  }, {
    what: "an HTML start tag ends svg: <style> after it is raw text again",
    html: "<svg><p><style><a href=x></style><a href=y>",
    links: ["y"],
  }, {
    what: "so does </p>",
    html: "<svg></p><style><a href=x></style><a href=y>",
    links: ["y"],
  }, {
    what: "a self-closed integration point is closed: <style> after it is svg markup",
    html: "<svg><desc/><style><a href=x>",
    links: ["x"],
  }, {
    what: "a stray </title> does not end an svg",
    html: "<svg></title><style><a href=x>",
    links: ["x"],
  }, {
    what: "</svg> does not end a <foreignObject>: <script> in it is raw text",
    html: "<svg><foreignObject></svg><script><a href=x></script><a href=y>",
    links: ["y"],
  }];
  const path = (p: string) => `http://h.example/d/${p}`;
  for (const { what, html, links } of cases) {
    assertEquals(referenceLinks(html, PAGE), links.map(path), `${what}: the Standard`);
    assertEquals(extractLinks(html, PAGE), links.map(path), `${what}: extractLinks`);
  }
});

Deno.test("known differences from the HTML Standard, each pinned by an example", () => {
  // What differs, an example, the links extractLinks finds and the Standard's (in h.example/d/).
  const cases: { what: string; html: string; ours: string[]; spec: string[] }[] = [{
    what: "CDATA outside svg/math hides up to ]]> (the Standard: a bogus comment up to >)",
    html: "<![CDATA[ > <a href=x> ]]>",
    ours: [],
    spec: ["x"],
  }, {
    what: "<!--<script> inside a script does not hide the next </script>",
    html: "<script><!--<script></script><a href=x></script><a href=y>",
    ours: ["x", "y"],
    spec: ["y"],
  }, {
    what: "an <a> inside <select> counts",
    html: "<select><a href=x>",
    ours: ["x"],
    spec: [],
  }, {
    what: "a <frameset> does not drop the links before it",
    html: "<a href=x><frameset>",
    ours: ["x"],
    spec: [],
  }, {
    what: "no element stack: an ancestor's end tag does not end svg",
    html: "<a><svg></a><style><a href=x>",
    ours: ["x"],
    spec: [],
  }, {
    what: "no element stack: an end tag the Standard ignores still ends an integration point",
    html: "<svg><desc><p></desc><style><a href=x>",
    ours: ["x"],
    spec: [],
  }, {
    what: "integration points are not told apart by namespace",
    html: "<math><desc><style><a href=x>",
    ours: [],
    spec: ["x"],
  }, {
    what: "svg in math is a new svg (the Standard: a math element named svg)",
    html: "<math><svg><foreignObject><script><a href=x>",
    ours: [],
    spec: ["x"],
  }, {
    what: "a <template> in svg is taken for an HTML template",
    html: "<svg><template></svg><a href=x>",
    ours: [],
    spec: ["x"],
  }, {
    what: "<font color> does not end svg",
    html: "<svg><font color=red><style><a href=x>",
    ours: ["x"],
    spec: [],
  }, {
    what: "U+001C passes for < in a raw-text end tag",
    html: "<script>\x1c/script><a href=x>",
    ours: ["x"],
    spec: [],
  }];
  const path = (p: string) => `http://h.example/d/${p}`;
  for (const { what, html, ours, spec } of cases) {
    assertEquals(extractLinks(html, PAGE), ours.map(path), `${what}: extractLinks`);
    assertEquals(referenceLinks(html, PAGE), spec.map(path), `${what}: the Standard`);
  }
});
