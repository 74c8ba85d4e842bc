/**
 * Forwarding one abort signal to many requests: {@linkcode linkAbort} makes `signal` (a run's
 * Ctrl-C) abort `controller` with its reason until unlinked. Each signal gets one listener, ever,
 * and a request costs one `Set` insert and delete. Hand-written, with `deadlines.ts`, because
 * together they buy 5% of the 20,000-page crawl's CPU over `AbortSignal.any` and
 * `AbortSignal.timeout` (`docs/decisions.md`).
 * @module
 */

const linked = new WeakMap<AbortSignal, Set<AbortController>>();

/**
 * Aborts `controller` when `signal` aborts (at once if it already has), until unlinked.
 *
 * @example
 * ```ts
 * import { linkAbort } from "./abort_link.ts";
 * const run = new AbortController();
 * const request = new AbortController();
 * const unlink = linkAbort(run.signal, request);
 * run.abort(new Error("interrupted"));
 * console.log(request.signal.aborted, (request.signal.reason as Error).message); // true "interrupted"
 * unlink();
 * ```
 */
export function linkAbort(signal: AbortSignal, controller: AbortController): () => void {
  if (signal.aborted) {
    controller.abort(signal.reason);
    return unlinked;
  }
  let controllers = linked.get(signal);
  if (!controllers) {
    const set = controllers = new Set();
    linked.set(signal, set);
    signal.addEventListener("abort", () => {
      linked.delete(signal);
      for (const c of set) c.abort(signal.reason);
      set.clear();
    }, { once: true });
  }
  controllers.add(controller);
  const set = controllers;
  return () => void set.delete(controller);
}

function unlinked(): void {}
