/**
 * Truly blocking HTTP and sleep, like gevent's unpatched `urlopen` and `time.sleep`.
 * {@linkcode openUrlBlocking} hands the exchange to a helper thread (`blocking_channel.ts`) and
 * freezes the calling thread with `Atomics.wait` until the headers are there, and again for every
 * `readChunk()`: no timer, other task or I/O callback runs meanwhile. {@linkcode blockingSleep}
 * freezes the thread the same way. The yielding counterpart is `openUrlAsync` (`open_async.ts`);
 * both take the same `OpenOptions`, give the same `UrlResponse` and fail alike (`url_response.ts`).
 *
 * Several responses can be open at once, each with its own connection, like sockets; read each
 * body to the end or `cancel()` it (one garbage-collected unfinished is cancelled then). A blocking
 * request to a server whose handlers run on the same thread (a `Deno.serve` in the same script)
 * cannot be answered and waits out its timeout, as unpatched `urlopen` against a gevent server in
 * the same process would; run such a server in a worker or another process.
 *
 * @example The contrast
 * ```ts ignore
 * import { openUrlBlocking } from "./blocking.ts";
 * import { openUrlAsync } from "./open_async.ts";
 * let ticks = 0;
 * const timer = setInterval(() => ticks++, 10);
 * const resp = await openUrlBlocking("http://127.0.0.1:8000/slow"); // frozen: ticks stays 0
 * await resp.read();
 * const resp2 = await openUrlAsync("http://127.0.0.1:8000/slow"); // yields: ticks grows
 * await resp2.read();
 * clearInterval(timer);
 * ```
 *
 * @module
 */

import {
  type Frame,
  frameError,
  frameHead,
  getChannel,
  type Head,
  TimedOut,
  unexpectedFrame,
} from "./blocking_channel.ts";
import { LAYOUT as L } from "./blocking_worker_source.ts";
import {
  concat,
  type OpenOptions,
  timeoutError,
  timeoutMs,
  type UrlResponse,
} from "./url_response.ts";

/** Runs `fn` now and returns its outcome as an already-settled promise. */
function settled<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Cancels the worker's side of a response that was garbage-collected with its body open. (The
 * channel exists by then: it was created to open the response.)
 */
const unfinished = new FinalizationRegistry<number>((id) => getChannel().drop(id));

/**
 * "open": the worker still holds the body; "received": all of it is here, but the reader has not
 * been told the end yet; "done": readChunk() returned null; "cancelled"/"failed": stopped.
 */
type BlockingState = "open" | "received" | "done" | "cancelled" | "failed";

class BlockingUrlResponse implements UrlResponse {
  readonly status: number;
  readonly url: string;
  readonly headers: Headers;
  #state: BlockingState;
  #error: unknown = undefined;
  /** Body bytes received but not yet returned by readChunk(). */
  #buffered: Uint8Array | null;

  constructor(
    readonly id: number,
    head: Head,
    initial: Uint8Array,
    ended: boolean,
    readonly deadline: number | undefined,
    readonly signal: AbortSignal | undefined,
  ) {
    this.status = head.status;
    this.url = head.url;
    this.headers = new Headers(head.headers);
    // The first body bytes share a frame with the head: copied, so the chunk owns its buffer.
    this.#buffered = initial.length > 0 ? initial.slice() : null;
    this.#state = ended ? "received" : "open";
    if (this.#state === "open") unfinished.register(this, id, this);
  }

  /** Ends the worker's operation and moves to `state`; `error` is what later reads reject with. */
  close(state: "cancelled" | "failed", error?: unknown): void {
    if (this.#state === "open") getChannel().abandon(this.id);
    this.#release(state, error);
  }

  /** Moves to a final state once the worker's operation is over. */
  #release(state: BlockingState, error?: unknown): void {
    this.#state = state;
    this.#error = error;
    if (state !== "received") this.#buffered = null;
    unfinished.unregister(this);
  }

  #readChunkSync(): Uint8Array | null {
    switch (this.#state) {
      case "done":
      case "cancelled":
        return null;
      case "failed":
        throw this.#error;
    }
    // Checked even when the whole body is already here: Deno's fetch errors its body stream on
    // abort/timeout until the reader has seen the end, whatever was received by then.
    if (this.signal?.aborted) {
      const reason = this.signal.reason;
      this.close("failed", reason);
      throw reason;
    }
    if (this.deadline !== undefined && performance.now() >= this.deadline) {
      const err = timeoutError();
      this.close("failed", err);
      throw err;
    }
    if (this.#buffered) {
      const chunk = this.#buffered;
      this.#buffered = null;
      return chunk;
    }
    if (this.#state === "received") {
      this.#state = "done";
      return null;
    }
    const ch = getChannel();
    let f: Frame;
    try {
      f = ch.exchange({ t: "read", id: this.id }, this.deadline);
    } catch (e) {
      if (!(e instanceof TimedOut)) throw e;
      const err = timeoutError();
      this.#release("failed", err); // exchange already cancelled the worker's operation
      throw err;
    }
    switch (f.kind) {
      case L.KIND_CHUNK:
        if (f.end) this.#release(f.payload.length > 0 ? "received" : "done");
        return f.payload.length > 0 ? f.payload : null;
      case L.KIND_ERROR: {
        const err = frameError(f);
        this.#release("failed", err);
        throw err;
      }
      default: {
        const err = unexpectedFrame(f);
        this.close("failed", err);
        throw err;
      }
    }
  }

  readChunk(): Promise<Uint8Array | null> {
    return settled(() => this.#readChunkSync());
  }

  read(): Promise<Uint8Array> {
    return settled(() => {
      const chunks: Uint8Array[] = [];
      let total = 0;
      for (let c = this.#readChunkSync(); c !== null; c = this.#readChunkSync()) {
        chunks.push(c);
        total += c.length;
      }
      return concat(chunks, total);
    });
  }

  cancel(): Promise<void> {
    return settled(() => {
      if (this.#state === "open" || this.#state === "received") this.close("cancelled");
    });
  }
}

function openUrlBlockingSync(url: string | URL, options: OpenOptions): UrlResponse {
  const ms = timeoutMs(options.timeout);
  const deadline = ms === undefined ? undefined : performance.now() + ms;
  if (options.signal?.aborted) throw options.signal.reason;
  const href = new URL(url).href; // like fetch: a TypeError for an invalid URL
  const headers = [...new Headers(options.headers)];
  const ch = getChannel();
  const id = ch.newId();
  let f: Frame;
  try {
    f = ch.exchange({
      t: "open",
      id,
      url: href,
      method: options.method ?? "GET",
      headers,
      redirect: options.redirect ?? "follow",
    }, deadline);
  } catch (e) {
    if (e instanceof TimedOut) throw timeoutError();
    throw e;
  }
  if (f.kind === L.KIND_ERROR) throw frameError(f);
  if (f.kind !== L.KIND_HEAD) {
    ch.abandon(id);
    throw unexpectedFrame(f);
  }
  const { head, body } = frameHead(f);
  return new BlockingUrlResponse(id, head, body, f.end, deadline, options.signal);
}

/**
 * Blocking: the calling thread is frozen (`Atomics.wait`) until the headers arrive; every
 * `readChunk()` also blocks synchronously until the next chunk. Returns already-settled promises.
 * Like gevent's unpatched `urlopen`: no other task, timer or callback runs meanwhile. Several
 * responses may be open at once, each with its own connection, as sockets would be; read each
 * body to the end or `cancel()` it (see the module doc).
 *
 * @example "Concurrent" blocking fetches run one after the other
 * ```ts ignore
 * import { openUrlBlocking } from "./blocking.ts";
 * import { joinall, spawn } from "../../mod.ts";
 * const urls = ["http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b"];
 * const get = async (u: string) => {
 *   console.log(`GET: ${u}`);
 *   const data = await (await openUrlBlocking(u, { timeout: 5 })).read();
 *   console.log(`${data.length} bytes received from ${u}.`);
 * };
 * // Greenlets start on separate event-loop turns, and each one's blocking calls settle before
 * // the next turn, so each runs to its end: GET a, received a, GET b, received b.
 * await joinall(urls.map((u) => spawn(get, u)));
 * // Plain async functions started by map() all run to their first await at once (each open
 * // still blocks in turn): GET a, GET b, received a, received b.
 * await Promise.all(urls.map(get));
 * ```
 */
export function openUrlBlocking(
  url: string | URL,
  options: OpenOptions = {},
): Promise<UrlResponse> {
  return settled(() => openUrlBlockingSync(url, options));
}

/**
 * Freezes the thread for `seconds` (`Atomics.wait` on a private SharedArrayBuffer), like
 * unpatched `time.sleep`: no timer or other task runs meanwhile. Throws a `RangeError` for a
 * negative or NaN duration.
 *
 * @example
 * ```ts
 * import { blockingSleep } from "./blocking.ts";
 * const t0 = performance.now();
 * blockingSleep(0.05);
 * console.log(performance.now() - t0 >= 50); // true
 * ```
 */
export function blockingSleep(seconds: number): void {
  if (typeof seconds !== "number" || Number.isNaN(seconds) || seconds < 0) {
    throw new RangeError(`sleep length must be a number of seconds >= 0, got ${seconds}`);
  }
  if (seconds === 0) return;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const end = performance.now() + seconds * 1000;
  // Nobody else can notify a private buffer, but loop anyway in case the wait returns early.
  for (let left = seconds * 1000; left > 0; left = end - performance.now()) {
    Atomics.wait(cell, 0, 0, left);
  }
}
