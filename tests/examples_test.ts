/**
 * Runs every example in `examples/` as a subprocess (as a reader would, with the permissions its
 * header documents) and checks what it prints: the exact lines, their order where the order is
 * the lesson, and the timing relations with generous margins. Sleeps are scaled down so the
 * whole file takes a few seconds.
 *
 * Run: deno test --allow-read --allow-run --allow-net=127.0.0.1 tests/examples_test.ts
 */
import { fileURLToPath } from "node:url";
import { assert, assertEquals, test } from "./assert.ts";

const NET = "--allow-net=127.0.0.1";

interface Run {
  lines: string[];
  stderr: string;
}

/** `deno run [permissions] examples/<name> [args]`; fails unless it exits 0 with a clean stderr. */
async function run(name: string, args: string[] = [], permissions: string[] = []): Promise<Run> {
  const path = fileURLToPath(new URL(`../examples/${name}`, import.meta.url));
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, path, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  const err = new TextDecoder().decode(stderr);
  assertEquals(code, 0, `${name} ${args.join(" ")} exited ${code}:\n${err}`);
  assertEquals(err, "", `${name} wrote to stderr (a greenlet failed?)`);
  return { lines: out.trimEnd().split("\n"), stderr: err };
}

/** Parses a printed number of seconds, failing on anything else. */
function secs(text: string): number {
  assert(/^\d+\.\d+$/.test(text), `expected seconds, got ${JSON.stringify(text)}`);
  return Number(text);
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

test("foo_bar: both greenlets sleep at once, so elapsed is the longest sleep, not the sum", async () => {
  const scale = 0.1; // foo sleeps 0.2 s, bar 0.4 s: sum 0.6 s
  const { lines } = await run("foo_bar.ts", ["--scale", String(scale)]);
  assertEquals(lines.slice(0, 4), [
    "running in foo",
    "switch to bar",
    "switch to foo again",
    "switch to bar again",
  ]);
  assertEquals(lines.length, 5);
  const elapsed = secs(lines[4]);
  assert(elapsed >= 0.38, `elapsed ${elapsed} < the longest sleep (0.4)`);
  assert(
    elapsed <= 0.9 * 0.6,
    `elapsed ${elapsed}: close to the sum (0.6), the sleeps did not overlap`,
  );
});

test("producer_consumer: the seed's 15 lines, producer and consumer taking turns", async () => {
  const { lines } = await run("producer_consumer.ts", ["--scale", "0.02"]);
  assertEquals(
    lines,
    range(1, 6).flatMap((n) => [
      `[PRODUCER] →→ Producing ${n}...`,
      `[CONSUMER] ←← Consuming ${n}...`,
      "[PRODUCER] Consumer return: 200 OK",
    ]),
  );
});

test("switch: 12 56 34 78, and the --long variant of seed 002", async () => {
  assertEquals((await run("switch.ts")).lines, ["12", "56", "34", "78"]);
  assertEquals(
    (await run("switch.ts", ["--long"])).lines,
    range(0, 10).flatMap((i) => [String(i), "切换到g2", String(i + 10), "切换到g1"]),
  );
});

const WORK_SCALE = 0.2; // 20 sleeps of 0.02 s: 0.4 s blocking, 0.2 s overlapped
const work = (name: string) => range(0, 10).map((i) => `${name}---${i}`);

test("work_blocking: unpatched io.sleep blocks (sum of sleeps), patched interleaves and overlaps", async () => {
  const { lines } = await run("work_blocking.ts", ["--scale", String(WORK_SCALE)]);
  assertEquals(lines.length, 44);
  assertEquals(lines[0], "unpatched: io.sleep blocks the thread");
  assertEquals(lines[22], "patched: io.sleep yields");
  // Unpatched: every line printed, whatever the order (see the next test), one sleep at a time.
  assertEquals(lines.slice(1, 21).toSorted(), [...work("Work1"), ...work("Work2")]);
  // Patched: strictly alternating, each greenlet switching at its green sleep.
  assertEquals(lines.slice(23, 43), range(0, 10).flatMap((i) => [`Work1---${i}`, `Work2---${i}`]));
  assert(lines[21].startsWith("elapsed: ") && lines[43].startsWith("elapsed: "), lines.join("\n"));
  const unpatched = secs(lines[21].slice("elapsed: ".length));
  const patched = secs(lines[43].slice("elapsed: ".length));
  assert(unpatched >= 0.95 * 20 * 0.1 * WORK_SCALE, `unpatched ${unpatched}: did not block`);
  assert(patched <= 0.75 * unpatched, `patched ${patched} vs unpatched ${unpatched}: no overlap`);
});

/** The `GET:`/`received` lines of urlopen.ts, checked and reduced to [kind, path, seconds]. */
function parseUrlopen(lines: string[]) {
  assertEquals(lines.length, 14, lines.join("\n"));
  assertEquals(lines[6], "-----");
  const base = lines[0].match(/^GET: (http:\/\/127\.0\.0\.1:\d+)\/slow$/)?.[1];
  assert(base, `unexpected first line ${lines[0]}`);
  const bytes: Record<string, number> = { "/slow": 3000, "/fast": 1000, "/mid": 2000 };
  const events = [...lines.slice(0, 6), ...lines.slice(7, 13)].map((line) => {
    const get = line.match(/^GET: (.*)$/);
    if (get && get[1].startsWith(base)) return { kind: "GET", path: get[1].slice(base.length) };
    const got = line.match(/^(\d+) bytes received from (\S+)\. time: (\S+)$/);
    assert(got && got[2].startsWith(base), `unexpected line ${line}`);
    const path = got[2].slice(base.length);
    assertEquals(Number(got[1]), bytes[path], line);
    return { kind: "received", path, seconds: secs(got[3]) };
  });
  return { concurrent: events.slice(0, 6), sequential: events.slice(6), total: secs(lines[13]) };
}

const steps = (events: { kind: string; path: string }[]) =>
  events.map((e) => `${e.kind} ${e.path}`);
const ONE_BY_ONE = [
  "GET /slow",
  "received /slow",
  "GET /fast",
  "received /fast",
  "GET /mid",
  "received /mid",
];

/** Time of the concurrent part: the total minus the one-by-one downloads. */
function concurrentPart(r: ReturnType<typeof parseUrlopen>): number {
  return r.total - r.sequential.reduce((sum, e) => sum + (e.seconds ?? 0), 0);
}

test("urlopen: patched, all GETs first, then completion order fast → mid → slow; faster than unpatched", async () => {
  const patched = parseUrlopen((await run("urlopen.ts", [], [NET])).lines);
  assertEquals(steps(patched.concurrent), [
    "GET /slow",
    "GET /fast",
    "GET /mid",
    "received /fast",
    "received /mid",
    "received /slow",
  ]);
  assertEquals(steps(patched.sequential), ONE_BY_ONE);
  const slow = patched.concurrent[5].seconds ?? 0;
  assert(slow >= 0.28 && slow < 0.45, `slow took ${slow} s concurrently (delay 0.3)`);

  const unpatched = parseUrlopen((await run("urlopen.ts", ["--unpatched"], [NET])).lines);
  // Blocking: answers come back in spawn order (slow first), not completion order.
  assertEquals(
    steps(unpatched.concurrent.filter((e) => e.kind === "received")),
    ["received /slow", "received /fast", "received /mid"],
  );
  assertEquals(steps(unpatched.sequential), ONE_BY_ONE);
  const [p, u] = [concurrentPart(patched), concurrentPart(unpatched)];
  assert(u >= 0.43, `unpatched concurrent part ${u} s < the sum of delays (0.45)`);
  assert(p <= 0.75 * u, `patched concurrent part ${p} s vs unpatched ${u} s`);
});

// gevent never switches inside unpatched code, so the seeds print Work1---0..9 before Work2---0,
// and strict GET/received pairs for unpatched urlopen. greencrawl starts spawned greenlets on a
// microtask, and `await io.sleep()` (resolved at once when unpatched) lets the next greenlet
// start: the output interleaves although the timing blocks. Enable once green/ starts greenlets
// on a macrotask (checked: with setImmediate in Greenlet.start both orders come out as in gevent).
Deno.test({
  name: "unpatched code runs each greenlet to its end, as in gevent",

  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const { lines } = await run("work_blocking.ts", ["--scale", String(WORK_SCALE)]);
    assertEquals(lines.slice(1, 21), [...work("Work1"), ...work("Work2")]);
    const unpatched = parseUrlopen((await run("urlopen.ts", ["--unpatched"], [NET])).lines);
    assertEquals(steps(unpatched.concurrent), ONE_BY_ONE);
  },
});

test("queue_workers: the seed's three lines; 10 workers drain 100 URLs much faster than 1", async () => {
  const time = async (workers: number) => {
    const { lines } = await run("queue_workers.ts", ["-c", String(workers)], [NET]);
    assertEquals(lines.length, 3, lines.join("\n"));
    assertEquals(lines.slice(0, 2), [">>>开始执行>>>", "<<<执行结束<<<"]);
    assert(lines[2].startsWith("总耗时: "), lines[2]);
    return secs(lines[2].slice("总耗时: ".length));
  };
  const one = await time(1);
  const ten = await time(10);
  assert(one >= 0.95, `1 worker took ${one} s for 100 requests of 0.01 s each`);
  assert(ten <= 0.5 * one, `10 workers took ${ten} s, 1 worker ${one} s`);
});
