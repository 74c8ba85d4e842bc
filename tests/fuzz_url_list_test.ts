/**
 * Property tests of URL-list parsing (`crawler/url/list.ts`): any byte sequence gives one entry
 * (a URL or an error) per non-blank, non-comment line, with its line number, and never a crash;
 * and the CLI turns such a file into one record per such line. Seeded: every run checks the same
 * inputs.
 *
 * Run: `deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env
 * tests/fuzz_url_list_test.ts`
 * @module
 */
// deno-lint-ignore no-import-prefix
import fc from "npm:fast-check@4.10.2";
import { assert, assertEquals, test } from "./assert.ts";
import { decodeInput, type ListEntry, parseUrlList } from "../crawler/url/list.ts";
import { startFaultServer } from "./fixtures/fault_server.ts";

const SEED = 18;

/**
 * The reference: the lines of `text` (after a leading BOM) that are jobs, with 1-based numbers.
 * Written as a character loop, independently of the parser's regular expression: a line ends at
 * LF, CR LF or a lone CR.
 */
function jobLines(text: string): { line: number; text: string }[] {
  if (text.startsWith("\ufeff")) text = text.slice(1);
  const lines: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n" || c === "\r") {
      lines.push(current);
      current = "";
      if (c === "\r" && text[i + 1] === "\n") i++;
    } else current += c;
  }
  lines.push(current);
  return lines
    .map((raw, i) => ({ line: i + 1, text: raw.trim() }))
    .filter((l) => l.text !== "" && !l.text.startsWith("#"));
}

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/** Each entry matches its line, and a URL entry is a fetchable absolute http(s) URL. */
function checkEntries(text: string, entries: ListEntry[]): void {
  const expected = jobLines(text);
  assertEquals(entries.map((e) => e.line), expected.map((l) => l.line), "line numbers");
  entries.forEach((entry, i) => {
    if ("url" in entry) {
      assertEquals(entry.url, expected[i].text);
      const url = new URL(entry.url);
      assert(url.protocol === "http:" || url.protocol === "https:", `scheme of ${entry.url}`);
      assert(url.host !== "", `host of ${entry.url}`);
      assert(!CONTROL.test(entry.url) && !/\s/.test(entry.url), `raw ${JSON.stringify(entry)}`);
    } else {
      assertEquals(entry.input, expected[i].text);
      assert(entry.error.length > 0 && !CONTROL.test(entry.error), JSON.stringify(entry));
    }
  });
}

/** Pieces a URL list is made of, hostile ones included, so lines are not only random noise. */
const piece = fc.oneof(
  fc.constantFrom(
    "http://a.test/",
    "https://b.test/x?y=1#z",
    "HTTP://C.TEST:80/",
    "ftp://d.test/",
    "javascript:alert(1)",
    "localhost:8080/x",
    "example.com/page",
    "http://",
    "http:///x",
    "http://[::1]/",
    "http://[bad/",
    "mailto:a@b.c",
    "#",
    "# comment",
    " ",
    "\t",
    "\u00a0",
    "\u2028",
    "\ufeff",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "\ud800",
    "\udc00",
    "%",
    "http://a b/",
    "=cmd|'/c calc'!A1",
  ),
  fc.constantFrom("\n", "\r\n", "\r", "\n\r"),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string({ unit: "binary", maxLength: 8 }),
);

const textList = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(""));

/** Raw bytes: noise, UTF-8 of a text list, or a text list with bytes spliced in. */
const byteList = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  textList.map((t) => new TextEncoder().encode(t)),
  fc.tuple(textList, fc.uint8Array({ maxLength: 20 }), fc.nat()).map(([t, noise, at]) => {
    const bytes = new TextEncoder().encode(t);
    const cut = bytes.length === 0 ? 0 : at % bytes.length;
    return new Uint8Array([
      ...bytes.subarray(0, cut),
      ...noise,
      ...(at % 3 === 0 ? [0xef, 0xbb, 0xbf] : []), // a BOM somewhere else than at the start
      ...bytes.subarray(cut),
    ]);
  }),
  fc.uint8Array({ maxLength: 60 }).map((b) => new Uint8Array([0xef, 0xbb, 0xbf, ...b])),
);

test("fuzz parseUrlList: one entry per job line, right line numbers, never a crash (3,000 texts)", () => {
  fc.assert(
    fc.property(textList, (text) => checkEntries(text, parseUrlList(text))),
    { seed: SEED, numRuns: 3_000 },
  );
});

test("fuzz decodeInput + parseUrlList: any bytes (3,000 byte strings)", () => {
  fc.assert(
    fc.property(byteList, (bytes) => {
      const text = decodeInput(bytes);
      assert(!text.startsWith("\ufeff"), "a leading BOM is removed");
      assertEquals(text.isWellFormed(), true, "decoded text is well-formed");
      checkEntries(text, parseUrlList(text));
    }),
    { seed: SEED, numRuns: 3_000 },
  );
});

test("fuzz CLI: a hostile URL file gives one NDJSON record per job line, by line number", async () => {
  await using server = await startFaultServer();
  // Valid URLs point at our own server or at hosts the permission below refuses before any
  // connection (no request leaves 127.0.0.1:PORT).
  const ours = fc.constantFrom("/ok", "/status/404", "/binary").map((p) => server.url + p);
  const lines = fc.sample(
    fc.oneof({ arbitrary: ours, weight: 1 }, { arbitrary: byteList, weight: 3 }),
    { seed: SEED, numRuns: 150 },
  );
  const encoder = new TextEncoder();
  const parts = lines.map((l) => typeof l === "string" ? encoder.encode(l + "\n") : l);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
    bytes[at++] = 0x0a; // byte lists may not end in a line break
  }
  const dir = await Deno.makeTempDir({ prefix: "greencrawl_fuzz_list_" });
  try {
    const file = `${dir}/urls.txt`;
    await Deno.writeFile(file, bytes);
    const expected = jobLines(decodeInput(bytes)).map((l) => l.line);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        `--allow-net=127.0.0.1:${server.port}`,
        `--allow-read=${dir}`,
        "cli.ts",
        "--format",
        "ndjson",
        "--retries",
        "0",
        "--timeout",
        "5",
        "-c",
        "8",
        "-q",
        file,
      ],
      cwd: new URL("..", import.meta.url).pathname,
      env: { DENO_NO_UPDATE_CHECK: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert(out.code === 0 || out.code === 1, `exit ${out.code}: ${stderr}`);
    const records = new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "")
      .map((l) => JSON.parse(l));
    const got = records.map((r) => r.line as number).sort((a, b) => a - b);
    assertEquals(got, expected, "one record per job line");
    assert(expected.length > 100, `only ${expected.length} job lines`);
    for (const r of records) {
      assert(!CONTROL.test(JSON.stringify(r).replace(/\\u00[0-9a-f]{2}/g, "")), JSON.stringify(r));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
