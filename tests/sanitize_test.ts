import { strictEqual } from "node:assert/strict";
import { stripControl } from "../crawler/format/sanitize.ts";

Deno.test("stripControl: plain text is unchanged", () => {
  strictEqual(stripControl("Hello, wörld — 中文 🚀"), "Hello, wörld — 中文 🚀");
});

Deno.test("stripControl: tab, CR, LF and runs of whitespace become one space, trimmed", () => {
  strictEqual(stripControl("  a\tb\r\nc\n\n  d\v\fe\u0085f  "), "a b c d e f");
  strictEqual(stripControl("a\u00a0\u2028\u3000b"), "a b");
  strictEqual(stripControl(" \t\r\n "), "");
});

Deno.test("stripControl: other C0 controls and DEL are removed", () => {
  strictEqual(stripControl("a\x00b\x07c\x08d\x7fe\x1ff"), "abcdef");
});

Deno.test("stripControl: C1 controls are removed, including 8-bit CSI sequences whole", () => {
  strictEqual(stripControl("a\x80b\x8dc\x9fd"), "abcd");
  strictEqual(stripControl("x\x9b31my"), "xy");
});

Deno.test("stripControl: ANSI CSI sequences are removed whole", () => {
  strictEqual(stripControl("\x1b[1;31mred\x1b[0m"), "red");
  strictEqual(stripControl("a\x1b[2Jb\x1b[?25lc\x1b[10;20Hd"), "abcd");
  strictEqual(stripControl("cut\x1b["), "cut");
});

Deno.test("stripControl: OSC strings are removed up to BEL or ST", () => {
  strictEqual(stripControl("a\x1b]0;evil title\x07b"), "ab");
  strictEqual(stripControl("a\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\b"), "alinkb");
  strictEqual(stripControl("a\x9d0;t\x9cb"), "ab");
  strictEqual(stripControl("a\x9f_apc\x07b"), "ab");
  // Unterminated: a terminal would swallow the rest, so it is dropped.
  strictEqual(stripControl("a\x1b]0;never ends"), "a");
  // An unterminated 8-bit one is just a stray C1 character (windows-1252 decodes 0x9D to U+009D).
  strictEqual(stripControl("Caf\x9de au lait"), "Cafe au lait");
});

Deno.test("stripControl: other ESC sequences and lone ESC are removed", () => {
  strictEqual(stripControl("a\x1bcb\x1b(Bc\x1b7d\x1b"), "abcd");
});

Deno.test("stripControl: bidi overrides and isolates are removed", () => {
  strictEqual(stripControl("abc\u202etxt.exe\u202c"), "abctxt.exe");
  strictEqual(stripControl("\u2066x\u2067y\u2068z\u2069\u202a\u202b\u202d"), "xyz");
});

Deno.test("stripControl: lone surrogates become U+FFFD, pairs survive", () => {
  strictEqual(stripControl("a\ud800b\udc00c😀"), "a\ufffdb\ufffdc😀");
});

Deno.test("stripControl: idempotent", () => {
  const dirty = " \x1b[31m a \u202e\r\n b\x9b2J ";
  strictEqual(stripControl(stripControl(dirty)), stripControl(dirty));
});

Deno.test("stripControl: any mix of printable text, spaces and controls comes out as one clean line", () => {
  // A seeded walk over strings the plain-text fast path takes and strings it must leave to the
  // full pipeline (leading/trailing/double spaces, tabs, ESC, C1, bidi, NBSP).
  const alphabet = [
    "a",
    "Z",
    "0",
    "/",
    "~",
    " ",
    "  ",
    "\t",
    "\n",
    "\x1b",
    "\x9b",
    "\u202e",
    "\u00a0",
    "é",
  ];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 5000; i++) {
    let text = "";
    for (let n = Math.floor(next() * 12); n > 0; n--) {
      text += alphabet[Math.floor(next() * alphabet.length)];
    }
    const out = stripControl(text);
    // deno-lint-ignore no-control-regex
    if (/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\s\s|^\s|\s$/.test(out)) {
      throw new Error(`${JSON.stringify(text)} -> ${JSON.stringify(out)}`);
    }
    if (stripControl(out) !== out) throw new Error(`not idempotent: ${JSON.stringify(text)}`);
  }
  strictEqual(stripControl("GET /a?b=c d"), "GET /a?b=c d");
});
