/**
 * The yielding HTTP opener, {@linkcode openUrlAsync}: plain `fetch()` with a streaming body. Other
 * tasks, timers and I/O callbacks run while it waits, like gevent's patched `urlopen`. Its
 * blocking counterpart is `openUrlBlocking` in `blocking.ts`; both take the same
 * `OpenOptions` and fail the same way (see `url_response.ts`).
 *
 * @module
 */

import { linkAbort } from "./abort_link.ts";
import { deadline } from "./deadlines.ts";
import {
  type OpenOptions,
  readAll,
  timeoutError,
  timeoutMs,
  type UrlResponse,
} from "./url_response.ts";

/**
 * Bodies up to this size, sent without Content-Encoding and with a Content-Length, are read in
 * one native call (`Response.bytes()`) instead of chunk by chunk through a stream reader: the
 * web-streams machinery costs about 45% more per small page. The size is known and bounded
 * before reading, so nothing unbounded is buffered; encoded or unsized bodies still stream (a
 * gzip bomb is counted and cut chunk by chunk).
 */
const WHOLE_BODY_LIMIT = 1024 * 1024;

/**
 * Size of the one buffer each streamed body is read into. Deno's fetch hands a default reader
 * every chunk as a view of a fresh 64 KiB buffer, however few bytes it holds: a gzip bomb comes
 * in 4 KiB chunks, so keeping 256 KiB of it held 4 MiB, and 200 bombs at `-c 100` reached
 * 383–611 MB of RSS. A BYOB reader fills this buffer instead, and each chunk is copied out at its
 * exact size (`docs/decisions.md`, "Streamed bodies: one buffer per response").
 */
const READ_BUFFER = 64 * 1024;

class AsyncUrlResponse implements UrlResponse {
  readonly status: number;
  readonly headers: Headers;
  #resp: Response;
  #reader: ReadableStreamBYOBReader | null = null;
  /** The buffer the next read fills (a read transfers it; its result hands it back). */
  #buffer: ArrayBuffer | null = null;
  #done = false;
  #failed = false;
  #failure: unknown;
  #release: () => void;

  /** `release` frees the exchange's deadline timer and abort listener once the body is over. */
  constructor(resp: Response, release: () => void) {
    this.status = resp.status;
    this.headers = resp.headers;
    this.#resp = resp;
    this.#release = release;
    if (!resp.body) this.#finish();
  }

  /** Read on demand: Deno's `Response.url` parses the URL twice, and the crawler never asks. */
  get url(): string {
    return this.#resp.url;
  }

  get ended(): boolean {
    return this.#done && !this.#failed;
  }

  #finish(): void {
    this.#done = true;
    this.#release();
  }

  /** True when the whole body can be read at once: small, sized and not encoded. */
  #small(): boolean {
    const encoding = this.headers.get("content-encoding");
    if (encoding !== null && encoding.trim().toLowerCase() !== "identity") return false;
    const length = Number(this.headers.get("content-length") ?? NaN);
    return Number.isInteger(length) && length >= 0 && length <= WHOLE_BODY_LIMIT;
  }

  async readChunk(): Promise<Uint8Array | null> {
    if (this.#failed) throw this.#failure; // a failed body keeps failing, as a stream reader does
    if (this.#done) return null;
    try {
      if (this.#reader === null && this.#small()) {
        const body = await this.#resp.bytes(); // rejects with the timeout/abort/network error
        this.#finish();
        return body.length > 0 ? body : null;
      }
      this.#reader ??= this.#resp.body!.getReader({ mode: "byob" });
      for (;;) {
        if (this.#done) return null;
        const view = new Uint8Array(this.#buffer ?? new ArrayBuffer(READ_BUFFER));
        this.#buffer = null;
        const r = await this.#reader.read(view); // rejects with the timeout/abort/network error
        if (r.value) this.#buffer = r.value.buffer;
        if (r.done) {
          this.#finish();
          this.#reader.releaseLock();
          return null;
        }
        if (r.value.length > 0) return r.value.slice(); // exact size, owns its buffer
      }
    } catch (error) {
      this.#failed = true;
      this.#failure = error;
      this.#finish();
      throw error;
    }
  }

  read(): Promise<Uint8Array> {
    return readAll(() => this.readChunk());
  }

  async cancel(): Promise<void> {
    if (this.#done) return;
    this.#finish();
    try {
      await (this.#reader ? this.#reader.cancel() : this.#resp.body?.cancel());
    } catch {
      // The stream had already failed: nothing left to release.
    }
  }
}

/**
 * Yielding: plain `fetch()` with a streaming body. One `AbortController` carries every way the
 * exchange can end early: the deadline (`options.timeout`, covering the body too), `options.signal`,
 * and, when the caller passes its own `controller`, whatever the caller decides (green I/O aborts
 * it when a kill or a `Timeout` interrupts the wait). The deadline (`deadlines.ts`) and the link
 * (`abort_link.ts`) are released when the body ends; they cost less CPU than `AbortSignal.timeout`
 * plus `AbortSignal.any`. Other tasks run while it waits, like gevent's patched `urlopen`.
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
  controller: AbortController = new AbortController(),
): Promise<UrlResponse> {
  const ms = timeoutMs(options.timeout);
  const expire = ms === undefined
    ? undefined
    : deadline(ms, () => controller.abort(timeoutError())); // never keeps the process alive
  const unlink = options.signal ? linkAbort(options.signal, controller) : undefined;
  const release = () => {
    expire?.();
    unlink?.();
  };
  try {
    const resp = await fetch(url, {
      method: options.method ?? "GET",
      headers: options.headers,
      redirect: options.redirect ?? "follow",
      signal: controller.signal,
    });
    return new AsyncUrlResponse(resp, release);
  } catch (error) {
    release();
    throw error;
  }
}
