/**
 * Truly blocking versus yielding HTTP and sleep: the two sides of gevent's monkey-patching.
 *
 * In gevent, unpatched `time.sleep` and `urllib.urlopen` block the whole thread: the event loop
 * freezes and no other greenlet runs. After `monkey.patch_all()` they yield instead. greencrawl
 * reproduces both for real:
 *
 * - {@linkcode openUrlAsync} is plain `fetch()` with a streaming body: it yields, like patched
 *   `urlopen`.
 * - {@linkcode openUrlBlocking} hands the exchange to a helper thread and freezes the calling
 *   thread with `Atomics.wait` until the answer is there: no timer, no other task, no I/O callback
 *   runs meanwhile, like unpatched `urlopen`. Every `readChunk()` blocks the same way.
 * - {@linkcode blockingSleep} freezes the thread with `Atomics.wait` on a private buffer, like
 *   unpatched `time.sleep`.
 *
 * Both HTTP modes fail the same way, so callers can classify errors without knowing the mode:
 * a timeout rejects with a `DOMException` named `"TimeoutError"`, an abort with `signal.reason`,
 * a network failure (refused, reset, DNS, malformed response) with a `TypeError` as fetch gives it
 * (Deno 2.9's message is `"fetch failed"`; the details, such as "Connection refused", are in its
 * `cause`, which is carried across threads too). A failure while reading the body rejects
 * `readChunk()` with the same kinds of error.
 *
 * ## The worker: why `node:worker_threads` with `eval` source
 *
 * One long-lived worker is created lazily on the first blocking call and reused for every later
 * one (starting a worker per call would cost milliseconds). Two options were measured on Deno
 * 2.9.6:
 *
 * - a Deno `Worker` from a Blob URL: about 20-35 µs per main→worker→main round trip, but a live
 *   Deno worker keeps the process running (a script that had used it did not exit until killed),
 *   so it would have to be terminated after an idle timer, delaying exit by that idle time;
 * - a `node:worker_threads` `Worker` with `eval: true` and `.unref()`: the same round trip cost
 *   (about 20 µs), and the process exits as soon as the main program is done, even with the
 *   worker idle.
 *
 * The second is used. Its source is a string (see `blocking_worker_source.ts`), so it needs no
 * read permission and works when greencrawl is imported from an `http:` URL; the worker inherits
 * the process's permissions, so `--allow-net=127.0.0.1` is all it needs to reach a local server.
 *
 * ## Transfer
 *
 * One SharedArrayBuffer (a 64-byte control area plus a 64 KiB data area) carries the worker's
 * answers; commands travel by `postMessage`. Bodies are pulled one chunk at a time (the worker
 * reads one chunk ahead), so a body of any size passes through a 64 KiB window and is never
 * buffered whole. `cancel()` tells the worker to abort the fetch and cancel the body reader.
 *
 * Each main→worker→main round trip costs two thread wake-ups, so frames are coalesced: the
 * answer to an open carries the headers plus whatever body is already there, flagged when that
 * is the whole body. A small page thus costs one round trip; `readChunk()` then returns the
 * buffered bytes and the end without asking the worker again. Measured on the project's shared,
 * busy 2-core machine, 200 sequential requests for a 10 KB page from a local server (medians of
 * 5 runs): with an instant endpoint about 250-360 µs per async request and 140-220 µs more per
 * blocking one (blocking/async 1.4-1.7); with a 5 ms endpoint 1.08; with a 20 ms endpoint
 * 1.02-1.04. The extra is the two thread wake-ups, which grow when threads slept longer. Spinning
 * before `Atomics.wait` was tried and made it slower on 2 cores.
 *
 * ## Deadlines
 *
 * The frozen main thread cannot run timers, so `timeout` is enforced with the timeout argument of
 * `Atomics.wait`: the deadline covers the whole exchange (headers and body). When it passes, the
 * worker is told to abort and the call rejects with the `TimeoutError`. The worker acknowledges
 * every cancellation; if it ever failed to within a few seconds, it would be terminated and a new
 * one created on the next call, so nothing hangs forever once a timeout is set. Without a
 * timeout, a blocking call waits as long as the server does (as `urlopen` without a timeout does).
 *
 * ## One blocking call at a time, several open bodies
 *
 * The thread is frozen during a blocking call, so only one call (an open or a chunk read) is ever
 * in flight. Open *bodies*, however, can be several: calling `openUrlBlocking` again while an
 * earlier response's body is unread neither cancels nor drains the earlier one, and does not
 * reject. Each open response keeps its own connection in the worker, exactly as each unpatched
 * `urlopen()` keeps its own socket, and its body can be read later. This is what the classic
 * gevent demo needs: tasks that `await openUrlBlocking(u)` and then `await resp.read()` yield
 * between the two calls, so the next task opens its URL before the first body is read.
 * (Cancelling the earlier body, or rejecting the new call, was considered and rejected: both
 * break that pattern, and draining would buffer bodies nobody may want.) The worker holds at most
 * about one chunk per open body; the rest waits in the connection. Read each body to the end or
 * `cancel()` it to release its connection promptly; a response object that is garbage-collected
 * with its body unfinished is cancelled then (FinalizationRegistry), like a socket closed by GC.
 *
 * ## Pitfall: a server in the same thread
 *
 * A blocking request to a server whose handlers run on the same (frozen) thread, such as a
 * `Deno.serve` started by the same script, cannot be answered until the call gives up: it
 * deadlocks until its timeout, just as an unpatched `urlopen` against a gevent server in the same
 * process would. Run such a server in a worker or another process.
 *
 * @example The contrast
 * ```ts ignore
 * import { openUrlAsync, openUrlBlocking } from "./blocking.ts";
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

import { Worker } from "node:worker_threads";
import {
  BLOCKING_WORKER_SOURCE,
  LAYOUT as L,
  type SerializedError,
  type WorkerCommand,
} from "./blocking_worker_source.ts";

/**
 * Options for one HTTP exchange.
 *
 * @example
 * ```ts
 * import type { OpenOptions } from "./blocking.ts";
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
 * import { openUrlAsync } from "./blocking.ts";
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
  /** The whole remaining body (like Python's resp.read()). */
  read(): Promise<Uint8Array>;
  /** Stop the download and release the connection; safe to call twice or after the end. */
  cancel(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const TIMEOUT_MESSAGE = "The operation was aborted due to timeout"; // fetch's own wording

function timeoutError(): DOMException {
  return new DOMException(TIMEOUT_MESSAGE, "TimeoutError");
}

/** Validates `timeout` (seconds) and returns milliseconds, or undefined for none (undefined or
 * Infinity). */
function timeoutMs(timeout: number | undefined): number | undefined {
  if (timeout === undefined || timeout === Infinity) return undefined;
  if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout < 0) {
    throw new RangeError(`timeout must be a number of seconds >= 0, got ${timeout}`);
  }
  return timeout * 1000;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** Runs `fn` now and returns its outcome as an already-settled promise. */
function settled<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Yielding mode

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

  async read(): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (let c = await this.readChunk(); c !== null; c = await this.readChunk()) {
      chunks.push(c);
      total += c.length;
    }
    return concat(chunks, total);
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
 * import { openUrlAsync } from "./blocking.ts";
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

// ---------------------------------------------------------------------------------------------
// Blocking mode: the channel to the worker

/** How long to wait for the worker to acknowledge a cancellation before replacing it. */
const ACK_WAIT_MS = 5000;

/** A (reassembled) frame from the worker. */
interface Frame {
  kind: number;
  payload: Uint8Array;
  /** The body ended with this frame. */
  end: boolean;
  /** HEAD: length of the JSON part (-1: all of it). */
  jsonLen: number;
}

const decoder = new TextDecoder();

function reviveError(s: SerializedError): Error {
  let e: Error;
  if (s.dom) {
    e = new DOMException(s.message, s.name);
  } else {
    const Ctor: ErrorConstructor = ({
      TypeError,
      RangeError,
      SyntaxError,
      ReferenceError,
      EvalError,
      URIError,
    } as Record<string, ErrorConstructor>)[s.name] ?? Error;
    e = new Ctor(s.message);
    if (e.name !== s.name) e.name = s.name;
  }
  if (s.cause) {
    Object.defineProperty(e, "cause", {
      value: reviveError(s.cause),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  return e;
}

class TimedOut {
  constructor(readonly id: number) {}
}

/** The worker plus the shared buffer; one per process (the thread is frozen while it works). */
class Channel {
  #worker: Worker | null = null;
  readonly #ctrl: Int32Array;
  readonly #data: Uint8Array;
  readonly #sab: SharedArrayBuffer;
  #nextId = 1;

  constructor() {
    this.#sab = new SharedArrayBuffer(L.DATA_OFFSET + L.DATA_BYTES);
    this.#ctrl = new Int32Array(this.#sab, 0, L.CTRL_INTS);
    this.#data = new Uint8Array(this.#sab, L.DATA_OFFSET, L.DATA_BYTES);
  }

  newId(): number {
    const id = this.#nextId;
    this.#nextId = id >= 0x7fffffff ? 1 : id + 1;
    return id;
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    Atomics.store(this.#ctrl, L.STATE, 0);
    const worker = new Worker(BLOCKING_WORKER_SOURCE, {
      eval: true,
      workerData: { sab: this.#sab, layout: L },
    });
    worker.unref(); // an idle worker must not keep the process alive
    const forget = () => {
      if (this.#worker === worker) this.#worker = null;
    };
    worker.on("error", forget);
    worker.on("exit", forget);
    this.#worker = worker;
    return worker;
  }

  #discardWorker(): void {
    const w = this.#worker;
    this.#worker = null;
    Atomics.store(this.#ctrl, L.STATE, 0);
    if (w) w.terminate().catch(() => {});
  }

  /** Takes the frame out of the buffer if one is there. */
  #take(): (Frame & { id: number; more: boolean }) | null {
    const ctrl = this.#ctrl;
    if (Atomics.load(ctrl, L.STATE) !== 1) return null;
    const id = ctrl[L.ID];
    const kind = ctrl[L.KIND];
    const len = ctrl[L.LEN];
    const more = ctrl[L.MORE] === 1;
    const end = ctrl[L.END] === 1;
    const jsonLen = ctrl[L.JSON_LEN];
    const payload = this.#data.slice(0, len); // a copy: the buffer is reused at once
    Atomics.store(ctrl, L.STATE, 0);
    Atomics.notify(ctrl, L.STATE);
    return { id, kind, more, end, jsonLen, payload };
  }

  /** Waits (frozen) for a frame answering `id`; null when `deadline` passes first. */
  #waitFrame(id: number, deadline: number | undefined) {
    for (;;) {
      // The deadline is checked before looking: an answer found after it passed (say, because
      // this thread was descheduled) counts as late, so `timeout: 0` always times out, as
      // AbortSignal.timeout(0) does in async mode.
      let wait = Infinity;
      if (deadline !== undefined) {
        wait = deadline - performance.now();
        if (wait <= 0) return null;
      }
      const f = this.#take();
      if (f) {
        if (f.id === id) return f;
        continue; // stale answer to a cancelled command
      }
      Atomics.wait(this.#ctrl, L.STATE, 0, wait);
    }
  }

  /**
   * Sends a command and blocks until its answer (reassembled when split). On deadline, cancels
   * the worker's operation and throws `TimedOut`.
   */
  exchange(cmd: WorkerCommand, deadline: number | undefined): Frame {
    const worker = this.#ensureWorker();
    worker.postMessage(cmd);
    let f = this.#waitFrame(cmd.id, deadline);
    if (!f) {
      this.abandon(cmd.id);
      throw new TimedOut(cmd.id);
    }
    if (!f.more) return f;
    const parts = [f.payload];
    let total = f.payload.length;
    while (f.more) {
      worker.postMessage({ t: "more", id: cmd.id } satisfies WorkerCommand);
      f = this.#waitFrame(cmd.id, deadline);
      if (!f) {
        this.abandon(cmd.id);
        throw new TimedOut(cmd.id);
      }
      parts.push(f.payload);
      total += f.payload.length;
    }
    return { kind: f.kind, payload: concat(parts, total), end: f.end, jsonLen: -1 };
  }

  /** Cancels operation `id` without waiting for an answer (for the garbage-collection hook). */
  drop(id: number): void {
    this.#worker?.postMessage({ t: "drop", id } satisfies WorkerCommand);
  }

  /** Tells the worker to drop operation `id` and waits (frozen, bounded) for its ACK. */
  abandon(id: number): void {
    const worker = this.#worker;
    if (!worker) return;
    worker.postMessage({ t: "cancel", id } satisfies WorkerCommand);
    const deadline = performance.now() + ACK_WAIT_MS;
    for (;;) {
      const f = this.#waitFrame(id, deadline);
      if (!f) {
        this.#discardWorker(); // unresponsive: a fresh worker will be created on the next call
        return;
      }
      if (f.kind === L.KIND_ACK) return;
    }
  }
}

let channel: Channel | null = null;

function getChannel(): Channel {
  return channel ??= new Channel();
}

/** Cancels the worker's side of a response that was garbage-collected with its body open. */
const unfinished = new FinalizationRegistry<number>((id) => channel?.drop(id));

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
    head: { status: number; url: string; headers: [string, string][] },
    initial: Uint8Array,
    ended: boolean,
    readonly deadline: number | undefined,
    readonly signal: AbortSignal | undefined,
  ) {
    this.status = head.status;
    this.url = head.url;
    this.headers = new Headers(head.headers);
    this.#buffered = initial.length > 0 ? initial : null;
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
        const err = reviveError(JSON.parse(decoder.decode(f.payload)));
        this.#release("failed", err);
        throw err;
      }
      default: {
        const err = new TypeError(`blocking worker sent an unexpected frame kind ${f.kind}`);
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
  if (f.kind === L.KIND_ERROR) throw reviveError(JSON.parse(decoder.decode(f.payload)));
  if (f.kind !== L.KIND_HEAD) {
    ch.abandon(id);
    throw new TypeError(`blocking worker sent an unexpected frame kind ${f.kind}`);
  }
  const jsonLen = f.jsonLen < 0 ? f.payload.length : f.jsonLen;
  const head = JSON.parse(decoder.decode(f.payload.subarray(0, jsonLen)));
  return new BlockingUrlResponse(
    id,
    head,
    f.payload.subarray(jsonLen),
    f.end,
    deadline,
    options.signal,
  );
}

/**
 * Blocking: the calling thread is frozen (`Atomics.wait`) until the headers arrive; every
 * `readChunk()` also blocks synchronously until the next chunk. Returns already-settled promises.
 * Like gevent's unpatched `urlopen`: no other task, timer or callback runs meanwhile. Several
 * responses may be open at once, each with its own connection, as sockets would be; read each
 * body to the end or `cancel()` it (see the module doc).
 *
 * @example Three "concurrent" blocking fetches run one after the other
 * ```ts ignore
 * import { openUrlBlocking } from "./blocking.ts";
 * const urls = ["http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b"];
 * await Promise.all(urls.map(async (u) => {
 *   console.log(`GET: ${u}`);
 *   const data = await (await openUrlBlocking(u, { timeout: 5 })).read();
 *   console.log(`${data.length} bytes received from ${u}.`);
 * })); // GET a, received a, GET b, received b
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
