/**
 * `Linkable`: the one mechanism behind `Event` and `AsyncResult` (gevent's
 * `AbstractLinkable`): something that becomes ready, wakes its waiters, and notifies callbacks.
 * @module
 */
import { block } from "./hub.ts";
import type { Waitable } from "./waitable.ts";

/**
 * A base for objects that greenlets wait on. Subclasses decide when they are `ready()` and
 * call {@linkcode Linkable.notifyReady} when they become so.
 *
 * @example
 * ```ts
 * import { Linkable } from "./linkable.ts";
 * class Once extends Linkable {
 *   #done = false;
 *   ready() { return this.#done; }
 *   fire() { this.#done = true; this.notifyReady(); }
 *   wait() { return this.waitReady(); }
 * }
 * const once = new Once();
 * setTimeout(() => once.fire(), 1);
 * console.log(await once.wait()); // true
 * ```
 */
export abstract class Linkable implements Waitable {
  #links = new Set<(source: this) => void>();

  /**
   * True once the object is ready.
   *
   * @returns Whether waits on it return at once.
   *
   * @example
   * ```ts
   * import { Event } from "../mod.ts";
   * const e = new Event(); // an Event is a Linkable
   * if (e.ready()) throw new Error("not set yet");
   * e.set();
   * if (!e.ready()) throw new Error("ready once set");
   * ```
   */
  abstract ready(): boolean;

  /**
   * Calls every current callback once, synchronously (the waiters it wakes run after the
   * caller yields). Subclasses call it when they become ready.
   *
   * @example
   * ```ts
   * import { Linkable } from "./linkable.ts";
   * class Flag extends Linkable {
   *   up = false;
   *   ready() { return this.up; }
   *   raise() { this.up = true; this.notifyReady(); }
   * }
   * const flag = new Flag();
   * const seen: boolean[] = [];
   * flag.rawlink((f) => seen.push(f.up));
   * flag.raise();
   * if (seen.join() !== "true") throw new Error("notified during raise()");
   * ```
   */
  protected notifyReady(): void {
    const links = [...this.#links];
    for (const cb of links) cb(this);
  }

  /**
   * Waits until ready, interruptibly (a kill or a `Timeout` ends it); subclasses expose it as
   * their `wait`.
   *
   * @param timeout Seconds to wait at most; undefined waits for ever.
   * @returns True once ready, false after `timeout` seconds.
   *
   * @example
   * ```ts
   * import { Linkable } from "./linkable.ts";
   * class Never extends Linkable {
   *   ready() { return false; }
   *   wait(timeout?: number) { return this.waitReady(timeout); }
   * }
   * if ((await new Never().wait(0.01)) !== false) throw new Error("false at the timeout");
   * ```
   */
  protected waitReady(timeout?: number): Promise<boolean> {
    if (this.ready()) return Promise.resolve(true);
    return block<boolean>(
      (resolve) => {
        const cb = () => resolve(true);
        this.#links.add(cb);
        return () => this.#links.delete(cb);
      },
      timeout,
      () => false,
    );
  }

  /**
   * Calls `callback(this)` when ready (in a microtask, if it already is; never synchronously).
   * The callback must not block.
   *
   * @param callback Called once with this object.
   *
   * @example
   * ```ts
   * import { Event } from "../mod.ts";
   * const e = new Event();
   * e.set();
   * let called = false;
   * e.rawlink(() => (called = true));
   * if (called) throw new Error("not synchronously");
   * await Promise.resolve();
   * if (!called) throw new Error("soon after");
   * ```
   */
  rawlink(callback: (source: this) => void): void {
    if (this.ready()) queueMicrotask(() => callback(this));
    else this.#links.add(callback);
  }

  /**
   * Forgets a callback given to {@linkcode Linkable.rawlink}; unknown callbacks are ignored.
   *
   * @param callback The function given to `rawlink`.
   *
   * @example
   * ```ts
   * import { Event } from "../mod.ts";
   * const e = new Event();
   * let called = false;
   * const callback = () => (called = true);
   * e.rawlink(callback);
   * e.unlink(callback);
   * e.set();
   * if (called) throw new Error("unlinked");
   * ```
   */
  unlink(callback: (source: this) => void): void {
    this.#links.delete(callback);
  }
}
