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

  /**
   * Counts one more unfinished task (every item accepted, however it arrived).
   *
   * @param _item The item.
   *
   * @example
   * ```ts
   * import { JoinableQueue } from "../mod.ts";
   * const q = new JoinableQueue<string>(0, ["a"]);
   * q.putNowait("b");
   * q.getNowait(); // taking an item does not finish its task
   * if (q.unfinishedTasks !== 2) throw new Error("two tasks put, none done");
   * ```
   */
  protected override accepted(_item: T): void {
    this.#unfinished++;
    this.#finished.clear();
  }

  /**
   * Marks one task done (call it once per item taken, when its work is finished).
   *
   * @throws {RangeError} When called more times than items were put.
   *
   * @example
   * ```ts
   * import { JoinableQueue } from "../mod.ts";
   * const q = new JoinableQueue<string>(0, ["a"]);
   * q.getNowait();
   * q.taskDone();
   * let tooMany = false;
   * try {
   *   q.taskDone();
   * } catch (e) {
   *   tooMany = e instanceof RangeError;
   * }
   * if (q.unfinishedTasks !== 0 || !tooMany) throw new Error("one item, one taskDone");
   * ```
   */
  taskDone(): void {
    if (this.#unfinished <= 0) throw new RangeError("taskDone() called too many times");
    if (--this.#unfinished === 0) this.#finished.set();
  }

  /**
   * Waits until every task is done.
   *
   * @param timeout Seconds to wait at most; undefined waits for ever.
   * @returns True once no task is unfinished, false after `timeout` seconds.
   *
   * @example
   * ```ts
   * import { JoinableQueue } from "../mod.ts";
   * const q = new JoinableQueue<string>(0, ["a"]);
   * q.getNowait(); // taken, but taskDone() not called
   * if ((await q.join(0.01)) !== false) throw new Error("one task still unfinished");
   * ```
   */
  join(timeout?: number): Promise<boolean> {
    return this.#finished.wait(timeout);
  }
}
