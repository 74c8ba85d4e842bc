/**
 * `Group`: a set of greenlets managed together (gevent's `gevent.pool.Group`).
 * @module
 */
import { Event } from "./event.ts";
import { Greenlet, type KillOptions, spawn } from "./greenlet.ts";
import { block, current } from "./hub.ts";
import { killall } from "./joinall.ts";
import { Queue } from "./queue.ts";

/** A greenlet of any result type (a group holds greenlets of mixed types). */
// deno-lint-ignore no-explicit-any
export type AnyGreenlet = Greenlet<any>;
const END: unique symbol = Symbol("end");

/**
 * A set of greenlets: members leave when they die. {@linkcode Pool} adds a size limit.
 *
 * @example
 * ```ts
 * import { Group } from "../mod.ts";
 * const group = new Group();
 * console.log(await group.map((x: number) => x * 2, [1, 2, 3])); // [2, 4, 6]
 * ```
 */
export class Group {
  #members = new Set<AnyGreenlet>();
  #empty = new Event();
  #deathListeners = new Set<(g: AnyGreenlet) => void>();
  #onDeath = (g: AnyGreenlet) => {
    this.discard(g);
    for (const listener of [...this.#deathListeners]) listener(g);
  };

  /** Creates an empty group. */
  constructor() {
    this.#empty.set();
  }

  /** Number of live members. */
  get size(): number {
    return this.#members.size;
  }
  /** Iterates over the live members. */
  [Symbol.iterator](): IterableIterator<AnyGreenlet> {
    return this.#members.values();
  }
  /** True when `greenlet` is a member. */
  has(greenlet: AnyGreenlet): boolean {
    return this.#members.has(greenlet);
  }

  /** Adds a greenlet; it leaves the group when it dies (a full Pool throws instead). */
  add(greenlet: AnyGreenlet): void {
    if (this.#members.has(greenlet)) return;
    this.claim();
    this.#insert(greenlet);
  }

  #insert(greenlet: AnyGreenlet): void {
    this.#members.add(greenlet);
    this.#empty.clear();
    greenlet.rawlink(this.#onDeath);
  }

  /** Removes a greenlet without killing it. */
  discard(greenlet: AnyGreenlet): void {
    if (!this.#members.delete(greenlet)) return;
    greenlet.unlink(this.#onDeath);
    this.released(greenlet);
    if (this.#members.size === 0) this.#empty.set();
  }

  /** Called when a member leaves (Pool frees its slot here). */
  protected released(_greenlet: AnyGreenlet): void {}

  /** Takes room for one more member now, or throws (a Group always has room). */
  protected claim(): void {}

  /** Waits for room for one more member (a Group always has room). */
  protected reserve(): Promise<void> {
    return Promise.resolve();
  }

  /** Spawns `fn(...args)` as a member (a Pool waits for a free slot first). */
  async spawn<R, A extends unknown[]>(
    fn: (...args: A) => R | Promise<R>,
    ...args: A
  ): Promise<Greenlet<R>> {
    await this.reserve();
    const g = new Greenlet<R>(fn, ...args);
    this.#insert(g);
    g.start();
    return g;
  }

  /**
   * Waits until the group is empty: resolves true, or false after `timeout` seconds. With
   * `raiseError`, throws the first member failure as soon as it happens.
   */
  join(options: { timeout?: number; raiseError?: boolean } = {}): Promise<boolean> {
    if (!options.raiseError) return this.#empty.wait(options.timeout);
    if (this.size === 0) return Promise.resolve(true);
    return block<boolean>(
      (resolve, reject) => {
        const listener = (g: AnyGreenlet) => {
          if (!g.successful()) reject(g.exception);
          else if (this.size === 0) resolve(true);
        };
        this.#deathListeners.add(listener);
        return () => this.#deathListeners.delete(listener);
      },
      options.timeout,
      () => false,
    );
  }

  /** Kills every member (see `killall`). */
  kill(options: KillOptions = {}): Promise<void> {
    return killall([...this.#members], options);
  }

  /** Kills one member. */
  killone(greenlet: AnyGreenlet, options: KillOptions = {}): Promise<void> {
    return this.has(greenlet) ? greenlet.kill(options) : Promise.resolve();
  }

  /**
   * Runs `fn(...args)` in the group and returns its result (directly, when the caller is
   * already a member, as gevent does to avoid deadlocking a full pool).
   */
  async apply<R, A extends unknown[]>(fn: (...args: A) => R | Promise<R>, ...args: A): Promise<R> {
    if (this.#members.has(current() as AnyGreenlet)) return await fn(...args);
    return (await this.spawn(fn, ...args)).get();
  }

  /** `fn` over `items`, results in input order; the first error is thrown (siblings run on). */
  async map<I, R>(
    fn: (item: I) => R | Promise<R>,
    items: Iterable<I> | AsyncIterable<I>,
  ): Promise<R[]> {
    const out: R[] = [];
    for await (const r of this.imap(fn, items)) out.push(r);
    return out;
  }

  /** Like {@linkcode Group.map}, yielding results in input order as they are ready. */
  async *imap<I, R>(
    fn: (item: I) => R | Promise<R>,
    items: Iterable<I> | AsyncIterable<I>,
  ): AsyncGenerator<R> {
    const spawned = new Queue<Greenlet<R> | typeof END>();
    const producer = this.#produce(
      fn,
      items,
      (g) => spawned.putNowait(g),
      () => spawned.putNowait(END),
    );
    try {
      while (true) {
        const g = await spawned.get();
        if (g === END) break;
        yield await g.get();
      }
      const error = await producer.get();
      if (error !== undefined) throw error;
    } finally {
      await producer.kill();
    }
  }

  /** Like {@linkcode Group.imap}, but in completion order. */
  async *imapUnordered<I, R>(
    fn: (item: I) => R | Promise<R>,
    items: Iterable<I> | AsyncIterable<I>,
  ): AsyncGenerator<R> {
    const finished = new Queue<Greenlet<R> | typeof END>();
    let started = 0;
    let ended = false;
    const producer = this.#produce(fn, items, (g) => {
      started++;
      g.rawlink((done) => finished.putNowait(done));
    }, () => finished.putNowait(END));
    try {
      let taken = 0;
      while (!ended || taken < started) {
        const g = await finished.get();
        if (g === END) {
          ended = true;
          continue;
        }
        taken++;
        yield await g.get();
      }
      const error = await producer.get();
      if (error !== undefined) throw error;
    } finally {
      await producer.kill();
    }
  }

  /** Spawns `fn(item)` for each item in its own greenlet; resolves the input's error, if any. */
  #produce<I, R>(
    fn: (item: I) => R | Promise<R>,
    items: Iterable<I> | AsyncIterable<I>,
    onSpawn: (g: Greenlet<R>) => void,
    onEnd: () => void,
  ): Greenlet<unknown> {
    return spawn(async () => {
      try {
        for await (const item of items) onSpawn(await this.spawn(fn, item));
      } catch (error) {
        return error;
      } finally {
        onEnd();
      }
    });
  }
}
