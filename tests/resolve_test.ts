/**
 * Differential test of `crawler/resolve.ts`: `makeResolver(base)(href)` must give exactly what
 * `new URL(href, base)` gives (the same `href`, or both fail) on a table of tricky hrefs, on
 * every href of the synthetic site, and on 1,000,000 seeded random hrefs, against http and
 * https bases with ports, userinfo, IPv6 and IDN hosts, queries and fragments, paths with and
 * without a trailing `/` (the table also against non-special bases, which always fall back). A difference
 * fails with the smallest href that still shows it. (Seeded, so every run checks the same
 * hrefs.)
 *
 * Run: `deno test --allow-read tests/resolve_test.ts`
 * @module
 */
import { deepStrictEqual as eq, ok } from "node:assert/strict";
import { fastHrefForm, type HrefForm, makeResolver } from "../crawler/url/resolve.ts";
import { scanLinks } from "../crawler/html/scan.ts";
import { buildSite } from "../bench/site.ts";
import { prng } from "../bench/site/graph.ts";

const RANDOM_HREFS = 1_000_000;

/** http(s) bases: where the resolver takes its cheap paths. */
const SPECIAL_BASES = [
  "http://127.0.0.1:8000/p/17",
  "http://127.0.0.1:8000/",
  "https://user:pa%20ss@Example.COM:8443/a/b/c.html?x=1#frag",
  "http://u@h:1/a/b/",
  "http://[::1]/dir/sub?q",
  "https://[2001:db8::1]:8080/x#f",
  "http://bücher.example/ä/ö/ü",
  "http://0x7f.1/a;b=c/%2F/d?#",
  "https://h/a%zz/b c/é?q=1#",
  "http://h/a/b/?",
  "HTTP://H.EXAMPLE:80/A/../B/./c",
  "http://:p%3A@h",
  "http://a%40b:c%3Ad@h/%2e%2E/x/.%2e/y/%2E",
].map((b) => new URL(b));

/** Other bases, where every href falls back to `new URL(href, base)`. */
const BASES = [
  ...SPECIAL_BASES,
  ...[
    "file:///C:/dir/f.txt",
    "foo://h/a/b",
    "mailto:x@y.example",
    "data:text/plain,x",
    "ws://h/a/b",
  ]
    .map((b) => new URL(b)),
];

const TRICKY = [
  // Empty, whitespace and controls around or inside
  "",
  " ",
  "\t",
  " /x",
  "/x ",
  "x ",
  "  /p/3\n",
  "\n\t/b\n",
  "/c/\nd\te",
  "/\t/evil",
  "/\n/evil",
  "/\r/evil",
  "\t//evil",
  "h\tttp://evil/",
  "http\t://evil/",
  "http:/\t/evil/",
  "ht\ntps://evil/",
  ".\t./x",
  "x\ty:z",
  "a\t:b",
  "\u0000/x",
  "/x\u0000",
  "/x\u0000y",
  "//h\u0000st/",
  "x\u0000y",
  "\u001f/x",
  "/x\u001f",
  "\u00a0/x",
  "/x\u00a0",
  "\ufeff/x",
  "\u0020\u0000/x",
  // Query and fragment only
  "?",
  "?q",
  "??",
  "#",
  "#f",
  "#f?q",
  "?q#f",
  // Backslashes (a slash in special URLs)
  "\\",
  "\\x",
  "\\\\h/x",
  "\\/h/x",
  "/\\h/x",
  "/\\",
  "x\\y",
  "..\\x",
  ".\\x",
  "/a\\..\\b",
  "//h\\x",
  "http:\\\\h/x",
  "http:/\\h/x",
  "http:\\/h/x",
  "http:\\h/x",
  // Scheme-relative
  "//",
  "///",
  "////x",
  "//h",
  "//h/",
  "//H.Example:80/x",
  "//h:443/x",
  "//h:8080/x?q#f",
  "//user:pw@h/x",
  "//@h/x",
  "//h@/x",
  "//[::1]/x",
  "//[::1]:99/x",
  "//[::1/x",
  "//[bad]/x",
  "//h:99999/x",
  "//h:x/x",
  "//0x7f.1/x",
  "//1.2.3/x",
  "//256.1.1.1/x",
  "//bücher.example/x",
  "//xn--/x",
  "//h h/x",
  "//h%20h/x",
  "//h%41/x",
  "//%/x",
  "//./x",
  "//../x",
  "//h/../../x",
  "//h?q",
  "//h#f",
  "//?q",
  "//#f",
  // Path-absolute
  "/",
  "/x",
  "/.",
  "/..",
  "/./x",
  "/../x",
  "/../../../../x",
  "/p/./3",
  "/p/../3",
  "/a/%2e%2e/b",
  "/a/%2E%2e/b",
  "/a/%2e/b",
  "/a/.%2E/b",
  "/a/..%2f/b",
  "/a/b/..",
  "/a/b/.",
  "/a;b/c;d=e",
  "/a?b?c#d#e",
  "/a#b?c",
  "/sp ace",
  "/é/ü?ß#ö",
  "/%zz/%",
  "/a@b:c",
  "/a:b",
  "/[::1]",
  "/:8080",
  "/x?q=a b&c=\u0000",
  "/x#a b\u0000",
  "/\ud800",
  "/\udc00x",
  "/😀",
  "/C:/x",
  "/C|/x",
  // Path-relative
  "x",
  "760",
  "x/y",
  ".",
  "..",
  "./",
  "../",
  "./x",
  "../x",
  "../../../../x",
  "...",
  ".../x",
  "%2e",
  "%2e%2e",
  "%2e%2E/x",
  "%2E./x",
  ".%2e/x",
  "..%2f",
  "..%2fx",
  "..%2f..%2fx",
  "x/..",
  "x/.",
  "x/%2e%2e",
  "x;y",
  ";x",
  "a=b",
  "x?q",
  "x#f",
  "x?q:1",
  "x#f:1",
  "x/y:z",
  "@x",
  "a@b",
  "[::1]",
  "]x",
  "-x",
  "+x",
  "~x",
  "1:2",
  "é",
  "é:x",
  "😀",
  "\ud800",
  "x\ud800",
  "C:/x",
  "C|/x",
  "c:x",
  "x y",
  "x%",
  "x%zz",
  // Schemes
  "http://h/x",
  "https://h/x",
  "HTTP://H/x",
  "hTtPs://H/x",
  "HTTP://127.0.0.1:80/p/4",
  "http://127.0.0.1:8000/p/4",
  "https://h:443/x",
  "http://h:443/x",
  "http://",
  "http:///x",
  "http:////x",
  "http://[bad",
  "http://[::1]/x",
  "http://u:p@h/x",
  "http://h/a/../b",
  "http:foo",
  "http:/x",
  "http:",
  "http:?q",
  "http:#f",
  "https:foo",
  "https:/x",
  "https:",
  "HTTP:foo",
  "http:foo/../bar",
  "http.:x",
  "http+x://h/",
  "httpx://h/",
  "htp://h/",
  "https//h/x",
  "http//h/x",
  "file:///x",
  "file:x",
  "FILE://h/x",
  "ftp://h/x",
  "ws://h/x",
  "wss:x",
  "mailto:a@b.c",
  "javascript:void(0)",
  "tel:+15550100",
  "data:text/plain,hello",
  "foo:bar",
  "foo://h/x",
  "a:b",
  "a+b-c.d:x",
  "1a:b",
  "-a:b",
  "ä:b",
];

const resolveSlow = (href: string, base: URL): string | null => {
  try {
    return new URL(href, base).href;
  } catch {
    return null;
  }
};

/** Greedy delta debugging: drop characters while the two still disagree. */
function shrink(href: string, differs: (h: string) => boolean): string {
  let current = href;
  for (let i = 0; i < current.length;) {
    const shorter = current.slice(0, i) + current.slice(i + 1);
    if (differs(shorter)) current = shorter;
    else i++;
  }
  return current;
}

/** Throws, with the smallest href that still shows it, when the resolver and the parser differ. */
function check(href: string, base: URL, resolve: (href: string) => URL | null): void {
  const got = resolve(href)?.href ?? null;
  const want = resolveSlow(href, base);
  if (got === want) return;
  const differs = (h: string) => (resolve(h)?.href ?? null) !== resolveSlow(h, base);
  const small = shrink(href, differs);
  eq(
    { href: small, form: fastHrefForm(small), got: resolve(small)?.href ?? null },
    { href: small, form: fastHrefForm(small), got: resolveSlow(small, base) },
    `base ${base.href}: href ${JSON.stringify(href)} (shrunk to ${JSON.stringify(small)})`,
  );
}

Deno.test("resolve: tricky hrefs give what new URL(href, base) gives, on every base", () => {
  for (const base of BASES) {
    const resolve = makeResolver(base);
    for (const href of TRICKY) check(href, base, resolve);
  }
});

Deno.test("resolve: every form is taken by the tricky table (the fast paths are exercised)", () => {
  const counts = new Map<HrefForm | null, number>();
  for (const href of TRICKY) {
    const form = fastHrefForm(href);
    counts.set(form, (counts.get(form) ?? 0) + 1);
  }
  for (const form of ["absolute", "scheme-relative", "path-absolute", "path-relative", null]) {
    ok(
      (counts.get(form as HrefForm | null) ?? 0) >= 10,
      `form ${form}: ${counts.get(form as null)}`,
    );
  }
});

Deno.test("resolve: pitfalls fall back (and still resolve right)", () => {
  for (
    const href of [
      "",
      " /x",
      "/x ",
      "/\t/evil",
      "/\\h/x",
      "\\\\h/x",
      "\\/h/x",
      "?q",
      "#f",
      "http:foo",
      "http:/x",
      "http:\\\\h/x",
      "a:b",
      "x\ty",
    ]
  ) eq(fastHrefForm(href), null, JSON.stringify(href));
  const base = new URL("http://h/a/b");
  const resolve = makeResolver(base);
  eq(resolve("/\t/evil")?.href, "http://evil/");
  eq(resolve("/\\evil/x")?.href, "http://evil/x");
  eq(resolve("http:foo")?.href, "http://h/a/foo");
  eq(resolve("http:/x")?.href, "http://h/x");
  eq(makeResolver(new URL("https://h/a/b"))("http:foo")?.href, "http://foo/");
  eq(resolve("//[::1/x"), null);
});

Deno.test("resolve: the resolver keeps its own copy of the base", () => {
  const base = new URL("http://h/a/b");
  const resolve = makeResolver(base);
  base.href = "https://other/z/";
  eq(resolve("c")?.href, "http://h/a/c");
  eq(resolve("?q")?.href, "http://h/a/b?q");
});

Deno.test("resolve: every href of the synthetic site (with off-site links) resolves the same", () => {
  const origin = "http://127.0.0.1:8000";
  const site = buildSite({ offsite: true, private: 20, trap: true });
  const decoder = new TextDecoder();
  let hrefs = 0;
  for (let i = 0; i < site.pages; i++) {
    const path = site.pathOf(i);
    const base = new URL(origin + path);
    const resolve = makeResolver(base);
    for (const href of scanLinks(decoder.decode(site.render(path, origin)!)).hrefs) {
      check(href, base, resolve);
      hrefs++;
    }
  }
  ok(hrefs >= 20_000, `${hrefs} hrefs`);
});

// ---------------------------------------------------------------------------------------------
// Seeded random hrefs

/** Single characters: the parser's delimiters, whitespace and controls, letters, non-ASCII. */
const CHARS = [
  ..."/\\.:?#%@[]; =&+-~_",
  " ",
  "\t",
  "\n",
  "\r",
  "\u0000",
  "\u001f",
  "\u007f",
  ..."aAbhHtTpPsSxXeEfF0128",
  "é",
  "\u00a0",
  "\ufeff",
  "\ud800",
  "\udc00",
  "😀",
];

/** Pieces that make the forms and pitfalls likely: schemes, dot segments, escapes, hosts. */
const TOKENS = [
  "http:",
  "https:",
  "HTTP:",
  "hTtPs:",
  "file:",
  "mailto:",
  "ws:",
  "a:",
  "//",
  "/\\",
  "\\\\",
  "../",
  "./",
  "..",
  "%2e",
  "%2E",
  "%2f",
  "%zz",
  "[::1]",
  "[",
  ":8080",
  ":80",
  "u:p@",
  "127.0.0.1",
  "0x7f.1",
  "xn--",
  "bücher",
  "H.EXAMPLE",
  "p/",
  "?q=1",
  "#f",
];

/** What an href usually starts with, so every form, and every way out of one, is common. */
const STARTS = [
  "",
  "",
  "/",
  "/",
  "//",
  "//",
  "../",
  "./",
  "x",
  "http://",
  "https://",
  "HTTP://",
  "http:",
  "?",
  "#",
  "\\",
  " ",
  "\t",
];

function randomHref(next: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  let href = pick(STARTS);
  const units = Math.floor(next() * 10);
  for (let u = 0; u < units; u++) href += next() < 0.3 ? pick(TOKENS) : pick(CHARS);
  return href;
}

Deno.test(`resolve: ${RANDOM_HREFS.toLocaleString("en")} seeded random hrefs resolve the same`, () => {
  const next = prng(20260611);
  const resolvers = SPECIAL_BASES.map((base) => makeResolver(base));
  const counts = new Map<string, number>();
  for (let i = 0; i < RANDOM_HREFS; i++) {
    const href = randomHref(next);
    const b = i % SPECIAL_BASES.length;
    check(href, SPECIAL_BASES[b], resolvers[b]);
    const form = String(fastHrefForm(href));
    counts.set(form, (counts.get(form) ?? 0) + 1);
  }
  console.log(
    "forms of the random hrefs:",
    [...counts].map(([form, count]) => `${form} ${count}`).join(", "),
  );
  for (const form of ["absolute", "scheme-relative", "path-absolute", "path-relative", "null"]) {
    ok((counts.get(form) ?? 0) >= RANDOM_HREFS / 20, `form ${form}: ${counts.get(form)}`);
  }
});
