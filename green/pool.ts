/**
 * `Pool`: a {@linkcode Group} with a size limit — the tool for "at most N at once".
 * @module
 */
import { Group } from "./group.ts";
import { Semaphore } from "./semaphore.ts";

/**
 * A group of at most `size` greenlets: `spawn` waits while the pool is full (gevent §1.11).
 *
 * @example
 * ```ts
 * import { Pool, sleep } from "../mod.ts";
 * const pool = new Pool(2);
 * let running = 0, peak = 0;
 * await pool.map(async (x: number) => {
 *   peak = Math.max(peak, ++running);
 *   await sleep(0.001);
 *   running--;
 *   return x;
 * }, [1, 2, 3, 4, 5]);
 * console.log(peak); // 2
 * ```
 */
export class Pool extends Group {
  /** Maximum members; `null` means unbounded (a plain group). */
  readonly limit: number | null;
  #slots: Semaphore | null;

  /** Creates a pool of `size` slots (null or 0: unbounded). */
  constructor(size?: number | null) {
    super();
    if (size !== undefined && size !== null && !(Number.isInteger(size) && size >= 0)) {
      throw new RangeError(`pool size must be a whole number >= 0, got ${size}`);
    }
    this.limit = size ? size : null;
    this.#slots = this.limit === null ? null : new Semaphore(this.limit);
  }

  /**
   * Free slots now.
   *
   * @returns How many more members fit (Infinity when unbounded).
   *
   * @example
   * ```ts
   * import { Pool, sleep } from "../mod.ts";
   * const pool = new Pool(3);
   * await pool.spawn(() => sleep(0.01));
   * if (pool.freeCount() !== 2) throw new Error("one of three taken");
   * if (new Pool().freeCount() !== Infinity) throw new Error("unbounded");
   * await pool.join();
   * ```
   */
  freeCount(): number {
    return this.#slots === null ? Infinity : this.#slots.counter;
  }

  /**
   * True when no slot is free.
   *
   * @returns Whether `spawn` would wait (and `add` throw).
   *
   * @example
   * ```ts
   * import { Pool, sleep } from "../mod.ts";
   * const pool = new Pool(1);
   * await pool.spawn(() => sleep(0.01));
   * if (!pool.full()) throw new Error("its one slot is taken");
   * await pool.join();
   * if (pool.full()) throw new Error("free again once the member died");
   * ```
   */
  full(): boolean {
    return this.freeCount() <= 0;
  }

  /**
   * Waits until a slot is free, without taking it.
   *
   * @param timeout Seconds to wait at most; undefined waits for ever.
   * @returns The free count (0 after a timeout).
   *
   * @example
   * ```ts
   * import { Pool, sleep } from "../mod.ts";
   * const pool = new Pool(1);
   * await pool.spawn(() => sleep(0.05));
   * if ((await pool.waitAvailable(0.01)) !== 0) throw new Error("still full after 10 ms");
   * if ((await pool.waitAvailable()) !== 1) throw new Error("free once it finished");
   * ```
   */
  async waitAvailable(timeout?: number): Promise<number> {
    if (this.#slots !== null) await this.#slots.wait(timeout);
    return this.freeCount();
  }

  /**
   * Takes a slot for `add()`; throws when the pool is full (`spawn` waits instead).
   *
   * @throws {RangeError} When no slot is free.
   *
   * @example
   * ```ts
   * import { Greenlet, Pool, sleep, spawn } from "../mod.ts";
   * const pool = new Pool(1);
   * pool.add(spawn(() => sleep(0.01)));
   * let refused = false;
   * try {
   *   pool.add(new Greenlet());
   * } catch (e) {
   *   refused = e instanceof RangeError;
   * }
   * if (!refused) throw new Error("a full pool refuses add()");
   * await pool.join();
   * ```
   */
  protected override claim(): void {
    if (this.#slots !== null && !this.#slots.tryAcquire()) {
      throw new RangeError("pool is full: use spawn(), or await waitAvailable() first");
    }
  }

  /**
   * Waits for a free slot and takes it (`spawn` calls this first).
   *
   * @returns A promise that resolves once a slot is taken.
   *
   * @example
   * ```ts
   * import { Pool, sleep } from "../mod.ts";
   * const pool = new Pool(1);
   * const first = await pool.spawn(() => sleep(0.01));
   * await pool.spawn(() => 0); // waited for first's slot
   * if (!first.dead) throw new Error("spawn waited until a slot was free");
   * await pool.join();
   * ```
   */
  protected override async reserve(): Promise<void> {
    if (this.#slots !== null) await this.#slots.acquire();
  }

  /**
   * Frees the slot of a member that left: it died, or was discarded (and lives on).
   *
   * @example
   * ```ts
   * import { Pool, sleep } from "../mod.ts";
   * const pool = new Pool(1);
   * const g = await pool.spawn(() => sleep(0.01));
   * pool.discard(g);
   * if (pool.freeCount() !== 1 || g.dead) throw new Error("slot freed, greenlet alive");
   * await g.join();
   * ```
   */
  protected override released(): void {
    this.#slots?.release();
  }
}
