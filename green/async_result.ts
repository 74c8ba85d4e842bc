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

  /**
   * True once a value or an error was set.
   *
   * @returns Whether `get()` returns (or throws) at once.
   *
   * @example
   * ```ts
   * import { AsyncResult } from "../mod.ts";
   * const r = new AsyncResult();
   * if (r.ready()) throw new Error("nothing set yet");
   * r.setException(new Error("x"));
   * if (!r.ready()) throw new Error("an error makes it ready too");
   * ```
   */
  ready(): boolean {
    return this.#ready;
  }
  /**
   * True when a value (not an error) was set.
   *
   * @returns False before anything was set, and after `setException`.
   *
   * @example
   * ```ts
   * import { AsyncResult } from "../mod.ts";
   * const r = new AsyncResult<number>();
   * r.set(1);
   * if (!r.successful()) throw new Error("a value was set");
   * r.setException(new Error("x"));
   * if (r.successful()) throw new Error("the error overwrote it");
   * ```
   */
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

  /**
   * Stores `value` and wakes the waiters; setting again overwrites.
   *
   * @param value The result.
   *
   * @example
   * ```ts
   * import { AsyncResult } from "../mod.ts";
   * const r = new AsyncResult<string>();
   * r.set("first");
   * r.set("second");
   * if ((await r.get()) !== "second") throw new Error("the last set wins");
   * ```
   */
  set(value: T): void {
    this.#settle(false, value, undefined);
  }
  /**
   * Stores an error and wakes the waiters; `get()` re-throws it.
   *
   * @param error The failure.
   *
   * @example
   * ```ts
   * import { AsyncResult } from "../mod.ts";
   * const r = new AsyncResult<number>();
   * const failure = new Error("no page");
   * r.setException(failure);
   * if ((await r.get().catch((e) => e)) !== failure) throw new Error("re-thrown");
   * ```
   */
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
   *
   * @param options `block: false` to not wait; `timeout` in seconds.
   * @returns The value.
   * @throws The stored error, or `Timeout`.
   *
   * @example
   * ```ts
   * import { AsyncResult, Timeout } from "../mod.ts";
   * const r = new AsyncResult<number>();
   * const early = await r.get({ timeout: 0.01 }).catch((e) => e);
   * if (!(early instanceof Timeout)) throw new Error("nothing within 10 ms");
   * ```
   */
  async get(options: { block?: boolean; timeout?: number } = {}): Promise<T> {
    if (!this.#ready) {
      if (options.block === false) throw new Timeout(0);
      if (!(await this.waitReady(options.timeout))) throw new Timeout(options.timeout ?? null);
    }
    if (this.#failed) throw this.#exception;
    return this.#value as T;
  }

  /**
   * Same as `get({ block: false })`.
   *
   * @returns The value; rejects with `Timeout` when none is set yet, or with the stored error.
   *
   * @example
   * ```ts
   * import { AsyncResult, Timeout } from "../mod.ts";
   * const r = new AsyncResult<number>();
   * if (!((await r.getNowait().catch((e) => e)) instanceof Timeout)) throw new Error("empty");
   * r.set(7);
   * if ((await r.getNowait()) !== 7) throw new Error("set");
   * ```
   */
  getNowait(): Promise<T> {
    return this.get({ block: false });
  }

  /**
   * Waits until ready; never throws the stored error (check `successful()`).
   *
   * @param timeout Seconds to wait at most; undefined waits for ever.
   * @returns The value, or undefined on timeout or when an error is stored.
   *
   * @example
   * ```ts
   * import { AsyncResult } from "../mod.ts";
   * const r = new AsyncResult<number>();
   * if ((await r.wait(0.01)) !== undefined) throw new Error("timed out");
   * r.setException(new Error("x"));
   * if ((await r.wait()) !== undefined || !r.ready()) throw new Error("ready, no value");
   * ```
   */
  async wait(timeout?: number): Promise<T | undefined> {
    await this.waitReady(timeout);
    return this.#ready && !this.#failed ? this.#value : undefined;
  }
}
