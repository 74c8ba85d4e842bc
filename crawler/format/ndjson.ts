/**
 * Machine-readable output: one JSON object per line (NDJSON), every {@linkcode FetchRecord} field
 * in declaration order. `JSON.stringify` escapes C0 controls; C1 controls and bidi overrides are
 * removed before, by the output boundary's `sanitizeRecord`.
 * @module
 */
import type { RecordFormat } from "./mod.ts";

/**
 * The NDJSON format.
 *
 * @example
 * ```ts
 * import { ndjson } from "./ndjson.ts";
 * import { blankRecord } from "../record.ts";
 * console.log(JSON.parse(ndjson.record(blankRecord("http://127.0.0.1/"))).url); // "http://127.0.0.1/"
 * ```
 */
export const ndjson: RecordFormat = {
  header: null,
  start: () => null,
  record: (r) => JSON.stringify(r),
};
