/**
 * `readPage` (crawler/html/page.ts): the title it finds from a page's head alone (a list run, no
 * links wanted) is the title the whole decoded page gives, whatever comes before or after it.
 *
 * Run: deno test tests/page_test.ts
 * @module
 */
import { readPage } from "../crawler/html/page.ts";
import { blankRecord } from "../crawler/record.ts";
import { assertEquals, test } from "./assert.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

/** The title read from the head only, and from the whole page. */
function titles(body: Uint8Array, contentType: string | null = "text/html") {
  const head = { ...blankRecord("http://127.0.0.1/"), contentType };
  const whole = { ...blankRecord("http://127.0.0.1/"), contentType };
  const headPage = readPage(head, body, false);
  const wholePage = readPage(whole, body, true);
  assertEquals(headPage, null, "without `whole` no page comes back");
  return { head: head.title, whole: whole.title, page: wholePage };
}

test("readPage: the head's title is the whole page's, for titles before and after traps", () => {
  const pages = [
    "<title>Plain</title><p>" + "x".repeat(20_000),
    "<!-- <title>in a comment</title> --><title>Real</title>",
    "<script>var t = '<title>in a script</title>'</script><title>After script</title>",
    "<svg><title>svg title</title></svg><title>After svg</title>",
    "<TITLE>Upper &amp; case</TITLE >",
    "<title>No end tag, the rest of the page is the title",
    "<p>No title at all</p>",
    "<title>Two</title><title>Titles</title>",
    "<title>Cut </titl",
    "<title>  Spaced \n out  </title>",
    "<!-- </title> in an unclosed comment",
  ];
  for (const html of pages) {
    const t = titles(utf8(html));
    assertEquals(t.head, t.whole, html.slice(0, 60));
  }
  assertEquals(titles(utf8(pages[1])).head, "Real");
  assertEquals(titles(utf8(pages[2])).head, "After script");
  assertEquals(titles(utf8(pages[5])).head, "No end tag, the rest of the page is the title");
});

test("readPage: the charset of the whole body decodes the head, even when declared after the title", () => {
  // "中文" in GBK, with the <meta> charset after the title: the head alone would not say GBK.
  const body = new Uint8Array([
    ...utf8("<title>"),
    0xd6,
    0xd0,
    0xce,
    0xc4,
    ...utf8('</title><meta charset="gbk"><p>'),
  ]);
  const t = titles(body, "text/html");
  assertEquals(t.head, "中文");
  assertEquals(t.head, t.whole);
  // UTF-16 (by its BOM): no ASCII "</title" in the bytes, so the whole page is decoded.
  const utf16 = new Uint8Array([
    0xff,
    0xfe,
    ...[..."<title>Wide</title>"].flatMap((c) => [c.charCodeAt(0), 0]),
  ]);
  assertEquals(titles(utf16, "text/html").head, "Wide");
});

test("readPage: not HTML, or nothing kept: no title, no page", () => {
  assertEquals(titles(utf8("<title>x</title>"), "image/png"), {
    head: null,
    whole: null,
    page: null,
  });
  const record = { ...blankRecord("http://127.0.0.1/"), contentType: "text/html" };
  assertEquals(readPage(record, null, false), null);
  assertEquals(record.title, null);
});
