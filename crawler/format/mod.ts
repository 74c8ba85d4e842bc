/**
 * The record formats: text (the seed's lines), NDJSON and CSV, behind one small interface. A
 * format turns a record into one line; it does not sanitise: the caller passes records that went
 * through {@linkcode sanitizeRecord} once, at the output boundary.
 * @module
 */
import type { FetchRecord } from "../record.ts";
import { csv } from "./csv.ts";
import { ndjson } from "./ndjson.ts";
import { text } from "./text.ts";

export { sanitizeRecord, stripControl } from "./sanitize.ts";

/** The names of the formats. */
export type FormatName = "text" | "ndjson" | "csv";

/**
 * One output format: lines for a run's records, without line terminators.
 *
 * @example
 * ```ts
 * import { FORMATS } from "./mod.ts";
 * import { blankRecord } from "../record.ts";
 * console.log(FORMATS.ndjson.record(blankRecord("http://127.0.0.1/")).startsWith("{")); // true
 * ```
 */
export interface RecordFormat {
  /** The line before the first record (CSV's header row), or null. */
  readonly header: string | null;
  /** The line for a job a worker has just taken (text's `GET: <url>`), or null. */
  start(url: string): string | null;
  /** The line for one finished record. */
  record(record: FetchRecord): string;
}

/** Every format, by name. */
export const FORMATS: Readonly<Record<FormatName, RecordFormat>> = { text, ndjson, csv };
