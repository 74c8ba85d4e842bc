/**
 * Timeout and withTimeout, checked against gevent (shared/reference/gevent-and-std.md §1.10 and
 * §6.7), plus "a Timeout interrupts every green wait and leaves the primitive clean".
 *
 * Run: deno test --allow-read tests/green_timeout_test.ts
 */
import {
  AsyncResult,
  Event,
  GreenletExit,
  JoinableQueue,
  Pool,
  Queue,
  QueueEmpty,
  Semaphore,
  sleep,
  spawn,
  Timeout,
  withTimeout,
} from "../mod.ts";
import { assert, assertEquals, assertRejects, test } from "./assert.ts";
import { captureFailures, since } from "./green_helpers.ts";

class MyErr extends Error {
  constructor(message = "my error") {
    super(message);
    this.name = "MyErr";
  }
}

function busy(seconds: number): void {
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) { /* spin: no yield point */ }
}

test("§6.7 Timeout fires only at yield points: a busy loop is not interrupted", async () => {
  const g = spawn(() => {
    using _t = Timeout.startNew(0.02);
    busy(0.1);
    return "finished";
  });
  assertEquals(await g.get(), "finished");
  await sleep(0.03); // the timer was cleared at block exit: nothing fires later
});

test("§6.7 a Timeout that expired during busy code is thrown at the next green wait", async () => {
  const g = spawn(async () => {
    const t = Timeout.startNew(0.01);
    try {
      busy(0.05);
      const t0 = performance.now();
      try {
        await sleep(10);
        return "slept";
      } catch (e) {
        return e === t ? `timeout after ${since(t0)}` : `other ${e}`;
      }
    } finally {
      t.cancel();
    }
  });
  const result = await g.get();
  assert(result.startsWith("timeout after"), result);
  assert(Number(result.split(" ")[2]) < 0.5, result);
});

test("§6.7 by default the Timeout itself is thrown; it prints as '0.05 seconds'", async () => {
  const t = new Timeout(0.05);
  assertEquals(String(t), "0.05 seconds");
  assertEquals(t.seconds, 0.05);
  assert(t instanceof Error && t.name === "Timeout", "an Error named Timeout");
  t.start();
  const t0 = performance.now();
  try {
    const thrown = await assertRejects(() => sleep(10));
    assert(thrown === t, "the Timeout object itself is thrown");
    assert(since(t0) >= 0.04, `fired after ${since(t0)}`);
  } finally {
    t.cancel();
  }
});

test("§6.7 nested timeouts: the outer expiry passes through the inner catch (identity check)", async () => {
  const g = spawn(async () => {
    const seen: string[] = [];
    const outer = Timeout.startNew(0.02);
    try {
      const inner = Timeout.startNew(5);
      try {
        await sleep(10);
      } catch (e) {
        seen.push(e === outer ? "inner catch saw outer" : "inner catch saw something else");
        if (e !== inner) throw e;
      } finally {
        inner.cancel();
      }
    } catch (e) {
      seen.push(e === outer ? "outer caught outer" : "outer caught something else");
    } finally {
      outer.cancel();
    }
    // And the other way round: the inner, shorter one is handled by the inner code.
    const outer2 = Timeout.startNew(5);
    try {
      const inner2 = Timeout.startNew(0.01);
      try {
        await sleep(10);
      } catch (e) {
        if (e !== inner2) throw e;
        seen.push("inner handled inner");
      } finally {
        inner2.cancel();
      }
      await sleep(0.01); // outer2 still armed and not fired
      seen.push("outer still pending: " + outer2.pending);
    } finally {
      outer2.cancel();
    }
    return seen;
  });
  assertEquals(await g.get(), [
    "inner catch saw outer",
    "outer caught outer",
    "inner handled inner",
    "outer still pending: true",
  ]);
});

test("§6.7 startNew returns a running Timeout; cancel() stops it", async () => {
  const t = Timeout.startNew(0.01);
  assert(t.pending, "startNew gives a started timeout");
  t.cancel();
  t.cancel(); // safe twice
  const c = Timeout.startNew(0.01);
  c.close(); // gevent's close() is cancel()
  await sleep(0.03);
  assert(!t.pending && !c.pending, "not pending after cancel/close");
});

test("§1.10 pending: false before start, true after, false after cancel, false after firing", async () => {
  const t = new Timeout(0.01);
  assertEquals(t.pending, false);
  t.start();
  assertEquals(t.pending, true);
  t.cancel();
  assertEquals(t.pending, false);
  t.start();
  try {
    await assertRejects(() => sleep(10));
    assertEquals(t.pending, false);
  } finally {
    t.cancel();
  }
  const never = Timeout.startNew(null);
  assertEquals(never.pending, false); // seconds=null never fires
  await sleep(0.01);
  never.cancel();
});

test("§1.10 `using` cancels the Timeout when the block ends", async () => {
  let ran = false;
  {
    using t = Timeout.startNew(0.02);
    await sleep(0.001);
    assert(t.pending, "armed inside the block");
    ran = true;
  }
  await sleep(0.05); // would throw here if the timeout were still armed
  assert(ran, "block ran");
  // When it fires inside the block, the Timeout propagates out of the block.
  const thrown = await assertRejects(async () => {
    using _t = Timeout.startNew(0.01);
    await sleep(10);
  }, Timeout);
  assert(!(thrown as Timeout).pending, "fired, then disposed");
});

test("§6.7 a custom exception: a class is instantiated, an instance thrown as is", async () => {
  const byClass = Timeout.startNew(0.01, MyErr);
  try {
    await assertRejects(() => sleep(10), MyErr);
  } finally {
    byClass.cancel();
  }
  const mine = new MyErr("instance");
  const byInstance = Timeout.startNew(0.01, mine);
  try {
    assert((await assertRejects(() => sleep(10))) === mine, "the very instance");
  } finally {
    byInstance.cancel();
  }
});

test("§6.7 withTimeout throws the Timeout when the function overruns", async () => {
  const t0 = performance.now();
  const thrown = await assertRejects(() => withTimeout(0.02, () => sleep(10)), Timeout);
  const took = since(t0);
  assertEquals((thrown as Timeout).seconds, 0.02);
  assert(took >= 0.015 && took < 0.5, `took ${took}`);
});

test("§6.7 withTimeout returns timeoutValue instead (gevent's timeout_value / Timeout(s, False))", async () => {
  const r = await withTimeout({ seconds: 0.02, timeoutValue: "late" }, async () => {
    await sleep(10);
    return "done";
  });
  assertEquals(r, "late");
  const fast = await withTimeout({ seconds: 1, timeoutValue: "late" }, (x: number) => x * 2, 21);
  assertEquals(fast, 42);
});

test("§1.10 withTimeout returns the value in time, passes errors through, leaves no timer", async () => {
  assertEquals(
    await withTimeout(5, async (a: string) => {
      await sleep(0.001);
      return a;
    }, "ok"),
    "ok",
  );
  await assertRejects(() =>
    withTimeout(5, () => {
      throw new MyErr();
    }), MyErr);
  // The sanitizer fails this test if withTimeout left its 5 s timer running.
});

test("§1.10 a cancelled Timeout never fires later", async () => {
  const t = Timeout.startNew(0.01);
  t.cancel();
  await sleep(0.03);
  // It expired while the greenlet was in a plain (non-green) await, so the expiry was queued;
  // cancelling must withdraw it, or the next green wait would throw.
  const g = spawn(async () => {
    const t2 = Timeout.startNew(0.01);
    await new Promise((resolve) => setTimeout(resolve, 30));
    t2.cancel();
    await sleep(0.02);
    return "no late timeout";
  });
  assertEquals(await g.get(), "no late timeout");
});

test("§1.10 an uncaught Timeout makes the greenlet fail with the Timeout as its exception", async () => {
  let t!: Timeout;
  const reports = await captureFailures(async () => {
    const g = spawn(async () => {
      t = Timeout.startNew(0.01);
      await sleep(10);
    });
    await g.join();
    assert(!g.successful() && g.exception === t, `exception is ${String(g.exception)}`);
  });
  assertEquals(reports.length, 1);
});

test("§1.10 a Timeout is thrown only into the greenlet that started it", async () => {
  const bystander = spawn(async () => {
    await sleep(0.05);
    return "undisturbed";
  });
  const owner = spawn(async () => {
    const t = Timeout.startNew(0.01);
    try {
      await sleep(10);
    } catch (e) {
      return e === t ? "timed out" : "other";
    } finally {
      t.cancel();
    }
  });
  assertEquals(await owner.get(), "timed out");
  assertEquals(await bystander.get(), "undisturbed");
});

test("§1.10 Timeout.signal is aborted when it fires (for fetch and friends)", async () => {
  const t = Timeout.startNew(0.01);
  try {
    await assertRejects(() => sleep(10));
    assert(t.signal.aborted && t.signal.reason === t, "aborted with the Timeout");
  } finally {
    t.cancel();
  }
});

// ---------------------------------------------------------------------------------------------
// A Timeout interrupts every green wait, and the primitive is clean afterwards.

interface Case {
  name: string;
  /** Builds the primitive; returns the wait to interrupt and a check run afterwards. */
  make(): { wait: () => Promise<unknown>; check: () => void | Promise<void> };
}

const cases: Case[] = [
  { name: "sleep", make: () => ({ wait: () => sleep(10), check: () => {} }) },
  {
    name: "Queue.get",
    make() {
      const q = new Queue<number>();
      return {
        wait: () => q.get(),
        check() {
          q.putNowait(1); // the timed-out getter must not swallow it
          assertEquals(q.qsize(), 1);
        },
      };
    },
  },
  {
    name: "Queue.put (full)",
    make() {
      const q = new Queue<number>(1, [0]);
      return {
        wait: () => q.put(1),
        check() {
          assertEquals(q.getNowait(), 0);
          assertEquals(q.qsize(), 0); // the timed-out item never went in
        },
      };
    },
  },
  {
    name: "Event.wait",
    make() {
      const e = new Event();
      return { wait: () => e.wait(), check: () => e.set() };
    },
  },
  {
    name: "AsyncResult.get",
    make() {
      const r = new AsyncResult<number>();
      return { wait: () => r.get(), check: () => r.set(1) };
    },
  },
  {
    name: "Semaphore.acquire",
    make() {
      const s = new Semaphore(0);
      return {
        wait: () => s.acquire(),
        check() {
          s.release();
          assertEquals(s.counter, 1); // the permit was not handed to the timed-out waiter
        },
      };
    },
  },
  {
    name: "Pool.spawn (full)",
    make() {
      const pool = new Pool(1);
      return {
        async wait() {
          await pool.spawn(() => sleep(0.05));
          await pool.spawn(() => "never");
        },
        async check() {
          assertEquals(await pool.join({ timeout: 1 }), true);
          assertEquals(pool.freeCount(), 1); // no slot leaked to the timed-out spawner
          assertEquals(pool.size, 0);
        },
      };
    },
  },
  {
    name: "Greenlet.join",
    make() {
      const other = spawn(() => sleep(10));
      return { wait: () => other.join(), check: () => other.kill() };
    },
  },
  {
    name: "JoinableQueue.join",
    make() {
      const q = new JoinableQueue<number>(0, [1]);
      return {
        wait: () => q.join(),
        async check() {
          q.getNowait();
          q.taskDone();
          assertEquals(await q.join(0.5), true);
        },
      };
    },
  },
];

for (const c of cases) {
  test(`timeout path: a Timeout interrupts ${c.name} and leaves it clean`, async () => {
    const { wait, check } = c.make();
    const g = spawn(async () => {
      const t = Timeout.startNew(0.02);
      const t0 = performance.now();
      try {
        await wait();
        return "not interrupted";
      } catch (e) {
        if (e !== t) throw e;
        return `timeout ${since(t0)}`;
      } finally {
        t.cancel();
      }
    });
    const result = await g.get();
    assert(result.startsWith("timeout "), `${c.name}: ${result}`);
    assert(Number(result.split(" ")[1]) < 0.5, `${c.name}: ${result}`);
    await check();
  });
}

test("timeout path: wait options with timeout return or throw as gevent does", async () => {
  await assertRejects(() => new Queue().get({ timeout: 0.01 }), QueueEmpty);
  assertEquals(await new Event().wait(0.01), false);
  await assertRejects(() => new AsyncResult().get({ timeout: 0.01 }), Timeout);
  assertEquals(await new Semaphore(0).acquire({ timeout: 0.01 }), false);
  assertEquals(await new JoinableQueue(0, [1]).join(0.01), false);
});

// ---------------------------------------------------------------------------------------------
// Interrupts that cannot be delivered at once (the greenlet is in a plain await) queue up.

test("§1.5 a kill queued behind a plain await is not lost when a Timeout fires too", async () => {
  const g = spawn(async () => {
    const t = Timeout.startNew(0.01);
    try {
      await new Promise((resolve) => setTimeout(resolve, 40)); // kill, then timeout, arrive here
      try {
        await sleep(10);
      } catch (e) {
        if (e !== t) throw e; // a greenlet handling its own Timeout...
      }
      await sleep(0.3); // ...must still die of the kill
      return "survived the kill";
    } finally {
      t.cancel();
    }
  });
  await sleep(0.005);
  await g.kill({ timeout: 2 });
  assert(g.dead, "the kill was lost");
  assert((g.value as unknown) instanceof GreenletExit, `value is ${String(g.value)}`);
});

test("§1.5 a Timeout queued before a kill is delivered first, then the kill", async () => {
  const seen: string[] = [];
  const g = spawn(async () => {
    const t = Timeout.startNew(0.005);
    try {
      await new Promise((resolve) => setTimeout(resolve, 40)); // timeout, then kill, arrive here
      for (let i = 0; i < 2; i++) {
        try {
          await sleep(10);
        } catch (e) {
          seen.push(e === t ? "own timeout" : e instanceof GreenletExit ? "kill" : String(e));
          if (e !== t) throw e;
        }
      }
    } finally {
      t.cancel();
    }
  });
  await sleep(0.02);
  await g.kill({ timeout: 2 });
  assertEquals(seen, ["own timeout", "kill"]);
  assert(g.dead && g.successful(), "died of the kill");
});
