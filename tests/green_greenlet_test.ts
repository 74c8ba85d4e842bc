/**
 * Greenlet, spawn, kill, link, sleep and failure reports, checked against gevent's observed
 * behaviour (shared/reference/gevent-and-std.md §1.1–1.9). Tests named "§6.N ..." map 1:1 to
 * the reference's "Ten gevent behaviours that matter most"; "§1.3 state: ..." to its state table.
 *
 * Run: deno test --allow-read tests/green_greenlet_test.ts
 */
import {
  AsyncResult,
  getcurrent,
  Greenlet,
  GreenletExit,
  joinall,
  sleep,
  spawn,
  spawnLater,
  Timeout,
} from "../mod.ts";
import { assert, assertEquals, assertRejects, test } from "./assert.ts";
import { captureFailures, killWhileBlocked, since } from "./green_helpers.ts";

class MyErr extends Error {
  constructor(message = "my error") {
    super(message);
    this.name = "MyErr";
  }
}

/** The columns of the reference's §1.3 table (get() is checked separately). */
function state<T>(g: Greenlet<T>) {
  return {
    started: g.started,
    dead: g.dead,
    ready: g.ready(),
    successful: g.successful(),
    value: g.value as unknown,
    exception: g.exception,
  };
}

// ---------------------------------------------------------------------------------------------
// §1.3 the state table, one row per test

test("§1.3 state: Greenlet() not started — F F F F, get blocks", async () => {
  const g = new Greenlet(() => 1);
  assertEquals(state(g), {
    started: false,
    dead: false,
    ready: false,
    successful: false,
    value: undefined,
    exception: undefined,
  });
  await assertRejects(() => g.get({ block: false }), Timeout);
  await assertRejects(() => g.get({ timeout: 0.01 }), Timeout);
  await sleep(0.01);
  assert(!g.started && !g.dead, "a Greenlet() must not run until start()");
});

test("§1.3 state: running/scheduled — started only, get blocks", async () => {
  const g = spawn(() => sleep(10));
  const scheduled = state(g);
  await sleep(0);
  const running = state(g);
  const expected = {
    started: true,
    dead: false,
    ready: false,
    successful: false,
    value: undefined,
    exception: undefined,
  };
  assertEquals(scheduled, expected);
  assertEquals(running, expected);
  await assertRejects(() => g.get({ block: false }), Timeout);
  await g.kill();
});

test("§1.3 state: returned v — T T T T v, get returns v", async () => {
  const g = spawn(async () => {
    await sleep(0);
    return 42;
  });
  await g.join();
  assertEquals(state(g), {
    started: true,
    dead: true,
    ready: true,
    successful: true,
    value: 42,
    exception: undefined,
  });
  assertEquals(await g.get(), 42);
});

test("§1.3 state: raised E — successful F, exception E, get re-raises E", async () => {
  const boom = new RangeError("boom");
  let g!: Greenlet<void>;
  const reports = await captureFailures(async () => {
    g = spawn((): void => {
      throw boom;
    });
    await g.join();
  });
  assertEquals(state(g), {
    started: true,
    dead: true,
    ready: true,
    successful: false,
    value: undefined,
    exception: boom,
  });
  assert((await assertRejects(() => g.get())) === boom, "get() must re-raise the same error");
  assertEquals(reports.length, 1);
});

test("§1.3 state: default kill — successful T, value GreenletExit, get returns it", async () => {
  const g = spawn(() => sleep(10));
  await sleep(0);
  await g.kill();
  const s = state(g);
  assert(s.value instanceof GreenletExit, `value is ${String(s.value)}`);
  assertEquals({ ...s, value: "GreenletExit" }, {
    started: true,
    dead: true,
    ready: true,
    successful: true,
    value: "GreenletExit",
    exception: undefined,
  });
  assert((await g.get()) === g.value, "get() returns the GreenletExit instance, no throw");
});

test("§1.3 state: kill(MyErr) — successful F, exception MyErr, get raises", async () => {
  const g = spawn(() => sleep(10));
  const h = spawn(() => sleep(10));
  const mine = new MyErr("instance");
  const reports = await captureFailures(async () => {
    await sleep(0);
    await g.kill({ exception: MyErr }); // a class is instantiated
    await h.kill({ exception: mine }); // an instance is thrown as is
  });
  const s = state(g);
  assert(s.exception instanceof MyErr, `exception is ${String(s.exception)}`);
  assertEquals({ ...s, exception: "MyErr" }, {
    started: true,
    dead: true,
    ready: true,
    successful: false,
    value: undefined,
    exception: "MyErr",
  });
  await assertRejects(() => g.get(), MyErr);
  assert(h.exception === mine, "an exception instance is kept as is");
  assertEquals(reports.map((r) => (r.error as Error).name), ["MyErr", "MyErr"]);
});

test("§1.3 state: killed before it ran — started F, dead T, successful T, fn never runs", async () => {
  let ran = 0;
  const spawned = spawn(() => ran++);
  await spawned.kill(); // no yield happened between spawn and kill
  const lazy = new Greenlet(() => ran++);
  await lazy.kill();
  lazy.start(); // start() after such a kill does nothing
  await sleep(0.01);
  for (const g of [spawned, lazy]) {
    const s = state(g);
    assert(s.value instanceof GreenletExit, `value is ${String(s.value)}`);
    assertEquals({ ...s, value: "GreenletExit" }, {
      started: false,
      dead: true,
      ready: true,
      successful: true,
      value: "GreenletExit",
      exception: undefined,
    });
    assert((await g.get()) === g.value, "get() returns the GreenletExit instance");
  }
  assertEquals(ran, 0);
});

// ---------------------------------------------------------------------------------------------
// §6.1 join never raises; get re-raises / raises Timeout

test("§6.1 join() never throws: it resolves undefined after the greenlet failed", async () => {
  const reports = await captureFailures(async () => {
    const g = spawn(() => {
      throw new MyErr();
    });
    assertEquals(await g.join(), undefined);
    assertEquals(await g.join(), undefined); // joining a dead failed greenlet: same
    assert(g.ready() && !g.successful(), "the failure is on the greenlet, not thrown by join");
  });
  assertEquals(reports.length, 1);
});

test("§6.1 join(timeout) returns undefined on timeout, with ready() false", async () => {
  const g = spawn(() => sleep(10));
  const t0 = performance.now();
  assertEquals(await g.join(0.03), undefined);
  const took = since(t0);
  assert(!g.ready(), "still running after the join timeout");
  assert(took >= 0.025 && took < 0.5, `join(0.03) took ${took}`);
  await g.kill();
});

test("§6.1 join(timeout) on a never-started Greenlet waits out the timeout", async () => {
  const g = new Greenlet(() => 1);
  const t0 = performance.now();
  assertEquals(await g.join(0.02), undefined);
  assert(since(t0) >= 0.015, "join must wait the whole timeout");
  assert(!g.ready() && !g.started, "join does not start the greenlet");
});

test("§6.1 get() re-raises the greenlet's error (every time, same instance)", async () => {
  const err = new MyErr();
  await captureFailures(async () => {
    const g = spawn(async () => {
      await sleep(0.005);
      throw err;
    });
    assert((await assertRejects(() => g.get(), MyErr)) === err, "first get");
    assert((await assertRejects(() => g.get(), MyErr)) === err, "second get");
  });
});

test("§6.1 get({block:false}) and get({timeout}) throw Timeout while not ready", async () => {
  const g = spawn(() => sleep(10));
  const now = await assertRejects(() => g.get({ block: false }), Timeout);
  const t0 = performance.now();
  const later = await assertRejects(() => g.get({ timeout: 0.03 }), Timeout);
  const took = since(t0);
  assert(now instanceof Timeout && later instanceof Timeout, "both are Timeout");
  assert(took >= 0.025 && took < 0.5, `get({timeout: 0.03}) took ${took}`);
  assert(!g.dead, "get's timeout does not kill the greenlet");
  await g.kill();
});

// ---------------------------------------------------------------------------------------------
// §6.2 a default kill is a success; a custom one is a failure

test("§6.2 default kill counts as success: linkValue fires, linkException does not", async () => {
  const seen: string[] = [];
  const g = spawn(() => sleep(10));
  g.linkValue(() => void seen.push("value"));
  g.linkException(() => void seen.push("exception"));
  g.link(() => void seen.push("any"));
  await sleep(0);
  await g.kill();
  await sleep(0.01);
  assertEquals(seen, ["value", "any"]);
  assert(g.successful() && g.exception === undefined, "successful, no exception");
});

test("§6.2 kill with a custom error counts as failure: linkException fires, reported once", async () => {
  const seen: string[] = [];
  const reports = await captureFailures(async () => {
    const g = spawn(() => sleep(10));
    g.linkValue(() => void seen.push("value"));
    g.linkException(() => void seen.push("exception"));
    await sleep(0);
    await g.kill({ exception: MyErr });
    await sleep(0.01);
    assert(!g.successful() && g.exception instanceof MyErr, "failed with MyErr");
  });
  assertEquals(seen, ["exception"]);
  assertEquals(reports.length, 1);
  assert(reports[0].error instanceof MyErr, "the report names MyErr");
});

// ---------------------------------------------------------------------------------------------
// §6.3 spawn defers; killed-before-run never runs; FIFO start

test("§6.3 spawn defers execution until the spawner yields: ['main', 1, 2]", async () => {
  const out: (string | number)[] = [];
  spawn(() => void out.push(1));
  spawn(() => void out.push(2));
  out.push("main");
  assertEquals(out, ["main"]); // nothing ran yet: we did not yield
  await sleep(0);
  assertEquals(out, ["main", 1, 2]);
});

test("§6.3 a greenlet killed before it ran never runs its function", async () => {
  let ran = false;
  const g = spawn(() => {
    ran = true;
  });
  const p = g.kill({ block: false });
  await p;
  await sleep(0.01);
  assert(!ran, "the function of a greenlet killed before it ran must never run");
  assert(g.dead && g.successful() && !g.started, "dead, successful, started false again");
});

test("§1.1 greenlets start in FIFO order, including ones spawned by greenlets", async () => {
  const out: string[] = [];
  const gs = [
    spawn(() => {
      out.push("a");
      gs.push(spawn(() => void out.push("c (spawned by a)")));
    }),
    spawn(() => void out.push("b")),
  ];
  await sleep(0);
  await joinall(gs);
  assertEquals(out, ["a", "b", "c (spawned by a)"]);
});

// ---------------------------------------------------------------------------------------------
// §6.5 failures are reported once and never crash the process

test("§6.5 an uncaught greenlet error is reported exactly once and the program goes on", async () => {
  let g!: Greenlet<void>;
  const reports = await captureFailures(async () => {
    g = spawn(function boom(_n: number): void {
      throw new RangeError("bad");
    }, 7);
    await g.join();
    await g.join();
    await g.get().catch(() => {});
    await joinall([g]);
    g.link(() => {});
    await sleep(0.01);
  });
  assertEquals(reports.length, 1);
  assert(reports[0].error === g.exception, "the report carries the greenlet's error");
  assertEquals(reports[0].description, g.toString());
  assert(
    /^<Greenlet "Greenlet-\d+" at 0x[0-9a-f]+: boom\(7\)>$/.test(reports[0].description),
    reports[0].description,
  );
  // The process goes on: more greenlets run normally.
  assertEquals(await spawn(() => "still alive").get(), "still alive");
});

test("§6.5 the default report is the stack, then '<ISO time> <Greenlet …> failed with X'", async () => {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    const g = spawn(
      function fetchPage(_url: string, _n: number) {
        throw new RangeError("bad page");
      },
      "http://x/",
      3,
    );
    await g.join();
    await sleep(0.01);
  } finally {
    console.error = original;
  }
  assertEquals(lines.length, 1);
  const text = lines[0];
  assert(text.includes("RangeError: bad page"), `the stack is printed first: ${text}`);
  assert(
    /\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z <Greenlet "Greenlet-\d+" at 0x[0-9a-f]+: fetchPage\("http:\/\/x\/", 3\)> failed with RangeError\n?$/
      .test(text),
    `unexpected report line: ${JSON.stringify(text)}`,
  );
});

// ---------------------------------------------------------------------------------------------
// §6.8 sleep(0) is a fair round-robin; busy code never yields

test("§6.8 sleep(0) is a fair round-robin yield: a0 b0 a1 b1 a2 b2", async () => {
  const out: string[] = [];
  const loop = async (name: string) => {
    for (let i = 0; i < 3; i++) {
      out.push(`${name}${i}`);
      await sleep(0);
    }
  };
  await joinall([spawn(loop, "a"), spawn(loop, "b")]);
  assertEquals(out.join(" "), "a0 b0 a1 b1 a2 b2");
});

test("§6.8 busy code never yields: a0 a1 a2 b0 b1 b2", async () => {
  const out: string[] = [];
  const loop = (name: string) => {
    for (let i = 0; i < 3; i++) out.push(`${name}${i}`);
  };
  await joinall([spawn(loop, "a"), spawn(loop, "b")]);
  assertEquals(out.join(" "), "a0 a1 a2 b0 b1 b2");
});

test("§6.8 sleep(0) lets a due 1 ms timer fire within a bounded number of turns", async () => {
  let fired = false;
  const id = setTimeout(() => fired = true, 1);
  const t0 = performance.now();
  let turns = 0;
  while (!fired && turns < 5000) {
    await sleep(0);
    turns++;
  }
  const took = since(t0);
  clearTimeout(id);
  assert(fired, `the 1 ms timer did not fire during ${turns} sleep(0) turns (${took} s)`);
  assert(took < 0.5, `sleep(0) spinning took ${took} s before a 1 ms timer fired`);
});

test("§1.9 sleep(s) waits at least s; a negative sleep is a plain yield", async () => {
  const t0 = performance.now();
  await sleep(0.03);
  const took = since(t0);
  assert(took >= 0.025 && took < 0.5, `sleep(0.03) took ${took}`);
  const out: string[] = [];
  const g = spawn(() => void out.push("other"));
  await sleep(-1);
  assertEquals(out, ["other"]);
  await g.join();
});

// ---------------------------------------------------------------------------------------------
// §6.10 link callbacks

test("§6.10 link callbacks run asynchronously, in registration order, each in a new greenlet", async () => {
  const calls: string[] = [];
  const currents: unknown[] = [];
  let seenAtDeath: string[] | undefined;
  const g = spawn(() => sleep(0.01));
  for (const name of ["first", "second", "third"]) {
    g.link((dead) => {
      assert(dead === g, "the callback receives the dead greenlet");
      calls.push(name);
      currents.push(getcurrent());
    });
  }
  g.rawlink(() => seenAtDeath = [...calls]); // runs synchronously at death
  await g.join();
  await sleep(0.01);
  assertEquals(seenAtDeath, []);
  assertEquals(calls, ["first", "second", "third"]);
  assertEquals(new Set(currents).size, 3);
  for (const c of currents) {
    assert(c instanceof Greenlet && c !== g, "each callback runs in a fresh greenlet");
  }
});

test("§6.10 a link registered after death still fires, but only after a yield", async () => {
  const g = spawn(() => "done");
  await g.join();
  const calls: unknown[] = [];
  g.link((dead) => void calls.push(dead.value));
  assertEquals(calls, []); // never synchronously
  await sleep(0);
  assertEquals(calls, ["done"]);
});

test("§6.10 an error in one link callback is reported and does not stop the others", async () => {
  const calls: string[] = [];
  const reports = await captureFailures(async () => {
    const g = spawn(() => sleep(0.005));
    g.link(() => void calls.push("before"));
    g.link(() => {
      throw new MyErr("link failed");
    });
    g.link(() => void calls.push("after"));
    await g.join();
    await sleep(0.01);
  });
  assertEquals(calls, ["before", "after"]);
  assertEquals(reports.length, 1);
  assert(reports[0].error instanceof MyErr, "the failing callback is reported");
});

test("§6.10 unlink(cb) prevents the call", async () => {
  const calls: string[] = [];
  const keep = () => void calls.push("keep");
  const drop = () => void calls.push("drop");
  const g = spawn(() => sleep(0.005));
  g.link(drop);
  g.link(keep);
  g.unlink(drop);
  await g.join();
  await sleep(0.01);
  assertEquals(calls, ["keep"]);
});

test("§6.10 an AsyncResult is a valid link target: it receives the value or the error", async () => {
  const ok = new AsyncResult<string>();
  const bad = new AsyncResult<string>();
  const killed = new AsyncResult<unknown>();
  const err = new MyErr();
  await captureFailures(async () => {
    const a = spawn(() => "v");
    const b = spawn((): string => {
      throw err;
    });
    const c = spawn(() => sleep(10));
    a.link(ok);
    b.link(bad);
    c.link(killed);
    await sleep(0);
    await c.kill();
    await joinall([a, b]);
  });
  assertEquals(await ok.get({ timeout: 1 }), "v");
  assert((await assertRejects(() => bad.get({ timeout: 1 }))) === err, "the same error");
  assert(killed.successful() && killed.value instanceof GreenletExit, "a default kill is a value");
});

// ---------------------------------------------------------------------------------------------
// §1.7 names

test("§1.7 minimalIdent is assigned lazily, in read order; name defaults to Greenlet-<n>", () => {
  const g1 = new Greenlet();
  const g2 = new Greenlet();
  const i2 = g2.minimalIdent; // read g2 first: it gets the smaller number
  const i1 = g1.minimalIdent;
  assertEquals(i1, i2 + 1);
  assertEquals(g1.minimalIdent, i1); // stable once assigned
  assertEquals(g1.name, `Greenlet-${i1}`);
  const g3 = new Greenlet();
  const g4 = new Greenlet();
  const n4 = g4.name; // reading the default name assigns the ident too
  assertEquals(n4, `Greenlet-${i1 + 1}`);
  assertEquals(g3.minimalIdent, i1 + 2);
  g3.name = "worker";
  assertEquals(g3.name, "worker");
  assert(g3.toString().startsWith('<Greenlet "worker" at 0x'), g3.toString());
});

test("§1.2 getcurrent() is the greenlet inside spawned code and 'main' outside", async () => {
  assertEquals(getcurrent().name, "main");
  const g = spawn(async () => {
    await sleep(0);
    return getcurrent();
  });
  assert((await g.get()) === g, "getcurrent() inside is the greenlet itself");
});

test("§1.2 a subclass overriding run() is started with start()", async () => {
  class Answer extends Greenlet<number> {
    protected override run(): number {
      return 42;
    }
  }
  const g = new Answer();
  g.start();
  assertEquals(await g.get(), 42);
});

test("§1.2 spawnLater counts as started at once and runs after the delay", async () => {
  const t0 = performance.now();
  const g = spawnLater(0.03, () => since(t0));
  assert(g.started && !g.dead, "started at once, not run yet");
  const ranAt = await g.get();
  assert(ranAt >= 0.025 && ranAt < 0.5, `ran after ${ranAt} s`);
});

test("§1.5 killing a spawnLater greenlet before it runs cancels its timer", async () => {
  let ran = false;
  const g = spawnLater(0.2, () => ran = true);
  await g.kill();
  assert(g.dead && g.successful() && !g.started, "dead before it ran");
  assert(!ran, "never runs");
  // The op sanitizer fails this test if the start timer is still pending.
});

// ---------------------------------------------------------------------------------------------
// §1.5 kill

test("§1.5 kill() waits for death (finally blocks may still wait); block:false returns at once", async () => {
  const g = spawn(async () => {
    try {
      await sleep(10);
    } finally {
      await sleep(0.02); // the kill is one-shot: clean-up may block again
    }
  });
  await sleep(0);
  const t0 = performance.now();
  await g.kill();
  assert(g.dead && since(t0) >= 0.015, `kill() returned after ${since(t0)} s, dead=${g.dead}`);

  const h = spawn(() => sleep(10));
  await sleep(0);
  const p = h.kill({ block: false });
  assert(!h.dead, "block:false returns before the greenlet died");
  await p;
  await sleep(0);
  assert(h.dead && (h.value as unknown) instanceof GreenletExit, "it dies once the caller yields");
});

test("§1.5 a greenlet that swallows GreenletExit survives kill({timeout})", async () => {
  let swallowed = 0;
  const g = spawn(async () => {
    while (true) {
      try {
        await sleep(10);
      } catch (e) {
        if (e instanceof GreenletExit && swallowed++ === 0) continue;
        throw e;
      }
    }
  });
  await sleep(0);
  const t0 = performance.now();
  await g.kill({ timeout: 0.03 });
  const took = since(t0);
  assert(!g.dead, "the kill was swallowed");
  assert(took >= 0.025 && took < 0.5, `kill({timeout: 0.03}) took ${took}`);
  await g.kill(); // the second one is not swallowed
  assert(g.dead && g.successful() && swallowed === 2, `dead=${g.dead} swallowed=${swallowed}`);
});

test("§1.5 killing a finished greenlet does nothing (value and exception kept)", async () => {
  const g = spawn(() => "v");
  await g.join();
  await g.kill();
  await g.kill({ exception: MyErr });
  assertEquals(g.value, "v");
  assert(g.successful() && g.exception === undefined, "outcome unchanged");
});

test("§1.5 kill aborts greenlet.signal with the kill's exception", async () => {
  let reason: unknown;
  const g = spawn(async () => {
    const signal = getcurrent() === g ? g.signal : undefined;
    signal?.addEventListener("abort", () => reason = signal.reason);
    await sleep(10);
  });
  await sleep(0);
  await g.kill();
  assert(
    reason instanceof GreenletExit && reason === (g.value as unknown),
    `reason is ${String(reason)}`,
  );
});

test("§1.5 a kill during a plain (non-green) await lands at the next green wait", async () => {
  let step = "";
  let finallyRan = false;
  const g = spawn(async () => {
    try {
      await new Promise((resolve) => setTimeout(resolve, 30)); // not interruptible
      step = "after plain await";
      await sleep(10);
      step = "after sleep";
    } finally {
      finallyRan = true;
    }
  });
  await sleep(0.005);
  const t0 = performance.now();
  await g.kill({ timeout: 2 });
  const took = since(t0);
  assertEquals(step, "after plain await");
  assert(
    g.dead && finallyRan && (g.value as unknown) instanceof GreenletExit,
    "killed at its next sleep",
  );
  assert(took >= 0.015 && took < 1, `kill took ${took} s`);
});

// ---------------------------------------------------------------------------------------------
// kill and timeout paths of the waits that belong to greenlets: sleep, join, get

test("kill path: a greenlet blocked in sleep is interrupted and its timer cleared", async () => {
  await killWhileBlocked("sleep(10)", () => sleep(10));
  await killWhileBlocked("sleep(0)", async () => {
    while (true) await sleep(0);
  });
});

test("kill path: a greenlet blocked in join/get of another greenlet; the other lives on", async () => {
  const other = spawn(async () => {
    await sleep(0.05);
    return "other";
  });
  await killWhileBlocked("join()", () => other.join());
  await killWhileBlocked("get()", () => other.get());
  assert(!other.dead, "killing the joiner does not touch the joined greenlet");
  assertEquals(await other.get(), "other");
});

test("timeout path: join(timeout) and get(timeout) under a Timeout in a greenlet", async () => {
  const other = spawn(() => sleep(10));
  const g = spawn(async () => {
    const t = Timeout.startNew(0.02);
    try {
      await other.join();
      return "joined";
    } catch (e) {
      return e === t ? "timed out" : `other error ${e}`;
    } finally {
      t.cancel();
    }
  });
  assertEquals(await g.get(), "timed out");
  assert(!other.dead, "the joined greenlet is untouched");
  await other.kill();
});
