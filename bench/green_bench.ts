/**
 * The green layer's overhead, as ratios measured in one run (`deno task bench` or
 * `deno bench bench/green_bench.ts`):
 * - spawn + joinall of 100,000 greenlets against a bare `Promise.all` of the same async
 *   functions (goal: within 3x);
 * - Queue put/get throughput: 100,000 items through a green `Queue` against a plain array
 *   handed over with promises, with one producer and one consumer greenlet.
 * @module
 */
import { joinall, Queue, spawn } from "../mod.ts";

const N = 100_000;

async function work(i: number): Promise<number> {
  await null;
  return i;
}

Deno.bench(
  { name: "bare Promise.all of 100k async functions", group: "spawn", baseline: true },
  async () => {
    const promises = new Array<Promise<number>>(N);
    for (let i = 0; i < N; i++) promises[i] = work(i);
    await Promise.all(promises);
  },
);

Deno.bench({ name: "spawn + joinall of 100k greenlets", group: "spawn" }, async () => {
  const greenlets = new Array(N);
  for (let i = 0; i < N; i++) greenlets[i] = spawn(work, i);
  await joinall(greenlets);
});

/** The bare baseline for a queue: an array and a waiting resolver. */
class BareChannel<T> {
  #items: T[] = [];
  #head = 0;
  #waiter: ((v: T) => void) | undefined;
  put(item: T): void {
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w(item);
    } else this.#items.push(item);
  }
  get(): Promise<T> {
    if (this.#head < this.#items.length) return Promise.resolve(this.#items[this.#head++]);
    return new Promise((resolve) => (this.#waiter = resolve));
  }
}

Deno.bench(
  { name: "bare array channel, 100k put/get", group: "queue", baseline: true },
  async () => {
    const ch = new BareChannel<number>();
    const consumer = (async () => {
      let sum = 0;
      for (let i = 0; i < N; i++) sum += await ch.get();
      return sum;
    })();
    for (let i = 0; i < N; i++) ch.put(i);
    await consumer;
  },
);

/** One producer and one consumer greenlet moving N items through `q`. */
async function pump(q: Queue<number>): Promise<void> {
  const consumer = spawn(async () => {
    let sum = 0;
    for (let i = 0; i < N; i++) sum += await q.get();
    return sum;
  });
  const producer = spawn(async () => {
    for (let i = 0; i < N; i++) await q.put(i);
  });
  await joinall([producer, consumer]);
}

Deno.bench(
  { name: "green Queue, 100k put/get between two greenlets", group: "queue" },
  async () => await pump(new Queue<number>()),
);

Deno.bench(
  { name: "green bounded Queue(100), 100k put/get (put waits when full)", group: "queue" },
  async () => await pump(new Queue<number>(100)),
);
