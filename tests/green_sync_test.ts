/**
 * Event, AsyncResult, Semaphore and BoundedSemaphore, checked against gevent
 * (shared/reference/gevent-and-std.md §1.13 and §1.14), with each wait's kill and timeout path.
 *
 * Run: deno test --allow-read tests/green_sync_test.ts
 */
import { AsyncResult, BoundedSemaphore, Event, Semaphore, sleep, spawn, Timeout } from "../mod.ts";
import { assert, assertEquals, assertRejects, test } from "./assert.ts";
import { killWhileBlocked, since } from "./green_helpers.ts";

class MyErr extends Error {
  constructor(message = "my error") {
    super(message);
    this.name = "MyErr";
  }
}

function throws(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a synchronous throw");
}

// ---------------------------------------------------------------------------------------------
// Event

test("§1.13 Event.wait resolves true once set, false on timeout; wait(0) on a set event is true", async () => {
  const e = new Event();
  assertEquals(e.isSet(), false);
  const t0 = performance.now();
  assertEquals(await e.wait(0.03), false);
  const took = since(t0);
  assert(took >= 0.025 && took < 0.5, `wait(0.03) took ${took}`);
  const setter = spawn(async () => {
    await sleep(0.01);
    e.set();
  });
  assertEquals(await e.wait(), true);
  assertEquals(await e.wait(0), true);
  assert(e.isSet() && e.ready(), "set");
  e.clear();
  assertEquals(await e.wait(0.01), false); // cleared: waits block again
  await setter.join();
});

test("§1.13 Event.set() wakes every waiter, but they run only after the setter yields", async () => {
  const e = new Event();
  const woke: string[] = [];
  const waiters = ["w1", "w2", "w3"].map((name) =>
    spawn(async () => {
      woke.push(`${name}:${await e.wait()}`);
    })
  );
  await sleep(0);
  e.set();
  assertEquals(woke, []); // the setter has not yielded yet
  await sleep(0);
  assertEquals(woke, ["w1:true", "w2:true", "w3:true"]);
  for (const w of waiters) await w.join();
});

test("§1.13 Event.set() immediately followed by clear() still wakes the current waiters with true", async () => {
  const e = new Event();
  const waiters = [spawn(() => e.wait(1)), spawn(() => e.wait(1))];
  await sleep(0);
  e.set();
  e.clear();
  assertEquals([await waiters[0].get(), await waiters[1].get()], [true, true]);
  assertEquals(e.isSet(), false);
});

test("kill path: a greenlet blocked in Event.wait; the other waiters still wake", async () => {
  const e = new Event();
  const other = spawn(() => e.wait());
  await killWhileBlocked("Event.wait", () => e.wait());
  e.set();
  assertEquals(await other.get(), true);
});

test("timeout path: Event.wait(timeout) then set() wakes only live waiters", async () => {
  const e = new Event();
  assertEquals(await e.wait(0.01), false);
  const t = Timeout.startNew(0.01);
  try {
    assert((await assertRejects(() => e.wait())) === t, "a Timeout interrupts Event.wait");
  } finally {
    t.cancel();
  }
  const live = spawn(() => e.wait());
  await sleep(0);
  e.set();
  assertEquals(await live.get(), true);
});

// ---------------------------------------------------------------------------------------------
// AsyncResult

test("§1.13 AsyncResult.get returns the value or re-raises the stored error", async () => {
  const r = new AsyncResult<number>();
  spawn(async () => {
    await sleep(0.005);
    r.set(42);
  });
  assertEquals(await r.get(), 42);
  assert(r.ready() && r.successful() && r.value === 42 && r.exception === undefined, "state");
  const bad = new AsyncResult<number>();
  const err = new MyErr();
  bad.setException(err);
  assert((await assertRejects(() => bad.get())) === err, "the same error instance");
  assert((await assertRejects(() => bad.getNowait())) === err, "getNowait re-raises too");
  assert(bad.ready() && !bad.successful() && bad.exception === err, "state");
});

test("§1.13 AsyncResult.get throws Timeout at once (block:false) or after the timeout", async () => {
  const r = new AsyncResult<number>();
  await assertRejects(() => r.get({ block: false }), Timeout);
  await assertRejects(() => r.getNowait(), Timeout);
  const t0 = performance.now();
  await assertRejects(() => r.get({ timeout: 0.03 }), Timeout);
  const took = since(t0);
  assert(took >= 0.025 && took < 0.5, `get({timeout: 0.03}) took ${took}`);
  r.set(1); // no stale waiter left: nothing to wake, no error
  assertEquals(await r.get({ block: false }), 1);
});

test("§1.13 AsyncResult.wait returns the value, or undefined on timeout or a stored error", async () => {
  const r = new AsyncResult<string>();
  assertEquals(await r.wait(0.01), undefined);
  const setter = spawn(async () => {
    await sleep(0.005);
    r.set("v");
  });
  assertEquals(await r.wait(), "v");
  const bad = new AsyncResult<string>();
  bad.setException(new MyErr());
  assertEquals(await bad.wait(), undefined);
  await setter.join();
});

test("§1.13 AsyncResult.set() again overwrites the value (42 → 43)", async () => {
  const r = new AsyncResult<number>();
  r.set(42);
  r.set(43);
  assertEquals(await r.get(), 43);
  r.setException(new MyErr());
  await assertRejects(() => r.get(), MyErr);
  r.set(44);
  assertEquals(await r.get(), 44);
});

test("kill path: a greenlet blocked in AsyncResult.get; a later set reaches the others", async () => {
  const r = new AsyncResult<string>();
  const other = spawn(() => r.get());
  await killWhileBlocked("AsyncResult.get", () => r.get());
  await killWhileBlocked("AsyncResult.wait", () => r.wait());
  r.set("value");
  assertEquals(await other.get(), "value");
});

// ---------------------------------------------------------------------------------------------
// Semaphore and BoundedSemaphore

test("§1.14 Semaphore.acquire: false at once with blocking:false, false after the timeout", async () => {
  const s = new Semaphore(1);
  assertEquals(await s.acquire(), true);
  assert(s.locked() && s.counter === 0, "locked");
  assertEquals(await s.acquire({ blocking: false }), false);
  const t0 = performance.now();
  assertEquals(await s.acquire({ timeout: 0.03 }), false);
  const took = since(t0);
  assert(took >= 0.025 && took < 0.5, `acquire({timeout: 0.03}) took ${took}`);
  s.release();
  assertEquals(s.counter, 1); // the timed-out waiter did not take the permit
  assert(!s.locked(), "unlocked");
});

test("§1.14 a plain Semaphore's release() may raise the counter above its initial value", () => {
  const s = new Semaphore(1);
  assertEquals(s.release(), 2);
  assertEquals(s.release(), 3);
  assertEquals(s.counter, 3);
});

test("§1.14 BoundedSemaphore over-release throws RangeError('Semaphore released too many times')", async () => {
  const s = new BoundedSemaphore(2);
  const e = throws(() => s.release());
  assert(e instanceof RangeError, `got ${String(e)}`);
  assertEquals((e as Error).message, "Semaphore released too many times");
  assertEquals(s.counter, 2);
  assertEquals(await s.acquire(), true);
  assertEquals(s.release(), 2);
});

test("§1.14 Semaphore waiters are served FIFO: [0, 1, 2, 3]", async () => {
  const s = new Semaphore(0);
  const order: number[] = [];
  const gs = [0, 1, 2, 3].map((i) =>
    spawn(async () => {
      await s.acquire();
      order.push(i);
    })
  );
  await sleep(0);
  for (let i = 0; i < 4; i++) {
    s.release();
    await sleep(0);
  }
  for (const g of gs) await g.join();
  assertEquals(order, [0, 1, 2, 3]);
  assertEquals(s.counter, 0);
});

test("§1.14 Semaphore.wait() blocks until a permit is free without taking it", async () => {
  const s = new Semaphore(0);
  const waiter = spawn(() => s.wait());
  await sleep(0.01);
  assert(!waiter.dead, "waits while the counter is 0");
  s.release();
  assertEquals(await waiter.get(), 1);
  assertEquals(s.counter, 1); // the permit is still there
  assertEquals(await s.wait(), 1); // free already: returns at once
  assertEquals(await new Semaphore(0).wait(0.01), 0); // timeout: the counter, 0
});

test("§1.14 a negative initial value is rejected", () => {
  assert(throws(() => new Semaphore(-1)) instanceof RangeError, "RangeError");
});

test("kill path: a killed Semaphore waiter does not consume a permit", async () => {
  const s = new Semaphore(0);
  await killWhileBlocked("Semaphore.acquire", () => s.acquire());
  const next = spawn(() => s.acquire());
  await sleep(0);
  s.release(); // must go to `next`, not to the dead waiter
  assertEquals(await next.get(), true);
  assertEquals(s.counter, 0);
  s.release();
  assertEquals(s.counter, 1);
  await killWhileBlocked("Semaphore.wait", () => new Semaphore(0).wait());
});

test("kill path: a greenlet killed while holding a permit gives it back in its finally", async () => {
  const s = new BoundedSemaphore(1);
  const holder = spawn(async () => {
    await s.acquire();
    try {
      await sleep(10);
    } finally {
      s.release();
    }
  });
  await sleep(0.01);
  assertEquals(s.counter, 0);
  await holder.kill();
  assertEquals(s.counter, 1);
});
