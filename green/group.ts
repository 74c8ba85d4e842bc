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
  /**
   * Iterates over the live members.
   *
   * @returns An iterator over the members, in the order they joined.
   *
   * @example
   * ```ts
   * import { Group, sleep } from "../mod.ts";
   * const group = new Group();
   * const a = await group.spawn(() => sleep(0.01));
   * const b = await group.spawn(() => sleep(0.01));
   * const members = [...group];
   * if (members.length !== 2 || members[0] !== a || members[1] !== b) throw new Error("a, b");
   * await group.join();
   * ```
   */
  [Symbol.iterator](): IterableIterator<AnyGreenlet> {
    return this.#members.values();
  }
  /**
   * True when `greenlet` is a member.
   *
   * @param greenlet The greenlet to look for.
   * @returns Whether it is a live member.
   *
   * @example
   * ```ts
   * import { Group } from "../mod.ts";
   * const group = new Group();
   * const g = await group.spawn(() => 1);
   * if (!group.has(g)) throw new Error("a member until it dies");
   * await g.join();
   * if (group.has(g)) throw new Error("the dead leave");
   * ```
   */
  has(greenlet: AnyGreenlet): boolean {
    return this.#members.has(greenlet);
  }

  /**
   * Adds a greenlet, started or not (gevent's `add`); it leaves the group when it dies.
   * Adding a member again does nothing.
   *
   * @param greenlet The greenlet.
   * @throws {RangeError} From a full {@linkcode Pool}.
   *
   * @example
   * ```ts
   * import { Group, spawn } from "../mod.ts";
   * const group = new Group();
   * const g = spawn(() => "spawned elsewhere");
   * group.add(g);
   * if (!group.has(g)) throw new Error("a member");
   * await group.join();
   * if (group.size !== 0) throw new Error("left when it died");
   * ```
   */
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

  /**
   * Removes a greenlet without killing it; non-members are ignored.
   *
   * @param greenlet The member to remove.
   *
   * @example
   * ```ts
   * import { Group, sleep } from "../mod.ts";
   * const group = new Group();
   * const g = await group.spawn(() => sleep(0.01));
   * group.discard(g);
   * if ((await group.join({ timeout: 0 })) !== true) throw new Error("empty at once");
   * if (g.dead) throw new Error("still running");
   * await g.join();
   * ```
   */
  discard(greenlet: AnyGreenlet): void {
    if (!this.#members.delete(greenlet)) return;
    greenlet.unlink(this.#onDeath);
    this.released(greenlet);
    if (this.#members.size === 0) this.#empty.set();
  }

  /**
   * Called when a member leaves, dead or discarded (Pool frees its slot here).
   *
   * @param _greenlet The member that left.
   *
   * @example
   * ```ts
   * import { type AnyGreenlet, Group } from "../mod.ts";
   * class Logged extends Group {
   *   left: string[] = [];
   *   protected override released(g: AnyGreenlet): void {
   *     this.left.push(g.name);
   *   }
   * }
   * const group = new Logged();
   * const g = await group.spawn(() => 1);
   * await group.join();
   * if (group.left.join() !== g.name) throw new Error("told when it left");
   * ```
   */
  protected released(_greenlet: AnyGreenlet): void {}

  /**
   * Takes room for one more member now, or throws (`add` calls this; a Group always has
   * room).
   *
   * @example
   * ```ts
   * import { Greenlet, Group } from "../mod.ts";
   * class Pair extends Group {
   *   protected override claim(): void {
   *     if (this.size >= 2) throw new RangeError("a pair is full");
   *   }
   * }
   * const pair = new Pair();
   * pair.add(new Greenlet());
   * pair.add(new Greenlet());
   * let refused = false;
   * try {
   *   pair.add(new Greenlet());
   * } catch (e) {
   *   refused = e instanceof RangeError;
   * }
   * if (!refused || pair.size !== 2) throw new Error("the third was refused");
   * ```
   */
  protected claim(): void {}

  /**
   * Waits for room for one more member and takes it (`spawn` calls this; a Group always has
   * room).
   *
   * @returns A promise that resolves once there is room.
   *
   * @example
   * ```ts
   * import { Event, Group } from "../mod.ts";
   * class Gated extends Group {
   *   open = new Event();
   *   protected override async reserve(): Promise<void> {
   *     await this.open.wait();
   *   }
   * }
   * const group = new Gated();
   * let spawned = false;
   * const pending = group.spawn(() => 1).then(() => (spawned = true));
   * await new Promise((r) => setTimeout(r, 5));
   * if (spawned) throw new Error("spawn waits for reserve()");
   * group.open.set();
   * await pending;
   * ```
   */
  protected reserve(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Spawns `fn(...args)` as a member (a Pool waits for a free slot first).
   *
   * @param fn The work.
   * @param args Its arguments.
   * @returns The started member.
   *
   * @example
   * ```ts
   * import { Group } from "../mod.ts";
   * const group = new Group();
   * const g = await group.spawn((a: number, b: number) => a * b, 6, 7);
   * if (!group.has(g) || (await g.get()) !== 42) throw new Error("a member, and its value");
   * ```
   */
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
   *
   * @param options `timeout` in seconds; `raiseError` to throw the first failure.
   * @returns True once empty, false after `timeout` seconds.
   *
   * @example
   * ```ts
   * import { Group, sleep } from "../mod.ts";
   * const group = new Group();
   * await group.spawn(() => sleep(0.05));
   * if ((await group.join({ timeout: 0.01 })) !== false) throw new Error("not empty yet");
   * if ((await group.join()) !== true) throw new Error("empty at last");
   * ```
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

  /**
   * Kills every member (see `killall`); the dead leave the group.
   *
   * @param options As for {@linkcode Greenlet.kill}.
   * @returns A promise that resolves once they are dead (or at once with `block: false`).
   *
   * @example
   * ```ts
   * import { Group, sleep } from "../mod.ts";
   * const group = new Group();
   * for (let i = 0; i < 3; i++) await group.spawn(() => sleep(10));
   * await sleep(0);
   * await group.kill();
   * if (group.size !== 0) throw new Error("all dead, all gone");
   * ```
   */
  kill(options: KillOptions = {}): Promise<void> {
    return killall([...this.#members], options);
  }

  /**
   * Kills one member; a greenlet that is not a member is left alone.
   *
   * @param greenlet The member.
   * @param options As for {@linkcode Greenlet.kill}.
   * @returns A promise that resolves once it is dead (or at once).
   *
   * @example
   * ```ts
   * import { Group, sleep, spawn } from "../mod.ts";
   * const group = new Group();
   * const member = await group.spawn(() => sleep(10));
   * const outsider = spawn(() => sleep(0.01));
   * await sleep(0);
   * await group.killone(member);
   * await group.killone(outsider);
   * if (!member.dead || outsider.dead) throw new Error("only the member was killed");
   * await outsider.join();
   * ```
   */
  killone(greenlet: AnyGreenlet, options: KillOptions = {}): Promise<void> {
    return this.has(greenlet) ? greenlet.kill(options) : Promise.resolve();
  }

  /**
   * Runs `fn(...args)` in the group and returns its result (directly, when the caller is
   * already a member, as gevent does to avoid deadlocking a full pool).
   *
   * @param fn The work.
   * @param args Its arguments.
   * @returns Its result; its error is thrown.
   *
   * @example
   * ```ts
   * import { Pool } from "../mod.ts";
   * const pool = new Pool(1);
   * // The outer call holds the only slot; the inner one runs directly instead of waiting.
   * const r = await pool.apply(() => pool.apply((x: number) => x + 1, 41));
   * if (r !== 42) throw new Error("no deadlock");
   * ```
   */
  async apply<R, A extends unknown[]>(fn: (...args: A) => R | Promise<R>, ...args: A): Promise<R> {
    if (this.#members.has(current() as AnyGreenlet)) return await fn(...args);
    return (await this.spawn(fn, ...args)).get();
  }

  /**
   * `fn` over `items`, each in its own member; results in input order. The first error is
   * thrown (siblings run on).
   *
   * @param fn Called with each item.
   * @param items An iterable or async iterable (read as the group has room).
   * @returns The results, in input order.
   *
   * @example
   * ```ts
   * import { Group, sleep } from "../mod.ts";
   * async function* urls() {
   *   yield "a";
   *   yield "bb";
   * }
   * const group = new Group();
   * const lengths = await group.map(async (u: string) => {
   *   await sleep(0.01 / u.length); // "bb" finishes first
   *   return u.length;
   * }, urls());
   * if (lengths.join() !== "1,2") throw new Error("input order");
   * ```
   */
  async map<I, R>(
    fn: (item: I) => R | Promise<R>,
    items: Iterable<I> | AsyncIterable<I>,
  ): Promise<R[]> {
    const out: R[] = [];
    for await (const r of this.imap(fn, items)) out.push(r);
    return out;
  }

  /**
   * Like {@linkcode Group.map}, yielding results in input order as they are ready. Leaving
   * the loop early stops spawning.
   *
   * @param fn Called with each item.
   * @param items An iterable or async iterable.
   * @returns An async generator of the results, in input order.
   *
   * @example
   * ```ts
   * import { Pool } from "../mod.ts";
   * const pool = new Pool(2);
   * const seen: number[] = [];
   * for await (const n of pool.imap((x: number) => x * x, [1, 2, 3, 4])) {
   *   seen.push(n);
   *   if (n === 4) break;
   * }
   * if (seen.join() !== "1,4") throw new Error("in order, stopped early");
   * ```
   */
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

  /**
   * Like {@linkcode Group.imap}, but in completion order.
   *
   * @param fn Called with each item.
   * @param items An iterable or async iterable.
   * @returns An async generator of the results, as they finish.
   *
   * @example
   * ```ts
   * import { Group, sleep } from "../mod.ts";
   * const group = new Group();
   * const nap = async (seconds: number) => {
   *   await sleep(seconds);
   *   return seconds;
   * };
   * const order: number[] = [];
   * for await (const s of group.imapUnordered(nap, [0.03, 0.01, 0.02])) order.push(s);
   * if (order.join() !== "0.01,0.02,0.03") throw new Error("completion order");
   * ```
   */
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
