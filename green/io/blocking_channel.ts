/**
 * The main thread's side of the blocking opener's link to its helper thread ({@linkcode Channel}):
 * one `node:worker_threads` worker, created on the first blocking call, reused, started from
 * source text and unref'd (it never keeps the process alive); one SharedArrayBuffer (a 64-byte
 * control area and a 64 KiB data window) through which its answers come, one chunk of a body at a
 * time; and the deadline of each call, enforced with `Atomics.wait`'s timeout because the frozen
 * thread runs no timers. A worker that fails to acknowledge a cancellation is replaced. The
 * protocol and the worker's side are in `blocking_worker_source.ts`, the opener in `blocking.ts`;
 * the measurements behind this design are in `docs/decisions.md`.
 * @module
 */

import { Worker } from "node:worker_threads";
import {
  BLOCKING_WORKER_SOURCE,
  LAYOUT as L,
  type SerializedError,
  type WorkerCommand,
} from "./blocking_worker_source.ts";
import { concat } from "./url_response.ts";

/** How long to wait for the worker to acknowledge a cancellation before replacing it. */
const ACK_WAIT_MS = 5000;

/**
 * A (reassembled) frame from the worker; `kind` is one of `LAYOUT.KIND_*`.
 *
 * @example Telling a frame's kind
 * ```ts
 * import type { Frame } from "./blocking_channel.ts";
 * import { LAYOUT } from "./blocking_worker_source.ts";
 * const f: Frame = { kind: LAYOUT.KIND_CHUNK, payload: new Uint8Array(3), end: true, jsonLen: -1 };
 * console.log(f.kind === LAYOUT.KIND_CHUNK && f.end); // true: the last chunk of a body
 * ```
 */
export interface Frame {
  /** What the frame carries: `LAYOUT.KIND_HEAD`, `KIND_CHUNK`, `KIND_ERROR` or `KIND_ACK`. */
  kind: number;
  /** The frame's bytes. */
  payload: Uint8Array;
  /** The body ended with this frame. */
  end: boolean;
  /** HEAD: length of the JSON part (-1: all of it). */
  jsonLen: number;
}

/**
 * The status line and headers a HEAD frame carries.
 *
 * @example
 * ```ts
 * import type { Head } from "./blocking_channel.ts";
 * const headers: [string, string][] = [["content-type", "text/html"]];
 * const head: Head = { status: 200, url: "http://127.0.0.1/", headers };
 * console.log(new Headers(head.headers).get("content-type")); // "text/html"
 * ```
 */
export interface Head {
  /** HTTP status code. */
  status: number;
  /** Final URL (after redirects, when they are followed). */
  url: string;
  /** Response headers as name/value pairs. */
  headers: [string, string][];
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

/**
 * The error an ERROR frame carries, revived as the kind of error it was in the worker (a
 * `TypeError`, a `DOMException` such as `"AbortError"`, ...), with its `cause` chain.
 *
 * @example
 * ```ts
 * import { frameError } from "./blocking_channel.ts";
 * import { LAYOUT } from "./blocking_worker_source.ts";
 * const json = JSON.stringify({ name: "TypeError", message: "fetch failed" });
 * const payload = new TextEncoder().encode(json);
 * console.log(frameError({ kind: LAYOUT.KIND_ERROR, payload, end: false, jsonLen: -1 }).name);
 * // "TypeError"
 * ```
 */
export function frameError(frame: Frame): Error {
  return reviveError(JSON.parse(decoder.decode(frame.payload)));
}

/**
 * Splits a HEAD frame into the status line and headers, and the body bytes that came with them.
 *
 * @example
 * ```ts
 * import { frameHead } from "./blocking_channel.ts";
 * import { LAYOUT } from "./blocking_worker_source.ts";
 * const json = JSON.stringify({ status: 200, url: "http://127.0.0.1/", headers: [] });
 * const payload = new TextEncoder().encode(json + "hello");
 * const frame = { kind: LAYOUT.KIND_HEAD, payload, end: true, jsonLen: json.length };
 * const { head, body } = frameHead(frame);
 * console.log(head.status, body.length); // 200 5
 * ```
 */
export function frameHead(frame: Frame): { head: Head; body: Uint8Array } {
  const jsonLen = frame.jsonLen < 0 ? frame.payload.length : frame.jsonLen;
  const head = JSON.parse(decoder.decode(frame.payload.subarray(0, jsonLen)));
  return { head, body: frame.payload.subarray(jsonLen) };
}

/**
 * The error for a frame whose kind the receiver did not expect (a protocol bug).
 *
 * @example
 * ```ts
 * import { unexpectedFrame } from "./blocking_channel.ts";
 * const f = { kind: 99, payload: new Uint8Array(), end: false, jsonLen: -1 };
 * console.log(unexpectedFrame(f).message); // "blocking worker sent an unexpected frame kind 99"
 * ```
 */
export function unexpectedFrame(frame: Frame): TypeError {
  return new TypeError(`blocking worker sent an unexpected frame kind ${frame.kind}`);
}

/**
 * Thrown by {@linkcode Channel.exchange} when the deadline passed; the worker's operation has
 * been cancelled by then.
 *
 * @example
 * ```ts ignore
 * import { getChannel, TimedOut } from "./blocking_channel.ts";
 * try {
 *   getChannel().exchange({ t: "read", id: 1 }, performance.now());
 * } catch (e) {
 *   console.log(e instanceof TimedOut); // true: the deadline had already passed
 * }
 * ```
 */
export class TimedOut {
  /** @param id The command that timed out. */
  constructor(readonly id: number) {}
}

/**
 * The worker plus the shared buffer; one per process (the thread is frozen while it works), got
 * with {@linkcode getChannel}.
 *
 * @example One open, its whole body in the answer
 * ```ts ignore
 * import { frameHead, getChannel } from "./blocking_channel.ts";
 * const ch = getChannel();
 * const id = ch.newId();
 * const f = ch.exchange({
 *   t: "open", id, url: "http://127.0.0.1:8000/", method: "GET", headers: [], redirect: "follow",
 * }, performance.now() + 5000);
 * console.log(frameHead(f).head.status, f.end);
 * ```
 */
export class Channel {
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

  /** A fresh operation id (positive, wrapping around). */
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
      // The default copies process.env into the worker, which asks for --allow-env (a prompt
      // on a terminal). The worker needs no environment.
      env: {},
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

/**
 * The process's one {@linkcode Channel}, created on first use (its worker starts on the first
 * exchange).
 *
 * @example
 * ```ts
 * import { getChannel } from "./blocking_channel.ts";
 * console.log(getChannel() === getChannel()); // true
 * ```
 */
export function getChannel(): Channel {
  return channel ??= new Channel();
}
