/**
 * The hub's waits (`green/hub.ts`): `waitFor`, the lean wait green I/O uses for a request under
 * way, and `block`'s bookkeeping when one greenlet has several waits at once. Each way a wait can
 * end (its work, a kill, a `Timeout`, an interrupt that arrived before the wait) must settle it
 * once and stop or keep the work as documented.
 *
 * Run: deno test tests/green_hub_test.ts
 */
import { block, waitFor } from "../green/hub.ts";
import { GreenletExit, sleep, spawn, Timeout } from "../mod.ts";
import { assert, assertEquals, test } from "./assert.ts";

/**
 * Work settled from outside. `stop()` counts the stops and rejects the work, as an aborted
 * request does: nothing may leave that rejection unhandled.
 */
function work<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const w = {
    promise,
    resolve,
    stops: 0,
    stop() {
      w.stops++;
      reject(new DOMException("stopped", "AbortError"));
    },
  };
  return w;
}

test("waitFor: the work's value; a later kill does not stop finished work", async () => {
  const w = work<string>();
  const g = spawn(async () => {
    const value = await waitFor(w.promise, () => w.stop());
    await sleep(10);
    return value;
  });
  await sleep(0.005);
  w.resolve("page");
  await sleep(0.005);
  await g.kill();
  assertEquals(w.stops, 0);
  assert(g.value instanceof GreenletExit, `killed in its sleep, got ${String(g.value)}`);
});

/** Spawns `fn` and keeps what it throws (and throws on), for the kill tests. */
function spawnCatching(fn: () => Promise<unknown>) {
  const seen: { caught?: unknown } = {};
  const g = spawn(async () => {
    try {
      return await fn();
    } catch (error) {
      seen.caught = error;
      throw error;
    }
  });
  return { g, seen };
}

test("waitFor: a kill rejects the wait at once and stops the work once", async () => {
  const w = work<string>(); // never settles by itself
  const { g, seen } = spawnCatching(() => waitFor(w.promise, () => w.stop()));
  await sleep(0.005);
  await g.kill({ timeout: 1 });
  assert(g.dead && seen.caught instanceof GreenletExit, `killed, got ${seen.caught}`);
  assertEquals(w.stops, 1);
  w.resolve("too late"); // settling afterwards changes nothing
  await sleep(0);
  assertEquals(w.stops, 1);
});

test("waitFor: an interrupt that arrived before the wait rejects it and stops the work", async () => {
  const w = work<string>();
  const { g, seen } = spawnCatching(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20)); // not a green wait: the kill queues
    return await waitFor(w.promise, () => w.stop());
  });
  await sleep(0.005);
  await g.kill({ timeout: 1 });
  assert(seen.caught instanceof GreenletExit, `the queued kill lands on waitFor: ${seen.caught}`);
  assertEquals(w.stops, 1);
});

test("waitFor: a Timeout interrupts it; the greenlet goes on", async () => {
  const w = work<string>();
  const g = spawn(async () => {
    const t = Timeout.startNew(0.01);
    try {
      return await waitFor(w.promise, () => w.stop());
    } catch (error) {
      return error === t ? "timed out" : `other: ${error}`;
    } finally {
      t.cancel();
    }
  });
  assertEquals(await g.get(), "timed out");
  assertEquals(w.stops, 1);
});

test("block: a kill interrupts every wait a greenlet has at once, each cleaned up once", async () => {
  const cleaned: string[] = [];
  const waitOn = (name: string) =>
    block<string>(() => () => {
      cleaned.push(name);
    });
  const results: PromiseSettledResult<string>[] = [];
  const g = spawn(async () => {
    const first = waitOn("a");
    const second = waitOn("b");
    const third = waitOn("c");
    results.push(...await Promise.allSettled([first, second, third]));
    await sleep(10); // the next wait after the three is a wait of its own
  });
  await sleep(0.005);
  g.kill();
  await sleep(0.005);
  assertEquals(cleaned, ["a", "b", "c"], "oldest first, once each");
  assert(results.every((r) => r.status === "rejected" && r.reason instanceof GreenletExit));
  assert(!g.dead, "the greenlet went on to its sleep");
  await g.kill();
  assert(g.value instanceof GreenletExit);
});

test("block: a wait that ends leaves room for the next; interrupts reach only live waits", async () => {
  const cleaned: string[] = [];
  let release!: (value: string) => void;
  const g = spawn(async () => {
    const first = block<string>((resolve) => {
      release = resolve;
      return () => cleaned.push("first");
    });
    const second = block<string>(() => () => cleaned.push("second"));
    assertEquals(await first, "done"); // `first` ended: `second` is the only wait left
    const third = block<string>(() => () => cleaned.push("third"));
    return await Promise.allSettled([second, third]);
  });
  await sleep(0.005);
  release("done");
  await sleep(0.005);
  g.kill();
  await sleep(0.005);
  assertEquals(cleaned, ["first", "second", "third"]);
  const settled = g.value as unknown as PromiseSettledResult<string>[];
  assert(settled.every((r) => r.status === "rejected" && r.reason instanceof GreenletExit));
});

test("block: the timeout cleans up first, then gives onTimeout's value or exception", async () => {
  const order: string[] = [];
  const value = await block<string>(
    () => () => order.push("cleanup"),
    0.005,
    () => {
      order.push("onTimeout");
      return "late";
    },
  );
  assertEquals(value, "late");
  assertEquals(order, ["cleanup", "onTimeout"]);
  const failed = await block<string>(() => {}, 0.005, () => {
    throw new RangeError("full");
  }).catch((error) => error);
  assert(failed instanceof RangeError, `onTimeout's exception, got ${failed}`);
});
