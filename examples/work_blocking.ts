/**
 * The same two greenlets, first with a blocking sleep, then after `monkey.patchAll()`. Ports
 * seed 002 ("gevent模块基本使用"):
 *
 *   monkey.patch_all()
 *   def work1():
 *       for i in range(10):
 *           print("Work1---{}".format(i))
 *           time.sleep(0.1)  # patched: switches; unpatched: blocks everything
 *   def work2(): ...same with "Work2---{}"...
 *   g1 = gevent.spawn(work1); g2 = gevent.spawn(work2)
 *   g1.join(); g2.join()
 *
 * Run:    deno run examples/work_blocking.ts [--scale 0.2]
 * Expect: `unpatched: io.sleep blocks the thread`, then Work1---0 … Work1---9, Work2---0 …
 *         Work2---9 and `elapsed: 2.0xx` (20 sleeps of 0.1 s one after the other); then
 *         `patched: io.sleep yields`, Work1---0, Work2---0, Work1---1, Work2---1, … and
 *         `elapsed: 1.0xx` (the two greenlets sleep at the same time). `--scale` multiplies
 *         every sleep (default 1).
 *
 * `io.sleep` is Python's `time.sleep`: until `monkey.patchAll()` it freezes the whole thread,
 * so no other greenlet can run while one sleeps; afterwards it is a green wait, like
 * `gevent.sleep`. The code of work1/work2 is identical in both runs.
 *
 * As in gevent, a greenlet only hands over where it really waits: an `await` of the unpatched
 * (already finished) `io.sleep` is not such a place, so work1 runs to its end before work2.
 */
import { parseArgs } from "node:util";
import { io, monkey, spawn } from "../mod.ts";

const { values } = parseArgs({ options: { scale: { type: "string", default: "1" } } });
const scale = Number(values.scale);
if (!(scale > 0)) throw new RangeError(`--scale must be a positive number, got ${values.scale}`);

async function work(name: string) {
  for (let i = 0; i < 10; i++) {
    console.log(`${name}---${i}`);
    await io.sleep(0.1 * scale);
  }
}

async function main() {
  const start = performance.now();
  const g1 = spawn(work, "Work1");
  const g2 = spawn(work, "Work2");
  await g1.join();
  await g2.join();
  console.log(`elapsed: ${((performance.now() - start) / 1000).toFixed(3)}`);
}

console.log("unpatched: io.sleep blocks the thread");
await main();
monkey.patchAll();
console.log("patched: io.sleep yields");
await main();
