/**
 * joinall, killall, iwait and wait, checked against gevent (shared/reference/gevent-and-std.md
 * §1.8 and §6.4).
 *
 * Run: deno test --allow-read tests/green_joinall_test.ts
 */
import {
  AsyncResult,
  Event,
  type Greenlet,
  GreenletExit,
  iwait,
  joinall,
  killall,
  sleep,
  spawn,
  Timeout,
  wait,
} from "../mod.ts";
import { assert, assertEquals, assertRejects, test } from "./assert.ts";
import { captureFailures, killWhileBlocked, since } from "./green_helpers.ts";

class MyErr extends Error {
  constructor(message = "my error") {
    super(message);
    this.name = "MyErr";
  }
}

/** A greenlet that sleeps `seconds` and returns `name`. */
function after(seconds: number, name: string): Greenlet<string> {
  return spawn(async () => {
    await sleep(seconds);
    return name;
  });
}

const names = (gs: Greenlet<string>[]) => gs.map((g) => g.value);

test("§6.4 joinall returns the finished greenlets in completion order, not input order", async () => {
  const a = after(0.04, "a");
  const b = after(0.01, "b");
  const done = await joinall([a, b]);
  assertEquals(names(done), ["b", "a"]);
});

test("§6.4 joinall puts already-dead greenlets first, in input order: [b, a, d, c]", async () => {
  const a = spawn(() => "a");
  const b = spawn(() => "b");
  await joinall([a, b]);
  const c = after(0.04, "c");
  const d = after(0.01, "d");
  const done = await joinall([c, b, d, a]);
  assertEquals(names(done), ["b", "a", "d", "c"]);
});

test("§6.4 joinall timeout gives the partial list and no error", async () => {
  const fast = after(0.01, "fast");
  const slow = after(10, "slow");
  const t0 = performance.now();
  const done = await joinall([slow, fast], { timeout: 0.05 });
  const took = since(t0);
  assertEquals(names(done), ["fast"]);
  assert(took >= 0.04 && took < 0.5, `joinall timeout 0.05 took ${took}`);
  assert(!slow.dead, "joinall's timeout does not kill anybody");
  await slow.kill();
  assertEquals(await joinall([]), []);
  assertEquals(await joinall([], { timeout: 0.01 }), []);
});

test("§6.4 joinall count=N returns once N finished; failures are included, not raised", async () => {
  const reports = await captureFailures(async () => {
    const bad = spawn(async (): Promise<string> => {
      await sleep(0.01);
      throw new MyErr();
    });
    const ok = after(0.02, "ok");
    const slow = after(10, "slow");
    const done = await joinall([slow, ok, bad], { count: 2 });
    assertEquals(done, [bad, ok]);
    assert(!slow.dead, "the third is still running");
    await slow.kill();
  });
  assertEquals(reports.length, 1);
});

test("§6.4 joinall raiseError throws the first failure at once; the others keep running", async () => {
  const err = new MyErr();
  await captureFailures(async () => {
    const bad = spawn(async (): Promise<string> => {
      await sleep(0.01);
      throw err;
    });
    const slow = after(0.2, "slow");
    const thrown = await assertRejects(() => joinall([slow, bad], { raiseError: true }));
    assert(thrown === err, "the failure's own error is thrown");
    assert(!slow.dead, "raised at the failure, before the sibling finished, and not killing it");
    assertEquals(await slow.get(), "slow");
    // An already-dead failure is raised at once too.
    await assertRejects(() => joinall([bad], { raiseError: true }), MyErr);
  });
});

test("§1.8 killall blocks until all are dead and applies a custom exception to all", async () => {
  const gs = [spawn(() => sleep(10)), spawn(() => sleep(10)), spawn(() => sleep(10))];
  await sleep(0);
  assertEquals(await killall(gs.slice(0, 1)), undefined);
  const reports = await captureFailures(() => killall(gs.slice(1), { exception: MyErr }));
  assert(gs.every((g) => g.dead), "all dead when killall returns");
  assert((gs[0].value as unknown) instanceof GreenletExit, "default kill");
  assert(gs[1].exception instanceof MyErr && gs[2].exception instanceof MyErr, "custom kill");
  assertEquals(reports.length, 2);
});

test("§1.8 killall block:false returns at once; the greenlets die after the caller yields", async () => {
  const gs = [spawn(() => sleep(10)), spawn(() => sleep(10))];
  await sleep(0);
  const p = killall(gs, { block: false });
  assert(gs.every((g) => !g.dead), "not dead yet");
  await p;
  await sleep(0);
  assert(gs.every((g) => g.dead), "dead after a yield");
});

test("§1.8 iwait yields in completion order (ready ones first) and accepts Event and AsyncResult", async () => {
  const ev = new Event();
  const ar = new AsyncResult<number>();
  const g = after(0.01, "g");
  const done = spawn(() => "done");
  await done.join();
  const timer = setTimeout(() => ar.set(1), 50);
  const setter = spawn(async () => {
    await sleep(0.09);
    ev.set();
  });
  const seen: unknown[] = [];
  for await (const w of iwait<Greenlet<string> | Event | AsyncResult<number>>([ev, ar, g, done])) {
    seen.push(w);
  }
  clearTimeout(timer);
  assertEquals(seen.length, 4);
  assert(seen[0] === done && seen[1] === g && seen[2] === ar && seen[3] === ev, "order");
  await setter.join();
});

test("§1.8 iwait stops iterating at the timeout, without an error; count limits it", async () => {
  const fast = after(0.01, "fast");
  const slow = after(10, "slow");
  const seen: Greenlet<string>[] = [];
  const t0 = performance.now();
  for await (const g of iwait([slow, fast], { timeout: 0.04 })) seen.push(g);
  const took = since(t0);
  assertEquals(seen, [fast]);
  assert(took >= 0.03 && took < 0.5, `iwait timeout 0.04 took ${took}`);
  assertEquals(await wait([slow, fast], { count: 1 }), [fast]);
  await slow.kill();
});

test("§1.8 breaking out of iwait early unlinks it; wait() collects in completion order", async () => {
  const a = after(0.03, "a");
  const b = after(0.01, "b");
  for await (const first of iwait([a, b])) {
    assert(first === b, "b first");
    break;
  }
  assertEquals(await wait([a, b]), [b, a]);
  const ev = new Event();
  assertEquals(await wait([ev], { timeout: 0.01 }), []);
});

test("kill path: a greenlet blocked in joinall/iwait is interrupted; the joined live on", async () => {
  const other = after(0.05, "other");
  await killWhileBlocked("joinall", () => joinall([other]));
  await killWhileBlocked("iwait", async () => {
    for await (const _ of iwait([other])) { /* nothing */ }
  });
  assert(!other.dead, "the joined greenlet is untouched");
  assertEquals(names(await joinall([other])), ["other"]);
});

test("timeout path: joinall inside a Timeout throws that Timeout", async () => {
  const slow = after(10, "slow");
  const t = Timeout.startNew(0.02);
  try {
    const thrown = await assertRejects(() => joinall([slow]));
    assert(thrown === t, "the Timeout itself");
  } finally {
    t.cancel();
  }
  await slow.kill();
});
