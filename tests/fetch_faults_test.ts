/**
 * Every fault of the fault server through the CLI (a SUBPROCESS, `--format ndjson`), in the
 * concurrent and in the blocking mode: each input line yields exactly one record with a clear
 * error, retries happen where they should (server-side counts agree), and nothing hangs. The
 * CLI runs under GNU `time` when it is installed, to bound its peak memory on `/huge` and the
 * gzip bomb.
 *
 * Each mode is two CLI runs started together: every route with `--timeout 1` and the default
 * retries, and `/hang` + `/reset` with `--retries 0`. Routes whose request count is checked carry
 * a `run=X` query (the server ignores it), so the counts of parallel runs never mix.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env
 *      tests/fetch_faults_test.ts
 */
import { fileURLToPath } from "node:url";
import type { FetchRecord } from "../crawler/record.ts";
import { assert, assertEquals, test } from "./assert.ts";
import { type FixtureServer, gzipBomb, startFaultServer } from "./fixtures/fault_server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MiB = 1024 * 1024;
const TIME = "/usr/bin/time";
const MAX_RSS_KB = 300 * 1024;

// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e]/;

interface Run {
  code: number;
  records: FetchRecord[];
  stderr: string;
  wallMs: number;
  /** Peak RSS in KiB, or null without GNU time. */
  maxRssKb: number | null;
}

let timeAvailable: boolean | undefined;

async function hasGnuTime(): Promise<boolean> {
  if (timeAvailable === undefined) {
    try {
      const out = await new Deno.Command(TIME, {
        args: ["-f", "%M", "true"],
        stdout: "null",
        stderr: "piped",
      }).output();
      timeAvailable = out.success && /^\d+\s*$/.test(new TextDecoder().decode(out.stderr));
    } catch {
      timeAvailable = false;
    }
    if (!timeAvailable) {
      console.warn(`${TIME} (GNU time) is not available: peak memory is not checked`);
    }
  }
  return timeAvailable;
}

/** Runs the CLI on `urls` with `--format ndjson` and `args`; parses every stdout line. */
async function runCli(dir: string, name: string, urls: string[], args: string[]): Promise<Run> {
  const list = `${dir}/${name}.txt`;
  await Deno.writeTextFile(list, urls.join("\n") + "\n");
  const deno = [
    Deno.execPath(),
    "run",
    "--allow-net=127.0.0.1",
    "--allow-read",
    "cli.ts",
    "--format",
    "ndjson",
    ...args,
    list,
  ];
  const rssFile = `${dir}/${name}.rss`;
  const timed = await hasGnuTime();
  const [cmd, ...rest] = timed ? [TIME, "-f", "%M", "-o", rssFile, ...deno] : deno;
  const started = performance.now();
  const child = new Deno.Command(cmd, {
    args: rest,
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000); // never hang the suite
  let out: Deno.CommandOutput;
  try {
    out = await child.output();
  } finally {
    clearTimeout(killer);
  }
  const wallMs = performance.now() - started;
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  const records = stdout.trimEnd().split("\n").map((line) => {
    try {
      return JSON.parse(line) as FetchRecord;
    } catch {
      throw new Error(`${name}: stdout line is not JSON: ${JSON.stringify(line)}\n${stderr}`);
    }
  });
  let maxRssKb: number | null = null;
  if (timed) {
    // GNU time may add "Command exited with non-zero status 1" before the number.
    const last = (await Deno.readTextFile(rssFile)).trim().split("\n").pop()!;
    assert(/^\d+$/.test(last), `${name}: unexpected GNU time output ${JSON.stringify(last)}`);
    maxRssKb = Number(last);
  }
  return { code: out.code, records, stderr, wallMs, maxRssKb };
}

/** Exact path (with query) request count. */
function hits(server: FixtureServer, path: string): number {
  return server.log.filter((e) => e.path === path).length;
}

interface Fault {
  /** The path to list; `{tag}` is replaced by the run's tag. */
  path: string;
  check(r: FetchRecord, server: FixtureServer, path: string): void;
}

function failed(r: FetchRecord, code: string): void {
  assertEquals(r.ok, false, JSON.stringify(r));
  assertEquals(r.error?.code, code, JSON.stringify(r));
}

/** Too large: cut just after the 10 MiB default, on the first attempt (not retried). */
function tooLarge(r: FetchRecord): void {
  failed(r, "too-large");
  assert(r.bytes > 10 * MiB && r.bytes <= 11 * MiB, `bytes ${r.bytes}: not just above 10 MiB`);
  assertEquals(r.status, 200);
  assertEquals(r.attempts, 1, "a too-large body is not retried");
}

const TITLE_ZH = "\u4e2d\u6587\u6807\u9898"; // 中文标题

/** The routes of the main runs (flags: `--timeout 1 --max-redirects 10`, default retries 2). */
const FAULTS: Fault[] = [
  {
    path: "/slow?ms=3000&run={tag}",
    check(r, server, path) {
      failed(r, "timeout");
      assertEquals(r.attempts, 3);
      assertEquals(hits(server, path), 3);
      assert(r.timeMs >= 3000 && r.timeMs < 8000, `timeMs ${r.timeMs}`);
    },
  },
  {
    path: "/reset?run={tag}",
    check(r, server, path) {
      failed(r, "network");
      assertEquals(r.status, null);
      assertEquals(r.attempts, 3, "retries + 1 attempts");
      assertEquals(hits(server, path), 3, "the server saw every attempt");
    },
  },
  {
    path: "/status/500?run={tag}",
    check(r, server, path) {
      failed(r, "http");
      assertEquals(r.status, 500);
      assertEquals(r.attempts, 3, "5xx is retried twice by default");
      assertEquals(hits(server, path), 3);
      assertEquals(r.error?.message, "HTTP 500");
    },
  },
  {
    path: "/flaky/key-{tag}?fail=2",
    check(r, server, path) {
      assert(r.ok, JSON.stringify(r));
      assertEquals(r.status, 200);
      assertEquals(r.attempts, 3);
      assertEquals(hits(server, path), 3);
      assertEquals(r.title, `Flaky key-${path.split("key-")[1].split("?")[0]}`);
    },
  },
  {
    path: "/429?after=1&key={tag}",
    check(r, server, path) {
      assert(r.ok, JSON.stringify(r));
      assertEquals(r.attempts, 2);
      assertEquals(hits(server, path), 2);
      assert(r.timeMs >= 1000, `Retry-After: 1 not honoured: timeMs ${r.timeMs}`);
      assertEquals(r.title, "After 429");
    },
  },
  {
    path: "/redirect/3",
    check(r) {
      assert(r.ok, JSON.stringify(r));
      assertEquals(r.redirects, 3);
      assertEquals(r.redirectChain.length, 3);
      assertEquals(r.redirectChain[0], r.url);
      assert(r.redirectChain[1].endsWith("/redirect/2"), r.redirectChain[1]);
      assert(r.redirectChain[2].endsWith("/redirect/1"), r.redirectChain[2]);
      assert(r.finalUrl?.endsWith("/ok"), `finalUrl ${r.finalUrl}`);
      assertEquals(r.title, "OK page");
    },
  },
  {
    path: "/loop/a",
    check(r) {
      failed(r, "redirect-loop");
      assertEquals(r.attempts, 1);
      assert(r.redirects >= 1 && r.redirects <= 3, `redirects ${r.redirects}`);
    },
  },
  {
    path: "/redirect/15",
    check(r) {
      failed(r, "too-many-redirects");
      assertEquals(r.redirects, 11, "10 followed, the 11th refused");
      assertEquals(r.attempts, 1);
    },
  },
  {
    path: "/redirect-no-location",
    check(r) {
      failed(r, "bad-redirect");
      assertEquals(r.status, 302);
      assertEquals(r.attempts, 1);
    },
  },
  { path: "/huge?mb=30", check: tooLarge },
  { path: "/gzip-bomb", check: tooLarge },
  {
    path: "/binary",
    check(r) {
      assert(r.ok, JSON.stringify(r));
      assertEquals(r.title, null);
      assertEquals(r.bytes, 4096);
      assertEquals(r.contentType, "image/png");
    },
  },
  {
    path: "/gbk",
    check(r) {
      assert(r.ok, JSON.stringify(r));
      assertEquals(r.title, TITLE_ZH);
    },
  },
  {
    path: "/gbk-meta",
    check(r) {
      assert(r.ok, JSON.stringify(r));
      assertEquals(r.title, TITLE_ZH);
    },
  },
  {
    path: "/ctrl-title",
    check(r) {
      assert(r.ok, JSON.stringify(r));
      assert(r.title && r.title.length > 0 && !UNSAFE.test(r.title), `title ${r.title}`);
    },
  },
  {
    path: "/reset-mid?run={tag}",
    check(r, server, path) {
      failed(r, "network");
      assertEquals(r.status, 200, "the head arrived, the body broke");
      assertEquals(r.attempts, 3);
      assertEquals(hits(server, path), 3);
      assert(r.bytes < 65536, `bytes ${r.bytes}`);
    },
  },
];

/** The routes of the `--timeout 1 --retries 0` runs. */
const NO_RETRY: Fault[] = [
  {
    path: "/hang?run={tag}",
    check(r, server, path) {
      failed(r, "timeout");
      assertEquals(r.attempts, 1);
      assertEquals(hits(server, path), 1);
      assert(r.timeMs >= 950 && r.timeMs < 3000, `timeout after ${r.timeMs} ms, expected ~1 s`);
    },
  },
  {
    path: "/reset?run={tag}",
    check(r, server, path) {
      failed(r, "network");
      assertEquals(r.attempts, 1, "retries + 1 with --retries 0");
      assertEquals(hits(server, path), 1);
    },
  },
];

/** One record per input line, each passing its route's check, every error one clean line. */
function checkRun(
  run: Run,
  faults: Fault[],
  paths: string[],
  server: FixtureServer,
  what: string,
): void {
  assertEquals(run.code, 1, `${what}: ${run.stderr}`);
  assertEquals(run.records.length, faults.length, `${what}: one record per input line`);
  const lines = run.records.map((r) => r.line).sort((a, b) => a! - b!);
  assertEquals(lines, faults.map((_, i) => i + 1), `${what}: each line exactly once`);
  for (const r of run.records) {
    const i = r.line! - 1;
    assertEquals(r.url, `${server.url}${paths[i]}`);
    if (r.error) {
      assert(
        r.error.message.length > 0 && !UNSAFE.test(r.error.message),
        `${what}: unclear error message ${JSON.stringify(r.error)}`,
      );
    }
    try {
      faults[i].check(r, server, paths[i]);
    } catch (error) {
      throw new Error(`${what} ${paths[i]}: ${(error as Error).message}`, { cause: error });
    }
  }
}

async function faultRuns(mode: "concurrent" | "blocking", maxWallMs: number): Promise<void> {
  await using server = await startFaultServer();
  await gzipBomb(); // compress the bomb now (about a second), not inside a timed request
  const dir = await Deno.makeTempDir({ prefix: "greencrawl_faults_" });
  try {
    const tag = (t: string, f: Fault[]) => f.map((x) => x.path.replaceAll("{tag}", t));
    const main = tag(`${mode}-main`, FAULTS);
    const noRetry = tag(`${mode}-no-retry`, NO_RETRY);
    const common = ["--mode", mode, "--timeout", "1"];
    const [a, b] = await Promise.all([
      runCli(dir, "main", main.map((p) => server.url + p), [...common, "--max-redirects", "10"]),
      runCli(dir, "no-retry", noRetry.map((p) => server.url + p), [...common, "--retries", "0"]),
    ]);
    const rss = (r: Run) =>
      r.maxRssKb === null ? "" : `, peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MiB`;
    console.log(
      `${mode}: all routes ${(a.wallMs / 1000).toFixed(1)} s${rss(a)}; ` +
        `--retries 0 ${(b.wallMs / 1000).toFixed(1)} s${rss(b)}`,
    );
    checkRun(a, FAULTS, main, server, `${mode} (default retries)`);
    checkRun(b, NO_RETRY, noRetry, server, `${mode} (--retries 0)`);
    assert(a.wallMs < maxWallMs, `${mode}: the run took ${a.wallMs} ms`);
    assert(b.wallMs < 5000, `${mode} --retries 0: the run took ${b.wallMs} ms`);
    if (a.maxRssKb !== null) {
      assert(
        a.maxRssKb < MAX_RSS_KB,
        `${mode}: peak RSS ${a.maxRssKb} KiB with /huge and the gzip bomb (limit ${MAX_RSS_KB})`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

test("faults, concurrent mode: one record each, clear errors, retries counted, bounded memory", async () => {
  // The slowest job is /slow: 3 attempts of 1 s plus backoff, about 4 s.
  await faultRuns("concurrent", 12_000);
});

test("faults, blocking mode: the same records while the event loop freezes per request", async () => {
  // One job at a time: the sum of every job's time, about 10 s.
  await faultRuns("blocking", 25_000);
});
