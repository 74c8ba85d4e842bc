/**
 * Workers waiting for a frontier's next job. Each waits as a green wait (a kill or a `Timeout`
 * interrupts it) until woken or until its own timeout; a frontier wakes one waiter per job that
 * became available, and all of them when the work is finished.
 * @module
 */
import { block } from "../../green/hub.ts";

/**
 * The waiting workers of one frontier, woken in the order they came.
 *
 * @example
 * ```ts
 * import { spawn } from "../../green/greenlet.ts";
 * import { Waiters } from "./waiters.ts";
 * const waiters = new Waiters();
 * const worker = spawn(() => waiters.wait());
 * await Promise.resolve(); // the worker starts waiting
 * setTimeout(() => waiters.wake(1), 10);
 * await worker.join(); // woken after about 10 ms
 * ```
 */
export class Waiters {
  #wakers = new Set<() => void>();

  /**
   * Waits until woken.
   *
   * @param timeout Seconds after which the wait ends anyway; none waits until woken.
   * @returns When woken, or when the timeout passed.
   */
  wait(timeout?: number): Promise<void> {
    return block<void>((resolve) => {
      this.#wakers.add(resolve);
      return () => this.#wakers.delete(resolve);
    }, timeout);
  }

  /**
   * Wakes up to `count` waiting workers, oldest first.
   *
   * @param count How many; all by default.
   */
  wake(count = Infinity): void {
    for (const w of this.#wakers) {
      if (count-- <= 0) break;
      this.#wakers.delete(w);
      w();
    }
  }
}
