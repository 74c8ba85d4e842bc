/**
 * `Semaphore` and `BoundedSemaphore`: counters that limit how many greenlets proceed.
 * @module
 */
import { block } from "./hub.ts";

/**
 * A counter of permits; `acquire` waits (FIFO) while it is zero. As in gevent, `release()`
 * may raise the counter above its initial value; {@linkcode BoundedSemaphore} forbids that.
 *
 * @example
 * ```ts
 * import { Semaphore } from "../mod.ts";
 * const sem = new Semaphore(1);
 * await sem.acquire();
 * console.log(await sem.acquire({ blocking: false })); // false
 * sem.release();
 * ```
 */
export class Semaphore {
  #counter: number;
  #waiters = new Set<() => void>();

  /** Creates a semaphore with `value` permits (default 1). */
  constructor(value = 1) {
    if (!(value >= 0)) throw new RangeError("semaphore initial value must be >= 0");
    this.#counter = value;
  }

  /** Permits available now. */
  get counter(): number {
    return this.#counter;
  }

  /** True when no permit is available. */
  locked(): boolean {
    return this.#counter <= 0;
  }

  /** Takes a permit if one is free right now (nobody waiting); returns whether it did. */
  tryAcquire(): boolean {
    if (this.#counter > 0 && this.#waiters.size === 0) {
      this.#counter--;
      return true;
    }
    return false;
  }

  /**
   * Takes a permit: resolves true, or false when none came (`blocking: false`, or after
   * `timeout` seconds).
   */
  acquire(options: { blocking?: boolean; timeout?: number } = {}): Promise<boolean> {
    if (this.tryAcquire()) return Promise.resolve(true);
    if (options.blocking === false) return Promise.resolve(false);
    return block<boolean>(
      (resolve) => {
        const take = () => resolve(true);
        this.#waiters.add(take);
        return () => this.#waiters.delete(take);
      },
      options.timeout,
      () => false,
    );
  }

  /** Gives a permit back (to the longest waiter, if any); returns the counter. */
  release(): number {
    const next = this.#waiters.values().next();
    if (!next.done) {
      this.#waiters.delete(next.value);
      next.value();
    } else {
      this.#counter++;
    }
    return this.#counter;
  }

  /** Waits until a permit is available without taking it; returns the counter. */
  async wait(timeout?: number): Promise<number> {
    if (this.#counter > 0) return this.#counter;
    if (await this.acquire({ timeout })) this.release();
    return this.#counter;
  }
}

/**
 * A {@linkcode Semaphore} whose `release()` throws `RangeError` rather than exceed the
 * initial value (gevent raises `ValueError`).
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from "../mod.ts";
 * const sem = new BoundedSemaphore(1);
 * try { sem.release(); } catch (e) { console.log((e as Error).message); }
 * // "Semaphore released too many times"
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  readonly #initial: number;

  /** Creates a bounded semaphore with `value` permits (default 1). */
  constructor(value = 1) {
    super(value);
    this.#initial = value;
  }

  /** Gives a permit back; throws when that would exceed the initial value. */
  override release(): number {
    if (this.counter >= this.#initial) throw new RangeError("Semaphore released too many times");
    return super.release();
  }
}
