/**
 * Spreadsheet output: CSV with RFC 4180 quoting, one row per record, the {@linkcode FetchRecord}
 * fields as columns in declaration order. Rows end in LF like every other output format (the
 * CLI's line writer adds it), not RFC 4180's CRLF: RFC 4180 readers and spreadsheets accept LF.
 * Cells that a spreadsheet would run as a formula are defused (see {@linkcode csvField}).
 * @module
 */

import type { FetchRecord } from "../record.ts";
import type { RecordFormat } from "./mod.ts";

/** The columns, in {@linkcode FetchRecord} order. */
const FIELDS = [
  "url",
  "finalUrl",
  "status",
  "ok",
  "bytes",
  "timeMs",
  "ttfbMs",
  "startMs",
  "queueMs",
  "depth",
  "parent",
  "contentType",
  "title",
  "redirects",
  "redirectChain",
  "location",
  "stopped",
  "error",
  "attempts",
  "worker",
  "line",
  "links",
] as const satisfies readonly (keyof FetchRecord)[];
// Compile-time check that no field of FetchRecord is missing from FIELDS.
const _complete: Exclude<keyof FetchRecord, (typeof FIELDS)[number]> extends never ? true : never =
  true;

/**
 * One CSV cell. Null is empty; numbers and booleans are written plainly; a string starting with
 * `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so spreadsheets do not run it as a formula; a
 * cell containing `,`, `"`, CR or LF is quoted with `"` doubled.
 *
 * @example
 * ```ts
 * csvField('say "hi", then'); // '"say ""hi"", then"'
 * csvField("=HYPERLINK(...)"); // "'=HYPERLINK(...)"
 * csvField(-1); // "-1"
 * ```
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The header row (no line terminator).
 *
 * @example
 * ```ts
 * csvHeader(); // "url,finalUrl,status,ok,bytes,timeMs,...,links"
 * ```
 */
export function csvHeader(): string {
  return FIELDS.join(",");
}

/**
 * One record as a CSV row (no line terminator: the writer ends it with LF, see the module doc).
 * `error` is `code: message`; `redirectChain` is joined with spaces.
 *
 * @example
 * ```ts
 * import { blankRecord } from "../record.ts";
 * const record = { ...blankRecord("http://example.com/"), status: 200, ok: true, bytes: 1256 };
 * formatCsv(record).slice(0, 40); // "http://example.com/,,200,true,1256,0,,0,"
 * ```
 */
export function formatCsv(r: FetchRecord): string {
  return FIELDS.map((field) => {
    if (field === "error") return csvField(r.error && `${r.error.code}: ${r.error.message}`);
    if (field === "redirectChain") return csvField(r.redirectChain.join(" "));
    return csvField(r[field]);
  }).join(",");
}

/**
 * The CSV format: a header row, then one row per record.
 *
 * @example
 * ```ts
 * import { csv } from "./csv.ts";
 * console.log(csv.header?.startsWith("url,finalUrl,")); // true
 * ```
 */
export const csv: RecordFormat = { header: csvHeader(), start: () => null, record: formatCsv };
