/**
 * Property tests of charset detection (`crawler/html/charset.ts`): random Content-Type labels and
 * bodies (BOMs, `<meta>` declarations with real, unknown and hostile labels, comments, cut-off
 * tags and multi-byte characters, raw bytes) never throw; the answer is always an encoding
 * `TextDecoder` knows, and decoding with it gives well-formed text. Seeded.
 *
 * Run: `deno test tests/fuzz_charset_test.ts`
 * @module
 */
// deno-lint-ignore no-import-prefix
import fc from "npm:fast-check@4.10.2";
import { assert, assertEquals } from "./assert.ts";
import { decodeHtml, detectCharset } from "../crawler/html/charset.ts";
import { titleFromHtml } from "../crawler/html/title.ts";

const SEED = 18;

const label = fc.oneof(
  fc.constantFrom(
    ...["utf-8", "UTF8", "gbk", "GB2312", "gb18030", "big5", "shift_jis", "euc-kr", "latin1"],
    ...["iso-8859-2", "windows-1251", "koi8-r", "utf-16le", "UTF-16BE", "x-user-defined"],
    ...["replacement", "iso-2022-kr", "unicode-1-1-utf-8", "bogus", "", " utf-8 ", "utf-8\0"],
    ...['"gbk"', "'big5'", "utf-8;", "\u202egbk", "ＵＴＦ-８", "utf\u00ad8", "\ud800"],
  ),
  fc.string({ maxLength: 12 }),
);

const contentType = fc.option(
  fc.tuple(
    fc.constantFrom("text/html", "TEXT/HTML", "application/xhtml+xml", "text/plain", ""),
    fc.constantFrom("; charset=", ";charset=", "; CHARSET = ", '; charset="', "; x=1; charset="),
    label,
    fc.constantFrom("", '"', "; q=1", ";"),
  ).map((parts) => parts.join("")),
);

const meta = fc.tuple(
  fc.constantFrom(
    '<meta charset="',
    "<meta charset=",
    "<META CHARSET='",
    '<meta http-equiv="Content-Type" content="text/html; charset=',
    '<meta content="text/html;charset=',
    "<meta/charset=",
  ),
  label,
  fc.constantFrom('">', ">", "'>", '" http-equiv="content-type">', "", " />"),
).map((parts) => parts.join(""));

const htmlPiece = fc.oneof(
  meta,
  fc.constantFrom(
    ...[
      "<!doctype html>",
      "<html>",
      "<head>",
      "<title>T é 中</title>",
      "<!-- <meta charset=gbk> -->",
    ],
    ...[
      "<!--",
      "-->",
      "<",
      "</",
      "<?x?>",
      "<!x>",
      "<a href='x'>",
      "<meta",
      "é",
      "中文",
      "\u{1F600}",
    ],
  ),
  fc.string({ maxLength: 10 }),
);

const body = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc.tuple(
    fc.constantFrom([], [0xef, 0xbb, 0xbf], [0xfe, 0xff], [0xff, 0xfe], [0xef, 0xbb]),
    fc.array(htmlPiece, { maxLength: 20 }),
    fc.uint8Array({ maxLength: 8 }),
    fc.nat(),
  ).map(([bom, pieces, noise, cut]) => {
    const text = new TextEncoder().encode(pieces.join(""));
    const bytes = new Uint8Array([...bom, ...text, ...noise]);
    return bytes.subarray(0, cut % (bytes.length + 1)); // cut anywhere, mid-character too
  }),
);

Deno.test("fuzz detectCharset and decodeHtml: never throw, a known encoding (5,000)", () => {
  fc.assert(
    fc.property(body, contentType, (bytes, type) => {
      const encoding = detectCharset(bytes, type);
      assertEquals(new TextDecoder(encoding).encoding, encoding, "a TextDecoder name");
      const text = decodeHtml(bytes, type);
      assert(typeof text === "string" && text.isWellFormed(), "well-formed text");
      assert(typeof titleFromHtml(text) === "string", "a title, maybe empty");
      if (type === null && bytes[0] !== 0xfe && bytes[0] !== 0xff) {
        assert(!encoding.startsWith("utf-16"), "a <meta> never gives UTF-16 (the Standard: UTF-8)");
      }
    }),
    { seed: SEED, numRuns: 5_000 },
  );
});
