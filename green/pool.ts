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

  /** Free slots now (Infinity when unbounded). */
  freeCount(): number {
    return this.#slots === null ? Infinity : this.#slots.counter;
  }

  /** True when no slot is free. */
  full(): boolean {
    return this.freeCount() <= 0;
  }

  /** Waits until a slot is free (or `timeout` seconds); returns the free count. */
  async waitAvailable(timeout?: number): Promise<number> {
    if (this.#slots !== null) await this.#slots.wait(timeout);
    return this.freeCount();
  }

  /** Takes a slot for `add()`; throws `RangeError` when the pool is full (spawn waits instead). */
  protected override claim(): void {
    if (this.#slots !== null && !this.#slots.tryAcquire()) {
      throw new RangeError("pool is full: use spawn(), or await waitAvailable() first");
    }
  }

  /** Waits for a free slot (spawn). */
  protected override async reserve(): Promise<void> {
    if (this.#slots !== null) await this.#slots.acquire();
  }

  /** Frees the slot of a member that left. */
  protected override released(): void {
    this.#slots?.release();
  }
}
