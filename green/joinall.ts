/**
 * `joinall` and `killall`: wait for, or stop, many greenlets at once.
 *
 * `joinall` is not `Promise.all`: it returns the greenlets that finished, in completion order
 * (those already dead first, in input order); a timeout gives a partial list and no error;
 * with `raiseError` the first failure is thrown as soon as it happens and the others keep
 * running (gevent §1.8).
 * @module
 */
import { block } from "./hub.ts";
import type { Greenlet, KillOptions } from "./greenlet.ts";

/** Options of {@linkcode joinall}. */
export interface JoinallOptions {
  /** Stop waiting after this many seconds and return what finished. */
  timeout?: number;
  /** Throw the first failure's error as soon as it happens. */
  raiseError?: boolean;
  /** Return once this many greenlets have finished. */
  count?: number;
}

/**
 * Waits for greenlets to finish; returns the finished ones in completion order.
 *
 * @param greenlets The greenlets.
 * @param options `timeout` in seconds; `count` to return after that many; `raiseError` to
 * throw the first failure.
 * @returns The dead greenlets: those dead at the call first (input order), then in completion
 * order; fewer than given after a timeout.
 *
 * @example
 * ```ts
 * import { joinall, sleep, spawn } from "../mod.ts";
 * const slow = spawn(async () => { await sleep(0.02); return "slow"; });
 * const fast = spawn(async () => { await sleep(0.01); return "fast"; });
 * const done = await joinall([slow, fast]);
 * console.log(done.map((g) => g.value)); // ["fast", "slow"]
 * ```
 */
// deno-lint-ignore no-explicit-any
export function joinall<G extends Greenlet<any>>(
  greenlets: Iterable<G>,
  options: JoinallOptions = {},
): Promise<G[]> {
  const all = [...greenlets];
  const done: G[] = all.filter((g) => g.dead);
  const target = Math.min(options.count ?? all.length, all.length);
  const failed = options.raiseError ? done.find((g) => !g.successful()) : undefined;
  if (failed) return Promise.reject(failed.exception);
  if (done.length >= target) return Promise.resolve(done);
  const waiting = all.filter((g) => !g.dead);
  return block<G[]>(
    (resolve, reject) => {
      const onDeath = (g: G) => {
        done.push(g);
        if (options.raiseError && !g.successful()) reject(g.exception);
        else if (done.length >= target) resolve(done);
      };
      for (const g of waiting) g.rawlink(onDeath);
      return () => {
        for (const g of waiting) g.unlink(onDeath);
      };
    },
    options.timeout,
    () => done,
  );
}

/**
 * Kills greenlets; by default waits (up to `timeout` seconds) until they are all dead.
 *
 * @param greenlets The greenlets.
 * @param options As for {@linkcode Greenlet.kill}: `exception`, `block`, `timeout`.
 * @returns A promise that resolves once they are dead (or at once with `block: false`).
 *
 * @example
 * ```ts
 * import { killall, sleep, spawn } from "../mod.ts";
 * const gs = [spawn(() => sleep(10)), spawn(() => sleep(10))];
 * await sleep(0);
 * await killall(gs);
 * console.log(gs.every((g) => g.dead)); // true
 * ```
 */
export async function killall(
  // deno-lint-ignore no-explicit-any
  greenlets: Iterable<Greenlet<any>>,
  options: KillOptions = {},
): Promise<void> {
  const all = [...greenlets];
  for (const g of all) void g.kill({ ...options, block: false });
  if (options.block !== false) await joinall(all, { timeout: options.timeout });
}
