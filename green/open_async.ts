/**
 * The yielding HTTP opener, {@linkcode openUrlAsync}: plain `fetch()` with a streaming body. Other
 * tasks, timers and I/O callbacks run while it waits, like gevent's patched `urlopen`. Its
 * blocking counterpart is `openUrlBlocking` in `blocking.ts`; both take the same
 * `OpenOptions` and fail the same way (see `url_response.ts`).
 *
 * @module
 */

import { type OpenOptions, readAll, timeoutMs, type UrlResponse } from "./url_response.ts";

class AsyncUrlResponse implements UrlResponse {
  readonly status: number;
  readonly url: string;
  readonly headers: Headers;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null;
  #done = false;

  constructor(resp: Response) {
    this.status = resp.status;
    this.url = resp.url;
    this.headers = resp.headers;
    this.#reader = resp.body ? resp.body.getReader() : null;
    if (!this.#reader) this.#done = true;
  }

  async readChunk(): Promise<Uint8Array | null> {
    for (;;) {
      if (this.#done || !this.#reader) return null;
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
      await this.#reader?.cancel();
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
