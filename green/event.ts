/**
 * `Event`: a flag that greenlets can wait for.
 * @module
 */
import { block } from "./hub.ts";
import type { Waitable } from "./waitable.ts";

/**
 * A flag: `set()` wakes every waiter (they run once the setter yields), `clear()` resets it.
 *
 * @example
 * ```ts
 * import { Event, spawn } from "../mod.ts";
 * const ready = new Event();
 * const g = spawn(async () => (await ready.wait()) ? "go" : "timeout");
 * ready.set();
 * console.log(await g.get()); // "go"
 * ```
 */
export class Event implements Waitable {
  #flag = false;
  #links = new Set<(e: this) => void>();

  /** True once set (and not cleared since). */
  isSet(): boolean {
    return this.#flag;
  }
  /** Same as {@linkcode Event.isSet}. */
  ready(): boolean {
    return this.#flag;
  }

  /** Sets the flag and wakes all current waiters. */
  set(): void {
    if (this.#flag) return;
    this.#flag = true;
    const links = [...this.#links];
    for (const cb of links) cb(this);
  }

  /** Resets the flag; later waits block again. */
  clear(): void {
    this.#flag = false;
  }

  /** Waits until set; resolves true, or false after `timeout` seconds. */
  wait(timeout?: number): Promise<boolean> {
    if (this.#flag) return Promise.resolve(true);
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

  /** Calls `callback(this)` when set (soon, if it already is). */
  rawlink(callback: (e: this) => void): void {
    if (this.#flag) queueMicrotask(() => callback(this));
    else this.#links.add(callback);
  }
  /** Forgets a callback given to {@linkcode Event.rawlink}. */
  unlink(callback: (e: this) => void): void {
    this.#links.delete(callback);
  }
}
