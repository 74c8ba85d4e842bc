/**
 * `Greenlet`, `spawn`, `spawnLater` and `getcurrent`: gevent's unit of work, as an async
 * function with a kill switch. The semantics are gevent's (each method says its part; the list of
 * what is kept and what differs is in `docs/decisions.md`). The difference that shows in use:
 * killing is cooperative. A kill interrupts the green wait the greenlet is blocked in and aborts
 * {@linkcode Greenlet.signal} (pass it to `fetch`); a plain `await` of anything else runs on, and
 * the kill is delivered at the greenlet's next green wait.
 * @module
 */
import { block, current, RawGreenlet, reportFailure, schedule, scheduleCall } from "./hub.ts";
import type { Waitable } from "./waitable.ts";
import { Timeout } from "./timeout.ts";

/**
 * The default exception of {@linkcode Greenlet.kill}; a greenlet that dies of it counts as
 * successful, and `value` holds the instance.
 *
 * @example
 * ```ts
 * import { GreenletExit, sleep, spawn } from "../mod.ts";
 * const g = spawn(() => sleep(10));
 * await g.kill();
 * console.log(g.value instanceof GreenletExit, g.successful()); // true true
 * ```
 */
export class GreenletExit extends Error {
  /** Creates the exit signal. */
  constructor(message = "greenlet killed") {
    super(message);
    this.name = "GreenletExit";
  }
}

/** A callback given to `link*`, or an object (such as `AsyncResult`) that receives the outcome. */
export type LinkTarget<T> =
  | ((greenlet: Greenlet<T>) => unknown)
  | { set(value: T): void; setException(error: unknown): void };

type LinkKind = "raw" | "any" | "value" | "exception";
interface Link<T> {
  target: LinkTarget<T>;
  kind: LinkKind;
}

/** Options of {@linkcode Greenlet.kill}. */
export interface KillOptions {
  /** What to throw into the greenlet: an error instance or class. Default: `GreenletExit`. */
  exception?: unknown;
  /** Wait until the greenlet is dead (default true). */
  block?: boolean;
  /** With `block`, give up waiting after this many seconds (the greenlet may live on). */
  timeout?: number;
}

let nextIdent = 0;

// deno-lint-ignore no-explicit-any
type AnyFn = (...args: any[]) => any;

/**
 * A unit of work: a function, its arguments, and its outcome.
 *
 * @example
 * ```ts
 * import { Greenlet } from "../mod.ts";
 * const g = new Greenlet((a: number, b: number) => a + b, 2, 3); // not started yet
 * g.start();
 * console.log(await g.get()); // 5
 * ```
 */
export class Greenlet<T = unknown> extends RawGreenlet implements Waitable {
  #fn: AnyFn | undefined;
  #args: unknown[];
  #started = false;
  #running = false;
  #dead = false;
  #failed = false;
  #value: T | GreenletExit | undefined;
  #exception: unknown;
  #links: Link<T>[] | undefined;
  #controller: AbortController | undefined;
  #ident: number | undefined;
  #startTimer: ReturnType<typeof setTimeout> | undefined;

  /** Creates a greenlet that is not started: call {@linkcode Greenlet.start}. */
  // deno-lint-ignore no-explicit-any
  constructor(fn?: (...args: any[]) => T | Promise<T>, ...args: unknown[]) {
    super();
    this.#fn = fn;
    this.#args = args;
  }

  /**
   * Creates and starts a greenlet (gevent's `Greenlet.spawn`; subclasses get instances of
   * themselves).
   *
   * @param fn The work.
   * @param args Its arguments.
   * @returns The started greenlet.
   *
   * @example
   * ```ts
   * import { Greenlet } from "../mod.ts";
   * const g = Greenlet.spawn(() => "hi");
   * console.log(await g.get()); // "hi"
   * ```
   */
  static spawn<R, A extends unknown[]>(
    fn: (...args: A) => R | Promise<R>,
    ...args: A
  ): Greenlet<R> {
    const g = new this(fn, ...args) as Greenlet<R>;
    g.start();
    return g;
  }

  /** Small process-wide number, assigned the first time it is read (as in gevent). */
  get minimalIdent(): number {
    return this.#ident ??= nextIdent++;
  }

  /**
   * `Greenlet-<minimalIdent>` unless a name was assigned.
   *
   * @returns The default name.
   *
   * @example
   * ```ts
   * import { Greenlet } from "../mod.ts";
   * const g = new Greenlet();
   * if (g.name !== `Greenlet-${g.minimalIdent}`) throw new Error("gevent's default name");
   * ```
   */
  protected override defaultName(): string {
    return `Greenlet-${this.minimalIdent}`;
  }

  /** True once scheduled (false again if killed before it ran). */
  get started(): boolean {
    return this.#started;
  }
  /** True once finished: returned, failed or killed. */
  get dead(): boolean {
    return this.#dead;
  }
  /** The return value, or the `GreenletExit` of a default kill; undefined otherwise. */
  get value(): T | GreenletExit | undefined {
    return this.#value;
  }
  /** The error the greenlet died of; undefined unless it failed. */
  get exception(): unknown {
    return this.#exception;
  }
  /**
   * Same as {@linkcode Greenlet.dead} (the `Waitable` protocol).
   *
   * @returns True once finished.
   *
   * @example
   * ```ts
   * import { spawn } from "../mod.ts";
   * const g = spawn(() => 1);
   * if (g.ready()) throw new Error("not run yet");
   * await g.join();
   * if (!g.ready()) throw new Error("dead after join");
   * ```
   */
  ready(): boolean {
    return this.#dead;
  }
  /**
   * Dead without an error (a default kill counts as success).
   *
   * @returns True when it returned or was killed with `GreenletExit`.
   *
   * @example
   * ```ts
   * import { Greenlet } from "../mod.ts";
   * const g = new Greenlet(() => "never runs");
   * await g.kill(); // not started: dies of GreenletExit at once
   * if (!g.successful()) throw new Error("a default kill is a success");
   * ```
   */
  successful(): boolean {
    return this.#dead && !this.#failed;
  }

  /**
   * Aborted when the greenlet is killed, with the kill's exception as reason: pass it to
   * `fetch` and friends so a kill stops them too.
   */
  get signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }

  /**
   * Schedules the greenlet; it starts on the hub's next turn (see `schedule`), not inside
   * `start()`. Starting twice, or after death, does nothing.
   *
   * @example
   * ```ts
   * import { Greenlet } from "../mod.ts";
   * let ran = false;
   * const g = new Greenlet(() => (ran = true));
   * g.start();
   * if (!g.started || ran) throw new Error("scheduled, not yet run");
   * await g.join();
   * if (!ran) throw new Error("ran once the caller waited");
   * ```
   */
  start(): void {
    if (this.#started || this.#dead) return;
    this.#started = true;
    scheduleCall(Greenlet.#startScheduled, this);
  }

  /**
   * Schedules the greenlet to start after `seconds`; it counts as started at once.
   *
   * @param seconds The delay.
   *
   * @example
   * ```ts
   * import { Greenlet } from "../mod.ts";
   * const g = new Greenlet(() => performance.now());
   * const t0 = performance.now();
   * g.startLater(0.02);
   * if (!g.started) throw new Error("started counts from startLater()");
   * if ((await g.get()) - t0 < 15) throw new Error("ran about 20 ms later");
   * ```
   */
  startLater(seconds: number): void {
    if (this.#started || this.#dead) return;
    this.#started = true;
    this.#startTimer = setTimeout(() => {
      this.#startTimer = undefined;
      this.#runNow();
    }, Math.max(0, seconds * 1000));
  }

  /**
   * The work; subclasses may override it instead of passing a function (gevent's `_run`).
   *
   * @param args The arguments given to the constructor after the function.
   * @returns The greenlet's value (or a promise of it).
   *
   * @example
   * ```ts
   * import { Greenlet } from "../mod.ts";
   * class Doubler extends Greenlet<number> {
   *   protected override run(n: number): number {
   *     return n * 2;
   *   }
   * }
   * const g = new Doubler(undefined, 21);
   * g.start();
   * if ((await g.get()) !== 42) throw new Error("run() is the work");
   * ```
   */
  protected run(...args: unknown[]): T | Promise<T> {
    return this.#fn ? this.#fn(...args) : (undefined as T);
  }

  /** The scheduler's entry (a static function: no closure per spawned greenlet). */
  // deno-lint-ignore no-explicit-any
  static #startScheduled(g: Greenlet<any>): void {
    g.#runNow();
  }

  /** Runs the function now (see `start` and `startLater`). */
  #runNow(): void {
    if (this.#dead || this.#running) return;
    this.#running = true;
    let result: T | Promise<T>;
    try {
      result = this.runAs(callRun, this, this.#args);
    } catch (error) {
      this.#finish(false, error);
      return;
    }
    if (isThenable(result)) {
      result.then((v) => this.#finish(true, v), (e) => this.#finish(false, e));
    } else {
      this.#finish(true, result);
    }
  }

  #finish(ok: boolean, outcome: unknown): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#running = false;
    if (ok || outcome instanceof GreenletExit) {
      this.#value = outcome as T;
    } else {
      this.#failed = true;
      this.#exception = outcome;
      reportFailure(this, outcome, this.toString());
    }
    const links = this.#links;
    this.#links = undefined;
    if (links) { for (const link of links) this.#notify(link); }
  }

  #notify(link: Link<T>): void {
    const { target, kind } = link;
    if (kind === "value" && !this.successful()) return;
    if (kind === "exception" && this.successful()) return;
    if (typeof target !== "function") {
      if (this.successful()) target.set(this.#value as T);
      else target.setException(this.#exception);
      return;
    }
    if (kind === "raw") {
      try {
        target(this);
      } catch (error) {
        reportFailure(this, error, `rawlink callback of ${this}`);
      }
      return;
    }
    const g = new Greenlet(target, this);
    g.start();
  }

  #addLink(target: LinkTarget<T>, kind: LinkKind): void {
    const link = { target, kind };
    if (!this.#dead) (this.#links ??= []).push(link);
    // After death: a callback link spawns its greenlet now (it starts on a later turn, FIFO);
    // a raw link or a result object is notified on a later turn. Never synchronously.
    else if (kind !== "raw" && typeof target === "function") this.#notify(link);
    else schedule(() => this.#notify(link));
  }

  /**
   * Runs `callback(this)` in a new greenlet once this one is dead, whatever the outcome
   * (linked after death: soon). An object target such as `AsyncResult` receives the outcome
   * instead: `set(value)` or `setException(error)`.
   *
   * @param callback A function, or an object with `set` and `setException`.
   *
   * @example
   * ```ts
   * import { AsyncResult, spawn } from "../mod.ts";
   * const result = new AsyncResult<number>();
   * const g = spawn(() => 6 * 7);
   * g.link(result); // the result receives g's outcome
   * if ((await result.get()) !== 42) throw new Error("linked result");
   * ```
   */
  link(callback: LinkTarget<T>): void {
    this.#addLink(callback, "any");
  }
  /**
   * Like {@linkcode Greenlet.link}, only when the greenlet succeeded.
   *
   * @param callback A function, or an object with `set` and `setException`.
   *
   * @example
   * ```ts
   * import { AsyncResult, spawn } from "../mod.ts";
   * const seen = new AsyncResult<string>();
   * const g = spawn(() => "page");
   * g.linkValue((dead) => seen.set(`value: ${dead.value}`));
   * g.linkException(() => seen.set("failed"));
   * if ((await seen.get()) !== "value: page") throw new Error("only the value link runs");
   * ```
   */
  linkValue(callback: LinkTarget<T>): void {
    this.#addLink(callback, "value");
  }
  /**
   * Like {@linkcode Greenlet.link}, only when the greenlet failed (`exception` holds the error).
   *
   * @param callback A function, or an object with `set` and `setException`.
   *
   * @example
   * ```ts
   * import { AsyncResult, spawn } from "../mod.ts";
   * import { setFailureHandler } from "./hub.ts";
   * const restore = setFailureHandler(() => {}); // keep the failure report off stderr
   * const seen = new AsyncResult<unknown>();
   * const g = spawn(() => {
   *   throw new Error("boom");
   * });
   * g.linkException((dead) => seen.set(dead.exception));
   * if (((await seen.get()) as Error).message !== "boom") throw new Error("the error");
   * restore();
   * ```
   */
  linkException(callback: LinkTarget<T>): void {
    this.#addLink(callback, "exception");
  }
  /**
   * Calls `callback(this)` synchronously at death (on a later turn when already dead); it
   * must not block. `joinall`, `iwait` and `Group` are built on it.
   *
   * @param callback Called with the dead greenlet.
   *
   * @example
   * ```ts
   * import { spawn } from "../mod.ts";
   * const order: string[] = [];
   * const g = spawn(() => "done");
   * g.rawlink((dead) => order.push(`rawlink ${dead.value}`));
   * await g.join();
   * order.push("join");
   * if (order.join(", ") !== "rawlink done, join") throw new Error("called at death");
   * ```
   */
  rawlink(callback: (greenlet: this) => void): void {
    this.#addLink(callback as LinkTarget<T>, "raw");
  }
  /**
   * Forgets a callback given to any `link*` method; unknown callbacks are ignored.
   *
   * @param callback The function or object given to `link*`.
   *
   * @example
   * ```ts
   * import { spawn } from "../mod.ts";
   * let called = false;
   * const onDeath = () => (called = true);
   * const g = spawn(() => 1);
   * g.rawlink(onDeath);
   * g.unlink(onDeath);
   * await g.join();
   * if (called) throw new Error("unlinked callbacks do not run");
   * ```
   */
  unlink(callback: unknown): void {
    const links = this.#links;
    if (!links) return;
    const i = links.findIndex((l) => l.target === callback);
    if (i >= 0) links.splice(i, 1);
  }

  /**
   * Waits until the greenlet is dead or `timeout` seconds have passed. Never throws the
   * greenlet's error (use {@linkcode Greenlet.get}); check `ready()` to tell the two apart.
   *
   * @param timeout Seconds to wait at most; undefined waits for ever.
   * @returns A promise that resolves when the greenlet is dead or the timeout passed.
   *
   * @example
   * ```ts
   * import { sleep, spawn } from "../mod.ts";
   * const g = spawn(() => sleep(10));
   * await g.join(0.01);
   * if (g.ready()) throw new Error("a timed-out join just returns");
   * await g.kill();
   * ```
   */
  join(timeout?: number): Promise<void> {
    if (this.#dead) return Promise.resolve();
    return block<void>((resolve) => {
      const done = () => resolve();
      this.rawlink(done);
      return () => this.unlink(done);
    }, timeout);
  }

  /**
   * The value, or the greenlet's error re-thrown. Throws `Timeout` when it is not ready
   * at once (`block: false`) or within `timeout` seconds.
   *
   * @param options `block: false` to not wait; `timeout` in seconds.
   * @returns The greenlet's value.
   * @throws The greenlet's error, or `Timeout`.
   *
   * @example
   * ```ts
   * import { sleep, spawn, Timeout } from "../mod.ts";
   * const g = spawn(async () => {
   *   await sleep(0.05);
   *   return "ok";
   * });
   * const early = await g.get({ timeout: 0.01 }).catch((e) => e);
   * if (!(early instanceof Timeout)) throw new Error("not ready within 10 ms");
   * if ((await g.get()) !== "ok") throw new Error("the value once dead");
   * ```
   */
  async get(options: { block?: boolean; timeout?: number } = {}): Promise<T> {
    if (!this.#dead) {
      if (options.block === false) throw new Timeout(0);
      await this.join(options.timeout);
      if (!this.#dead) throw new Timeout(options.timeout ?? null);
    }
    if (this.#failed) throw this.#exception;
    return this.#value as T;
  }

  /**
   * Throws `GreenletExit` (or `exception`) into the greenlet at its current green wait and
   * aborts its {@linkcode Greenlet.signal}; by default waits for it to die. A greenlet that
   * has not run yet never runs; killing a dead one does nothing.
   *
   * @param options `exception` to throw instead of `GreenletExit`; `block: false` to not wait;
   * `timeout` in seconds for the wait.
   * @returns A promise that resolves once the greenlet is dead (or at once, or at the timeout).
   *
   * @example
   * ```ts
   * import { sleep, spawn } from "../mod.ts";
   * let cleanedUp = false;
   * const g = spawn(async () => {
   *   try {
   *     await sleep(10);
   *   } finally {
   *     cleanedUp = true; // the kill rejects the sleep, so finally blocks run
   *   }
   * });
   * await sleep(0); // g starts and blocks in sleep(10)
   * await g.kill();
   * if (!g.dead || !cleanedUp) throw new Error("killed at its green wait");
   * ```
   */
  async kill(options: KillOptions = {}): Promise<void> {
    if (this.#dead) return;
    const reason = toError(options.exception);
    if (!this.#running) {
      // Not running yet: the function never runs (gevent: `started` goes back to false),
      // and a startLater() timer must not outlive it.
      if (this.#startTimer !== undefined) clearTimeout(this.#startTimer);
      this.#startTimer = undefined;
      this.#started = false;
      this.#finish(reason instanceof GreenletExit, reason);
      return;
    }
    this.#controller ??= new AbortController();
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
    this.interrupt(reason);
    if (options.block !== false) await this.join(options.timeout);
  }

  /**
   * `<Greenlet "name" at 0x1: fn(args)>`, as gevent prints it (long arguments are cut).
   *
   * @returns The description used in failure reports.
   *
   * @example
   * ```ts
   * import { Greenlet } from "../mod.ts";
   * function add(a: number, b: number) {
   *   return a + b;
   * }
   * const g = new Greenlet(add, 2, 3);
   * g.name = "adder";
   * const text = g.toString();
   * if (!text.startsWith('<Greenlet "adder" at 0x') || !text.endsWith(": add(2, 3)>")) {
   *   throw new Error(text);
   * }
   * ```
   */
  override toString(): string {
    const fn = this.#fn?.name || (this.#fn ? "<anonymous>" : "run");
    const args = this.#args.map(describe).join(", ");
    return `<Greenlet "${this.name}" at 0x${this.minimalIdent.toString(16)}: ${fn}(${args})>`;
  }
}

function callRun<T>(g: Greenlet<T>, args: unknown[]): T | Promise<T> {
  // deno-lint-ignore no-explicit-any
  return (g as any).run(...args);
}

function isThenable<V>(value: V | PromiseLike<V>): value is PromiseLike<V> {
  return typeof (value as PromiseLike<V> | null)?.then === "function";
}

function toError(exception: unknown): unknown {
  if (exception === undefined) return new GreenletExit();
  if (typeof exception === "function") return new (exception as new () => unknown)();
  return exception;
}

function describe(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "function") text = value.name || "<function>";
  else if (value === null || typeof value !== "object") text = String(value);
  else text = Object.prototype.toString.call(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Creates a greenlet running `fn(...args)` and schedules it: it starts as soon as the
 * caller awaits something (gevent's `spawn`).
 *
 * @param fn The work; its return value (awaited) becomes the greenlet's `value`.
 * @param args Its arguments.
 * @returns The started greenlet.
 *
 * @example
 * ```ts
 * import { joinall, sleep, spawn } from "../mod.ts";
 * const order: string[] = [];
 * const g = spawn(async (s: string) => { await sleep(0); order.push(s); }, "child");
 * order.push("main");
 * await joinall([g]);
 * console.log(order); // ["main", "child"]
 * ```
 */
export function spawn<R, A extends unknown[]>(
  fn: (...args: A) => R | Promise<R>,
  ...args: A
): Greenlet<R> {
  const g = new Greenlet<R>(fn, ...args);
  g.start();
  return g;
}

/**
 * Like {@linkcode spawn}, but the greenlet starts after `seconds` (it counts as started at once).
 *
 * @param seconds The delay.
 * @param fn The work.
 * @param args Its arguments.
 * @returns The started greenlet.
 *
 * @example
 * ```ts
 * import { spawnLater } from "../mod.ts";
 * const g = spawnLater(0.01, () => "late");
 * console.log(await g.get()); // "late"
 * ```
 */
export function spawnLater<R, A extends unknown[]>(
  seconds: number,
  fn: (...args: A) => R | Promise<R>,
  ...args: A
): Greenlet<R> {
  const g = new Greenlet<R>(fn, ...args);
  g.startLater(seconds);
  return g;
}

/**
 * The running greenlet: a {@linkcode Greenlet} inside spawned code, the main raw greenlet
 * (named `"main"`) elsewhere.
 *
 * @returns The current greenlet.
 *
 * @example
 * ```ts
 * import { getcurrent, spawn } from "../mod.ts";
 * const g = spawn(() => getcurrent());
 * console.log((await g.get()) === g); // true
 * ```
 */
export function getcurrent(): RawGreenlet {
  return current();
}
