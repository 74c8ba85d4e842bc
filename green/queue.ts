/**
 * `Queue` (FIFO), `LifoQueue` and `PriorityQueue`: how greenlets hand work to each other.
 *
 * As in gevent: `maxsize` 0/undefined means unbounded; `put` waits while a bounded queue is
 * full and `get` while it is empty (FIFO among waiters, with direct hand-off so a woken
 * getter never finds the item stolen); the `*Nowait` forms and expired timeouts throw
 * {@linkcode QueueEmpty} / {@linkcode QueueFull}; async iteration ends when the
 * {@linkcode StopIteration} sentinel is dequeued. Every wait is interruptible by a kill or a
 * `Timeout`.
 * @module
 */
import { block } from "./hub.ts";

/**
 * Thrown by `get` when nothing came: `getNowait()`, `block: false`, or after `timeout`.
 *
 * @example
 * ```ts
 * import { Queue, QueueEmpty } from "../mod.ts";
 * try { new Queue().getNowait(); } catch (e) { console.log(e instanceof QueueEmpty); } // true
 * ```
 */
export class QueueEmpty extends Error {
  /** Creates the error. */
  constructor(message = "queue is empty") {
    super(message);
    this.name = "QueueEmpty";
  }
}

/**
 * Thrown by `put` when a bounded queue stayed full: `putNowait()`, `block: false`, or after
 * `timeout`.
 *
 * @example
 * ```ts
 * import { Queue, QueueFull } from "../mod.ts";
 * const q = new Queue(1);
 * q.putNowait(1);
 * try { q.putNowait(2); } catch (e) { console.log(e instanceof QueueFull); } // true
 * ```
 */
export class QueueFull extends Error {
  /** Creates the error. */
  constructor(message = "queue is full") {
    super(message);
    this.name = "QueueFull";
  }
}

/**
 * Put this in a queue to end every `for await` loop that reaches it (gevent iterates until
 * it dequeues `StopIteration`).
 *
 * @example
 * ```ts
 * import { Queue, StopIteration } from "../mod.ts";
 * const q = new Queue<number | typeof StopIteration>();
 * q.putNowait(1);
 * q.putNowait(StopIteration);
 * for await (const x of q) console.log(x); // 1
 * ```
 */
export const StopIteration: unique symbol = Symbol("StopIteration");

/** Options of `put` and `get`. */
export interface QueueWaitOptions {
  /** Wait when full/empty (default true); false throws at once. */
  block?: boolean;
  /** Give up after this many seconds, throwing `QueueFull`/`QueueEmpty`. */
  timeout?: number;
}

interface Putter<T> {
  item: T;
  done: () => void;
}

/**
 * A FIFO queue for greenlets.
 *
 * @example
 * ```ts
 * import { Queue, spawn } from "../mod.ts";
 * const q = new Queue<string>();
 * spawn(() => q.put("job"));
 * console.log(await q.get()); // "job"
 * ```
 */
export class Queue<T> {
  /** Maximum size; `null` means unbounded. */
  readonly maxsize: number | null;
  #getters = new Set<(item: T) => void>();
  #putters = new Set<Putter<T>>();

  /** Creates a queue (unbounded when `maxsize` is 0, null or undefined), optionally filled. */
  constructor(maxsize?: number | null, items?: Iterable<T>) {
    this.maxsize = maxsize ? maxsize : null;
    if (items) { for (const item of items) this.store(item); }
  }

  // Storage: FIFO on a growable ring buffer; subclasses override these four.
  #ring: (T | undefined)[] = new Array(16);
  #head = 0;
  #size = 0;

  /**
   * Adds an item to the storage (a FIFO ring buffer here). Storage hook: subclasses override
   * `store`, `take`, `front` and `stored` together, or extend one of them.
   *
   * @param item The accepted item.
   *
   * @example
   * ```ts
   * import { Queue } from "../mod.ts";
   * class Trimmed extends Queue<string> {
   *   protected override store(item: string): void {
   *     super.store(item.trim());
   *   }
   * }
   * const q = new Trimmed();
   * q.putNowait("  https://example.com/ ");
   * if (q.getNowait() !== "https://example.com/") throw new Error("stored trimmed");
   * ```
   */
  protected store(item: T): void {
    if (this.#size === this.#ring.length) {
      const old = this.#ring;
      const ring = new Array<T | undefined>(old.length * 2);
      for (let i = 0; i < this.#size; i++) ring[i] = old[(this.#head + i) % old.length];
      this.#ring = ring;
      this.#head = 0;
    }
    this.#ring[(this.#head + this.#size) % this.#ring.length] = item;
    this.#size++;
  }
  /**
   * Removes and returns the next item; only called when the storage is not empty.
   *
   * @returns The oldest item here; `get` and `getNowait` hand it out.
   *
   * @example
   * ```ts
   * import { Queue } from "../mod.ts";
   * const q = new Queue<number>(0, [1, 2]);
   * if (q.getNowait() !== 1) throw new Error("first in, first out");
   * ```
   */
  protected take(): T {
    const item = this.#ring[this.#head] as T;
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#ring.length;
    this.#size--;
    return item;
  }
  /**
   * Returns the next item without removing it; only called when the storage is not empty.
   *
   * @returns The item `take()` would return; `peekNowait` reads it.
   *
   * @example
   * ```ts
   * import { Queue } from "../mod.ts";
   * const q = new Queue<string>(0, ["a", "b"]);
   * if (q.peekNowait() !== "a" || q.qsize() !== 2) throw new Error("peeked, not taken");
   * ```
   */
  protected front(): T {
    return this.#ring[this.#head] as T;
  }
  /**
   * Number of stored items.
   *
   * @returns The count that `qsize`, `empty` and `full` read.
   *
   * @example
   * ```ts
   * import { Queue } from "../mod.ts";
   * if (new Queue(0, ["a", "b"]).qsize() !== 2) throw new Error("two stored");
   * ```
   */
  protected stored(): number {
    return this.#size;
  }

  /**
   * Number of items in the queue (items of waiting putters not counted).
   *
   * @returns The count.
   *
   * @example
   * ```ts
   * import { Queue } from "../mod.ts";
   * const q = new Queue<number>();
   * q.putNowait(1);
   * if (q.qsize() !== 1) throw new Error("one item");
   * ```
   */
  qsize(): number {
    return this.stored();
  }
  /**
   * True when there is no item.
   *
   * @returns Whether `getNowait` would throw.
   *
   * @example
   * ```ts
   * import { Queue } from "../mod.ts";
   * if (!new Queue().empty()) throw new Error("a new queue is empty");
   * ```
   */
  empty(): boolean {
    return this.stored() === 0;
  }
  /**
   * True when a bounded queue holds `maxsize` items; an unbounded queue is never full.
   *
   * @returns Whether `putNowait` would throw.
   *
   * @example
   * ```ts
   * import { Queue } from "../mod.ts";
   * if (!new Queue(1, ["a"]).full() || new Queue(0, ["a"]).full()) throw new Error("full");
   * ```
   */
  full(): boolean {
    return this.maxsize !== null && this.stored() >= this.maxsize;
  }

  /**
   * Called for every item accepted, before it is stored: put directly, handed to a waiting
   * getter, or admitted from a waiting putter (JoinableQueue counts unfinished tasks here).
   *
   * @param _item The item.
   *
   * @example
   * ```ts
   * import { Queue, sleep, spawn } from "../mod.ts";
   * class Counting<T> extends Queue<T> {
   *   count = 0;
   *   protected override accepted(): void {
   *     this.count++;
   *   }
   * }
   * const q = new Counting<string>();
   * const getter = spawn(() => q.get());
   * await sleep(0); // the getter waits
   * q.putNowait("handed over"); // goes straight to the getter, still accepted
   * q.putNowait("stored");
   * if (q.count !== 2 || (await getter.get()) !== "handed over") throw new Error("counted");
   * ```
   */
  protected accepted(_item: T): void {}

  /**
   * Puts an item now or throws {@linkcode QueueFull}. A waiting getter receives it directly.
   *
   * @param item The item.
   * @throws {QueueFull} When a bounded queue is full.
   *
   * @example
   * ```ts
   * import { Queue, sleep, spawn } from "../mod.ts";
   * const q = new Queue<string>(1);
   * const getter = spawn(() => q.get());
   * await sleep(0); // the getter waits
   * q.putNowait("a");
   * q.putNowait("b"); // "a" went to the getter, so there is room
   * if ((await getter.get()) !== "a" || q.qsize() !== 1) throw new Error("hand-off");
   * ```
   */
  putNowait(item: T): void {
    if (!this.#offer(item)) throw new QueueFull();
  }

  #offer(item: T): boolean {
    const getter = this.#getters.size > 0 ? first(this.#getters) : undefined;
    if (getter) {
      this.#getters.delete(getter);
      this.accepted(item);
      this.store(item);
      getter(this.take());
      return true;
    }
    if (this.full()) return false;
    this.accepted(item);
    this.store(item);
    return true;
  }

  /**
   * Puts an item, waiting while a bounded queue is full (FIFO among waiting putters).
   *
   * @param item The item.
   * @param options `block: false` to not wait; `timeout` in seconds.
   * @returns A promise that resolves once the item is in the queue; it rejects with
   * {@linkcode QueueFull} when it could not be put (`block: false`, or after `timeout`).
   *
   * @example
   * ```ts
   * import { Queue, QueueFull } from "../mod.ts";
   * const q = new Queue<number>(1);
   * await q.put(1);
   * const late = await q.put(2, { timeout: 0.01 }).catch((e) => e);
   * if (!(late instanceof QueueFull)) throw new Error("still full after 10 ms");
   * ```
   */
  put(item: T, options: QueueWaitOptions = {}): Promise<void> {
    if (this.#putters.size === 0 && this.#offer(item)) return RESOLVED;
    if (options.block === false) return Promise.reject(new QueueFull());
    return block<void>(
      (resolve) => {
        const putter = { item, done: resolve };
        this.#putters.add(putter);
        return () => this.#putters.delete(putter);
      },
      options.timeout,
      () => {
        throw new QueueFull();
      },
    );
  }

  /**
   * Takes an item now or throws {@linkcode QueueEmpty}; the room it frees goes to the longest
   * waiting putter.
   *
   * @returns The next item.
   * @throws {QueueEmpty} When there is no item.
   *
   * @example
   * ```ts
   * import { Queue, sleep, spawn } from "../mod.ts";
   * const q = new Queue<number>(1, [1]);
   * spawn(() => q.put(2)); // waits: the queue is full
   * await sleep(0);
   * if (q.getNowait() !== 1 || q.qsize() !== 1) throw new Error("the putter got the room");
   * ```
   */
  getNowait(): T {
    if (this.stored() === 0) {
      // An unbounded queue never has waiting putters; a rendezvous would need one here.
      throw new QueueEmpty();
    }
    const item = this.take();
    this.#admitPutter();
    return item;
  }

  #admitPutter(): void {
    if (this.#putters.size === 0) return;
    const putter = first(this.#putters);
    if (putter && !this.full()) {
      this.#putters.delete(putter);
      this.accepted(putter.item);
      this.store(putter.item);
      putter.done();
    }
  }

  /**
   * Takes an item, waiting while the queue is empty (FIFO among waiting getters).
   *
   * @param options `block: false` to not wait; `timeout` in seconds.
   * @returns The next item; rejects with {@linkcode QueueEmpty} when none came (`block:
   * false`, or after `timeout`).
   *
   * @example
   * ```ts
   * import { Queue, QueueEmpty } from "../mod.ts";
   * const q = new Queue<string>();
   * const none = await q.get({ timeout: 0.01 }).catch((e) => e);
   * if (!(none instanceof QueueEmpty)) throw new Error("nothing came within 10 ms");
   * setTimeout(() => q.putNowait("late"), 5);
   * if ((await q.get()) !== "late") throw new Error("waited for it");
   * ```
   */
  get(options: QueueWaitOptions = {}): Promise<T> {
    if (this.stored() > 0) return Promise.resolve(this.getNowait());
    if (options.block === false) return Promise.reject(new QueueEmpty());
    return block<T>(
      (resolve) => {
        this.#getters.add(resolve);
        return () => this.#getters.delete(resolve);
      },
      options.timeout,
      () => {
        throw new QueueEmpty();
      },
    );
  }

  /**
   * The next item without removing it.
   *
   * @returns The item `getNowait()` would return.
   * @throws {QueueEmpty} When there is none.
   *
   * @example
   * ```ts
   * import { PriorityQueue } from "../mod.ts";
   * const q = new PriorityQueue<number>(0, [3, 1, 2]);
   * if (q.peekNowait() !== 1 || q.qsize() !== 3) throw new Error("smallest, still queued");
   * ```
   */
  peekNowait(): T {
    if (this.stored() === 0) throw new QueueEmpty();
    return this.front();
  }

  /**
   * Yields items (waiting for more) until it dequeues {@linkcode StopIteration}; several
   * consumers may iterate one queue, each `StopIteration` ends one of them.
   *
   * @returns An async iterator over the items.
   *
   * @example
   * ```ts
   * import { Queue, sleep, spawn, StopIteration } from "../mod.ts";
   * const q = new Queue<string | typeof StopIteration>();
   * const consumer = spawn(async () => {
   *   const got: string[] = [];
   *   for await (const url of q) got.push(url);
   *   return got;
   * });
   * q.putNowait("a");
   * await sleep(0.01); // the consumer drains "a", then waits for more
   * q.putNowait("b");
   * q.putNowait(StopIteration);
   * if ((await consumer.get()).join() !== "a,b") throw new Error("until StopIteration");
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Exclude<T, typeof StopIteration>> {
    while (true) {
      const item = await this.get();
      if (item === StopIteration) return;
      yield item as Exclude<T, typeof StopIteration>;
    }
  }
}

const RESOLVED: Promise<void> = Promise.resolve();

function first<V>(set: Set<V>): V | undefined {
  for (const v of set) return v;
  return undefined;
}

/**
 * A last-in, first-out queue.
 *
 * @example
 * ```ts
 * import { LifoQueue } from "../mod.ts";
 * const q = new LifoQueue<number>(0, [0, 1, 2]);
 * console.log([q.getNowait(), q.getNowait(), q.getNowait()]); // [2, 1, 0]
 * ```
 */
export class LifoQueue<T> extends Queue<T> {
  #stack: T[] = [];

  /** Creates a LIFO queue (unbounded when `maxsize` is 0, null or undefined). */
  constructor(maxsize?: number | null, items?: Iterable<T>) {
    super(maxsize);
    if (items) { for (const item of items) this.store(item); }
  }

  /**
   * Adds an item on top of the stack.
   *
   * @param item The accepted item.
   *
   * @example
   * ```ts
   * import { LifoQueue } from "../mod.ts";
   * const q = new LifoQueue<string>();
   * q.putNowait("old");
   * q.putNowait("new");
   * if (q.peekNowait() !== "new") throw new Error("on top");
   * ```
   */
  protected override store(item: T): void {
    this.#stack.push(item);
  }
  /**
   * Removes and returns the top item.
   *
   * @returns The newest item.
   *
   * @example
   * ```ts
   * import { LifoQueue } from "../mod.ts";
   * if (new LifoQueue<number>(0, [1, 2]).getNowait() !== 2) throw new Error("last in");
   * ```
   */
  protected override take(): T {
    return this.#stack.pop() as T;
  }
  /**
   * The top item, not removed.
   *
   * @returns The newest item.
   *
   * @example
   * ```ts
   * import { LifoQueue } from "../mod.ts";
   * const q = new LifoQueue<number>(0, [1, 2]);
   * if (q.peekNowait() !== 2 || q.qsize() !== 2) throw new Error("peeked at the top");
   * ```
   */
  protected override front(): T {
    return this.#stack[this.#stack.length - 1];
  }
  /**
   * Height of the stack.
   *
   * @returns The number of stored items.
   *
   * @example
   * ```ts
   * import { LifoQueue } from "../mod.ts";
   * if (new LifoQueue(2, [1, 2]).full() !== true) throw new Error("two of two");
   * ```
   */
  protected override stored(): number {
    return this.#stack.length;
  }
}

/**
 * Orders values as Python orders tuples: numbers and strings by `<`, arrays element by
 * element (so `[priority, item]` pairs work as in gevent).
 *
 * @param a One value.
 * @param b The other.
 * @returns Negative when `a` comes first, positive when `b` does, 0 when equal.
 *
 * @example
 * ```ts
 * import { naturalOrder } from "../mod.ts";
 * console.log(naturalOrder([1, "b"], [1, "a"]) > 0); // true
 * ```
 */
export function naturalOrder(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = naturalOrder(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/**
 * A queue that always gives the smallest item first (a binary heap).
 *
 * @example
 * ```ts
 * import { PriorityQueue } from "../mod.ts";
 * const q = new PriorityQueue<[number, string]>();
 * q.putNowait([2, "later"]);
 * q.putNowait([1, "first"]);
 * console.log(q.getNowait()[1]); // "first"
 * ```
 */
export class PriorityQueue<T> extends Queue<T> {
  #heap: T[] = [];
  readonly #compare: (a: T, b: T) => number;

  /** Creates a priority queue; `compare` defaults to {@linkcode naturalOrder}. */
  constructor(
    maxsize?: number | null,
    items?: Iterable<T>,
    compare: (a: T, b: T) => number = naturalOrder,
  ) {
    super(maxsize);
    this.#compare = compare;
    if (items) { for (const item of items) this.store(item); }
  }

  /**
   * Adds an item to the heap (sift up).
   *
   * @param item The accepted item.
   *
   * @example
   * ```ts
   * import { PriorityQueue } from "../mod.ts";
   * const q = new PriorityQueue<number>();
   * for (const n of [5, 3, 4]) q.putNowait(n);
   * if (q.peekNowait() !== 3) throw new Error("the smallest is at the front");
   * ```
   */
  protected override store(item: T): void {
    const h = this.#heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#compare(h[i], h[parent]) >= 0) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }
  /**
   * Removes and returns the smallest item (sift down).
   *
   * @returns The smallest item by the queue's `compare`.
   *
   * @example
   * ```ts
   * import { PriorityQueue } from "../mod.ts";
   * const q = new PriorityQueue<string>(0, ["b", "c", "a"], (x, y) => y.localeCompare(x));
   * if (q.getNowait() !== "c") throw new Error("smallest by the given compare");
   * ```
   */
  protected override take(): T {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop() as T;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      while (true) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.#compare(h[l], h[m]) < 0) m = l;
        if (r < h.length && this.#compare(h[r], h[m]) < 0) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
  /**
   * The smallest item, not removed.
   *
   * @returns The root of the heap.
   *
   * @example
   * ```ts
   * import { PriorityQueue } from "../mod.ts";
   * const q = new PriorityQueue<[number, string]>(0, [[2, "b"], [1, "a"]]);
   * if (q.peekNowait()[1] !== "a" || q.qsize() !== 2) throw new Error("peeked");
   * ```
   */
  protected override front(): T {
    return this.#heap[0];
  }
  /**
   * Size of the heap.
   *
   * @returns The number of stored items.
   *
   * @example
   * ```ts
   * import { PriorityQueue } from "../mod.ts";
   * if (new PriorityQueue(0, [1, 2, 3]).qsize() !== 3) throw new Error("three");
   * ```
   */
  protected override stored(): number {
    return this.#heap.length;
  }
}
