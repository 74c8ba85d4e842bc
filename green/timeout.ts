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

  /** Starts the countdown for the current greenlet; returns `this`. */
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

  /** The error this timeout throws when it fires. */
  error(): unknown {
    const e = this.exception;
    if (e === undefined || e === null) return this;
    if (typeof e === "function") return new (e as new () => unknown)();
    return e;
  }

  /** Stops the countdown; an expiry not yet delivered is withdrawn. Safe to call twice. */
  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#fired !== undefined) this.#owner?.withdraw(this.#fired);
  }

  /** Same as {@linkcode Timeout.cancel}. */
  close(): void {
    this.cancel();
  }

  /** Cancels, so `using t = Timeout.startNew(s)` ends with its block. */
  [Symbol.dispose](): void {
    this.cancel();
  }

  /** `"0.05 seconds"`, as gevent prints it. */
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
