/**
 * Queue, LifoQueue, PriorityQueue and JoinableQueue, checked against gevent
 * (shared/reference/gevent-and-std.md §1.12 and §6.9), with the kill and timeout path of every
 * blocking call.
 *
 * Run: deno test --allow-read tests/green_queue_test.ts
 */
import {
  JoinableQueue,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  sleep,
  spawn,
  StopIteration,
} from "../mod.ts";
import { assert, assertEquals, assertRejects, test } from "./assert.ts";
import { killWhileBlocked, since } from "./green_helpers.ts";

test("§6.9 Queue(0), Queue(null) and Queue() are unbounded", () => {
  for (const q of [new Queue<number>(0), new Queue<number>(null), new Queue<number>()]) {
    assertEquals(q.maxsize, null);
    for (let i = 0; i < 1000; i++) q.putNowait(i);
    assertEquals(q.full(), false);
    assertEquals(q.qsize(), 1000);
  }
});

test("§6.9 getters waiting on an empty queue are served FIFO", async () => {
  const q = new Queue<number>();
  const got: string[] = [];
  const getters = ["g0", "g1", "g2"].map((name) =>
    spawn(async () => {
      got.push(`${name}=${await q.get()}`);
    })
  );
  await sleep(0);
  for (const x of [1, 2, 3]) q.putNowait(x);
  for (const g of getters) await g.join();
  assertEquals(got, ["g0=1", "g1=2", "g2=3"]);
});

test("§6.9 a blocked put resumes once a consumer gets; putters are admitted FIFO", async () => {
  const q = new Queue<string>(1, ["first"]);
  const putters = ["a", "b"].map((x) => spawn(() => q.put(x)));
  await sleep(0.01);
  assert(putters.every((p) => !p.dead), "both putters wait on the full queue");
  assertEquals(await q.get(), "first");
  await putters[0].join();
  assert(!putters[1].dead, "only one slot opened");
  assertEquals(await q.get(), "a");
  await putters[1].join();
  assertEquals(await q.get(), "b");
  assertEquals(q.qsize(), 0);
});

test("§6.9 an item put while a getter waits goes to that getter (no stealing)", async () => {
  const q = new Queue<number>();
  const getter = spawn(() => q.get());
  await sleep(0);
  q.putNowait(1);
  assertEquals(q.qsize(), 0);
  assert(
    (() => {
      try {
        q.getNowait();
        return false;
      } catch (e) {
        return e instanceof QueueEmpty;
      }
    })(),
    "the item was handed to the waiting getter, not left for getNowait",
  );
  assertEquals(await getter.get(), 1);
});

test("§6.9 QueueEmpty: getNowait, block:false, timeout, and timeout 0", async () => {
  const q = new Queue<number>();
  let thrown: unknown;
  try {
    q.getNowait();
  } catch (e) {
    thrown = e;
  }
  assert(thrown instanceof QueueEmpty, "getNowait throws QueueEmpty synchronously");
  await assertRejects(() => q.get({ block: false }), QueueEmpty);
  const t0 = performance.now();
  await assertRejects(() => q.get({ timeout: 0.03 }), QueueEmpty);
  const took = since(t0);
  assert(took >= 0.025 && took < 0.5, `get({timeout: 0.03}) took ${took}`);
  const t1 = performance.now();
  await assertRejects(() => q.get({ timeout: 0 }), QueueEmpty);
  assert(since(t1) < 0.1, "timeout 0 fails at once");
  q.putNowait(5); // no stale getter left behind by the timeouts
  assertEquals(q.qsize(), 1);
  assertEquals(q.peekNowait(), 5);
  assertEquals(await q.get({ block: false }), 5);
  assert(q.empty(), "empty again");
});

test("§6.9 QueueFull: putNowait, block:false, timeout, and timeout 0", async () => {
  const q = new Queue<number>(2, [1, 2]);
  assert(q.full(), "full");
  let thrown: unknown;
  try {
    q.putNowait(3);
  } catch (e) {
    thrown = e;
  }
  assert(thrown instanceof QueueFull, "putNowait throws QueueFull synchronously");
  await assertRejects(() => q.put(3, { block: false }), QueueFull);
  const t0 = performance.now();
  await assertRejects(() => q.put(3, { timeout: 0.03 }), QueueFull);
  const took = since(t0);
  assert(took >= 0.025 && took < 0.5, `put({timeout: 0.03}) took ${took}`);
  await assertRejects(() => q.put(3, { timeout: 0 }), QueueFull);
  assertEquals(q.getNowait(), 1); // no stale putter sneaks its item in
  assertEquals(q.qsize(), 1);
  assertEquals(q.getNowait(), 2);
  assertEquals(q.qsize(), 0);
});

test("§6.9 async iteration ends when StopIteration is dequeued", async () => {
  const q = new Queue<number | typeof StopIteration>();
  const consumer = spawn(async () => {
    const seen: number[] = [];
    for await (const x of q) seen.push(x);
    return seen;
  });
  for (const x of [1, 2, 3]) {
    await q.put(x);
    await sleep(0);
  }
  await q.put(StopIteration);
  await q.put(4); // after the sentinel: not consumed by that loop
  assertEquals(await consumer.get(), [1, 2, 3]);
  assertEquals(q.getNowait(), 4);
});

test("§6.9 LifoQueue gives [2, 1, 0]", async () => {
  const q = new LifoQueue<number>();
  for (const x of [0, 1, 2]) q.putNowait(x);
  assertEquals([await q.get(), await q.get(), q.getNowait()], [2, 1, 0]);
  const bounded = new LifoQueue<number>(2, [7, 8]);
  assert(bounded.full(), "a LifoQueue can be bounded");
  assertEquals(bounded.peekNowait(), 8);
});

test("§6.9 PriorityQueue gives the smallest first; [priority, item] pairs order like tuples", async () => {
  const q = new PriorityQueue<[number, string]>();
  for (const pair of [[3, "c"], [1, "b"], [2, "x"], [1, "a"], [0, "z"]] as [number, string][]) {
    q.putNowait(pair);
  }
  const out: [number, string][] = [];
  while (q.qsize() > 0) out.push(await q.get());
  assertEquals(out, [[0, "z"], [1, "a"], [1, "b"], [2, "x"], [3, "c"]]);
  const nums = new PriorityQueue<number>(0, [5, 3, 9, 1]);
  assertEquals([nums.getNowait(), nums.getNowait(), nums.getNowait(), nums.getNowait()], [
    1,
    3,
    5,
    9,
  ]);
});

test("§6.9 JoinableQueue: put counts unfinished tasks, join() resolves true once all are done", async () => {
  const q = new JoinableQueue<number>(0, [1, 2]);
  assertEquals(q.unfinishedTasks, 2);
  await q.put(3);
  assertEquals(q.unfinishedTasks, 3);
  const seen: number[] = [];
  const worker = spawn(async () => {
    while (true) {
      const x = await q.get();
      await sleep(0.005);
      seen.push(x);
      q.taskDone();
    }
  });
  assertEquals(await q.join(), true);
  assertEquals(seen, [1, 2, 3]);
  assertEquals(q.unfinishedTasks, 0);
  assertEquals(await q.join(0), true); // nothing unfinished: true at once
  await worker.kill();
});

test("§6.9 JoinableQueue.join(timeout) resolves false while tasks are unfinished", async () => {
  const q = new JoinableQueue<number>();
  q.putNowait(1);
  q.getNowait(); // taken, but not marked done
  const t0 = performance.now();
  assertEquals(await q.join(0.03), false);
  assert(since(t0) >= 0.025, "waited the whole timeout");
  q.taskDone();
  assertEquals(await q.join(0.5), true);
});

test("§6.9 JoinableQueue.taskDone() beyond zero throws RangeError (gevent: ValueError)", () => {
  const q = new JoinableQueue<number>();
  q.putNowait(1);
  q.taskDone();
  let thrown: unknown;
  try {
    q.taskDone();
  } catch (e) {
    thrown = e;
  }
  assert(thrown instanceof RangeError, `got ${String(thrown)}`);
  assertEquals(q.unfinishedTasks, 0);
});

test("§6.9 an item handed straight to a waiting getter is still an unfinished task", async () => {
  const q = new JoinableQueue<number>();
  const getter = spawn(() => q.get());
  await sleep(0);
  q.putNowait(1);
  assertEquals(await getter.get(), 1);
  assertEquals(q.unfinishedTasks, 1);
  assertEquals(await q.join(0.01), false);
  q.taskDone();
  assertEquals(await q.join(0.01), true);
});

// ---------------------------------------------------------------------------------------------
// kill paths: the killed waiter must leave the queue exactly as if it had never waited

test("kill path: a getter killed in Queue.get does not swallow a later item", async () => {
  const q = new Queue<string>();
  await killWhileBlocked("Queue.get", () => q.get());
  const other = spawn(() => q.get());
  await sleep(0);
  q.putNowait("item");
  assertEquals(await other.get(), "item");
  q.putNowait("second");
  assertEquals(q.qsize(), 1); // and nobody else is registered as a getter
});

test("kill path: a getter killed between two waiting getters leaves FIFO intact", async () => {
  const q = new Queue<number>();
  const first = spawn(() => q.get());
  const victim = spawn(() => q.get());
  const last = spawn(() => q.get());
  await sleep(0);
  await victim.kill();
  q.putNowait(1);
  q.putNowait(2);
  assertEquals([await first.get(), await last.get()], [1, 2]);
  assertEquals(q.qsize(), 0);
});

test("kill path: a putter killed on a full queue never adds its item", async () => {
  const q = new Queue<string>(1, ["held"]);
  await killWhileBlocked("Queue.put (full)", () => q.put("killed"));
  const later = spawn(() => q.put("later"));
  await sleep(0);
  assertEquals(q.getNowait(), "held");
  await later.join();
  assertEquals(q.getNowait(), "later");
  assertEquals(q.qsize(), 0);
});

test("kill path: a greenlet iterating a queue is interrupted in its wait", async () => {
  const q = new Queue<number | typeof StopIteration>();
  await killWhileBlocked("for await (q)", async () => {
    for await (const _ of q) { /* nothing */ }
  });
  q.putNowait(1);
  assertEquals(q.qsize(), 1);
});

test("kill path: a greenlet blocked in JoinableQueue.join; join still works afterwards", async () => {
  const q = new JoinableQueue<number>(0, [1]);
  await killWhileBlocked("JoinableQueue.join", () => q.join());
  assertEquals(q.unfinishedTasks, 1);
  q.getNowait();
  q.taskDone();
  assertEquals(await q.join(0.5), true);
});
