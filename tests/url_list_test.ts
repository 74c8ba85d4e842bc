import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { decodeInput, type ListEntry, parseUrlList } from "../crawler/url/list.ts";

const errorOf = (line: string) => {
  const [entry] = parseUrlList(line);
  return "error" in entry ? entry.error : null;
};

Deno.test("parseUrlList: plain list, 1-based line numbers", () => {
  deepStrictEqual(parseUrlList("http://a.test/\nhttps://b.test/x?y=1#z\n"), [
    { line: 1, url: "http://a.test/" },
    { line: 2, url: "https://b.test/x?y=1#z" },
  ]);
});

Deno.test("parseUrlList: BOM, CRLF and lone CR", () => {
  deepStrictEqual(parseUrlList("\ufeffhttp://a.test/\r\nhttp://b.test/\rhttp://c.test/\r\n"), [
    { line: 1, url: "http://a.test/" },
    { line: 2, url: "http://b.test/" },
    { line: 3, url: "http://c.test/" },
  ]);
});

Deno.test("parseUrlList: comments, blank lines and surrounding whitespace", () => {
  const text =
    "# header\n\n   \n  # indented comment\n\t http://a.test/  \t\n\u00a0http://b.test/\u00a0";
  deepStrictEqual(parseUrlList(text), [
    { line: 5, url: "http://a.test/" },
    { line: 6, url: "http://b.test/" },
  ]);
  // A # later in the line is a fragment, not a comment.
  deepStrictEqual(parseUrlList("http://a.test/#top"), [{ line: 1, url: "http://a.test/#top" }]);
});

Deno.test("parseUrlList: duplicates are kept, each line is a job", () => {
  deepStrictEqual(parseUrlList("http://a.test/\nhttp://a.test/\nhttp://a.test/"), [
    { line: 1, url: "http://a.test/" },
    { line: 2, url: "http://a.test/" },
    { line: 3, url: "http://a.test/" },
  ]);
});

Deno.test("parseUrlList: bad lines become errors with their line numbers", () => {
  const text = [
    "http://ok.test/",
    "ftp://files.test/x",
    "/relative/path",
    "javascript:alert(1)",
    "example.com/page",
    "# fine",
    "http://a b.test/",
    "https://ok.test/2",
  ].join("\n");
  const expected: ListEntry[] = [
    { line: 1, url: "http://ok.test/" },
    { line: 2, input: "ftp://files.test/x", error: 'unsupported scheme "ftp:"' },
    { line: 3, input: "/relative/path", error: "not an absolute URL" },
    { line: 4, input: "javascript:alert(1)", error: 'unsupported scheme "javascript:"' },
    { line: 5, input: "example.com/page", error: 'not an absolute URL (missing "http://"?)' },
    { line: 7, input: "http://a b.test/", error: "contains whitespace" },
    { line: 8, url: "https://ok.test/2" },
  ];
  deepStrictEqual(parseUrlList(text), expected);
});

Deno.test("parseUrlList: error messages", () => {
  strictEqual(errorOf("//example.com/x"), "not an absolute URL");
  strictEqual(errorOf("file:///etc/passwd"), 'unsupported scheme "file:"');
  strictEqual(errorOf("data:text/html,hi"), 'unsupported scheme "data:"');
  strictEqual(errorOf("mailto:a@b.test"), 'unsupported scheme "mailto:"');
  strictEqual(errorOf("localhost:8080/x"), 'not an absolute URL (missing "http://"?)');
  strictEqual(errorOf("http://"), "invalid URL");
  strictEqual(errorOf("http://a.test:99999/"), "invalid URL");
  strictEqual(errorOf("http://a.test/\x00x"), "contains control characters");
  strictEqual(errorOf("http://a.test/\x1b[31m"), "contains control characters");
  strictEqual(errorOf("http://a.test/\x85"), "contains control characters");
  strictEqual(errorOf("http://a.test/\u202egpj.exe"), "contains bidi control characters");
  strictEqual(errorOf("http://a.test/\u2028x"), "contains whitespace");
  strictEqual(errorOf("HTTPS://A.TEST/"), null);
  strictEqual(errorOf("https://例え.jp/パス"), null);
  strictEqual(errorOf("http://127.0.0.1:8080/"), null);
  strictEqual(errorOf("http://[::1]:8080/"), null);
});

Deno.test("parseUrlList: the URL is kept as given, not normalised", () => {
  deepStrictEqual(parseUrlList("HTTP://A.test"), [{ line: 1, url: "HTTP://A.test" }]);
});

Deno.test("parseUrlList: empty input", () => {
  deepStrictEqual(parseUrlList(""), []);
  deepStrictEqual(parseUrlList("\ufeff\n\r\n# only a comment"), []);
});

Deno.test("decodeInput: UTF-8 with or without BOM, invalid bytes replaced", () => {
  const bytes = (...b: number[]) => new Uint8Array(b);
  strictEqual(decodeInput(bytes(0xef, 0xbb, 0xbf, 0x68, 0x69)), "hi");
  strictEqual(decodeInput(bytes(0x68, 0x69)), "hi");
  strictEqual(decodeInput(bytes(0x68, 0xff, 0x69)), "h\ufffdi");
  strictEqual(decodeInput(new TextEncoder().encode("https://例え.jp/\n")), "https://例え.jp/\n");
  deepStrictEqual(parseUrlList(decodeInput(bytes(0xef, 0xbb, 0xbf, 0x23, 0x0a))), []);
});
