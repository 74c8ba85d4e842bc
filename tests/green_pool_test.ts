/**
 * Pool and Group, checked against gevent (shared/reference/gevent-and-std.md §1.11 and §6.6),
 * with the kill path of a spawner waiting on a full pool.
 *
 * Run: deno test --allow-read tests/green_pool_test.ts
 */
import { type Greenlet, GreenletExit, Group, joinall, Pool, sleep, spawn } from "../mod.ts";
import { assert, assertEquals, assertRejects, test } from "./assert.ts";
import { captureFailures, killWhileBlocked, since } from "./green_helpers.ts";

class MyErr extends Error {
  constructor(message = "my error") {
    super(message);
    this.name = "MyErr";
  }
}

const nap = async (seconds: number) => {
  await sleep(seconds);
  return seconds;
};

test("§6.6 Pool.spawn waits while the pool is full", async () => {
  const pool = new Pool(2);
  const a = await pool.spawn(nap, 0.05);
  const b = await pool.spawn(nap, 0.05);
  const t0 = performance.now();
  const c = await pool.spawn(nap, 0.01);
  const waited = since(t0);
  assert(waited >= 0.035 && waited < 1, `the 3rd spawn waited ${waited} s`);
  assert(a.dead || b.dead, "a slot opened because a member finished");
  assertEquals(await pool.join({ timeout: 1 }), true);
  assert(c.dead, "all done");
});

test("§1.11 freeCount, full and waitAvailable (1 when a slot opens, 0 on timeout)", async () => {
  const pool = new Pool(2);
  assertEquals([pool.freeCount(), pool.full()], [2, false]);
  await pool.spawn(nap, 0.04);
  assertEquals([pool.freeCount(), pool.full()], [1, false]);
  assertEquals(await pool.waitAvailable(), 1); // free already
  await pool.spawn(nap, 0.04);
  assertEquals([pool.freeCount(), pool.full(), pool.size], [0, true, 2]);
  const t0 = performance.now();
  assertEquals(await pool.waitAvailable(0.01), 0);
  assert(since(t0) >= 0.008, "waited the timeout");
  const n = await pool.waitAvailable();
  assert(n >= 1, `waitAvailable() gave ${n}`);
  assertEquals(await pool.join(), true);
  assertEquals([pool.freeCount(), pool.size], [2, 0]);
});

test("§6.6 map keeps input order and never runs more than `size` at once", async () => {
  const pool = new Pool(2);
  let running = 0;
  let peak = 0;
  const out = await pool.map(async (s: number) => {
    peak = Math.max(peak, ++running);
    await sleep(s);
    running--;
    return s * 100;
  }, [0.03, 0.01, 0.02, 0.005]);
  assertEquals(out, [3, 1, 2, 0.5]);
  assertEquals(peak, 2);
});

test("§6.6 imap yields in input order", async () => {
  const pool = new Pool(4);
  const out: number[] = [];
  for await (const s of pool.imap(nap, [0.04, 0.01, 0.03, 0.02])) out.push(s);
  assertEquals(out, [0.04, 0.01, 0.03, 0.02]);
});

test("§6.6 imapUnordered yields in completion order: [0.01, 0.02, 0.03, 0.05]", async () => {
  const pool = new Pool(4);
  const out: number[] = [];
  for await (const s of pool.imapUnordered(nap, [0.01, 0.03, 0.02, 0.05])) out.push(s);
  assertEquals(out, [0.01, 0.02, 0.03, 0.05]);
});

test("§6.6 imap and map accept an async iterable of inputs", async () => {
  async function* inputs() {
    for (const x of [1, 2, 3]) {
      await sleep(0.001);
      yield x;
    }
  }
  assertEquals(await new Pool(2).map((x: number) => x * 2, inputs()), [2, 4, 6]);
});

test("§6.6 the first error propagates from map; siblings are not cancelled and finish", async () => {
  const pool = new Pool(3);
  const finished: number[] = [];
  const err = new MyErr("item 1 failed");
  const reports = await captureFailures(async () => {
    const thrown = await assertRejects(() =>
      pool.map(async (i: number) => {
        await sleep([0.01, 0.02, 0.1][i]);
        if (i === 1) throw err;
        finished.push(i);
        return i;
      }, [0, 1, 2])
    );
    assert(thrown === err, "map throws the worker's own error");
    // Thrown when its input position is reached (gevent's IMap does the same), while the
    // later sibling is still running: it is not cancelled.
    assertEquals(finished, [0]);
    assertEquals(pool.size, 1);
    assertEquals(await pool.join({ timeout: 2 }), true);
  });
  assertEquals(finished, [0, 2]);
  assertEquals(reports.length, 1); // the failing worker is reported once, like any greenlet
});

test("§6.6 an error from imap/imapUnordered surfaces in the loop; siblings run on", async () => {
  for (const mode of ["imap", "imapUnordered"] as const) {
    const pool = new Pool(2);
    const seen: number[] = [];
    await captureFailures(async () => {
      const fn = async (i: number) => {
        await sleep(i * 0.01);
        if (i === 2) throw new MyErr();
        return i;
      };
      await assertRejects(async () => {
        for await (const x of pool[mode](fn, [1, 2, 3])) seen.push(x);
      }, MyErr);
      assertEquals(await pool.join({ timeout: 2 }), true);
    });
    assertEquals(seen, [1]);
  }
});

test("§1.11 breaking out of imap early leaves no unhandled rejection and no leaked slot", async () => {
  for (const mode of ["imap", "imapUnordered"] as const) {
    const pool = new Pool(2);
    const started: number[] = [];
    const reports = await captureFailures(async () => {
      for await (
        const x of pool[mode](async (i: number) => {
          started.push(i);
          await sleep(0.01 * i);
          if (i > 1) throw new MyErr(`late failure ${i}`);
          return i;
        }, [1, 2, 3, 4, 5, 6])
      ) {
        assertEquals(x, 1);
        break;
      }
      // Members already running finish (or fail) on their own; none is left behind.
      assertEquals(await pool.join({ timeout: 2 }), true);
      await sleep(0.02);
    });
    assert(started.length < 6, `${mode}: production stopped at the break (${started})`);
    assertEquals(pool.freeCount(), 2);
    assertEquals(reports.length, started.filter((i) => i > 1).length);
  }
});

test("§1.11 apply runs in the pool and returns the result; inside a member it runs inline", async () => {
  const pool = new Pool(1);
  assertEquals(await pool.apply((a: number, b: number) => a + b, 2, 3), 5);
  // From a member of a full pool: inline, so no deadlock.
  const member = await pool.spawn(async () => {
    await sleep(0);
    return await pool.apply(() => "inline");
  });
  assertEquals(await member.get({ timeout: 1 }), "inline");
  await captureFailures(() =>
    assertRejects(() => pool.apply(() => Promise.reject(new MyErr())), MyErr)
  );
});

test("§1.11 join(timeout) resolves false on timeout and true when all are done", async () => {
  const pool = new Pool(2);
  await pool.spawn(nap, 0.05);
  const t0 = performance.now();
  assertEquals(await pool.join({ timeout: 0.01 }), false);
  assert(since(t0) >= 0.008, "waited the timeout");
  assertEquals(await pool.join(), true);
  assertEquals(await pool.join({ timeout: 0 }), true); // empty: true at once
});

test("§1.11 join swallows member failures unless raiseError is set", async () => {
  const pool = new Pool(2);
  await captureFailures(async () => {
    await pool.spawn(async () => {
      await sleep(0.005);
      throw new MyErr();
    });
    assertEquals(await pool.join(), true);
    await pool.spawn(async () => {
      await sleep(0.005);
      throw new MyErr();
    });
    const slow = await pool.spawn(nap, 0.05);
    await assertRejects(() => pool.join({ raiseError: true }), MyErr);
    assert(!slow.dead, "raised at the failure; the sibling runs on");
    assertEquals(await pool.join(), true);
  });
});

test("§1.11 kill() kills every member and frees every slot; killone kills one", async () => {
  const pool = new Pool(3);
  const gs: Greenlet<number>[] = [];
  for (let i = 0; i < 3; i++) gs.push(await pool.spawn(nap, 10));
  await sleep(0);
  await pool.killone(gs[0]);
  assert(gs[0].dead && !gs[1].dead, "killone kills only that member");
  await pool.kill();
  assert(gs.every((g) => g.dead && (g.value as unknown) instanceof GreenletExit), "all killed");
  await sleep(0);
  assertEquals([pool.size, pool.freeCount()], [0, 3]);
});

test("§6.6 finished members leave the pool (here at death; gevent: one yield later)", async () => {
  const pool = new Pool(1);
  const g = await pool.spawn(nap, 10);
  assert(pool.has(g), "a member");
  await sleep(0);
  await pool.killone(g);
  await sleep(0); // gevent needs this yield; greencrawl has already removed it
  assert(!pool.has(g) && pool.size === 0 && pool.freeCount() === 1, "left the pool");
});

test("§1.11 add() on a full pool throws; discard() frees the slot", async () => {
  const pool = new Pool(1);
  const member = await pool.spawn(nap, 10);
  const extra = spawn(() => "extra");
  let thrown: unknown;
  try {
    pool.add(extra);
  } catch (e) {
    thrown = e;
  }
  assert(thrown instanceof RangeError, `add() on a full pool: ${String(thrown)}`);
  assert(!pool.has(extra), "not added");
  pool.discard(member);
  assertEquals(pool.freeCount(), 1);
  pool.add(extra);
  assert(pool.has(extra), "added once a slot was free");
  await joinall([extra]);
  assertEquals(pool.size, 0);
  await member.kill();
});

test("§1.11 Group is unbounded: spawn never waits; map and join work", async () => {
  const group = new Group();
  const gs = [];
  for (let i = 0; i < 50; i++) gs.push(await group.spawn(nap, 0.01));
  assertEquals(group.size, 50);
  assertEquals(await group.map((x: number) => x + 1, [1, 2, 3]), [2, 3, 4]);
  assertEquals(await group.join({ timeout: 2 }), true);
  const outsider = spawn(nap, 0.001);
  group.add(outsider); // a Group always has room
  assert(group.has(outsider), "added");
  assertEquals(await group.join({ timeout: 2 }), true);
});

test("§1.11 Pool(null) and Pool(0) are unbounded here (gevent: Pool(0) blocks forever)", async () => {
  for (const pool of [new Pool(null), new Pool(0), new Pool()]) {
    assertEquals(pool.limit, null);
    assertEquals(pool.full(), false);
    assertEquals(pool.freeCount(), Infinity); // gevent reports 1
    await pool.spawn(nap, 0.001);
    await pool.join();
  }
  for (const bad of [-1, 1.5, NaN]) {
    let thrown: unknown;
    try {
      new Pool(bad);
    } catch (e) {
      thrown = e;
    }
    assert(thrown instanceof RangeError, `Pool(${bad}) must throw`);
  }
});

// ---------------------------------------------------------------------------------------------
// kill paths

test("kill path: a spawner blocked in Pool.spawn on a full pool leaks no slot", async () => {
  const pool = new Pool(1);
  let ran = false;
  const holder = await pool.spawn(nap, 0.05);
  await killWhileBlocked("Pool.spawn (full)", () => pool.spawn(() => ran = true));
  await holder.join();
  assertEquals([pool.freeCount(), pool.size], [1, 0]);
  assert(!ran, "the killed spawner's function never ran");
  const t0 = performance.now();
  await pool.spawn(nap, 0.001); // the slot is really free: no wait
  assert(since(t0) < 0.2, "spawn did not wait");
  await pool.join();
});

test("kill path: a greenlet blocked in waitAvailable / join of a pool", async () => {
  const pool = new Pool(1);
  await pool.spawn(nap, 0.05);
  await killWhileBlocked("Pool.waitAvailable", () => pool.waitAvailable());
  await killWhileBlocked("Pool.join", () => pool.join());
  assertEquals(await pool.join(), true);
  assertEquals(pool.freeCount(), 1);
});

test("kill path: killing the consumer of pool.map stops production; members finish", async () => {
  const pool = new Pool(2);
  const started: number[] = [];
  await killWhileBlocked("Pool.map", () =>
    pool.map(async (i: number) => {
      started.push(i);
      await sleep(0.03);
      return i;
    }, [1, 2, 3, 4, 5, 6]));
  assertEquals(await pool.join({ timeout: 2 }), true);
  await sleep(0.01);
  assert(started.length <= 4, `production went on after the kill: ${started}`);
  assertEquals(pool.freeCount(), 2);
});
