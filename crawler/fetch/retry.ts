/**
 * When a failed attempt is tried again, and after how long: network errors, timeouts, 408, 429
 * and 5xx are retried with exponential backoff and jitter, honouring `Retry-After`.
 * @module
 */

/**
 * Whether an HTTP status is worth another attempt (408, 429 and 5xx).
 *
 * @example
 * ```ts
 * import { retryableStatus } from "./retry.ts";
 * console.log(retryableStatus(503), retryableStatus(404)); // true false
 * ```
 */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Seconds to wait before attempt `attempt + 1`: "equal jitter", half of the exponential step
 * (`base * 2^(attempt-1)`) fixed and half random.
 *
 * @example
 * ```ts
 * import { backoffDelay } from "./retry.ts";
 * const s = backoffDelay(0.5, 2); // between 0.5 and 1
 * console.log(s >= 0.5 && s <= 1); // true
 * ```
 */
export function backoffDelay(base: number, attempt: number): number {
  const step = base * 2 ** (attempt - 1);
  return step / 2 + Math.random() * step / 2;
}

/**
 * `Retry-After` as seconds (delta-seconds or an HTTP date); null when absent or unusable.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "./retry.ts";
 * console.log(parseRetryAfter("2")); // 2
 * ```
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, (date - now) / 1000);
}
