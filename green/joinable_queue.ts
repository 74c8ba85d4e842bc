/**
 * `JoinableQueue`: a FIFO queue that knows when all its work is done.
 * @module
 */
import { Event } from "./event.ts";
import { Queue } from "./queue.ts";

/**
 * A {@linkcode Queue} that counts unfinished tasks: every `put` adds one, every `taskDone()`
 * removes one, and `join()` waits until none is left.
 *
 * @example
 * ```ts
 * import { JoinableQueue, spawn } from "../mod.ts";
 * const q = new JoinableQueue<string>();
 * for (const url of ["a", "b"]) q.putNowait(url);
 * spawn(async () => {
 *   while (true) { await q.get(); q.taskDone(); }
 * });
 * console.log(await q.join(1)); // true
 * ```
 */
export class JoinableQueue<T> extends Queue<T> {
  #unfinished = 0;
  #finished = new Event();

  /** Creates a joinable queue (unbounded when `maxsize` is 0, null or undefined). */
  constructor(maxsize?: number | null, items?: Iterable<T>) {
    super(maxsize);
    this.#finished.set();
    if (items) { for (const item of items) this.putNowait(item); }
  }

  /** Tasks put and not yet marked done. */
  get unfinishedTasks(): number {
    return this.#unfinished;
  }

  /** Counts one more unfinished task. */
  protected override accepted(_item: T): void {
    this.#unfinished++;
    this.#finished.clear();
  }

  /** Marks one task done; throws `RangeError` when called more times than items were put. */
  taskDone(): void {
    if (this.#unfinished <= 0) throw new RangeError("taskDone() called too many times");
    if (--this.#unfinished === 0) this.#finished.set();
  }

  /** Waits until every task is done; resolves true, or false after `timeout` seconds. */
  join(timeout?: number): Promise<boolean> {
    return this.#finished.wait(timeout);
  }
}
