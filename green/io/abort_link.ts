/**
 * Forwarding one abort signal to many requests: {@linkcode linkAbort} makes `signal` abort
 * `controller` (with the signal's reason) until the returned unlink function is called.
 *
 * A run hands one signal (Ctrl-C) to every request. An `abort` listener per request made each
 * `addEventListener` and `removeEventListener` scan the signal's listener list (about one per
 * request in flight, so 50 entries at 50 workers), twice per request. Here each signal gets one
 * listener, ever, and a request costs one `Set` insert and delete.
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
