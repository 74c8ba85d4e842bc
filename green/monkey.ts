/**
 * `monkey`: switches greencrawl's I/O between blocking and yielding, as gevent's
 * `monkey.patch_all()` does for Python's `time.sleep` and `urlopen`.
 *
 * gevent starts unpatched, and so does greencrawl: until `patchAll()`, `io.sleep` and
 * `io.urlopen` truly block the thread (the event loop freezes, no other greenlet runs), which
 * is exactly the pitfall the seeds warn about. Deno cannot replace its own built-ins the way
 * gevent rewrites modules, so only greencrawl's `io` functions change behaviour; plain
 * `fetch` and `setTimeout` always yield, and synchronous APIs (`Deno.readFileSync`,
 * `Atomics.wait`, busy loops) always block.
 * @module
 */

let patched = false;

/**
 * Makes `io.sleep` and `io.urlopen` yield to other greenlets. Returns true when it changed
 * something, false when already patched (gevent returns None on a repeat call).
 *
 * @example
 * ```ts
 * import { monkey } from "../mod.ts";
 * monkey.patchAll();
 * console.log(monkey.isPatched()); // true
 * ```
 */
export function patchAll(): boolean {
  if (patched) return false;
  patched = true;
  return true;
}

/**
 * Makes `io.sleep` and `io.urlopen` block the thread again (gevent has no undo; greencrawl
 * needs one to compare modes in one process). Returns true when it changed something.
 *
 * @example
 * ```ts
 * import { monkey } from "../mod.ts";
 * monkey.unpatchAll();
 * console.log(monkey.isPatched()); // false
 * ```
 */
export function unpatchAll(): boolean {
  if (!patched) return false;
  patched = false;
  return true;
}

/**
 * True after `patchAll()` (and before `unpatchAll()`).
 *
 * @example
 * ```ts
 * import { monkey } from "../mod.ts";
 * console.log(typeof monkey.isPatched()); // "boolean"
 * ```
 */
export function isPatched(): boolean {
  return patched;
}

/**
 * The three functions as one namespace, spelled as in gevent: `monkey.patchAll()`.
 *
 * @example
 * ```ts
 * import { monkey } from "../mod.ts";
 * if (monkey.patchAll()) console.log("patched");
 * ```
 */
export const monkey: {
  /** See {@linkcode patchAll}. */
  patchAll: () => boolean;
  /** See {@linkcode unpatchAll}. */
  unpatchAll: () => boolean;
  /** See {@linkcode isPatched}. */
  isPatched: () => boolean;
} = { patchAll, unpatchAll, isPatched };
