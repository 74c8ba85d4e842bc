/**
 * What `joinall`, `iwait` and `wait` can wait for: greenlets, events and async results.
 * @module
 */

/**
 * Something that becomes ready once and can notify a callback when it does (gevent's
 * `rawlink` protocol). `rawlink` callbacks run synchronously in the notifier and must not block.
 *
 * @example
 * ```ts
 * import type { Waitable } from "./waitable.ts";
 * import { Event } from "./event.ts";
 * const w: Waitable = new Event();
 * console.log(w.ready()); // false
 * ```
 */
export interface Waitable {
  /** True once the object is ready (a greenlet dead, an event set, a result set). */
  ready(): boolean;
  /** Calls `callback(this)` once the object is ready (soon, if it already is). */
  rawlink(callback: (source: this) => void): void;
  /** Forgets a callback given to `rawlink`. */
  unlink(callback: (source: this) => void): void;
}
