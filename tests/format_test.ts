import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { FetchRecord } from "../crawler/record.ts";
import { formatSummary } from "../crawler/format/text.ts";
import { csvField } from "../crawler/format/csv.ts";
import { type FormatName, FORMATS, sanitizeRecord } from "../crawler/format/mod.ts";
import { RunStats } from "../crawler/run/stats.ts";
import type { Job } from "../crawler/frontier/frontier.ts";
import { recordSink } from "../cli/output.ts";

/** The lines the CLI's sink (the output boundary: sanitise once, then format) writes. */
function written(format: FormatName, feed: (sink: ReturnType<typeof recordSink>) => void) {
  const lines: string[] = [];
  feed(
    recordSink({ format: FORMATS[format], records: { line: (t) => lines.push(t), close() {} } }),
  );
  return lines;
}
/** The line one record becomes in `format` (after the CSV header, if any). */
const line = (format: FormatName, r: FetchRecord) => written(format, (s) => s.record(r)).at(-1)!;
const formatRecord = (r: FetchRecord) => line("text", r);
const formatNdjson = (r: FetchRecord) => line("ndjson", r);
const formatCsv = (r: FetchRecord) => line("csv", r);
const formatStart = (url: string) =>
  written(
    "text",
    (s) => s.start!({ url, line: 1, depth: 0, parent: null, queuedAt: 0, seed: url } as Job, 0),
  )[0];
const csvHeader = () => written("csv", () => {})[0];

function rec(over: Partial<FetchRecord> = {}): FetchRecord {
  return {
    url: "http://127.0.0.1:8000/",
    finalUrl: "http://127.0.0.1:8000/",
    status: 200,
    ok: true,
    bytes: 1256,
    timeMs: 123.4567,
    ttfbMs: 50.5,
    startMs: 1.25,
    queueMs: 0,
    depth: 0,
    parent: null,
    contentType: "text/html; charset=utf-8",
    title: "Example",
    redirects: 0,
    redirectChain: [],
    location: null,
    stopped: null,
    error: null,
    attempts: 1,
    worker: 3,
    line: 7,
    links: 0,
    crawler: null,
    ...over,
  };
}
const failed = rec({
  url: "http://127.0.0.1:8000/flaky",
  finalUrl: "http://127.0.0.1:8000/flaky",
  status: 503,
  ok: false,
  bytes: 19,
  timeMs: 2004,
  title: null,
  error: { code: "http", message: "503 Service Unavailable" },
  attempts: 3,
});
const KEYS = Object.keys(rec());

Deno.test("text: start line", () => {
  strictEqual(formatStart("http://127.0.0.1:8000/"), "GET: http://127.0.0.1:8000/");
  strictEqual(formatStart("http://x.test/\x1b[2J"), "GET: http://x.test/");
});

Deno.test("text: ok line exactly as the seed's '%d bytes received from %s. time: %s'", () => {
  strictEqual(formatRecord(rec()), "1256 bytes received from http://127.0.0.1:8000/. time: 0.123");
  strictEqual(
    formatRecord(rec({ bytes: 0, timeMs: 2000, url: "http://a.test/" })),
    "0 bytes received from http://a.test/. time: 2.000",
  );
});

Deno.test("text: error lines", () => {
  strictEqual(
    formatRecord(failed),
    "ERROR http://127.0.0.1:8000/flaky: http: 503 Service Unavailable (status 503, 3 attempts, time: 2.004)",
  );
  strictEqual(
    formatRecord(rec({
      ok: false,
      status: null,
      timeMs: 1000,
      error: { code: "timeout", message: "no response headers within 1 s" },
    })),
    "ERROR http://127.0.0.1:8000/: timeout: no response headers within 1 s (1 attempt, time: 1.000)",
  );
  strictEqual(
    formatRecord(rec({
      url: "ftp://x\x1b]0;pwn\x07",
      ok: false,
      status: null,
      timeMs: 0,
      attempts: 0,
      error: { code: "invalid-url", message: 'unsupported scheme "ftp:"\u202e' },
    })),
    'ERROR ftp://x: invalid-url: unsupported scheme "ftp:" (time: 0.000)',
  );
});

Deno.test("text: summary lines are aligned", () => {
  const stats = new RunStats();
  stats.add(rec({ bytes: 1536 * 1024, timeMs: 1000 }));
  stats.add(failed);
  const lines = formatSummary(stats.summary(2000)).split("\n");
  deepStrictEqual(lines, [
    "URLs:          2",
    "ok:            1",
    "failed:        1 (http 1)",
    "total bytes:   1.5 MiB (1572883 bytes)",
    "wall time:     2.000 s",
    "sum of times:  3.004 s",
    "overlap:       1.50×",
    "requests/s:    1.00",
    "p50/p90/p99:   1.000 / 2.004 / 2.004 s",
    "busiest host:  127.0.0.1:8000 (2)",
  ]);
});

Deno.test("text: summary of an empty run", () => {
  const text = formatSummary(new RunStats().summary(0));
  strictEqual(text.split("\n")[2], "failed:        0");
  strictEqual(text.includes("total bytes:   0 B (0 bytes)"), true);
  strictEqual(text.includes("overlap:       0.00×"), true);
  strictEqual(text.includes("busiest"), false);
});

Deno.test("ndjson: one line that round-trips and has every FetchRecord key in order", () => {
  for (
    const r of [rec(), failed, rec({ redirects: 2, redirectChain: ["http://a/", "http://b/"] })]
  ) {
    const line = formatNdjson(r);
    strictEqual(line.includes("\n"), false);
    const parsed = JSON.parse(line);
    deepStrictEqual(Object.keys(parsed), KEYS);
    deepStrictEqual(parsed, r);
  }
});

Deno.test("ndjson: network strings are sanitised (C1 and bidi survive JSON escaping)", () => {
  const dirty = rec({
    title: "a\u009b2Jb\u202ec\n\x1b[31md",
    contentType: "text/html\r\nX-Evil: 1",
    redirectChain: ["http://x/\u2066"],
    error: { code: "network", message: "reset\x07\u0085by peer" },
  });
  const parsed = JSON.parse(formatNdjson(dirty));
  strictEqual(parsed.title, "abc d");
  strictEqual(parsed.contentType, "text/html X-Evil: 1");
  deepStrictEqual(parsed.redirectChain, ["http://x/"]);
  deepStrictEqual(parsed.error, { code: "network", message: "reset by peer" });
  deepStrictEqual(parsed, sanitizeRecord(dirty));
});

Deno.test("ndjson: the crawler field is sanitised even when it is the only unsafe string", () => {
  const dirty = rec({ crawler: "host\x1b]0;pwned\x07:42" });
  const parsed = JSON.parse(formatNdjson(sanitizeRecord(dirty)));
  strictEqual(parsed.crawler, "host:42");
});

Deno.test("csv: header has the FetchRecord keys in order", () => {
  strictEqual(csvHeader(), KEYS.join(","));
});

Deno.test("csv: a plain row; numbers and booleans stay plain", () => {
  strictEqual(
    formatCsv(rec()),
    "http://127.0.0.1:8000/,http://127.0.0.1:8000/,200,true,1256,123.4567,50.5,1.25,0,0,," +
      "text/html; charset=utf-8,Example,0,,,,,1,3,7,0,", // crawler: empty outside shared crawls
  );
  strictEqual(formatCsv(rec()).split(",").length, KEYS.length);
});

Deno.test("csv: error as code: message, redirect chain joined with a space", () => {
  const row = formatCsv(rec({
    ...failed,
    redirects: 2,
    redirectChain: ["http://a.test/", "http://b.test/"],
  }));
  strictEqual(
    row.includes(",http://a.test/ http://b.test/,,,http: 503 Service Unavailable,3,"),
    true,
  );
});

Deno.test("csv and ndjson: a redirect not followed carries its location and why", () => {
  const stopped = rec({
    status: 301,
    location: "http://169.254.169.254/latest/\x1b[2J",
    stopped: "redirect-non-public",
  });
  const row = formatCsv(stopped);
  strictEqual(
    row.includes(",0,,http://169.254.169.254/latest/,redirect-non-public,,1,"),
    true,
    row,
  );
  const parsed = JSON.parse(formatNdjson(stopped));
  strictEqual(parsed.location, "http://169.254.169.254/latest/");
  strictEqual(parsed.stopped, "redirect-non-public");
  const loop = rec({
    ok: false,
    status: 302,
    location: "http://a.test/",
    error: { code: "redirect-loop", message: "redirect loop back to http://a.test/" },
  });
  strictEqual(
    formatCsv(loop).includes(
      ",http://a.test/,,redirect-loop: redirect loop back to http://a.test/,",
    ),
    true,
  );
});

Deno.test("csv: RFC 4180 quoting of commas, quotes and newlines", () => {
  strictEqual(csvField("plain"), "plain");
  strictEqual(csvField("a,b"), '"a,b"');
  strictEqual(csvField('say "hi"'), '"say ""hi"""');
  strictEqual(csvField("two\nlines"), '"two\nlines"');
  strictEqual(csvField("cr\rlf"), '"cr\rlf"');
  strictEqual(csvField(""), "");
  strictEqual(csvField(null), "");
  // Through the sink the newline is already a space (stripControl), and the comma still quoted.
  const row = formatCsv(rec({ title: 'He said "hi",\nthen left' }));
  strictEqual(row.includes(',"He said ""hi"", then left",'), true);
});

Deno.test("csv: spreadsheet formula guard, but numbers stay numeric", () => {
  strictEqual(csvField("=1+2"), "'=1+2");
  strictEqual(csvField("+1"), "'+1");
  strictEqual(csvField("-1"), "'-1");
  strictEqual(csvField("@SUM(A1)"), "'@SUM(A1)");
  strictEqual(csvField("\tx"), "'\tx");
  strictEqual(csvField("\rx"), `"'\rx"`);
  strictEqual(
    csvField('=HYPERLINK("http://evil.test","x")'),
    `"'=HYPERLINK(""http://evil.test"",""x"")"`,
  );
  strictEqual(csvField("a=b"), "a=b");
  strictEqual(csvField(-1), "-1");
  strictEqual(csvField(0), "0");
  strictEqual(csvField(false), "false");
  const row = formatCsv(rec({ title: "=cmd|' /C calc'!A0", status: 200, bytes: 0 }));
  strictEqual(row.includes(",'=cmd|' /C calc'!A0,"), true);
  strictEqual(row.includes(",200,true,0,"), true);
});
