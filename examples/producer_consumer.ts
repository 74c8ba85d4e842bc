/**
 * Producer/consumer with a generator: `yield` hands control over, no lock, no thread. Ports
 * seed 000 ("yield实现协程"):
 *
 *   def consumer():
 *       r = ''
 *       while True:
 *           n = yield r
 *           if not n: return
 *           print('[CONSUMER] ←← Consuming %s...' % n)
 *           time.sleep(1)
 *           r = '200 OK'
 *   def produce(c):
 *       next(c)
 *       n = 0
 *       while n < 5:
 *           n = n + 1
 *           print('[PRODUCER] →→ Producing %s...' % n)
 *           cr = c.send(n)
 *           print('[PRODUCER] Consumer return: %s' % cr)
 *       c.close()
 *
 * Run:    deno run examples/producer_consumer.ts [--scale 0.02]
 * Expect: for n = 1..5, three lines: `[PRODUCER] →→ Producing n...`,
 *         `[CONSUMER] ←← Consuming n...`, `[PRODUCER] Consumer return: 200 OK`;
 *         the consumer sleeps 1 s per item (times `--scale`).
 *
 * JavaScript spells Python's `c.send(n)` as `c.next(n)` and `c.close()` as `c.return()`. As in
 * Python, the first `next()` only runs the generator to its first `yield` (its argument is
 * dropped). The generator is `async` because its sleep must be awaited.
 */
import { parseArgs } from "node:util";
import { io } from "../mod.ts";

const { values } = parseArgs({ options: { scale: { type: "string", default: "1" } } });
const scale = Number(values.scale);
if (!(scale > 0)) throw new RangeError(`--scale must be a positive number, got ${values.scale}`);

async function* consumer(): AsyncGenerator<string, void, number | undefined> {
  let r = "";
  while (true) {
    const n = yield r; // frozen here until the producer calls next(n)
    if (!n) return;
    console.log(`[CONSUMER] ←← Consuming ${n}...`);
    await io.sleep(1 * scale); // Python's time.sleep(1)
    r = "200 OK";
  }
}

async function produce(c: AsyncGenerator<string, void, number | undefined>) {
  await c.next(); // Python: next(c), start the generator
  let n = 0;
  while (n < 5) {
    n = n + 1;
    console.log(`[PRODUCER] →→ Producing ${n}...`);
    const { value: cr } = await c.next(n); // Python: cr = c.send(n)
    console.log(`[PRODUCER] Consumer return: ${cr}`);
  }
  await c.return(); // Python: c.close()
}

await produce(consumer());
