/**
 * The hub: the one small piece every green primitive stands on. gevent switches greenlets on a
 * hub of its own; Deno already has an event loop, so this hub only has four jobs:
 *
 * 1. Knowing who is running: {@linkcode current} (an `AsyncLocalStorage` context per greenlet,
 *    {@linkcode MAIN} outside any).
 * 2. Making every green wait interruptible: {@linkcode block} and {@linkcode waitFor}. A kill or a
 *    `Timeout` rejects exactly the wait the greenlet is blocked in, so its `finally` blocks run.
 * 3. Starting greenlets and `sleep(0)` turns on the event loop: {@linkcode schedule}, one
 *    `setImmediate` each, FIFO. A greenlet switches only where it really waits, never at an
 *    `await` of a settled promise (why: `docs/decisions.md`).
 * 4. Reporting failures instead of crashing: {@linkcode reportFailure}.
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
  /** The wait it is blocked in: almost always the only one, so no set is touched for it. */
  #waiter: Waiter | undefined;
  /** Waits begun while `#waiter` was taken (`Promise.all` of green waits), oldest first. */
  #others: Set<Waiter> | undefined;
  #pending: unknown[] | undefined; // interrupts not delivered yet, oldest first

  /** Creates a raw greenlet; `name` is fixed when given. */
  constructor(name?: string) {
    this.#name = name;
  }

  /** The greenlet's name (gevent: `Greenlet-<n>` by default). */
  get name(): string {
    return this.#name ?? this.defaultName();
  }
  /** Renames the greenlet (as gevent's `g.name = ...`). */
  set name(value: string) {
    this.#name = value;
  }

  /**
   * The name used when none was assigned; subclasses override it.
   *
   * @returns `"RawGreenlet"` here, `Greenlet-<n>` for a `Greenlet`.
   *
   * @example
   * ```ts
   * import { RawGreenlet } from "./hub.ts";
   * class Worker extends RawGreenlet {
   *   protected override defaultName(): string {
   *     return "worker";
   *   }
   * }
   * if (new Worker().name !== "worker") throw new Error("the default name");
   * if (new Worker("w1").name !== "w1") throw new Error("an assigned name wins");
   * ```
   */
  protected defaultName(): string {
    return "RawGreenlet";
  }

  /**
   * Delivers `reason` to this greenlet the way gevent throws into a greenlet: every green
   * wait it is blocked in rejects with `reason` now; if it is not blocked in one, the next
   * green wait it starts rejects instead (one-shot). Interrupts that arrive while none can be
   * delivered queue up in order, as gevent's throws do: a `Timeout` firing after a kill must
   * not replace (and so lose) the kill.
   *
   * @param reason What the interrupted wait rejects with (a `GreenletExit`, a `Timeout`).
   *
   * @example
   * ```ts
   * import { block, RawGreenlet } from "./hub.ts";
   * const g = new RawGreenlet("worker");
   * const waiting = g.runAs(() => block<void>(() => {})); // blocks until interrupted
   * g.interrupt(new Error("stop"));
   * const outcome = await waiting.then(() => "resolved", (e: Error) => e.message);
   * if (outcome !== "stop") throw new Error("the wait rejects with the reason");
   * ```
   */
  interrupt(reason: unknown): void {
    if (!this.#blocked()) {
      (this.#pending ??= []).push(reason);
      return;
    }
    const waiter = this.#waiter;
    const others = this.#others;
    this.#waiter = undefined;
    this.#others = undefined;
    waiter?.cancel(reason);
    if (others !== undefined) { for (const w of others) w.cancel(reason); }
  }

  /**
   * Withdraws an interrupt that has not been delivered yet (a cancelled `Timeout`).
   *
   * @param reason The value given to {@linkcode RawGreenlet.interrupt}; compared by identity.
   *
   * @example
   * ```ts
   * import { block, RawGreenlet } from "./hub.ts";
   * const g = new RawGreenlet();
   * const reason = new Error("late");
   * g.interrupt(reason); // not blocked: queued for its next wait
   * g.withdraw(reason);
   * const r = await g.runAs(() => block<string>(() => {}, 0.001, () => "timed out"));
   * if (r !== "timed out") throw new Error("the withdrawn interrupt is not delivered");
   * ```
   */
  withdraw(reason: unknown): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    const i = pending.indexOf(reason);
    if (i >= 0) pending.splice(i, 1);
  }

  /**
   * @internal Registers a wait (`block` and `waitFor` call this; user code should not).
   *
   * @param waiter The wait; its `cancel(reason)` is called by an interrupt.
   * @returns The oldest queued interrupt, which the wait must reject with at once (the waiter is
   * then not registered); otherwise a private "none" marker.
   *
   * @example
   * ```ts
   * import { RawGreenlet } from "./hub.ts";
   * const g = new RawGreenlet();
   * const reason = new Error("stop");
   * g.interrupt(reason); // not blocked: queued
   * if (g.enter({ cancel() {} }) !== reason) throw new Error("the next wait gets it");
   * ```
   */
  enter(waiter: Waiter): unknown {
    const pending = this.#pending;
    if (pending !== undefined && pending.length > 0) return pending.shift();
    // The slot is only taken when no other wait is registered, so it always holds the oldest.
    if (!this.#blocked()) this.#waiter = waiter;
    else (this.#others ??= new Set()).add(waiter);
    return NONE;
  }

  /** Whether any wait is registered. */
  #blocked(): boolean {
    return this.#waiter !== undefined || (this.#others !== undefined && this.#others.size > 0);
  }

  /**
   * @internal Unregisters a finished wait (`block` and `waitFor` call this; user code should
   * not).
   *
   * @param waiter The wait given to {@linkcode RawGreenlet.enter}.
   *
   * @example
   * ```ts
   * import { RawGreenlet } from "./hub.ts";
   * const g = new RawGreenlet();
   * let cancelled = false;
   * const waiter = { cancel: () => (cancelled = true) };
   * g.enter(waiter);
   * g.leave(waiter);
   * g.interrupt(new Error("stop")); // queued for the next wait, not delivered to this one
   * if (cancelled) throw new Error("a finished wait is not interrupted");
   * ```
   */
  leave(waiter: Waiter): void {
    if (this.#waiter === waiter) this.#waiter = undefined;
    else this.#others?.delete(waiter);
  }

  /**
   * @internal Runs `fn(...args)` with this greenlet as the current one (`Greenlet` runs its
   * work this way); waits begun inside belong to this greenlet.
   *
   * @param fn The function to call.
   * @param args Its arguments.
   * @returns What `fn` returns.
   *
   * @example
   * ```ts
   * import { current, RawGreenlet } from "./hub.ts";
   * const g = new RawGreenlet("helper");
   * if (g.runAs(() => current().name) !== "helper") throw new Error("current() inside");
   * if (current().name !== "main") throw new Error("and main again outside");
   * ```
   */
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
  return new Promise<T>((resolve, reject) => {
    const wait = Wait.start(resolve, reject);
    if (wait === null) return;
    try {
      wait.cleanup = setup((value) => wait.resolve(value), (reason) => wait.reject(reason));
    } catch (error) {
      wait.reject(error);
      return;
    }
    if (wait.done) {
      // setup settled synchronously: its clean-up (returned afterwards) still has to run.
      wait.cleanup?.();
      return;
    }
    if (timeout !== undefined && timeout !== null) {
      wait.timer = setTimeout(() => wait.expire(onTimeout), Math.max(0, timeout * 1000));
    }
  });
}

/**
 * Awaits `work` as the current greenlet: like {@linkcode block}, a kill or a `Timeout` rejects
 * the wait at once, and then `onInterrupt` stops the work (green I/O aborts its request). The
 * lean form of `block` for a promise already under way: green I/O waits twice per page.
 *
 * @example
 * ```ts
 * import { waitFor } from "./hub.ts";
 * const controller = new AbortController();
 * console.log(await waitFor(Promise.resolve(42), () => controller.abort())); // 42
 * ```
 */
export function waitFor<T>(work: Promise<T>, onInterrupt: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const wait = Wait.start(resolve, reject);
    if (wait === null) {
      work.catch(ignore); // its outcome has no reader now: a stopped request rejects
      onInterrupt();
      return;
    }
    wait.cleanup = onInterrupt; // runs only when the wait ends before the work does
    work.then((value) => {
      wait.cleanup = undefined;
      wait.resolve(value);
    }, (reason) => {
      wait.cleanup = undefined;
      wait.reject(reason);
    });
  });
}

function ignore(): void {}

/**
 * One green wait: settles once, by its work, its timeout or an interrupt, and then leaves its
 * greenlet, clears its timer and runs its clean-up. One object per wait instead of a closure
 * per way it can end.
 */
class Wait<T> implements Waiter {
  done = false;
  cleanup: (() => void) | void = undefined;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  readonly #g: RawGreenlet;
  readonly #resolve: (value: T) => void;
  readonly #reject: (reason: unknown) => void;

  constructor(g: RawGreenlet, resolve: (value: T) => void, reject: (reason: unknown) => void) {
    this.#g = g;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /**
   * Begins a wait of the current greenlet; null when an interrupt was already queued for it,
   * which then rejects the wait at once.
   */
  static start<T>(resolve: (value: T) => void, reject: (reason: unknown) => void): Wait<T> | null {
    const g = current();
    const wait = new Wait<T>(g, resolve, reject);
    const pending = g.enter(wait);
    if (pending === NONE) return wait;
    wait.done = true;
    reject(pending);
    return null;
  }

  /** Ends the wait; false when it had already ended. */
  #finish(): boolean {
    if (this.done) return false;
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.#g.leave(this);
    const cleanup = this.cleanup;
    if (cleanup) cleanup();
    return true;
  }

  resolve(value: T): void {
    if (this.#finish()) this.#resolve(value);
  }

  reject(reason: unknown): void {
    if (this.#finish()) this.#reject(reason);
  }

  cancel(reason: unknown): void {
    this.reject(reason);
  }

  /** The timeout: ends the wait with `onTimeout()`'s value, or its exception. */
  expire(onTimeout: (() => T) | undefined): void {
    if (!this.#finish()) return;
    let value: T;
    try {
      value = onTimeout ? onTimeout() : (undefined as T);
    } catch (error) {
      this.#reject(error);
      return;
    }
    this.#resolve(value);
  }
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
