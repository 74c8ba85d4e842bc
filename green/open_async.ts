/**
 * The yielding HTTP opener, {@linkcode openUrlAsync}: plain `fetch()` with a streaming body. Other
 * tasks, timers and I/O callbacks run while it waits, like gevent's patched `urlopen`. Its
 * blocking counterpart is `openUrlBlocking` in `blocking.ts`; both take the same
 * `OpenOptions` and fail the same way (see `url_response.ts`).
 *
 * @module
 */

import { type OpenOptions, readAll, timeoutMs, type UrlResponse } from "./url_response.ts";

/**
 * Bodies up to this size, sent without Content-Encoding and with a Content-Length, are read in
 * one native call (`Response.bytes()`) instead of chunk by chunk through a stream reader: the
 * web-streams machinery costs about 45% more per small page. The size is known and bounded
 * before reading, so nothing unbounded is buffered; encoded or unsized bodies still stream (a
 * gzip bomb is counted and cut chunk by chunk).
 */
const WHOLE_BODY_LIMIT = 1024 * 1024;

class AsyncUrlResponse implements UrlResponse {
  readonly status: number;
  readonly url: string;
  readonly headers: Headers;
  #resp: Response;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #done = false;

  constructor(resp: Response) {
    this.status = resp.status;
    this.url = resp.url;
    this.headers = resp.headers;
    this.#resp = resp;
    if (!resp.body) this.#done = true;
  }

  /** True when the whole body can be read at once: small, sized and not encoded. */
  #small(): boolean {
    const encoding = this.headers.get("content-encoding");
    if (encoding !== null && encoding.trim().toLowerCase() !== "identity") return false;
    const length = Number(this.headers.get("content-length") ?? NaN);
    return Number.isInteger(length) && length >= 0 && length <= WHOLE_BODY_LIMIT;
  }

  async readChunk(): Promise<Uint8Array | null> {
    if (this.#done) return null;
    if (this.#reader === null && this.#small()) {
      this.#done = true;
      const body = await this.#resp.bytes(); // rejects with the timeout/abort/network error
      return body.length > 0 ? body : null;
    }
    this.#reader ??= this.#resp.body!.getReader();
    for (;;) {
      if (this.#done) return null;
      const r = await this.#reader.read(); // rejects with the timeout/abort/network error
      if (r.done) {
        this.#done = true;
        this.#reader.releaseLock();
        return null;
      }
      if (r.value.length > 0) return r.value;
    }
  }

  read(): Promise<Uint8Array> {
    return readAll(() => this.readChunk());
  }

  async cancel(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    try {
      await (this.#reader ? this.#reader.cancel() : this.#resp.body?.cancel());
    } catch {
      // The stream had already failed: nothing left to release.
    }
  }
}

/**
 * Yielding: plain `fetch()` with a streaming body; the timeout is `AbortSignal.timeout` combined
 * with `options.signal`, so it also covers the body. Other tasks run while it waits, like
 * gevent's patched `urlopen`.
 *
 * @example
 * ```ts ignore
 * import { openUrlAsync } from "./open_async.ts";
 * const resp = await openUrlAsync("http://127.0.0.1:8000/", { timeout: 2 });
 * const body = await resp.read();
 * console.log(`${body.length} bytes received from ${resp.url}.`);
 * ```
 */
export async function openUrlAsync(
  url: string | URL,
  options: OpenOptions = {},
): Promise<UrlResponse> {
  const ms = timeoutMs(options.timeout);
  const signals: AbortSignal[] = [];
  if (options.signal) signals.push(options.signal);
  if (ms !== undefined) signals.push(AbortSignal.timeout(ms));
  const signal = signals.length === 0
    ? undefined
    : signals.length === 1
    ? signals[0]
    : AbortSignal.any(signals);
  const resp = await fetch(url, {
    method: options.method ?? "GET",
    headers: options.headers,
    redirect: options.redirect ?? "follow",
    signal,
  });
  return new AsyncUrlResponse(resp);
}
