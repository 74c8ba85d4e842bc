/**
 * The hub: the one small piece every green primitive stands on.
 *
 * gevent runs greenlets on a hub that switches between them whenever one blocks. Deno already
 * has an event loop, so greencrawl's hub is much thinner. It has three jobs:
 *
 * 1. **Who is running?** Each greenlet runs inside an `AsyncLocalStorage` context, so
 *    {@linkcode current} knows which greenlet an `await` belongs to (code outside any greenlet
 *    belongs to {@linkcode MAIN}).
 * 2. **Blocking that can be interrupted.** Every green primitive (sleep, queue get/put, event
 *    wait, join, pool spawn, green I/O) waits through {@linkcode block}. A kill or a `Timeout`
 *    then rejects exactly the wait the greenlet is blocked in, so its `finally` blocks run, as
 *    when gevent throws into a greenlet.
 * 3. **Switches happen on the event loop, not between microtasks.** Greenlet starts and
 *    `sleep(0)` go through {@linkcode schedule}: one `setImmediate` each, FIFO.
 *    A greenlet therefore runs until it meets a real wait (a timer, I/O, a green primitive
 *    that is not ready), as in gevent; an `await` of a settled promise does not hand control
 *    to another greenlet, which is what makes unpatched (blocking) I/O behave as in Python.
 * 4. **Failures are reported, never fatal.** {@linkcode reportFailure} prints gevent's
 *    "... failed with X" line instead of letting an unhandled rejection kill the process.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { setImmediate } from "node:timers";

const storage = new AsyncLocalStorage<RawGreenlet>();
const NONE: unique symbol = Symbol("none");

/** A pending wait that an interrupt can cancel. */
interface Waiter {
  cancel(reason: unknown): void;
}

/**
 * A line of execution that green primitives can interrupt: the base of `Greenlet`, and the
 * type of {@linkcode MAIN} (gevent's `getcurrent()` in the main program is likewise a raw
 * greenlet, not a `gevent.Greenlet`).
 *
 * @example
 * ```ts
 * import { getcurrent } from "./greenlet.ts";
 * console.log(getcurrent().name); // "main" outside any greenlet
 * ```
 */
export class RawGreenlet {
  #name: string | undefined;
  #waiters: Set<Waiter> | undefined;
  #pending: unknown[] | undefined; // interrupts not delivered yet, oldest first

  /** Creates a raw greenlet; `name` is fixed when given. */
  constructor(name?: string) {
    this.#name = name;
  }

  /** The greenlet's name (gevent: `Greenlet-<n>` by default). */
  get name(): string {
    return this.#name ?? this.defaultName();
  }
  set name(value: string) {
    this.#name = value;
  }

  /** The name used when none was assigned. */
  protected defaultName(): string {
    return "RawGreenlet";
  }

  /**
   * Delivers `reason` to this greenlet the way gevent throws into a greenlet: every green
   * wait it is blocked in rejects with `reason` now; if it is not blocked in one, the next
   * green wait it starts rejects instead (one-shot). Interrupts that arrive while none can be
   * delivered queue up in order, as gevent's throws do: a `Timeout` firing after a kill must
   * not replace (and so lose) the kill.
   */
  interrupt(reason: unknown): void {
    const waiters = this.#waiters;
    if (waiters !== undefined && waiters.size > 0) {
      this.#waiters = undefined;
      for (const w of waiters) w.cancel(reason);
    } else {
      (this.#pending ??= []).push(reason);
    }
  }

  /** Withdraws an interrupt that has not been delivered yet (a cancelled `Timeout`). */
  withdraw(reason: unknown): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    const i = pending.indexOf(reason);
    if (i >= 0) pending.splice(i, 1);
  }

  /** @internal Registers a wait; returns a pending interrupt instead when one is queued. */
  enter(waiter: Waiter): unknown {
    const pending = this.#pending;
    if (pending !== undefined && pending.length > 0) return pending.shift();
    (this.#waiters ??= new Set()).add(waiter);
    return NONE;
  }

  /** @internal Unregisters a finished wait. */
  leave(waiter: Waiter): void {
    this.#waiters?.delete(waiter);
  }

  /** @internal Runs `fn(...args)` with this greenlet as the current one. */
  runAs<R, A extends unknown[]>(fn: (...args: A) => R, ...args: A): R {
    return storage.run(this, fn, ...args);
  }
}

/**
 * The main program's greenlet: what {@linkcode current} returns outside any spawned greenlet.
 *
 * @example
 * ```ts
 * import { current, MAIN } from "./hub.ts";
 * console.log(current() === MAIN); // true
 * ```
 */
export const MAIN: RawGreenlet = new RawGreenlet("main");

/**
 * The greenlet whose code is running now (gevent's `getcurrent()`).
 *
 * @example
 * ```ts
 * import { current } from "./hub.ts";
 * console.log(current().name); // "main"
 * ```
 */
export function current(): RawGreenlet {
  return storage.getStore() ?? MAIN;
}

/**
 * Runs `callback` in its own turn of the event loop, after every callback scheduled before it
 * (FIFO), with timers and I/O able to run in between. Its own turn matters: the microtasks of
 * one greenlet (the continuations of its `await`s on settled promises) all run before the next
 * scheduled greenlet starts, so a greenlet switches only where it really waits.
 *
 * @example
 * ```ts
 * import { schedule } from "./hub.ts";
 * schedule(() => console.log("second"));
 * console.log("first");
 * ```
 */
export function schedule(callback: () => void): void {
  setImmediate(runScheduled, callback);
}

/**
 * Like {@linkcode schedule}, calling `fn(arg)`: no closure per call (spawning 100,000 greenlets
 * allocates 100,000 fewer functions).
 *
 * @example
 * ```ts
 * import { scheduleCall } from "./hub.ts";
 * scheduleCall((name: string) => console.log(`hello ${name}`), "world");
 * ```
 */
export function scheduleCall<A>(fn: (arg: A) => void, arg: A): void {
  setImmediate(runScheduledCall, fn, arg);
}

function runScheduled(callback: () => void): void {
  try {
    callback();
  } catch (error) {
    reportFailure(MAIN, error, "scheduled callback");
  }
}

function runScheduledCall<A>(fn: (arg: A) => void, arg: A): void {
  try {
    fn(arg);
  } catch (error) {
    reportFailure(MAIN, error, "scheduled callback");
  }
}

/** Resolves or rejects a {@linkcode block}ed wait; returns an optional clean-up function. */
export type WaitSetup<T> = (
  resolve: (value: T) => void,
  reject: (reason: unknown) => void,
) => (() => void) | void;

/**
 * Waits for `setup` to settle, as the current greenlet, so that a kill or a `Timeout` can
 * interrupt the wait: the returned promise then rejects with the interrupt and `setup`'s
 * clean-up runs (a queue forgets the getter, a timer is cleared, a request is aborted).
 *
 * With `timeout` (seconds), the wait ends after that long with `onTimeout()`'s value (or its
 * exception).
 *
 * @example
 * ```ts
 * import { block } from "./hub.ts";
 * // A green sleep: interruptible, and the timer is cleared when interrupted.
 * await block<void>((resolve) => {
 *   const id = setTimeout(resolve, 10);
 *   return () => clearTimeout(id);
 * });
 * ```
 */
export function block<T>(
  setup: WaitSetup<T>,
  timeout?: number | null,
  onTimeout?: () => T,
): Promise<T> {
  const g = current();
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let cleanup: (() => void) | void = undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      g.leave(waiter);
      if (cleanup) cleanup();
    };
    const waiter: Waiter = {
      cancel(reason) {
        if (done) return;
        finish();
        reject(reason);
      },
    };
    const pending = g.enter(waiter);
    if (pending !== NONE) {
      done = true;
      reject(pending);
      return;
    }
    try {
      cleanup = setup(
        (value) => {
          if (done) return;
          finish();
          resolve(value);
        },
        (reason) => {
          if (done) return;
          finish();
          reject(reason);
        },
      );
    } catch (error) {
      finish();
      reject(error);
      return;
    }
    if (done) {
      // setup settled synchronously: its clean-up (returned afterwards) still has to run.
      if (cleanup) cleanup();
      return;
    }
    if (timeout !== undefined && timeout !== null) {
      timer = setTimeout(() => {
        if (done) return;
        finish();
        try {
          resolve(onTimeout ? onTimeout() : (undefined as T));
        } catch (error) {
          reject(error);
        }
      }, Math.max(0, timeout * 1000));
    }
  });
}

/** Receives every greenlet failure; the default prints gevent's report on stderr. */
export type FailureHandler = (greenlet: RawGreenlet, error: unknown, description: string) => void;

function printFailure(_greenlet: RawGreenlet, error: unknown, description: string): void {
  const detail = error instanceof Error && error.stack ? error.stack : String(error);
  const kind = error instanceof Error ? error.name : typeof error;
  console.error(`${detail}\n${new Date().toISOString()} ${description} failed with ${kind}\n`);
}

let failureHandler: FailureHandler = printFailure;

/**
 * Replaces the failure handler (for tests, or to route reports into a logger); returns a
 * function that restores the previous one.
 *
 * @example
 * ```ts
 * import { setFailureHandler } from "./hub.ts";
 * const seen: string[] = [];
 * const restore = setFailureHandler((_g, _e, d) => seen.push(d));
 * restore();
 * ```
 */
export function setFailureHandler(handler: FailureHandler): () => void {
  const previous = failureHandler;
  failureHandler = handler;
  return () => {
    failureHandler = previous;
  };
}

/**
 * Reports a greenlet failure once (gevent's hub prints the traceback and
 * `<timestamp> <Greenlet ...> failed with X`). A failing handler cannot crash the process.
 *
 * @example
 * ```ts
 * import { MAIN, reportFailure } from "./hub.ts";
 * reportFailure(MAIN, new Error("boom"), '<Greenlet "demo">');
 * ```
 */
export function reportFailure(greenlet: RawGreenlet, error: unknown, description: string): void {
  try {
    failureHandler(greenlet, error, description);
  } catch (handlerError) {
    printFailure(greenlet, handlerError, "failure handler");
  }
}
