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

  /**
   * True once set (and not cleared since).
   *
   * @returns The flag.
   *
   * @example
   * ```ts
   * import { Event } from "../mod.ts";
   * const e = new Event();
   * e.set();
   * e.clear();
   * if (e.isSet()) throw new Error("cleared");
   * ```
   */
  isSet(): boolean {
    return this.#flag;
  }
  /**
   * Same as {@linkcode Event.isSet} (the `Waitable` protocol: `wait()` and `iwait()` use it).
   *
   * @returns The flag.
   *
   * @example
   * ```ts
   * import { Event } from "../mod.ts";
   * if (new Event().ready()) throw new Error("a new event is not set");
   * ```
   */
  ready(): boolean {
    return this.#flag;
  }

  /**
   * Sets the flag and wakes all current waiters; they run once the setter yields (gevent:
   * at the next switch). Setting a set event does nothing.
   *
   * @example
   * ```ts
   * import { Event, sleep, spawn } from "../mod.ts";
   * const go = new Event();
   * const woke: boolean[] = [];
   * for (let i = 0; i < 3; i++) spawn(async () => woke.push(await go.wait()));
   * await sleep(0); // the three greenlets now wait
   * go.set();
   * if (woke.length > 0) throw new Error("waiters run after the setter yields");
   * await sleep(0);
   * if (woke.join() !== "true,true,true") throw new Error("all of them woke");
   * ```
   */
  set(): void {
    if (this.#flag) return;
    this.#flag = true;
    this.notifyReady();
  }

  /**
   * Resets the flag; later waits block again.
   *
   * @example
   * ```ts
   * import { Event } from "../mod.ts";
   * const e = new Event();
   * e.set();
   * e.clear();
   * if ((await e.wait(0.01)) !== false) throw new Error("waits block again");
   * ```
   */
  clear(): void {
    this.#flag = false;
  }

  /**
   * Waits until set; returns at once when it already is.
   *
   * @param timeout Seconds to wait at most; undefined waits for ever.
   * @returns True once set, false after `timeout` seconds.
   *
   * @example
   * ```ts
   * import { Event } from "../mod.ts";
   * const e = new Event();
   * if ((await e.wait(0.01)) !== false) throw new Error("not set: false at the timeout");
   * setTimeout(() => e.set(), 5);
   * if ((await e.wait(1)) !== true) throw new Error("set within the second");
   * ```
   */
  wait(timeout?: number): Promise<boolean> {
    return this.waitReady(timeout);
  }
}
