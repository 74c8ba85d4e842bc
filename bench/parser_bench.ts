/**
 * HTML parser shoot-out behind the choice documented in `crawler/html.ts`.
 *
 * Each case parses a page and returns the `href` of every `<a href>`, the way a crawler's
 * link extraction does. Two pages: a realistic 10 KB article page with 50 links, and a 1 MB
 * page with 6,510 links (same markup, repeated).
 *
 * ```sh
 * deno bench --allow-read --allow-env --allow-sys bench/parser_bench.ts    # speed (without
 *                                                                         # env/sys: no jsdom, happy-dom)
 * deno run --allow-read --allow-env --allow-sys --v8-flags=--expose-gc \
 *   bench/parser_bench.ts --memory                                         # heap after parse
 * deno run --allow-read bench/parser_bench.ts --site                       # link scanner, before
 *                                                                         # and after, 2,000 pages
 * ```
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- pinned inline specifiers, as in crawler/html.ts
import { Parser as Parser12 } from "npm:htmlparser2@12.0.0";
import { parseDocument, Parser as Parser10 } from "npm:htmlparser2@10.1.0";
import { selectAll } from "npm:css-select@7.0.0";
import { parseHTML } from "npm:linkedom@0.18.15";
import { parse as parseNhp } from "npm:node-html-parser@9.0.7";
import { parse as parse5 } from "npm:parse5@8.1.1";
import { SAXParser } from "npm:parse5-sax-parser@8.0.0";
import { parseDocument as parse5Linkedom } from "../crawler/html/document.ts";
import { scanLinks } from "../crawler/html/link_scanner.ts";
import { scanLinks as tokenizerScanLinks } from "../tests/fixtures/htmlparser2_scanner.ts";
import { buildSite } from "./site.ts";

/** One article block: a paragraph with inline links, entities and a little noise. */
function block(i: number): string {
  return `<article class="post" id="p${i}">
  <h2><a href="/blog/2024/${i}/a-title-for-post-${i}?utm_source=feed&amp;ref=home">Post ${i}: a title &amp; more</a></h2>
  <p class="meta">By <a href="/authors/${i % 7}" rel="author">Author ${
    i % 7
  }</a> &middot; <time datetime="2024-01-${(i % 28) + 1}">Jan ${(i % 28) + 1}</time></p>
  <p>Lorem ipsum dolor sit amet, <em>consectetur</em> adipiscing elit. Sed do eiusmod tempor incididunt ut
  labore et dolore magna aliqua. See <a href="https://example.org/ref/${i}#section">this reference</a> and
  <a href='../related/${i}.html'>a related page</a>. Ut enim ad minim veniam, quis nostrud exercitation.</p>
  <!-- <a href="/commented-out/${i}">old link</a> -->
  <p><img src="/img/${i}.jpg" alt="figure ${i}" width="640" height="360"> <a href="/tags/t${
    i % 11
  }" class=tag>tag${i % 11}</a></p>
</article>
`;
}

/** A realistic page: head with scripts/styles, a nav of 9 links, `n` blocks (5 links each), 1 footer link. */
export function makePage(blocks: number): string {
  const nav = Array.from(
    { length: 9 },
    (_, i) => `<li><a href="/section/${i}">Section ${i}</a></li>`,
  )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Example blog &mdash; page</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/css/site.css"><link rel="canonical" href="https://blog.example/">
<style>body{font:16px/1.5 system-ui} .post a{color:#06c} nav li{display:inline}</style>
<script type="application/ld+json">${
    JSON.stringify({
      "@context": "https://schema.org",
      "@type": "Blog",
      blogPost: Array.from({ length: 20 }, (_, i) => ({
        "@type": "BlogPosting",
        headline: `Post ${i}: a title & more`,
        url: `https://blog.example/blog/2024/${i}/a-title-for-post-${i}`,
        author: { "@type": "Person", name: `Author ${i % 7}` },
      })),
    })
  }</script>
<script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)} var t='<a href="/in-script">x</a>';</script>
</head><body><header><nav><ul>${nav}</ul></nav></header><main>
${Array.from({ length: blocks }, (_, i) => block(i)).join("")}
</main><footer><p>&copy; 2024 Example. <a href="mailto:hi@example.org">Contact</a></p></footer></body></html>`;
}

const linkCount = (blocks: number) => 9 + 5 * blocks + 1;
// 8 blocks: 50 links in ~10 KB of markup; 1,300 blocks: 6,510 links in ~1 MB.
const small = makePage(8);
const large = makePage(1300);
console.log(
  `pages: ${small.length} chars / ${linkCount(8)} links, ${large.length} chars / ${
    linkCount(1300)
  } links`,
);

type Extract = (html: string) => string[];

// jsdom and happy-dom read the environment when loaded; `deno task bench` grants no --allow-env,
// so without it they are left out rather than failing the whole bench run.
const heavy = Deno.permissions.querySync({ name: "env" }).state === "granted" &&
  Deno.permissions.querySync({ name: "sys" }).state === "granted";
if (!heavy) {
  console.log("jsdom and happy-dom skipped: run with --allow-env --allow-sys to include them");
}
const { Window } = heavy ? await import("npm:happy-dom@21.0.4") : { Window: null };
const { JSDOM } = heavy ? await import("npm:jsdom@31.0.1") : { JSDOM: null };
const jsdomParser = JSDOM ? new new JSDOM("").window.DOMParser() : null;

interface P5Node {
  nodeName: string;
  attrs?: { name: string; value: string }[];
  childNodes?: P5Node[];
  content?: P5Node;
}

/** Streaming tokenizer: no tree, only the open-tag callback. */
type TagParser = new (cbs: { onopentag(name: string, attrs: Record<string, string>): void }) => {
  end(html: string): void;
};
function streaming(P: TagParser): Extract {
  return (html) => {
    const out: string[] = [];
    const p = new P({
      onopentag(name, attrs) {
        if (name === "a" && attrs.href !== undefined) out.push(attrs.href);
      },
    });
    p.end(html);
    return out;
  };
}

/** Every candidate, named as in the table in `crawler/html.ts`. */
export const candidates: Record<string, Extract> = {
  "greencrawl scanLinks (chosen)": (html) => scanLinks(html).hrefs,
  "htmlparser2@12 tokenizer scanner (before)": (html) => tokenizerScanLinks(html).hrefs,
  "htmlparser2@12 stream": streaming(Parser12),
  "htmlparser2@10 stream": streaming(Parser10),
  "parse5-sax-parser stream": (html) => {
    const out: string[] = [];
    const sax = new SAXParser();
    sax.on("startTag", (tag) => {
      const href = tag.tagName === "a" ? tag.attrs.find((a) => a.name === "href") : undefined;
      if (href) out.push(href.value);
    });
    sax.end(html);
    return out;
  },
  "htmlparser2+css-select": (html) =>
    selectAll("a[href]", parseDocument(html)).map((e) => (e as unknown as Elem).attribs.href),
  "linkedom": (html) =>
    [...linkedom(html).querySelectorAll("a[href]")].map((a) => a.getAttribute("href")!),
  "parse5 -> linkedom (chosen)": (html) =>
    [...parse5Linkedom(html).querySelectorAll("a[href]")].map((a) => a.getAttribute("href")!),
  "node-html-parser": (html) =>
    parseNhp(html).querySelectorAll("a[href]").map((a) => a.getAttribute("href")!),
  "parse5 (tree walk)": (html) => {
    const out: string[] = [];
    const walk = (n: P5Node) => {
      if (n.nodeName === "a") {
        const h = n.attrs?.find((a) => a.name === "href");
        if (h) out.push(h.value);
      }
      for (const c of n.childNodes ?? []) walk(c);
    };
    walk(parse5(html) as unknown as P5Node);
    return out;
  },
};
if (Window && jsdomParser) {
  candidates["happy-dom"] = (html) => {
    // A fresh Window per page: one shared Window keeps every parsed document alive (OOM at 4 GB).
    const w = new Window();
    const doc = new w.DOMParser().parseFromString(html, "text/html");
    const out = [...doc.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")!);
    w.close();
    return out;
  };
  candidates["jsdom"] = (html) =>
    [...jsdomParser.parseFromString(html, "text/html").querySelectorAll("a[href]")].map((a) =>
      a.getAttribute("href")!
    );
}

interface Elem {
  attribs: Record<string, string>;
}
interface DomEl {
  getAttribute(name: string): string | null;
}
/** linkedom's typings assume lib.dom; Deno has none, so name the two members used here. */
function linkedom(html: string): { querySelectorAll(s: string): Iterable<DomEl> } {
  return (parseHTML(html) as unknown as { document: ReturnType<typeof linkedom> }).document;
}

// Sanity: every candidate must see the same links (the commented-out and in-script ones excluded).
for (const [name, fn] of Object.entries(candidates)) {
  for (const [page, blocks] of [[small, 8], [large, 1300]] as const) {
    const n = fn(page).length;
    if (n !== linkCount(blocks)) {
      throw new Error(`${name}: ${n} links, expected ${linkCount(blocks)}`);
    }
  }
}

for (const [name, fn] of Object.entries(candidates)) {
  const baseline = name === "greencrawl scanLinks (chosen)";
  Deno.bench({ name, group: `10 KB / 50 links`, baseline, fn: () => void fn(small) });
  // happy-dom holds ~200 MiB per 1 MB document even after close(): few runs, or it OOMs at 4 GB.
  const n = name === "happy-dom" ? 3 : 10;
  Deno.bench({
    name,
    group: `1 MB / 6,510 links`,
    baseline,
    n,
    warmup: 1,
    fn: () => void fn(large),
  });
}

/** Heap still held after parsing the 1 MB page (keeps the document, as an onPage hook would). */
function memory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --v8-flags=--expose-gc");
  console.log(`page: ${large.length} chars`);
  const keep: Record<string, unknown> = {
    "greencrawl scanLinks (chosen)": () => scanLinks(large),
    "htmlparser2+css-select": () => parseDocument(large),
    "linkedom": () => linkedom(large),
    "parse5 -> linkedom (chosen)": () => parse5Linkedom(large),
    "node-html-parser": () => parseNhp(large),
    "parse5 (tree walk)": () => parse5(large),
  };
  if (Window && jsdomParser) {
    keep["happy-dom"] = () => new new Window().DOMParser().parseFromString(large, "text/html");
    keep["jsdom"] = () => jsdomParser.parseFromString(large, "text/html");
  }
  let held: unknown = null;
  for (const [name, make] of Object.entries(keep)) {
    held = null; // drop the previous candidate's document before measuring
    (make as () => unknown)(); // warm lazy module state so it is not counted
    gc();
    const before = Deno.memoryUsage().heapUsed;
    held = (make as () => unknown)();
    gc();
    const after = Deno.memoryUsage().heapUsed;
    console.log(`${name.padEnd(32)} ${((after - before) / 1048576).toFixed(1).padStart(6)} MiB`);
  }
  if (held === undefined) console.log("(nothing held)");
}

/**
 * Time to scan every page of the synthetic site (`bench/site.ts` defaults: 2,000 pages of 10 KB,
 * 10 links each, the crawl benchmark's site) with the hand-written scanner and with the
 * htmlparser2-tokenizer scanner it replaced: `runs` rounds in this process, the two interleaved
 * in each round so both see the same machine; median per scanner.
 */
function siteScan(runs = 21): void {
  const site = buildSite();
  const decoder = new TextDecoder();
  const pages = Array.from(
    { length: site.pages },
    (_, i) => decoder.decode(site.render(site.pathOf(i), "http://127.0.0.1:8080")!),
  );
  const scanners = {
    "scanLinks (hand-written)": scanLinks,
    "htmlparser2 tokenizer": tokenizerScanLinks,
  };
  const times: Record<string, number[]> = {};
  for (let round = 0; round < runs; round++) {
    for (const [name, scan] of Object.entries(scanners)) {
      const start = performance.now();
      for (const page of pages) scan(page);
      (times[name] ??= []).push(performance.now() - start);
    }
  }
  const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[xs.length >> 1];
  console.log(`${pages.length} pages, ${runs} rounds, median wall time of one pass:`);
  for (const [name, xs] of Object.entries(times)) {
    const ms = median(xs);
    console.log(
      `${name.padEnd(26)} ${ms.toFixed(1).padStart(6)} ms  ${
        (1000 * ms / pages.length).toFixed(1)
      } µs/page`,
    );
  }
}

if (Deno.args.includes("--memory")) memory();
if (Deno.args.includes("--site")) siteScan();
