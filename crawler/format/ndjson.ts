/**
 * Machine-readable output: one JSON object per line (NDJSON).
 * @module
 */

import type { FetchRecord } from "../record.ts";
import { sanitizeRecord } from "./sanitize.ts";

/**
 * One record as a single JSON line (no trailing newline), with every {@linkcode FetchRecord} field
 * in declaration order. Strings are sanitised with `stripControl` first: `JSON.stringify` escapes
 * C0 controls, but C1 controls and bidi overrides would pass through to a terminal running `cat`.
 *
 * @example
 * ```ts
 * import { blankRecord } from "../record.ts";
 * formatNdjson(blankRecord("http://example.com/")); // '{"url":"http://example.com/",...}'
 * ```
 */
export function formatNdjson(r: FetchRecord): string {
  return JSON.stringify(sanitizeRecord(r));
}
