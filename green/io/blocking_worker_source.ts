/**
 * The worker half of `blocking_channel.ts`: the code that performs HTTP exchanges with `fetch()` on
 * a helper thread while the main thread is frozen in `Atomics.wait`. It is an ordinary typed
 * function ({@linkcode blockingWorkerMain}) shipped as its source text
 * ({@linkcode BLOCKING_WORKER_SOURCE}, from `Function.prototype.toString()`), so the worker starts
 * from `eval` source: no file is read, and it works when greencrawl is imported from a URL. The
 * function must therefore be self-contained: its parameters and globals only.
 *
 * The protocol: main sends {@linkcode WorkerCommand}s by `postMessage` (delivered while main is
 * frozen); the worker answers in frames written into the shared buffer ({@linkcode LAYOUT}), one
 * at a time: it writes id, kind, length and payload, sets `STATE` to 1 and notifies; main copies
 * the frame out, sets `STATE` back to 0 and notifies. Every command but `drop` gets exactly one
 * frame: `open` → HEAD or ERROR, `read` → CHUNK or ERROR, `more` → the next part of a HEAD/ERROR
 * too large for the buffer, `cancel` → ACK (even for an id the worker no longer knows). Several
 * operations may be open, but only one command is outstanding. After a missed deadline main sends
 * `cancel` and drains frames until the ACK; frames carry their command's id, so stale ones are
 * dropped. Per operation the worker reads one chunk ahead and puts what is already there into one
 * frame (headers with the first body bytes, several chunks, the `END` flag): why, and what it
 * costs, is in `docs/decisions.md`.
 * @module
 */

/**
 * Layout of the shared buffer: an Int32 control area followed by the data area.
 *
 * @example Allocating a buffer with this layout
 * ```ts
 * import { LAYOUT } from "./blocking_worker_source.ts";
 * const sab = new SharedArrayBuffer(LAYOUT.DATA_OFFSET + LAYOUT.DATA_BYTES);
 * const ctrl = new Int32Array(sab, 0, LAYOUT.CTRL_INTS);
 * console.log(Atomics.load(ctrl, LAYOUT.STATE)); // 0: empty
 * ```
 */
export const LAYOUT = {
  /** Number of Int32 slots in the control area. */
  CTRL_INTS: 8,
  /** Slot: 0 = empty (worker may write), 1 = full (main must read). */
  STATE: 0,
  /** Slot: id of the command this frame answers. */
  ID: 1,
  /** Slot: frame kind (one of the `KIND_*` values). */
  KIND: 2,
  /** Slot: payload length in bytes. */
  LEN: 3,
  /** Slot: 1 when the payload continues in further frames (main sends `more`). */
  MORE: 4,
  /** Slot: 1 when the body ended with this HEAD or CHUNK frame (the operation is over). */
  END: 5,
  /** Slot: in a HEAD frame, the length of the JSON part; body bytes follow it. -1 when the
   * frame is one part of a split head: then the whole (reassembled) payload is JSON. */
  JSON_LEN: 6,
  /** Frame kind: response head, JSON `{status, url, headers}`, then the body bytes that were
   * already available (possibly all of them, with `END` set). */
  KIND_HEAD: 1,
  /** Frame kind: raw body bytes (already decoded by fetch); empty only when `END` is set. */
  KIND_CHUNK: 2,
  /** Frame kind: an error, JSON of a serialized error (see `SerializedError`). */
  KIND_ERROR: 4,
  /** Frame kind: acknowledgement of `cancel` (no payload). */
  KIND_ACK: 5,
  /** Byte offset of the data area. */
  DATA_OFFSET: 64,
  /** Size of the data area: the largest payload of one frame. */
  DATA_BYTES: 64 * 1024,
} as const;

/** The layout type, passed to the worker function as a parameter (it cannot see module scope). */
export type Layout = typeof LAYOUT;

/**
 * A command sent from the main thread to the worker.
 *
 * @example An `open` command
 * ```ts
 * import type { WorkerCommand } from "./blocking_worker_source.ts";
 * const cmd: WorkerCommand = {
 *   t: "open", id: 1, url: "http://127.0.0.1:8000/", method: "GET", headers: [], redirect: "follow",
 * };
 * console.log(cmd.t);
 * ```
 */
export type WorkerCommand =
  | {
    t: "open";
    id: number;
    url: string;
    method: string;
    headers: [string, string][];
    redirect: "manual" | "follow";
  }
  | { t: "read"; id: number }
  | { t: "more"; id: number }
  | { t: "cancel"; id: number }
  | { t: "drop"; id: number };

/**
 * An error flattened for the trip between threads. `dom` marks a `DOMException`; `cause` is
 * serialized recursively (Deno's fetch puts the details of a network failure there).
 *
 * @example What a refused connection looks like
 * ```ts
 * import type { SerializedError } from "./blocking_worker_source.ts";
 * const e: SerializedError = {
 *   name: "TypeError", message: "fetch failed", dom: false,
 *   cause: { name: "Error", message: "tcp connect error: Connection refused", dom: false },
 * };
 * console.log(e.name);
 * ```
 */
export interface SerializedError {
  /** `error.name`, e.g. `"TypeError"` or `"TimeoutError"`. */
  name: string;
  /** `error.message`. */
  message: string;
  /** True when the error was a `DOMException`. */
  dom: boolean;
  /** The serialized `error.cause`, if it had one. */
  cause?: SerializedError;
}

/** The part of `node:worker_threads`' `parentPort` the worker uses. */
export interface WorkerPort {
  /** Registers the message listener. */
  on(event: "message", listener: (msg: WorkerCommand) => void): void;
}

/**
 * The worker's main function. Never called on the main thread: its source text is evaluated in
 * the worker (see {@linkcode BLOCKING_WORKER_SOURCE}). Self-contained on purpose.
 *
 * @example Running it in a worker by hand (this is what `green/blocking_channel.ts` does)
 * ```ts ignore
 * import { Worker } from "node:worker_threads";
 * import { BLOCKING_WORKER_SOURCE, LAYOUT } from "./blocking_worker_source.ts";
 * const sab = new SharedArrayBuffer(LAYOUT.DATA_OFFSET + LAYOUT.DATA_BYTES);
 * const worker = new Worker(BLOCKING_WORKER_SOURCE, {
 *   eval: true,
 *   workerData: { sab, layout: LAYOUT },
 * });
 * worker.unref();
 * ```
 */
export function blockingWorkerMain(port: WorkerPort, sab: SharedArrayBuffer, L: Layout): void {
  type ReadResult = { ok: true; done: boolean; value?: Uint8Array } | { ok: false; error: unknown };
  interface Op {
    id: number;
    ac: AbortController;
    reader: ReadableStreamDefaultReader<Uint8Array> | null;
    /** The read started ahead of main's request (settled, never rejects); null at the end. */
    next: Promise<ReadResult> | null;
    /** The unsent rest of a chunk that did not fit in the last frame. */
    leftover: Uint8Array | null;
    /** A body error met after some data was gathered: sent on the next `read`. */
    failed: { error: unknown } | null;
  }
  /** Body bytes gathered for one frame. */
  interface Gathered {
    parts: Uint8Array[];
    size: number;
    end: boolean;
  }

  const ctrl = new Int32Array(sab, 0, L.CTRL_INTS);
  const data = new Uint8Array(sab, L.DATA_OFFSET, L.DATA_BYTES);
  const encoder = new TextEncoder();
  const NOT_READY = Symbol("not ready");
  /** Open operations by id: one per response whose body main has not finished. */
  const ops = new Map<number, Op>();
  /** The unsent rest of a split HEAD/ERROR payload, sent on `more`. */
  let pendingOut: { id: number; kind: number; bytes: Uint8Array; off: number } | null = null;

  function writeFrame(
    id: number,
    kind: number,
    parts: Uint8Array[],
    flags: { more?: boolean; end?: boolean; jsonLen?: number } = {},
  ): void {
    // Main always drains the buffer while it waits for an answer, and it waits for the answer of
    // every command it sends, so the slot empties quickly. The bound only guards against a main
    // thread that is gone.
    let waited = 0;
    while (Atomics.load(ctrl, L.STATE) !== 0) {
      if (Atomics.wait(ctrl, L.STATE, 1, 1000) === "timed-out" && ++waited >= 60) return;
    }
    let len = 0;
    for (const part of parts) {
      data.set(part, len);
      len += part.length;
    }
    ctrl[L.ID] = id;
    ctrl[L.KIND] = kind;
    ctrl[L.LEN] = len;
    ctrl[L.MORE] = flags.more ? 1 : 0;
    ctrl[L.END] = flags.end ? 1 : 0;
    ctrl[L.JSON_LEN] = flags.jsonLen ?? 0;
    Atomics.store(ctrl, L.STATE, 1);
    Atomics.notify(ctrl, L.STATE);
  }

  /** Sends a JSON-ish payload, split over several frames when it exceeds the data area. */
  function sendBytes(id: number, kind: number, bytes: Uint8Array): void {
    if (bytes.length <= L.DATA_BYTES) {
      writeFrame(id, kind, [bytes], { jsonLen: -1 });
      return;
    }
    pendingOut = { id, kind, bytes, off: L.DATA_BYTES };
    writeFrame(id, kind, [bytes.subarray(0, L.DATA_BYTES)], { more: true, jsonLen: -1 });
  }

  function serializeError(e: unknown, depth = 0): SerializedError {
    if (e instanceof Error || e instanceof DOMException) {
      const out: SerializedError = {
        name: String(e.name),
        message: String(e.message),
        dom: e instanceof DOMException,
      };
      const cause = (e as { cause?: unknown }).cause;
      if (cause !== undefined && depth < 4) out.cause = serializeError(cause, depth + 1);
      return out;
    }
    return { name: "Error", message: String(e), dom: false };
  }

  function sendError(id: number, e: unknown): void {
    sendBytes(id, L.KIND_ERROR, encoder.encode(JSON.stringify(serializeError(e))));
  }

  function readAhead(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadResult> {
    return reader.read().then(
      (r): ReadResult => ({ ok: true, done: r.done, value: r.value }),
      (error): ReadResult => ({ ok: false, error }),
    );
  }

  /** `p`'s result if it settles within a few microtask turns, else NOT_READY. */
  function probe(p: Promise<ReadResult>): Promise<ReadResult | typeof NOT_READY> {
    let tick: Promise<typeof NOT_READY> = Promise.resolve(NOT_READY);
    for (let i = 0; i < 8; i++) tick = tick.then((v) => v);
    return Promise.race([p, tick]);
  }

  function finish(op: Op): void {
    ops.delete(op.id);
    try {
      op.reader?.releaseLock();
    } catch {
      // A read is still pending: nothing to release it from.
    }
  }

  /**
   * Gathers up to `room` body bytes. With `wait`, waits for at least one byte (or the end, or an
   * error); otherwise takes only what is already there. Returns null if the operation was
   * cancelled meanwhile. A read error ends the gathering and is left in `op.failed`.
   */
  async function gather(op: Op, room: number, wait: boolean): Promise<Gathered | null> {
    const g: Gathered = { parts: [], size: 0, end: false };
    const take = (v: Uint8Array) => {
      if (g.size + v.length > room) {
        op.leftover = v.subarray(room - g.size);
        v = v.subarray(0, room - g.size);
      } else {
        op.leftover = null;
      }
      g.parts.push(v);
      g.size += v.length;
    };
    if (op.leftover) take(op.leftover);
    while (g.size < room && !op.failed) {
      if (!op.next || !op.reader) {
        g.end = true;
        break;
      }
      let r: ReadResult | typeof NOT_READY;
      if (wait && g.size === 0) {
        r = await op.next;
      } else {
        r = await probe(op.next);
        if (r === NOT_READY) break;
      }
      if (ops.get(op.id) !== op) return null; // cancelled meanwhile
      if (!r.ok) {
        op.next = null;
        op.failed = { error: r.error };
        break;
      }
      if (r.done) {
        op.next = null;
        g.end = true;
        break;
      }
      op.next = readAhead(op.reader);
      if (r.value && r.value.length > 0) take(r.value);
    }
    return g;
  }

  async function open(cmd: Extract<WorkerCommand, { t: "open" }>): Promise<void> {
    const old = ops.get(cmd.id);
    if (old) cancelOp(old);
    const op: Op = {
      id: cmd.id,
      ac: new AbortController(),
      reader: null,
      next: null,
      leftover: null,
      failed: null,
    };
    ops.set(op.id, op);
    let resp: Response;
    try {
      resp = await fetch(cmd.url, {
        method: cmd.method,
        headers: cmd.headers,
        redirect: cmd.redirect,
        signal: op.ac.signal,
      });
    } catch (e) {
      if (ops.get(op.id) !== op) return; // cancelled meanwhile: main no longer waits for this
      ops.delete(op.id);
      sendError(op.id, e);
      return;
    }
    if (ops.get(op.id) !== op) {
      resp.body?.cancel().catch(() => {});
      return;
    }
    if (resp.body) {
      op.reader = resp.body.getReader();
      op.next = readAhead(op.reader);
    }
    const json = encoder.encode(
      JSON.stringify({ status: resp.status, url: resp.url, headers: [...resp.headers] }),
    );
    if (json.length > L.DATA_BYTES) {
      sendBytes(op.id, L.KIND_HEAD, json); // a huge head travels alone; the body follows on `read`
      return;
    }
    const g = await gather(op, L.DATA_BYTES - json.length, false);
    if (!g) return;
    if (g.end) finish(op);
    writeFrame(op.id, L.KIND_HEAD, [json, ...g.parts], { end: g.end, jsonLen: json.length });
  }

  async function read(id: number): Promise<void> {
    const op = ops.get(id);
    if (!op) {
      sendError(
        id,
        new DOMException("no open blocking response with this id", "InvalidStateError"),
      );
      return;
    }
    const g = await gather(op, L.DATA_BYTES, true);
    if (!g) return;
    if (g.size === 0 && op.failed) {
      finish(op);
      sendError(id, op.failed.error);
      return;
    }
    if (g.end) finish(op);
    writeFrame(id, L.KIND_CHUNK, g.parts, { end: g.end });
  }

  function more(id: number): void {
    const p = pendingOut;
    if (!p || p.id !== id) {
      sendError(id, new DOMException("no continuation for this id", "InvalidStateError"));
      return;
    }
    const end = Math.min(p.off + L.DATA_BYTES, p.bytes.length);
    const part = p.bytes.subarray(p.off, end);
    p.off = end;
    const last = end >= p.bytes.length;
    if (last) pendingOut = null;
    writeFrame(id, p.kind, [part], { more: !last, jsonLen: -1 });
  }

  function cancelOp(op: Op): void {
    if (ops.get(op.id) === op) ops.delete(op.id);
    op.ac.abort();
    op.leftover = null;
    op.reader?.cancel().catch(() => {});
  }

  port.on("message", (cmd: WorkerCommand) => {
    let work: Promise<void> | undefined;
    try {
      switch (cmd.t) {
        case "open":
          work = open(cmd);
          break;
        case "read":
          work = read(cmd.id);
          break;
        case "more":
          more(cmd.id);
          break;
        case "cancel":
        case "drop": {
          const op = ops.get(cmd.id);
          if (op) cancelOp(op);
          if (pendingOut && pendingOut.id === cmd.id) pendingOut = null;
          if (cmd.t === "cancel") writeFrame(cmd.id, L.KIND_ACK, []);
          break;
        }
      }
    } catch (e) {
      sendError(cmd.id, e);
    }
    // The async handlers catch their own failures; this only guards against a bug in them, which
    // would otherwise leave main waiting for an answer that never comes.
    work?.catch((e) => sendError(cmd.id, e));
  });
}

/**
 * Source text for `new Worker(src, { eval: true, workerData: { sab, layout } })` from
 * `node:worker_threads`: loads `parentPort`/`workerData` and runs {@linkcode blockingWorkerMain}.
 *
 * @example
 * ```ts
 * import { BLOCKING_WORKER_SOURCE } from "./blocking_worker_source.ts";
 * console.log(BLOCKING_WORKER_SOURCE.includes("parentPort")); // true
 * ```
 */
export const BLOCKING_WORKER_SOURCE: string =
  `"use strict";\nconst { parentPort, workerData } = require("node:worker_threads");\n(${blockingWorkerMain.toString()})(parentPort, workerData.sab, workerData.layout);\n`;
