/**
 * foo/bar: two greenlets sleeping at the same time. Ports seed 000 ("gevent实现协程"):
 *
 *   def foo():
 *       print("running in foo"); gevent.sleep(2); print("switch to foo again")
 *   def bar():
 *       print("switch to bar"); gevent.sleep(4); print("switch to bar again")
 *   start = time.time()
 *   gevent.joinall([gevent.spawn(foo), gevent.spawn(bar)])
 *   print(time.time() - start)
 *
 * Run:    deno run examples/foo_bar.ts [--scale 0.05]
 * Expect: running in foo / switch to bar / switch to foo again / switch to bar again / 4.00x
 *
 * The elapsed time is the longest sleep (4 s), not the sum (6 s): while foo sleeps, bar runs.
 * `--scale` multiplies every sleep (default 1), so `--scale 0.05` prints about 0.200.
 */
import { parseArgs } from "node:util";
import { joinall, sleep, spawn } from "../mod.ts";

const { values } = parseArgs({ options: { scale: { type: "string", default: "1" } } });
const scale = Number(values.scale);
if (!(scale > 0)) throw new RangeError(`--scale must be a positive number, got ${values.scale}`);

async function foo() {
  console.log("running in foo");
  await sleep(2 * scale); // gevent.sleep: a green wait, so the other greenlet runs meanwhile
  console.log("switch to foo again");
}

async function bar() {
  console.log("switch to bar");
  await sleep(4 * scale);
  console.log("switch to bar again");
}

const start = performance.now();
await joinall([spawn(foo), spawn(bar)]);
console.log(((performance.now() - start) / 1000).toFixed(3));
