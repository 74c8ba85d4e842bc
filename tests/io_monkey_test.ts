/**
 * `monkey` + `io`: the same user code blocks the thread unpatched and yields patched, and a
 * patched request is a green wait that kills and timeouts interrupt.
 *
 * The server runs in a Worker: an unpatched `io.urlopen` freezes this thread, so a server
 * answering from it would never answer.
 */
import { io, joinall, monkey, sleep, spawn, Timeout, withTimeout } from "../mod.ts";
import { startLocalServer } from "../examples/_local_server.ts";
import { assert, assertEquals, assertRejects, test } from "./assert.ts";

/** Counts the ticks of a 10 ms interval while `fn` runs. */
async function ticksDuring(fn: () => Promise<unknown>): Promise<{ ticks: number; ms: number }> {
  let ticks = 0;
  const id = setInterval(() => ticks++, 10);
  const started = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(id);
  }
  return { ticks, ms: performance.now() - started };
}

async function withPatch<T>(patched: boolean, fn: () => Promise<T>): Promise<T> {
  const before = monkey.isPatched();
  if (patched) monkey.patchAll();
  else monkey.unpatchAll();
  try {
    return await fn();
  } finally {
    if (before) monkey.patchAll();
    else monkey.unpatchAll();
  }
}

test("patchAll/unpatchAll report whether they changed something, as gevent's patch_all does", () => {
  monkey.unpatchAll();
  assertEquals(monkey.isPatched(), false);
  assertEquals(monkey.patchAll(), true);
  assertEquals(monkey.patchAll(), false);
  assertEquals(monkey.isPatched(), true);
  assertEquals(monkey.unpatchAll(), true);
  assertEquals(monkey.unpatchAll(), false);
});

test("unpatched io.sleep freezes the event loop: zero timer ticks; patched it yields", async () => {
  const frozen = await withPatch(false, () => ticksDuring(() => io.sleep(0.2)));
  assertEquals(frozen.ticks, 0);
  assert(frozen.ms >= 190, `slept ${frozen.ms} ms`);
  const live = await withPatch(true, () => ticksDuring(() => io.sleep(0.2)));
  assert(live.ticks >= 5, `only ${live.ticks} ticks while patched`);
});

test("unpatched io.urlopen freezes the event loop; patched it yields; both read the body", async () => {
  const server = await startLocalServer({ "/slow": { delay: 0.3, bytes: 3000 } });
  try {
    for (const patched of [false, true]) {
      let status = 0, bytes = 0, url = "";
      const { ticks } = await withPatch(patched, () =>
        ticksDuring(async () => {
          const res = await io.urlopen(`${server.url}/slow`);
          status = res.status;
          url = res.url;
          bytes = (await res.read()).length;
        }));
      assertEquals([status, bytes, url], [200, 3000, `${server.url}/slow`]);
      if (patched) assert(ticks >= 10, `only ${ticks} ticks while patched`);
      else assertEquals(ticks, 0);
    }
  } finally {
    server.close();
  }
});

test("the seeds' lesson: three greenlets take the sum of their times unpatched, the max patched", async () => {
  const server = await startLocalServer({ "/a": { delay: 0.15, bytes: 10 } });
  try {
    const run = () =>
      ticksDuring(async () => {
        const f = async () => (await (await io.urlopen(`${server.url}/a`)).read()).length;
        const done = await joinall([spawn(f), spawn(f), spawn(f)]);
        assertEquals(done.map((g) => g.value), [10, 10, 10]);
      });
    const blocking = await withPatch(false, run);
    const green = await withPatch(true, run);
    assert(blocking.ms >= 420, `unpatched took ${blocking.ms} ms, expected the sum (>= 450)`);
    assert(green.ms < blocking.ms * 0.7, `patched ${green.ms} ms vs unpatched ${blocking.ms} ms`);
  } finally {
    server.close();
  }
});

test("a kill interrupts a greenlet blocked in patched io.urlopen; its finally runs", async () => {
  const server = await startLocalServer({ "/hang": { delay: 5, bytes: 1 } });
  try {
    await withPatch(true, async () => {
      let cleaned = false;
      const g = spawn(async () => {
        try {
          await io.urlopen(`${server.url}/hang`);
        } finally {
          cleaned = true;
        }
      });
      await sleep(0.1);
      const started = performance.now();
      await g.kill({ timeout: 2 });
      assert(g.dead && g.successful(), "killed greenlet is dead and successful");
      assert(cleaned, "finally block ran");
      assert(performance.now() - started < 1000, "kill was prompt");
    });
  } finally {
    server.close();
  }
});

test("a Timeout interrupts patched io.urlopen and aborts the request", async () => {
  const server = await startLocalServer({ "/hang": { delay: 5, bytes: 1 } });
  try {
    await withPatch(true, async () => {
      const started = performance.now();
      const error = await assertRejects(() =>
        withTimeout(0.1, () => io.urlopen(`${server.url}/hang`))
      );
      assert(error instanceof Timeout, `expected Timeout, got ${error}`);
      assert(performance.now() - started < 1000, "timeout was prompt");
    });
  } finally {
    server.close();
  }
});
