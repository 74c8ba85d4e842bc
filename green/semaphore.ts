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

  /**
   * True when no permit is available.
   *
   * @returns Whether `acquire` would wait.
   *
   * @example
   * ```ts
   * import { Semaphore } from "../mod.ts";
   * const sem = new Semaphore(1);
   * await sem.acquire();
   * if (!sem.locked()) throw new Error("the only permit is taken");
   * ```
   */
  locked(): boolean {
    return this.#counter <= 0;
  }

  /**
   * Takes a permit if one is free right now and nobody is waiting (never jumps the queue).
   *
   * @returns Whether it took one.
   *
   * @example
   * ```ts
   * import { Semaphore } from "../mod.ts";
   * const sem = new Semaphore(1);
   * if (!sem.tryAcquire() || sem.tryAcquire()) throw new Error("one permit, taken once");
   * ```
   */
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
   *
   * @param options `blocking: false` to not wait; `timeout` in seconds.
   * @returns Whether a permit was taken.
   *
   * @example
   * ```ts
   * import { Semaphore } from "../mod.ts";
   * const sem = new Semaphore(0);
   * if ((await sem.acquire({ timeout: 0.01 })) !== false) throw new Error("none in 10 ms");
   * setTimeout(() => sem.release(), 5);
   * if ((await sem.acquire()) !== true) throw new Error("the released permit");
   * ```
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

  /**
   * Gives a permit back: to the longest waiter if any (the counter then stays), else to the
   * counter, which may exceed its initial value.
   *
   * @returns The counter after the release.
   *
   * @example
   * ```ts
   * import { Semaphore, sleep, spawn } from "../mod.ts";
   * const sem = new Semaphore(0);
   * const waiter = spawn(() => sem.acquire());
   * await sleep(0); // the waiter waits
   * if (sem.release() !== 0) throw new Error("handed to the waiter, not counted");
   * if ((await waiter.get()) !== true || sem.release() !== 1) throw new Error("then counted");
   * ```
   */
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

  /**
   * Waits until a permit is available without taking it.
   *
   * @param timeout Seconds to wait at most; undefined waits for ever.
   * @returns The counter (0 after a timeout).
   *
   * @example
   * ```ts
   * import { Semaphore } from "../mod.ts";
   * const sem = new Semaphore(0);
   * setTimeout(() => sem.release(), 5);
   * if ((await sem.wait()) !== 1) throw new Error("available, and not taken");
   * ```
   */
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

  /**
   * Gives a permit back; throws when that would exceed the initial value.
   *
   * @returns The counter after the release.
   * @throws {RangeError} When every permit is already back.
   *
   * @example
   * ```ts
   * import { BoundedSemaphore } from "../mod.ts";
   * const sem = new BoundedSemaphore(2);
   * await sem.acquire();
   * if (sem.release() !== 2) throw new Error("back to the initial value");
   * ```
   */
  override release(): number {
    if (this.counter >= this.#initial) throw new RangeError("Semaphore released too many times");
    return super.release();
  }
}
