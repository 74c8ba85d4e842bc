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

  /** Adds an item to the storage. */
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
  /** Removes and returns the next item (the storage is not empty). */
  protected take(): T {
    const item = this.#ring[this.#head] as T;
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#ring.length;
    this.#size--;
    return item;
  }
  /** Returns the next item without removing it (the storage is not empty). */
  protected front(): T {
    return this.#ring[this.#head] as T;
  }
  /** Number of stored items. */
  protected stored(): number {
    return this.#size;
  }

  /** Number of items in the queue. */
  qsize(): number {
    return this.stored();
  }
  /** True when there is no item. */
  empty(): boolean {
    return this.stored() === 0;
  }
  /** True when a bounded queue holds `maxsize` items. */
  full(): boolean {
    return this.maxsize !== null && this.stored() >= this.maxsize;
  }

  /** Called for every item accepted (JoinableQueue counts unfinished tasks here). */
  protected accepted(_item: T): void {}

  /** Puts an item now or throws {@linkcode QueueFull}. */
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

  /** Puts an item, waiting while a bounded queue is full. */
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

  /** Takes an item now or throws {@linkcode QueueEmpty}. */
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

  /** Takes an item, waiting while the queue is empty. */
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

  /** The next item without removing it; throws {@linkcode QueueEmpty} when there is none. */
  peekNowait(): T {
    if (this.stored() === 0) throw new QueueEmpty();
    return this.front();
  }

  /** Yields items (waiting for more) until it dequeues {@linkcode StopIteration}. */
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

  /** Adds an item to the storage. */
  protected override store(item: T): void {
    this.#stack.push(item);
  }
  /** Removes and returns the next item. */
  protected override take(): T {
    return this.#stack.pop() as T;
  }
  /** The next item, not removed. */
  protected override front(): T {
    return this.#stack[this.#stack.length - 1];
  }
  /** Number of stored items. */
  protected override stored(): number {
    return this.#stack.length;
  }
}

/**
 * Orders values as Python orders tuples: numbers and strings by `<`, arrays element by
 * element (so `[priority, item]` pairs work as in gevent).
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

  /** Adds an item to the storage. */
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
  /** Removes and returns the next item. */
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
  /** The next item, not removed. */
  protected override front(): T {
    return this.#heap[0];
  }
  /** Number of stored items. */
  protected override stored(): number {
    return this.#heap.length;
  }
}
