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

  /** True once the object is ready. */
  abstract ready(): boolean;

  /** Calls every current callback once (the waiters run after the caller yields). */
  protected notifyReady(): void {
    const links = [...this.#links];
    for (const cb of links) cb(this);
  }

  /** Waits until ready: resolves true, or false after `timeout` seconds. */
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

  /** Calls `callback(this)` when ready (soon, if it already is). */
  rawlink(callback: (source: this) => void): void {
    if (this.ready()) queueMicrotask(() => callback(this));
    else this.#links.add(callback);
  }

  /** Forgets a callback given to {@linkcode Linkable.rawlink}. */
  unlink(callback: (source: this) => void): void {
    this.#links.delete(callback);
  }
}
