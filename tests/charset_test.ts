import { strictEqual } from "node:assert/strict";
import { decodeHtml, detectCharset } from "../crawler/html/charset.ts";

const ascii = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: (Uint8Array | string)[]) => {
  const arrays = parts.map((p) => typeof p === "string" ? ascii(p) : p);
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) out.set(a, (at += a.length) - a.length);
  return out;
};
/** "中文标题" in GBK. */
const GBK_TITLE = new Uint8Array([0xd6, 0xd0, 0xce, 0xc4, 0xb1, 0xea, 0xcc, 0xe2]);
/** "日本語" in Shift_JIS. */
const SJIS = new Uint8Array([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]);

Deno.test("charset: GBK from the HTTP header", () => {
  const body = concat("<title>", GBK_TITLE, "</title>");
  strictEqual(detectCharset(body, "text/html; charset=GBK"), "gbk");
  strictEqual(detectCharset(body, 'text/html;charset="gb2312"'), "gbk");
  strictEqual(decodeHtml(body, "text/html; charset=gb2312"), "<title>中文标题</title>");
});

Deno.test("charset: GBK from <meta charset> only", () => {
  const body = concat('<!doctype html><html><head><meta charset="gbk"><title>', GBK_TITLE);
  strictEqual(detectCharset(body, "text/html"), "gbk");
  strictEqual(detectCharset(body, null), "gbk");
  strictEqual(detectCharset(concat("<META CHARSET=GB2312>", GBK_TITLE), null), "gbk");
  strictEqual(decodeHtml(body, null).endsWith("<title>中文标题"), true);
});

Deno.test("charset: GBK from <meta http-equiv=Content-Type>", () => {
  const body = concat(
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312" />',
    GBK_TITLE,
  );
  strictEqual(detectCharset(body, "text/html"), "gbk");
  // Attribute order and quoting do not matter.
  const other = concat("<meta content='text/html;charset=GBK' http-equiv=content-type>");
  strictEqual(detectCharset(other, null), "gbk");
  // content without http-equiv is not a pragma.
  const noPragma = concat('<meta content="text/html; charset=gbk">', GBK_TITLE);
  strictEqual(detectCharset(noPragma, null), "windows-1252");
});

Deno.test("charset: the header wins over meta", () => {
  strictEqual(
    detectCharset(ascii('<meta charset="gbk">'), "text/html; charset=shift_jis"),
    "shift_jis",
  );
});

Deno.test("charset: a BOM wins over the header and meta", () => {
  const utf8 = concat(new Uint8Array([0xef, 0xbb, 0xbf]), '<meta charset="gbk">中文');
  strictEqual(detectCharset(utf8, "text/html; charset=gbk"), "utf-8");
  strictEqual(decodeHtml(utf8, "text/html; charset=gbk"), '<meta charset="gbk">中文');
  const le = new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x70, 0x00, 0x3e, 0x00]);
  strictEqual(detectCharset(le, "text/html; charset=gbk"), "utf-16le");
  strictEqual(decodeHtml(le, "text/html; charset=gbk"), "<p>");
  const be = new Uint8Array([0xfe, 0xff, 0x00, 0x3c, 0x00, 0x70, 0x00, 0x3e]);
  strictEqual(decodeHtml(be, null), "<p>");
});

Deno.test("charset: a bogus label falls through to the next source", () => {
  const body = concat('<meta charset="gbk">', GBK_TITLE);
  strictEqual(detectCharset(body, "text/html; charset=no-such-charset"), "gbk");
  strictEqual(detectCharset(ascii('<meta charset="bogus"><p>'), "text/html; charset=x"), "utf-8");
  // A bogus meta charset lets a later valid meta answer.
  strictEqual(detectCharset(ascii('<meta charset="zzz"><meta charset="koi8-r">'), null), "koi8-r");
  strictEqual(detectCharset(ascii("<p>"), "text/html; charset="), "utf-8");
});

Deno.test("charset: default utf-8, windows-1252 when the bytes are not valid UTF-8", () => {
  strictEqual(detectCharset(ascii("<title>café</title>"), "text/html"), "utf-8");
  const latin1 = concat("<title>caf", new Uint8Array([0xe9, 0x96]), "</title>");
  strictEqual(detectCharset(latin1, "text/html"), "windows-1252");
  strictEqual(decodeHtml(latin1, null), "<title>café–</title>");
});

Deno.test("charset: a UTF-8 prefix cut inside a character is still UTF-8", () => {
  const full = ascii("<p>中文");
  const cut = full.subarray(0, full.length - 1);
  strictEqual(detectCharset(cut, null), "utf-8");
  strictEqual(decodeHtml(cut, null), "<p>中");
});

Deno.test("charset: shift_jis from header and meta", () => {
  strictEqual(decodeHtml(SJIS, "text/html; charset=Shift_JIS"), "日本語");
  const body = concat('<meta http-equiv="content-type" content="text/html; charset=x-sjis">', SJIS);
  strictEqual(detectCharset(body, null), "shift_jis");
  strictEqual(decodeHtml(body, null).endsWith("日本語"), true);
});

Deno.test("charset: meta after the first 1024 bytes is not seen", () => {
  const body = concat("<!--", "x".repeat(1100), '--><meta charset="gbk">');
  strictEqual(detectCharset(body, null), "utf-8");
  const late = concat(" ".repeat(1030), '<meta charset="gbk">');
  strictEqual(detectCharset(late, null), "utf-8");
});

Deno.test("charset: meta inside a comment or an attribute value is ignored", () => {
  strictEqual(detectCharset(ascii('<!-- <meta charset="gbk"> --><p>'), null), "utf-8");
  strictEqual(detectCharset(ascii('<div title="<meta charset=gbk>"><p>'), null), "utf-8");
});

Deno.test("charset: meta utf-16 means utf-8, x-user-defined means windows-1252", () => {
  strictEqual(detectCharset(ascii('<meta charset="utf-16">'), null), "utf-8");
  strictEqual(detectCharset(ascii('<meta charset="x-user-defined">'), null), "windows-1252");
});

Deno.test("decodeHtml: page after page, a cut-off character or a BOM never leaks into the next", () => {
  const bom = [0xef, 0xbb, 0xbf];
  const cut = new Uint8Array([...bom, 0x61, 0xc3]); // "a" and the first byte of "é"
  const next = new Uint8Array([...bom, 0x62, 0xc3, 0xa9]); // "bé"
  for (let i = 0; i < 3; i++) {
    strictEqual(decodeHtml(cut, "text/html; charset=utf-8"), "a");
    strictEqual(decodeHtml(next, "text/html; charset=utf-8"), "bé");
    strictEqual(decodeHtml(new Uint8Array([0x63, 0xe9]), "text/html; charset=latin1"), "cé");
  }
});
