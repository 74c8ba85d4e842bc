/**
 * Workers draining a queue of URLs, timed by a decorator-like wrapper. Ports seed 002's last
 * example:
 *
 *   monkey.patch_all()
 *   q = queue.Queue()
 *   for i in range(100): q.put("http://127.0.0.1:8888")
 *   def count_time(func):
 *       def wrapper(*args, **kwargs):
 *           print(">>>开始执行>>>"); start_time = time.time()
 *           func(*args, **kwargs)
 *           end_time = time.time(); print("<<<执行结束<<<")
 *           print("总耗时: {}".format(end_time - start_time))
 *       return wrapper
 *   def work():
 *       while q.qsize() > 0:
 *           url = q.get(); requests.get(url)
 *   @count_time
 *   def work_slave():
 *       w1 = gevent.spawn(work); w1.join()
 *
 * Run:    deno run --allow-net=127.0.0.1 examples/queue_workers.ts [-c N] [URL]
 * Expect: `>>>开始执行>>>`, `<<<执行结束<<<`, `总耗时: S`. With no URL it starts a local server
 *         whose page takes 0.01 s, and fetches it 100 times. One worker, as in the seed, waits
 *         for each answer before asking again: about 100 × 0.01 = 1 s. `-c 10` is the better
 *         choice: ten workers overlap their waits and finish in about 0.1 s.
 *
 * `getNowait()` cannot fail here: nothing can run between the `qsize()` check and the take
 * (there is no `await` in between), so no other worker can steal the last URL.
 */
import { parseArgs } from "node:util";
import { io, joinall, monkey, Queue, spawn } from "../mod.ts";
import { startLocalServer } from "./_local_server.ts";

monkey.patchAll();

const { values, positionals } = parseArgs({
  options: { concurrency: { type: "string", short: "c", default: "1" } },
  allowPositionals: true,
});
const workers = Number(values.concurrency);
if (!(Number.isInteger(workers) && workers > 0)) {
  throw new RangeError(`-c must be a positive integer, got ${values.concurrency}`);
}

const server = positionals.length > 0
  ? undefined
  : await startLocalServer({ "/": { delay: 0.01, bytes: 1000 } });
const url = server ? `${server.url}/` : positionals[0];

const q = new Queue<string>();
for (let i = 0; i < 100; i++) q.putNowait(url);

/** The seed's count_time decorator, as a wrapper around an async function. */
function countTime(func: () => Promise<void>): () => Promise<void> {
  return async () => {
    console.log(">>>开始执行>>>");
    const startTime = performance.now();
    await func();
    const endTime = performance.now();
    console.log("<<<执行结束<<<");
    console.log(`总耗时: ${((endTime - startTime) / 1000).toFixed(3)}`);
  };
}

async function work() {
  while (q.qsize() > 0) {
    const url = q.getNowait();
    await (await io.urlopen(url)).read();
  }
}

const workSlave = countTime(async () => {
  const greenlets = Array.from({ length: workers }, () => spawn(work));
  await joinall(greenlets);
});

try {
  await workSlave();
} finally {
  server?.close();
}
