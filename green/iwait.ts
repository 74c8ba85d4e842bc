/**
 * `iwait` and `wait`: consume any waitables (greenlets, events, async results) as they
 * become ready.
 * @module
 */
import { block } from "./hub.ts";
import type { Waitable } from "./waitable.ts";

/** Options of {@linkcode iwait} and {@linkcode wait}. */
export interface WaitOptions {
  /** Stop after this many seconds (iteration just ends; nothing is thrown). */
  timeout?: number;
  /** Stop after this many objects. */
  count?: number;
}

/**
 * Yields each object as it becomes ready: those already ready first (input order), then in
 * completion order. At the timeout the iteration simply stops.
 *
 * @param objects Greenlets, events, async results: any {@linkcode Waitable}s.
 * @param options `timeout` in seconds; `count` to stop after that many.
 * @returns An async generator of the objects as they become ready.
 *
 * @example
 * ```ts
 * import { iwait, sleep, spawn } from "../mod.ts";
 * const gs = [spawn(() => sleep(0.02)), spawn(() => sleep(0.01))];
 * for await (const g of iwait(gs)) console.log(gs.indexOf(g)); // 1, then 0
 * ```
 */
export async function* iwait<W extends Waitable>(
  objects: Iterable<W>,
  options: WaitOptions = {},
): AsyncGenerator<W> {
  const all = [...objects];
  const limit = Math.min(options.count ?? all.length, all.length);
  const deadline = options.timeout === undefined
    ? undefined
    : performance.now() + options.timeout * 1000;
  const ready: W[] = all.filter((w) => w.ready());
  const waiting = all.filter((w) => !w.ready());
  let wake: (() => void) | undefined;
  const onReady = (w: W) => {
    ready.push(w);
    wake?.();
  };
  for (const w of waiting) w.rawlink(onReady);
  try {
    let given = 0;
    while (given < limit) {
      if (ready.length === 0) {
        const left = deadline === undefined ? undefined : (deadline - performance.now()) / 1000;
        if (left !== undefined && left <= 0) return;
        const arrived = await block<boolean>(
          (resolve) => {
            wake = () => resolve(true);
            return () => (wake = undefined);
          },
          left,
          () => false,
        );
        if (!arrived) return;
      }
      given++;
      yield ready.shift()!;
    }
  } finally {
    for (const w of waiting) w.unlink(onReady);
  }
}

/**
 * Waits until the objects are ready (or `count` of them, or the timeout); returns the ready
 * ones in completion order.
 *
 * @param objects Greenlets, events, async results: any {@linkcode Waitable}s.
 * @param options `timeout` in seconds; `count` to return after that many.
 * @returns The ready objects, in completion order (those ready at the call first).
 *
 * @example
 * ```ts
 * import { Event, wait } from "../mod.ts";
 * const e = new Event();
 * setTimeout(() => e.set(), 5);
 * console.log((await wait([e])).length); // 1
 * ```
 */
export async function wait<W extends Waitable>(
  objects: Iterable<W>,
  options: WaitOptions = {},
): Promise<W[]> {
  const out: W[] = [];
  for await (const w of iwait(objects, options)) out.push(w);
  return out;
}
