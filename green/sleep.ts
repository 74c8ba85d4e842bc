/**
 * `sleep(seconds)`: the green yield. `sleep(0)` gives every other ready greenlet one turn (one
 * `setImmediate` per batch, so due timers and finished I/O run too, as with gevent's `sleep(0)`);
 * `sleep(s > 0)` is a timer. Both are interruptible by a kill or a `Timeout`.
 * @module
 */
import { block, schedule } from "./hub.ts";

/**
 * Suspends the current greenlet for `seconds` (default 0: one fair round-robin turn).
 *
 * @param seconds How long; 0 or less yields once to every other ready greenlet.
 * @returns A promise that resolves when the time is up; it rejects with the interrupt when
 * the greenlet is killed or its `Timeout` fires first.
 *
 * @example
 * ```ts
 * import { joinall, sleep, spawn } from "../mod.ts";
 * const out: string[] = [];
 * const loop = async (name: string) => {
 *   for (let i = 0; i < 2; i++) { out.push(`${name}${i}`); await sleep(0); }
 * };
 * await joinall([spawn(loop, "a"), spawn(loop, "b")]);
 * console.log(out.join(" ")); // "a0 b0 a1 b1"
 * ```
 */
export function sleep(seconds = 0): Promise<void> {
  if (!(seconds > 0)) {
    return block<void>((resolve) => {
      let live = true;
      schedule(() => live && resolve());
      return () => (live = false);
    });
  }
  return block<void>((resolve) => {
    const id = setTimeout(resolve, seconds * 1000);
    return () => clearTimeout(id);
  });
}
