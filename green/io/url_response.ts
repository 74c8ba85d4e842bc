/**
 * What both HTTP openers share: the {@linkcode OpenOptions} they take, the
 * {@linkcode UrlResponse} they give, and the helpers that make them fail alike.
 *
 * The yielding opener (`open_async.ts`) and the blocking one (`blocking.ts`) fail the same way,
 * so callers can classify errors without knowing the mode: a timeout rejects with a
 * `DOMException` named `"TimeoutError"` ({@linkcode timeoutError}), an abort with
 * `signal.reason`, a network failure (refused, reset, DNS, malformed response) with a `TypeError`
 * as fetch gives it (Deno 2.9's message is `"fetch failed"`; the details, such as "Connection
 * refused", are in its `cause`, which is carried across threads too). A failure while reading the
 * body rejects `readChunk()` with the same kinds of error.
 *
 * @module
 */

/**
 * Options for one HTTP exchange.
 *
 * @example
 * ```ts
 * import type { OpenOptions } from "./url_response.ts";
 * const options: OpenOptions = { redirect: "manual", timeout: 2, headers: { "user-agent": "gc" } };
 * console.log(options.timeout); // seconds
 * ```
 */
export interface OpenOptions {
  /** HTTP method; default `"GET"`. */
  method?: string;
  /** Request headers. */
  headers?: HeadersInit;
  /** Default `"follow"`; the crawler uses `"manual"` and follows redirects itself. */
  redirect?: "manual" | "follow";
  /** SECONDS, a deadline for the whole exchange (headers + body); `undefined` = none. */
  timeout?: number;
  /** Async mode: aborts the request/body; blocking mode: checked before starting and before
   * each body chunk (it cannot fire while the thread is frozen). */
  signal?: AbortSignal;
}

/**
 * A response whose body is read chunk by chunk (decoded: Content-Encoding undone, as fetch does).
 *
 * @example Reading a body chunk by chunk
 * ```ts ignore
 * import { openUrlAsync } from "./open_async.ts";
 * const resp = await openUrlAsync("http://127.0.0.1:8000/");
 * let bytes = 0;
 * for (let c = await resp.readChunk(); c !== null; c = await resp.readChunk()) bytes += c.length;
 * console.log(resp.status, bytes);
 * ```
 */
export interface UrlResponse {
  /** HTTP status code. */
  readonly status: number;
  /** Final URL (after redirects, when they are followed). */
  readonly url: string;
  /** Response headers. */
  readonly headers: Headers;
  /** Next decoded body chunk, or null at the end of the body. */
  readChunk(): Promise<Uint8Array | null>;
  /**
   * True once the body was read to its end or cancelled without an error, so `readChunk()`
   * has only null left to give (green I/O then skips a wait). Optional: absent means unknown.
   */
  readonly ended?: boolean;
  /** The whole remaining body (like Python's resp.read()). */
  read(): Promise<Uint8Array>;
  /** Stop the download and release the connection; safe to call twice or after the end. */
  cancel(): Promise<void>;
}

const TIMEOUT_MESSAGE = "The operation was aborted due to timeout"; // fetch's own wording

/**
 * The error a timed-out exchange rejects with, worded as fetch's own.
 *
 * @example
 * ```ts
 * import { timeoutError } from "./url_response.ts";
 * console.log(timeoutError().name); // "TimeoutError"
 * ```
 */
export function timeoutError(): DOMException {
  return new DOMException(TIMEOUT_MESSAGE, "TimeoutError");
}

/**
 * Validates `timeout` (seconds) and returns milliseconds, or undefined for none (undefined or
 * Infinity). Throws a `RangeError` for a negative or NaN timeout.
 *
 * @example
 * ```ts
 * import { timeoutMs } from "./url_response.ts";
 * console.log(timeoutMs(1.5), timeoutMs(undefined)); // 1500 undefined
 * ```
 */
export function timeoutMs(timeout: number | undefined): number | undefined {
  if (timeout === undefined || timeout === Infinity) return undefined;
  if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(`timeout must be a number of seconds >= 0, got ${timeout}`);
  }
  return timeout * 1000;
}

/**
 * Joins `chunks` (of `total` bytes together) into one array; a single chunk is returned as is.
 *
 * @example
 * ```ts
 * import { concat } from "./url_response.ts";
 * const joined = concat([new Uint8Array([1]), new Uint8Array([2, 3])], 3);
 * console.log(joined); // Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/**
 * Reads a body to its end with `readChunk` and returns it as one array (the loop behind every
 * yielding `read()`).
 *
 * @example
 * ```ts
 * import { readAll } from "./url_response.ts";
 * const chunks = [new Uint8Array([1, 2]), new Uint8Array([3])];
 * const body = await readAll(() => Promise.resolve(chunks.shift() ?? null));
 * console.log(body.length); // 3
 * ```
 */
export async function readAll(
  readChunk: () => Promise<Uint8Array | null>,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let c = await readChunk(); c !== null; c = await readChunk()) {
    chunks.push(c);
    total += c.length;
  }
  return concat(chunks, total);
}
