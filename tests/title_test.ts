import { strictEqual } from "node:assert/strict";
import { extractTitle, isHtml } from "../crawler/html/title.ts";
import { stripControl } from "../crawler/format/sanitize.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const title = (html: string, contentType: string | null = "text/html") =>
  extractTitle(enc(html), contentType);

Deno.test("isHtml: by Content-Type", () => {
  strictEqual(isHtml("text/html", enc("")), true);
  strictEqual(isHtml("Text/HTML; charset=utf-8", enc("")), true);
  strictEqual(isHtml("application/xhtml+xml", enc("")), true);
  strictEqual(isHtml("application/json", enc("<html>")), false);
  strictEqual(isHtml("image/png", enc("<html>")), false);
});

Deno.test("isHtml: an explicit text/plain is never HTML, even when it starts with a tag", () => {
  strictEqual(isHtml("text/plain; charset=utf-8", enc("<!DOCTYPE html><html>")), false);
  strictEqual(isHtml("text/plain", enc("<a href=/x>x</a>")), false);
});

Deno.test("isHtml: sniffs when Content-Type is missing, empty or octet-stream", () => {
  for (const ct of [null, "", "application/octet-stream", "unknown/unknown"]) {
    strictEqual(isHtml(ct, enc("\n  <!DOCTYPE html>\n<html>")), true, String(ct));
    strictEqual(isHtml(ct, enc("<HTML lang=en>")), true);
    strictEqual(isHtml(ct, enc("<head>")), true);
    strictEqual(isHtml(ct, enc("<title>x")), true);
    strictEqual(isHtml(ct, enc("\ufeff<body>")), true);
    strictEqual(isHtml(ct, enc("<!-- c -->")), true);
    strictEqual(isHtml(ct, enc("hello <html>")), false);
    strictEqual(isHtml(ct, enc("<htmlx>")), false);
    strictEqual(isHtml(ct, enc('{"a": 1}')), false);
    strictEqual(isHtml(ct, enc("")), false);
  }
});

Deno.test("extractTitle: simple, with attributes, case-insensitive, whitespace collapsed", () => {
  strictEqual(title("<html><head><title>Hello</title></head></html>"), "Hello");
  strictEqual(title('<TITLE lang="en" >  Hello\n\t world  </Title >'), "Hello world");
  strictEqual(title("<title>first</title><title>second</title>"), "first");
});

Deno.test("extractTitle: entities, named and numeric", () => {
  strictEqual(
    title("<title>Tom &amp; Jerry &lt;3 &quot;x&quot; &apos;y&apos;</title>"),
    `Tom & Jerry <3 "x" 'y'`,
  );
  strictEqual(
    title("<title>a&nbsp;b &copy; &reg; &hellip; &mdash; &ndash; &laquo;q&raquo;</title>"),
    "a b © ® … — – «q»",
  );
  strictEqual(
    title("<title>&#65;&#x42;&#X43; &#233;&#x1F600; &#150; &#0;</title>"),
    "ABC é😀 – \ufffd",
  );
  strictEqual(
    title("<title>&eacute;t&eacute; &copy2024 &bogus; &amp</title>"),
    "été ©2024 &bogus; &",
  );
  // A reference is decoded once: &amp;lt; is the text "&lt;".
  strictEqual(title("<title>&amp;lt;</title>"), "&lt;");
});

Deno.test("extractTitle: the text as written; the output boundary removes controls, escapes and bidi", () => {
  const shown = (html: string) => stripControl(title(html)!);
  strictEqual(title("<title>a\x00b\r\nc</title>"), "a\x00b c", "whitespace collapsed, text kept");
  strictEqual(
    shown("<title>\x1b[2J\x1b[31mred\x1b[0m\x07 \x1b]0;pwned\x07title</title>"),
    "red title",
  );
  strictEqual(shown("<title>a\x00b\x7fc\r\nd</title>"), "abc d");
  strictEqual(shown("<title>&#27;[31mx&#x202E;y</title>"), "xy");
  // &#x9b; is windows-1252 0x9B as in browsers, not the 8-bit CSI.
  strictEqual(shown("<title>&#x9b;&#x81;</title>"), "›");
  strictEqual(shown("<title>invoice\u202efdp.exe</title>"), "invoicefdp.exe");
});

Deno.test("extractTitle: tags inside the title are text, as in a browser", () => {
  strictEqual(title("<title><b>bold</b></title>"), "<b>bold</b>");
});

Deno.test("extractTitle: no title gives an empty string, like document.title", () => {
  strictEqual(title("<html><body><h1>x</h1></body></html>"), "");
  strictEqual(title("<title></title>"), "");
  strictEqual(title("<title> \n </title>"), "");
});

Deno.test("extractTitle: null for non-HTML", () => {
  strictEqual(title("<title>x</title>", "application/json"), null);
  strictEqual(title("just text <title>x</title>", "text/plain"), null);
  strictEqual(title("just text", null), null);
});

Deno.test("extractTitle: sniffed HTML without Content-Type", () => {
  strictEqual(title("<!doctype html><title>Sniffed</title>", null), "Sniffed");
  strictEqual(title("<html><title>Octet</title>", "application/octet-stream"), "Octet");
});

Deno.test("extractTitle: titles in comments, scripts, styles and SVG are skipped", () => {
  strictEqual(title("<!-- <title>no</title> --><title>yes</title>"), "yes");
  strictEqual(title("<script>x='<title>no</title>'</script><title>yes</title>"), "yes");
  strictEqual(title("<style>/* <title>no</title> */</style><title>yes</title>"), "yes");
  strictEqual(title("<svg><title>icon</title><svg/></svg><title>page</title>"), "page");
  strictEqual(title("<body><svg viewBox='0 0 1 1'><title>icon</title></svg>"), "");
});

Deno.test("extractTitle: GBK via header, via meta, windows-1252 fallback", () => {
  const gbk = new Uint8Array([0xd6, 0xd0, 0xce, 0xc4, 0xb1, 0xea, 0xcc, 0xe2]); // 中文标题
  const page = (head: string) =>
    new Uint8Array([...enc(head + "<title>"), ...gbk, ...enc("</title>")]);
  strictEqual(extractTitle(page(""), "text/html; charset=gbk"), "中文标题");
  strictEqual(extractTitle(page('<meta charset="gb2312">'), "text/html"), "中文标题");
  // No charset anywhere and not valid UTF-8: windows-1252, as a browser would (mojibake).
  strictEqual(extractTitle(page(""), null), "ÖÐÎÄ±êÌâ");
});

Deno.test("extractTitle: capped at 300 code points", () => {
  const long = title(`<title>${"😀".repeat(400)}</title>`)!;
  strictEqual(Array.from(long).length, 300);
  strictEqual(long, "😀".repeat(300));
  strictEqual(title(`<title>${"ab ".repeat(200)}</title>`)!.length, 299); // trailing space trimmed
});

Deno.test("extractTitle: an unterminated title in a prefix is kept as far as it goes", () => {
  strictEqual(title("<title>cut off here"), "cut off here");
});

Deno.test("extractTitle: hostile 256 KiB prefixes stay linear", () => {
  for (
    const unit of ["<script ", "<svg ", "<title ", "<!--", "<svg>", "<style>x</style>", "&amp"]
  ) {
    const body = enc("<html>" + unit.repeat(Math.floor(262144 / unit.length)));
    const start = performance.now();
    extractTitle(body, "text/html");
    const ms = performance.now() - start;
    strictEqual(ms < 500, true, `${unit}: ${ms} ms`);
  }
});
