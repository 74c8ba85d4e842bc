/**
 * Tiny assertions for the tests (JSR, and so `@std/assert`, cannot be reached here), plus
 * {@linkcode test}: `Deno.test` with the op and resource sanitizers switched on, since Deno 2.9
 * leaves them off by default and a leaked timer is exactly what the green layer must not do.
 * @module
 */
import { deepStrictEqual } from "node:assert";

/** Throws when `condition` is falsy. */
export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new Error(message);
}

/** Throws unless `actual` deep-equals `expected` (strict: same types, same prototypes). */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  if (message === undefined) deepStrictEqual(actual, expected);
  else deepStrictEqual(actual, expected, message);
}

/** Returns the error `fn` throws or its promise rejects with; throws when there is none. */
export async function assertRejects(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  expected?: abstract new (...args: any[]) => unknown,
): Promise<unknown> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
    if (expected && !(e instanceof expected)) {
      throw new Error(`expected ${expected.name}, got ${String(e)}`);
    }
    return error;
  }
  throw new Error(`expected ${expected?.name ?? "an error"}, but nothing was thrown`);
}

/** `Deno.test` with the op and resource sanitizers on (leaked timers fail the test). */
export function test(name: string, fn: () => void | Promise<void>): void {
  Deno.test({ name, fn, sanitizeOps: true, sanitizeResources: true });
}
