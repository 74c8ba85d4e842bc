/**
 * `Timeout` and `withTimeout`: bound how long green code may block.
 *
 * As in gevent, a started `Timeout` belongs to the greenlet that started it. When it fires it
 * is thrown into that greenlet at its current green wait (or its next one), so a busy loop is
 * never interrupted. By default the error thrown is the `Timeout` itself, so nested timeouts
 * are told apart by identity: `catch (e) { if (e !== t) throw e; }`.
 *
 * Differences from gevent: JavaScript's `catch` catches everything (gevent's `Timeout` is a
 * `BaseException` that `except Exception` misses), so re-throw timeouts you do not own; and a
 * `using` block cannot swallow an exception, so gevent's `Timeout(s, False)` has no
 * equivalent — use `withTimeout({ seconds, timeoutValue }, fn)` instead.
 * @module
 */
import { current, type RawGreenlet } from "./hub.ts";

/**
 * A deadline for the greenlet that starts it.
 *
 * @example
 * ```ts
 * import { sleep, Timeout } from "../mod.ts";
 * const t = Timeout.startNew(0.01);
 * try {
 *   await sleep(1);
 * } catch (e) {
 *   console.log(e === t); // true
 * } finally {
 *   t.cancel();
 * }
 * ```
 */
export class Timeout extends Error {
  /** Seconds until it fires; `null` never fires. */
  readonly seconds: number | null;
  /** What is thrown when it fires (the `Timeout` itself when undefined). */
  readonly exception: unknown;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #owner: RawGreenlet | undefined;
  #controller: AbortController | undefined;
  #fired: unknown;

  /** Creates a timeout; it does nothing until {@linkcode Timeout.start}. */
  constructor(seconds: number | null = null, exception?: unknown) {
    super(seconds === null ? "timeout" : `${seconds} seconds`);
    this.name = "Timeout";
    this.seconds = seconds;
    this.exception = exception;
  }

  /**
   * Creates and starts a timeout; cancel it in a `finally` (or hold it with `using`).
   *
   * @param seconds Seconds until it fires; `null` never fires.
   * @param exception What to throw instead of the `Timeout`: an error instance or class.
   * @returns The started timeout.
   *
   * @example
   * ```ts
   * import { sleep, Timeout } from "../mod.ts";
   * {
   *   using _t = Timeout.startNew(5);
   *   await sleep(0.001); // finishes first; leaving the block cancels the timeout
   * }
   * ```
   */
  static startNew(seconds: number | null, exception?: unknown): Timeout {
    return new Timeout(seconds, exception).start();
  }

  /** Aborted when the timeout fires: pass it to `fetch` so the request stops too. */
  get signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }

  /** True while started and not yet fired or cancelled. */
  get pending(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Starts the countdown for the current greenlet (it is thrown into that greenlet, whoever
   * calls `start`). Starting a pending timeout, or one of `null` seconds, does nothing.
   *
   * @returns `this`, for `const t = new Timeout(s).start()`.
   *
   * @example
   * ```ts
   * import { sleep, spawn, Timeout } from "../mod.ts";
   * const g = spawn(async () => {
   *   const t = new Timeout(0.01).start(); // owned by g
   *   try {
   *     await sleep(1);
   *     return "slept";
   *   } catch (e) {
   *     if (e !== t) throw e;
   *     return "timed out";
   *   } finally {
   *     t.cancel();
   *   }
   * });
   * if ((await g.get()) !== "timed out") throw new Error("the timeout interrupted g");
   * ```
   */
  start(): this {
    if (this.#timer !== undefined || this.seconds === null) return this;
    const owner = current();
    this.#owner = owner;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const error = this.error();
      this.#fired = error;
      (this.#controller ??= new AbortController()).abort(error);
      owner.interrupt(error);
    }, Math.max(0, this.seconds * 1000));
    return this;
  }

  /**
   * The error this timeout throws when it fires: the `Timeout` itself, the given exception, or
   * a new instance of the given class.
   *
   * @returns The error.
   *
   * @example
   * ```ts
   * import { Timeout } from "../mod.ts";
   * class TooSlow extends Error {}
   * if (new Timeout(1).error() === undefined) throw new Error("never undefined");
   * if (!(new Timeout(1, TooSlow).error() instanceof TooSlow)) throw new Error("class");
   * const t = new Timeout(1);
   * if (t.error() !== t) throw new Error("by default, itself");
   * ```
   */
  error(): unknown {
    const e = this.exception;
    if (e === undefined || e === null) return this;
    if (typeof e === "function") return new (e as new () => unknown)();
    return e;
  }

  /**
   * Stops the countdown; an expiry not yet delivered is withdrawn. Safe to call twice.
   *
   * @example
   * ```ts
   * import { sleep, Timeout } from "../mod.ts";
   * const t = Timeout.startNew(0.01);
   * t.cancel();
   * if (t.pending) throw new Error("no longer pending");
   * await sleep(0.02); // would have been interrupted at 10 ms
   * ```
   */
  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#fired !== undefined) this.#owner?.withdraw(this.#fired);
  }

  /**
   * Same as {@linkcode Timeout.cancel} (gevent's name).
   *
   * @example
   * ```ts
   * import { Timeout } from "../mod.ts";
   * const t = Timeout.startNew(5);
   * t.close();
   * if (t.pending) throw new Error("closed");
   * ```
   */
  close(): void {
    this.cancel();
  }

  /**
   * Cancels, so `using t = Timeout.startNew(s)` ends with its block.
   *
   * @example
   * ```ts
   * import { Timeout } from "../mod.ts";
   * let held: Timeout;
   * {
   *   using t = Timeout.startNew(5);
   *   held = t;
   * }
   * if (held.pending) throw new Error("cancelled at the end of the block");
   * ```
   */
  [Symbol.dispose](): void {
    this.cancel();
  }

  /**
   * `"0.05 seconds"`, as gevent prints it (`"timeout"` for a `null` one).
   *
   * @returns The message.
   *
   * @example
   * ```ts
   * import { Timeout } from "../mod.ts";
   * if (String(new Timeout(0.05)) !== "0.05 seconds") throw new Error("gevent's text");
   * ```
   */
  override toString(): string {
    return this.message;
  }
}

/** The first argument of {@linkcode withTimeout}: seconds, or seconds and a fallback value. */
export type TimeoutSpec<V> = number | { seconds: number; timeoutValue: V };

/**
 * Runs `fn(...args)` in the current greenlet with a deadline: throws the `Timeout` when it
 * expires, or returns `timeoutValue` when one is given. The deadline also ends waits that are
 * not green: a plain `fetch` stops being awaited, though it runs on unless it was given a
 * signal (for example the greenlet's `signal`).
 *
 * @param spec Seconds, or `{ seconds, timeoutValue }` to return `timeoutValue` instead of
 * throwing.
 * @param fn The work.
 * @param args Its arguments.
 * @returns What `fn` returns, or `timeoutValue` when the deadline passed first.
 * @throws The `Timeout` when it expires and no `timeoutValue` was given; `fn`'s own errors.
 *
 * @example
 * ```ts
 * import { sleep, withTimeout } from "../mod.ts";
 * const r = await withTimeout({ seconds: 0.01, timeoutValue: "late" }, () => sleep(1));
 * console.log(r); // "late"
 * ```
 */
export async function withTimeout<R, A extends unknown[], V = never>(
  spec: TimeoutSpec<V>,
  fn: (...args: A) => R | Promise<R>,
  ...args: A
): Promise<R | V> {
  const seconds = typeof spec === "number" ? spec : spec.seconds;
  const t = Timeout.startNew(seconds);
  let stop: (() => void) | undefined;
  const expired = new Promise<never>((_, reject) => {
    const onAbort = () => reject(t.signal.reason);
    t.signal.addEventListener("abort", onAbort, { once: true });
    stop = () => t.signal.removeEventListener("abort", onAbort);
  });
  expired.catch(() => {}); // observed below; never unhandled
  try {
    return await Promise.race([Promise.resolve(fn(...args)), expired]);
  } catch (error) {
    if (error === t && typeof spec !== "number") return spec.timeoutValue;
    throw error;
  } finally {
    stop?.();
    t.cancel();
  }
}
