/**
 * The three scheduling modes, measured end to end through the CLI: 200 URLs of a 100 ms server
 * at `-c 50`, each mode once, in one run.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read --allow-run bench/modes_bench.ts
 * ```
 *
 * A plain script, not `deno bench` (whose repeated iterations would take minutes: sequential and
 * blocking are 20 s each). The latency server and the CLI are both subprocesses: in `--mode
 * blocking` the CLI freezes its own event loop, so the server must live in another process.
 *
 * Goals (exit 1 when one is missed):
 * - concurrent wall time within 1.2x of the ideal `ceil(200 / 50) x 100 ms` = 0.4 s;
 * - blocking within 10% of sequential: N workers gain nothing when I/O blocks the thread.
 *
 * The server is warmed with one wave of instant requests first; the CLI starts cold each time.
 * The wall time of a run is taken from its records (the latest `startMs + timeMs`, both measured
 * from the start of the run), so Deno's start-up is not counted; the process time is shown too.
 * @module
 */
import { fileURLToPath } from "node:url";
import type { FetchRecord } from "../crawler/record.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const URLS = 200;
const CONCURRENCY = 50;
const LATENCY_MS = 100;
const IDEAL_MS = Math.ceil(URLS / CONCURRENCY) * LATENCY_MS;
const MAX_CONCURRENT_RATIO = 1.2;
const MAX_BLOCKING_DEVIATION = 0.1;

type Mode = "concurrent" | "sequential" | "blocking";

interface Result {
  mode: Mode;
  records: number;
  ok: number;
  /** From the records: the run's own wall time. */
  wallMs: number;
  /** The CLI process, start-up included. */
  processMs: number;
}

/** Starts `tests/fixtures/latency_server.ts` as a subprocess; resolves its URL and a stop. */
async function startServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "tests/fixtures/latency_server.ts",
      "--latency-ms",
      String(LATENCY_MS),
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
  }
  const url = out.split("\n")[0];
  const stop = async () => {
    child.kill("SIGTERM");
    await child.status;
    await reader.cancel();
  };
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) {
    await stop();
    throw new Error(`latency server did not print its URL: ${JSON.stringify(out)}`);
  }
  return { url, stop };
}

/** Runs the CLI on `list` (fed on stdin) in `mode`; every stdout line is a record. */
async function runMode(mode: Mode, list: string): Promise<Result> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "cli.ts",
      "--format",
      "ndjson",
      "-q",
      "-c",
      String(CONCURRENCY),
      "--mode",
      mode,
      "-",
    ],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(list));
  await writer.close();
  const out = await child.output();
  const processMs = performance.now() - started;
  const stdout = new TextDecoder().decode(out.stdout).trimEnd();
  if (out.code !== 0) {
    throw new Error(`${mode}: the CLI exited ${out.code}: ${new TextDecoder().decode(out.stderr)}`);
  }
  const records = stdout.split("\n").map((line) => JSON.parse(line) as FetchRecord);
  const wallMs = Math.max(...records.map((r) => r.startMs + r.timeMs));
  return {
    mode,
    records: records.length,
    ok: records.filter((r) => r.ok).length,
    wallMs,
    processMs,
  };
}

/**
 * Warms the server (its JIT, its accept path) with one concurrent wave of instant requests: the
 * ideal assumes a server that answers in 100 ms, and a cold fixture is not the crawler's cost.
 * The CLI itself still starts cold in every mode, as a user runs it.
 */
async function warmUp(url: string): Promise<void> {
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      await (await fetch(`${url}/warm/${i}?ms=0`)).arrayBuffer();
    }),
  );
}

const s = (ms: number) => (ms / 1000).toFixed(3);

async function main(): Promise<number> {
  const server = await startServer();
  const results = new Map<Mode, Result>();
  try {
    await warmUp(server.url);
    const list = Array.from({ length: URLS }, (_, i) => `${server.url}/page/${i}`).join("\n");
    for (const mode of ["concurrent", "sequential", "blocking"] as const) {
      console.error(`running ${mode}...`);
      results.set(mode, await runMode(mode, list));
    }
  } finally {
    await server.stop();
  }
  const concurrent = results.get("concurrent")!;
  const sequential = results.get("sequential")!;
  const blocking = results.get("blocking")!;

  console.log(
    `## Modes: ${URLS} URLs, ${LATENCY_MS} ms each, -c ${CONCURRENCY} (${Deno.build.os}, ` +
      `${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno})\n`,
  );
  console.log("| mode | workers | ok | wall s | process s |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const r of [concurrent, sequential, blocking]) {
    const workers = r.mode === "sequential" ? 1 : CONCURRENCY;
    console.log(
      `| ${r.mode} | ${workers} | ${r.ok}/${r.records} | ${s(r.wallMs)} | ${s(r.processMs)} |`,
    );
  }

  const concurrentRatio = concurrent.wallMs / IDEAL_MS;
  const blockingRatio = blocking.wallMs / sequential.wallMs;
  const speedup = sequential.wallMs / concurrent.wallMs;
  const goals = [
    {
      name: `concurrent vs ideal ${s(IDEAL_MS)} s`,
      value: `${concurrentRatio.toFixed(3)}x`,
      goal: `<= ${MAX_CONCURRENT_RATIO}x`,
      met: concurrentRatio <= MAX_CONCURRENT_RATIO,
    },
    {
      name: "blocking vs sequential",
      value: `${blockingRatio.toFixed(3)}x`,
      goal: `within ${MAX_BLOCKING_DEVIATION * 100}%`,
      met: Math.abs(blockingRatio - 1) <= MAX_BLOCKING_DEVIATION,
    },
    {
      name: "concurrent speedup vs sequential",
      value: `${speedup.toFixed(1)}x`,
      goal: "(reported)",
      met: true,
    },
    {
      name: "every URL ok",
      value: [concurrent, sequential, blocking].map((r) => `${r.ok}/${r.records}`).join(", "),
      goal: `${URLS}/${URLS} each`,
      met: [concurrent, sequential, blocking].every((r) => r.ok === URLS && r.records === URLS),
    },
  ];
  console.log("\n| measure | value | goal | met |");
  console.log("| --- | ---: | --- | --- |");
  for (const g of goals) {
    console.log(`| ${g.name} | ${g.value} | ${g.goal} | ${g.met ? "yes" : "NO"} |`);
  }
  const missed = goals.filter((g) => !g.met);
  if (missed.length > 0) console.error(`missed: ${missed.map((g) => g.name).join("; ")}`);
  return missed.length === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
