/**
 * `AsyncResult`: a value (or error) that one greenlet sets and others wait for.
 * @module
 */
import { Linkable } from "./linkable.ts";
import { Timeout } from "./timeout.ts";

/**
 * A settable result. `get()` returns the value or re-throws the stored error; setting again
 * overwrites (as in gevent). It is also a valid `link` target: `g.link(result)`.
 *
 * @example
 * ```ts
 * import { AsyncResult, spawn } from "../mod.ts";
 * const r = new AsyncResult<number>();
 * spawn(() => r.set(42));
 * console.log(await r.get()); // 42
 * ```
 */
export class AsyncResult<T = unknown> extends Linkable {
  #ready = false;
  #failed = false;
  #value: T | undefined;
  #exception: unknown;

  /** True once a value or an error was set. */
  ready(): boolean {
    return this.#ready;
  }
  /** True when a value (not an error) was set. */
  successful(): boolean {
    return this.#ready && !this.#failed;
  }
  /** The value set, if any. */
  get value(): T | undefined {
    return this.#value;
  }
  /** The error set, if any. */
  get exception(): unknown {
    return this.#exception;
  }

  /** Stores `value` and wakes the waiters. */
  set(value: T): void {
    this.#settle(false, value, undefined);
  }
  /** Stores an error and wakes the waiters. */
  setException(error: unknown): void {
    this.#settle(true, undefined, error);
  }

  #settle(failed: boolean, value: T | undefined, error: unknown): void {
    this.#ready = true;
    this.#failed = failed;
    this.#value = value;
    this.#exception = error;
    this.notifyReady();
  }

  /**
   * The value, or the stored error re-thrown; throws `Timeout` when not ready at once
   * (`block: false`) or within `timeout` seconds.
   */
  async get(options: { block?: boolean; timeout?: number } = {}): Promise<T> {
    if (!this.#ready) {
      if (options.block === false) throw new Timeout(0);
      if (!(await this.waitReady(options.timeout))) throw new Timeout(options.timeout ?? null);
    }
    if (this.#failed) throw this.#exception;
    return this.#value as T;
  }

  /** Same as `get({ block: false })`. */
  getNowait(): Promise<T> {
    return this.get({ block: false });
  }

  /** Waits until ready; resolves the value, or undefined on timeout or when an error is stored. */
  async wait(timeout?: number): Promise<T | undefined> {
    await this.waitReady(timeout);
    return this.#ready && !this.#failed ? this.#value : undefined;
  }
}
