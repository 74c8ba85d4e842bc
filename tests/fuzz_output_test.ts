/**
 * Property tests of the output formats with hostile strings (control characters, ANSI and OSC
 * escape sequences, bidi overrides and isolates, NUL, lone surrogates, spreadsheet formulas,
 * quotes, commas and line breaks) in every string field of a record:
 *
 * Records go through the CLI's record sink (`cli/output.ts`: sanitise once, then format), as in a
 * run.
 *
 * - NDJSON (`crawler/format/ndjson.ts`): each record is one line that parses back to exactly the
 *   sanitised record (`sanitizeRecord`), and writing that again changes nothing;
 * - CSV (`crawler/format/csv.ts`): the header and rows, read back by an RFC 4180 reader
 *   (npm `csv-parse`), give the same number of rows and columns and every cell as documented (the
 *   sanitised value; a formula gets a leading `'`);
 * - nothing that reaches a terminal holds a raw control character, escape, bidi control or lone
 *   surrogate: NDJSON and CSV lines, the text format's lines, the summary, and the progress line
 *   (`cli/progress.ts`, its own erase sequence aside), cut by `fit` at any width;
 * - printable text survives: a string without control or bidi characters and without runs of
 *   whitespace comes back unchanged.
 *
 * Seeded: every run checks the same records.
 *
 * Run: `deno test tests/fuzz_output_test.ts`
 * @module
 */
// deno-lint-ignore no-import-prefix
import fc from "npm:fast-check@4.10.2";
// deno-lint-ignore no-import-prefix
import { parse as parseCsv } from "npm:csv-parse@7.0.3/sync";
import { assert, assertEquals } from "./assert.ts";
import { blankRecord, type ErrorCode, type FetchRecord } from "../crawler/record.ts";
import { type FormatName, FORMATS, sanitizeRecord, stripControl } from "../crawler/format/mod.ts";
import { formatSummary } from "../crawler/format/text.ts";
import { RunStats } from "../crawler/run/stats.ts";
import { recordSink } from "../cli/output.ts";
import { fit, Progress } from "../cli/progress.ts";

const SEED = 18;

/** What must never reach a terminal raw: C0, DEL, C1, bidi embeddings/overrides/isolates. */
// deno-lint-ignore no-control-regex
const RAW = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

function safeForTerminal(text: string, what: string): void {
  assert(!RAW.test(text), `${what}: raw control in ${JSON.stringify(text)}`);
  assert(text.isWellFormed(), `${what}: lone surrogate in ${JSON.stringify(text)}`);
}

const hostilePiece = fc.oneof(
  fc.constantFrom(
    ...["\x00", "\x07", "\x08", "\t", "\n", "\r", "\r\n", "\v", "\f", "\x1b", "\x7f", "\x85"],
    ...["\x9b", "\x9c", "\x90", "\x9d", "\x1b[31m", "\x1b[0m", "\x1b[2J", "\x1b]0;pwned\x07"],
    ...["\x1b]8;;http://evil/\x1b\\", "\x1bP+q\x1b\\", "\x9b2J", "\x1bc", "\x1b(B", "\u202e"],
    ...["\u202a", "\u2066", "\u2069", "\u200f", "\ud800", "\udc00", "\udbff\udfff", "\u2028"],
    ...["\ufeff", "=1+1", '=HYPERLINK("http://evil")', "+cmd", "-2", "@SUM(A1)", "=", "'"],
    ...['"', '""', ",", ";", " ", "  ", "\u00a0", "é", "\u{1F600}", "a\u0301", "中文", "\\"],
  ),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: "binary", maxLength: 4 }),
);
const hostile = fc.array(hostilePiece, { maxLength: 8 }).map((p) => p.join(""));

const CODES: ErrorCode[] = [
  "invalid-url",
  "timeout",
  "network",
  "http",
  "too-large",
  "too-many-redirects",
  "redirect-loop",
  "bad-redirect",
  "aborted",
];

const record: fc.Arbitrary<FetchRecord> = fc.record({
  url: fc.oneof(hostile, fc.webUrl().map((u) => u + "\x1b[31m\u202e")),
  finalUrl: fc.option(hostile),
  status: fc.option(fc.integer({ min: 100, max: 599 })),
  ok: fc.boolean(),
  bytes: fc.nat(),
  timeMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
  ttfbMs: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true })),
  parent: fc.option(hostile),
  contentType: fc.option(hostile),
  title: fc.option(hostile),
  redirectChain: fc.array(hostile, { maxLength: 3 }),
  error: fc.option(fc.record({ code: fc.constantFrom(...CODES), message: hostile })),
  attempts: fc.nat({ max: 5 }),
  worker: fc.option(fc.nat({ max: 100 })),
  line: fc.option(fc.nat()),
  location: fc.option(hostile),
  crawler: fc.option(hostile),
}).map((fields) => ({
  ...blankRecord(""),
  ...fields,
  redirects: fields.redirectChain.length,
}));

const RUNS = { seed: SEED, numRuns: 2_000 };

/**
 * The lines the CLI's record sink (the output boundary: sanitise once, then format) writes for
 * `records`, each started by a worker and then finished; `stats` and `progress` are fed too.
 */
function written(
  format: FormatName,
  records: FetchRecord[],
  extra: { stats?: RunStats; progress?: Progress } = {},
): string[] {
  const lines: string[] = [];
  const sink = recordSink({
    format: FORMATS[format],
    records: { line: (t) => lines.push(t), close() {} },
    ...extra,
  });
  records.forEach((r, i) => {
    sink.start!({ url: r.url, line: i + 1, depth: 0, parent: null, queuedAt: 0, seed: r.url }, i);
    sink.record(r);
  });
  return lines;
}

Deno.test("fuzz NDJSON: one line per record, parsed back to the sanitised record (2,000)", () => {
  fc.assert(
    fc.property(record, (r) => {
      const lines = written("ndjson", [r]);
      assertEquals(lines.length, 1, "one line");
      const line = lines[0];
      safeForTerminal(line, "NDJSON line");
      const back = JSON.parse(line);
      assertEquals(back, JSON.parse(JSON.stringify(sanitizeRecord(r))));
      assertEquals(written("ndjson", [back]), [line], "sanitising is idempotent");
      for (const value of [back.url, back.title, back.contentType, back.error?.message]) {
        if (typeof value === "string") safeForTerminal(value, "parsed string");
      }
    }),
    RUNS,
  );
});

/** A CSV cell as `formatCsv` documents it, before quoting. */
function cell(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

Deno.test("fuzz CSV: an RFC 4180 reader gets every row and cell back (200 files of 1-10 rows)", () => {
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 10 }), (records) => {
      const rows = written("csv", records);
      for (const row of rows) safeForTerminal(row, "CSV row");
      const text = rows.join("\n") + "\n";
      const table: string[][] = parseCsv(text, { relax_quotes: false });
      assertEquals(table.length, records.length + 1, "rows");
      const header = table[0];
      records.forEach((r, i) => {
        const clean = sanitizeRecord(r);
        const expected = header.map((field) => {
          if (field === "error") {
            return cell(clean.error && `${clean.error.code}: ${clean.error.message}`);
          }
          if (field === "redirectChain") return cell(clean.redirectChain.join(" "));
          return cell(clean[field as keyof FetchRecord] as string | number | boolean | null);
        });
        assertEquals(table[i + 1], expected, `row ${i + 1}`);
      });
    }),
    { seed: SEED, numRuns: 200 },
  );
});

Deno.test("fuzz text, summary and progress line: no raw control reaches the terminal (2,000)", () => {
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), fc.nat({ max: 200 }), (rs, w) => {
      const stats = new RunStats();
      let drawn = "";
      const progress = new Progress({
        target: {
          writeSync(p: Uint8Array) {
            drawn += new TextDecoder().decode(p);
            return p.length;
          },
        },
        columns: () => w,
        intervalMs: 0,
      });
      progress.begin({ total: () => rs.length });
      const lines = written("text", rs, { stats, progress });
      progress.stop();
      assertEquals(lines.length, rs.length * 2, "a GET line and a result line per record");
      for (const line of lines) safeForTerminal(line, "text line");
      for (const line of formatSummary(stats.summary(1000)).split("\n")) {
        safeForTerminal(line, "summary line");
      }
      // The progress line's own erase sequence is the one escape it may write.
      safeForTerminal(drawn.replaceAll("\r\x1b[2K", ""), "progress line");
      safeForTerminal(fit(stripControl(rs[0].url), w), "fit");
    }),
    RUNS,
  );
});

Deno.test("fuzz fit: never longer than the width, never splits a character (2,000)", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.integer({ max: 200 }),
      (s, w) => {
        const cut = fit(s, w);
        assert([...cut].length <= Math.max(0, w), `${[...cut].length} > ${w}`);
        assert(!s.isWellFormed() || cut.isWellFormed(), "a surrogate pair split");
        if ([...s].length <= w) assertEquals(cut, s);
      },
    ),
    RUNS,
  );
});

Deno.test("fuzz printable text survives sanitising and both formats unchanged (2,000)", () => {
  const printable = fc.string({ unit: "grapheme", maxLength: 40 }).map((s) =>
    s.replace(new RegExp(RAW.source, "g"), "").replace(/\s+/g, " ").trim()
  ).filter((s) => s.isWellFormed());
  fc.assert(
    fc.property(printable, (title) => {
      assertEquals(stripControl(title), title);
      const r = { ...blankRecord("http://h.example/"), title };
      assertEquals(JSON.parse(written("ndjson", [r])[0]).title, title);
      const [, row] = parseCsv(written("csv", [r]).join("\n") + "\n") as string[][];
      assertEquals(row[12], cell(title), "title column");
    }),
    RUNS,
  );
});
