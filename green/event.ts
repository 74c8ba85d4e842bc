/**
 * `Event`: a flag that greenlets can wait for.
 * @module
 */
import { Linkable } from "./linkable.ts";

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
export class Event extends Linkable {
  #flag = false;

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
    this.notifyReady();
  }

  /** Resets the flag; later waits block again. */
  clear(): void {
    this.#flag = false;
  }

  /** Waits until set; resolves true, or false after `timeout` seconds. */
  wait(timeout?: number): Promise<boolean> {
    return this.waitReady(timeout);
  }
}
