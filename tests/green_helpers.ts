/**
 * Helpers shared by the `tests/green_*_test.ts` files: timing, capturing failure reports, and
 * the "kill a greenlet blocked in X" check every primitive must pass.
 * @module
 */
import { type Greenlet, GreenletExit, sleep, spawn } from "../mod.ts";
import { setFailureHandler } from "../green/hub.ts";
import { assert } from "./assert.ts";

/** Seconds since `t0` (a `performance.now()` reading). */
export function since(t0: number): number {
  return (performance.now() - t0) / 1000;
}

/** One captured failure report. */
export interface Report {
  error: unknown;
  description: string;
}

/**
 * Runs `fn` with the failure handler replaced by one that records reports; always restores the
 * previous handler. Returns the reports seen while `fn` ran.
 */
export async function captureFailures(fn: () => unknown): Promise<Report[]> {
  const reports: Report[] = [];
  const restore = setFailureHandler((_g, error, description) => {
    reports.push({ error, description });
  });
  try {
    await fn();
  } finally {
    restore();
  }
  return reports;
}

/**
 * Spawns a greenlet that blocks in `wait()`, lets it reach the wait, kills it, and checks the
 * kill behaved as gevent's throw does: prompt, `finally` ran, dead, successful, value is the
 * `GreenletExit`. Returns the dead greenlet.
 */
export async function killWhileBlocked(
  what: string,
  wait: () => Promise<unknown>,
): Promise<Greenlet<string>> {
  let reached = false;
  let finallyRan = false;
  const g = spawn(async () => {
    reached = true;
    try {
      await wait();
      return "wait ended by itself";
    } finally {
      finallyRan = true;
    }
  });
  await sleep(0.01); // let it start and block
  assert(reached, `${what}: greenlet did not start`);
  assert(!g.dead, `${what}: the wait did not block (value ${String(g.value)})`);
  const t0 = performance.now();
  await g.kill({ timeout: 2 });
  const took = since(t0);
  assert(g.dead, `${what}: still alive after kill`);
  assert(took < 0.5, `${what}: kill took ${took.toFixed(3)} s`);
  assert(finallyRan, `${what}: finally block did not run`);
  assert(g.successful(), `${what}: a default kill must count as success`);
  assert((g.value as unknown) instanceof GreenletExit, `${what}: value is ${String(g.value)}`);
  assert(g.exception === undefined, `${what}: exception is ${String(g.exception)}`);
  return g;
}
