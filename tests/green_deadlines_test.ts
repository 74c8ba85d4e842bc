import { assert, assertEquals, test } from "./assert.ts";
import { deadline } from "../green/io/deadlines.ts";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `done()` holds, checking every 5 ms, for at most `ms` (a loaded machine is slow). */
async function until(done: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!done() && performance.now() < end) await wait(5);
}

// Orders and counts are asserted, not timings: each deadline is long enough that a loaded
// machine cannot reach it before the test has set up what it checks.

test("deadline: expires once, not before its time", async () => {
  const t0 = performance.now();
  const fired: number[] = [];
  deadline(40, () => fired.push(performance.now() - t0));
  await until(() => fired.length > 0);
  assertEquals(fired.length, 1);
  assert(fired[0] >= 39, `expired after ${fired[0]} ms`);
  await wait(60);
  assertEquals(fired.length, 1, "expired twice");
});

test("deadline: a released deadline never expires; releasing twice or late is harmless", async () => {
  let fired = 0;
  const release = deadline(20, () => fired++);
  release();
  release();
  await wait(50);
  assertEquals(fired, 0);
  const late = deadline(10, () => fired++);
  await until(() => fired > 0);
  assertEquals(fired, 1);
  late();
  await wait(20);
  assertEquals(fired, 1);
});

test("deadline: many on one lane, released out of order: the others expire in order, once each", async () => {
  const fired: number[] = [];
  const releases: (() => void)[] = [];
  for (let i = 0; i < 2000; i++) {
    releases.push(deadline(1000, () => fired.push(i)));
    if (i % 500 === 499) await wait(1); // spread the deadlines over time
  }
  // Release the head, the tail and every third one in between, in a scrambled order.
  const released = new Set<number>();
  for (const i of [0, 1999, 1000, ...Array.from({ length: 667 }, (_, k) => k * 3)]) {
    releases[i]();
    released.add(i);
  }
  const expected = [...Array(2000).keys()].filter((i) => !released.has(i));
  await until(() => fired.length >= expected.length);
  await wait(20);
  assertEquals(fired, expected);
});

test("deadline: different lengths do not wait for each other", async () => {
  const fired: string[] = [];
  deadline(1000, () => fired.push("long"));
  deadline(10, () => fired.push("short"));
  await until(() => fired.length > 0);
  assertEquals(fired, ["short"]);
  await until(() => fired.length > 1);
  assertEquals(fired, ["short", "long"]);
});

test("deadline: an expiry that sets a new deadline on the same lane is served", async () => {
  const fired: string[] = [];
  deadline(10, () => {
    fired.push("first");
    deadline(10, () => fired.push("second"));
  });
  await until(() => fired.length > 1);
  await wait(20);
  assertEquals(fired, ["first", "second"]);
});
