/**
 * The fetch-list CLI's contract (issue 3), end to end: `cli.ts` runs as a SUBPROCESS against
 * fixture servers started in this process. (In `--mode blocking` the CLI freezes its own event
 * loop during each request, so a server must never share a process with it.)
 *
 * Covered: input parsing (BOM, CRLF, comments, duplicates, bad lines), the three output formats
 * parsed back (ndjson field types, an RFC 4180 CSV reader, the text lines), `-q`, `-o`, the three
 * modes' timing and `--compare`, exit codes 0/1/2/130 (one-line usage errors, no stack traces),
 * stdin with `-`, Ctrl-C, request headers and terminal safety.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env
 *      tests/cli_test.ts
 */
import { fileURLToPath } from "node:url";
import { VERSION } from "../crawler/version.ts";
import type { FetchRecord } from "../crawler/record.ts";
import { assert, assertEquals, test } from "./assert.ts";
import { startFaultServer } from "./fixtures/fault_server.ts";
import { startLatencyServer } from "./fixtures/latency_server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PERMS = ["--allow-net=127.0.0.1", "--allow-read"];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// ---------------------------------------------------------------------------------------------
// Running the CLI

interface CliRun {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
  rawStdout: Uint8Array;
  rawStderr: Uint8Array;
}

interface RunOpts {
  /** Written to the child's stdin (which is then closed). */
  stdin?: string | Uint8Array;
  /** Deno permissions (default: net to 127.0.0.1 and read). */
  perms?: string[];
  /** SIGKILL after this long, so no test can hang (default 30 s). */
  deadlineMs?: number;
}

/** `deno run <perms> cli.ts <args>` from the repository root; collects everything. */
async function runCli(args: string[], opts: RunOpts = {}): Promise<CliRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...(opts.perms ?? PERMS), "cli.ts", ...args],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), opts.deadlineMs ?? 30_000);
  try {
    const writer = child.stdin.getWriter();
    try {
      if (opts.stdin !== undefined) {
        await writer.write(
          typeof opts.stdin === "string" ? encoder.encode(opts.stdin) : opts.stdin,
        );
      }
      await writer.close();
    } catch { /* the child exited without reading its stdin */ }
    const out = await child.output();
    return {
      code: out.code,
      signal: out.signal,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
      rawStdout: out.stdout,
      rawStderr: out.stderr,
    };
  } finally {
    clearTimeout(killer);
  }
}

/** A temporary directory for list files, removed after `fn`. */
async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "greencrawl_cli_test_" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes `lines` (LF-joined, with a final LF) to `dir/name`; returns the path. */
async function listFile(dir: string, name: string, lines: string[]): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return path;
}

/** Every stdout line parsed as JSON; fails on a blank or non-JSON line. */
function ndjson(run: CliRun): FetchRecord[] {
  assert(run.stdout.endsWith("\n"), `stdout does not end with a newline: ${run.stdout}`);
  return run.stdout.slice(0, -1).split("\n").map((line) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`stdout line is not JSON: ${JSON.stringify(line)}\nstderr: ${run.stderr}`);
    }
    assert(
      typeof value === "object" && value !== null && !Array.isArray(value),
      `not an object: ${line}`,
    );
    return value as FetchRecord;
  });
}

/** The `wall time:` of a summary, in seconds. */
function summaryWall(text: string): number {
  const m = /^wall time: +(\d+\.\d{3}) s$/m.exec(text);
  assert(m, `no "wall time:" summary line in:\n${text}`);
  return Number(m[1]);
}

const SUMMARY_LABELS = [
  "URLs",
  "ok",
  "failed",
  "total bytes",
  "wall time",
  "sum of times",
  "overlap",
  "requests/s",
  "p50/p90/p99",
];

function hasSummary(text: string): boolean {
  return SUMMARY_LABELS.every((label) => new RegExp(`^${label}: `, "m").test(text));
}

const FIELD_TYPES: Record<keyof FetchRecord, string> = {
  url: "string",
  finalUrl: "string|null",
  status: "number|null",
  ok: "boolean",
  bytes: "number",
  timeMs: "number",
  ttfbMs: "number|null",
  startMs: "number",
  queueMs: "number",
  depth: "number",
  parent: "string|null",
  contentType: "string|null",
  title: "string|null",
  redirects: "number",
  redirectChain: "string[]",
  location: "string|null",
  stopped: "string|null",
  error: "error|null",
  attempts: "number",
  worker: "number|null",
  line: "number|null",
  links: "number",
};

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.every((v) => typeof v === "string") ? "string[]" : "array";
  if (typeof value === "object") {
    const e = value as Record<string, unknown>;
    const keys = Object.keys(e).sort().join(",");
    return keys === "code,message" && typeof e.code === "string" && typeof e.message === "string"
      ? "error"
      : "object";
  }
  return typeof value;
}

/** Every FetchRecord field present (and nothing else), each with its declared type. */
function checkShape(r: FetchRecord): void {
  assertEquals(Object.keys(r), Object.keys(FIELD_TYPES), `fields of ${JSON.stringify(r)}`);
  for (const [field, allowed] of Object.entries(FIELD_TYPES)) {
    const actual = typeName((r as unknown as Record<string, unknown>)[field]);
    assert(
      allowed.split("|").includes(actual),
      `${field} is ${actual}, expected ${allowed}: ${JSON.stringify(r)}`,
    );
  }
  for (const n of [r.bytes, r.redirects, r.attempts, r.depth, r.links]) {
    assert(Number.isInteger(n) && n >= 0, `not a count: ${n} in ${JSON.stringify(r)}`);
  }
  for (const ms of [r.timeMs, r.startMs, r.queueMs, r.ttfbMs ?? 0]) {
    assert(Number.isFinite(ms) && ms >= 0, `bad time ${ms} in ${JSON.stringify(r)}`);
  }
  assertEquals(r.ok, r.error === null, `ok and error disagree: ${JSON.stringify(r)}`);
}

/** A tiny RFC 4180 reader: quoted fields with doubled quotes, CRLF or LF row ends. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quotedField = false;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && field === "" && !quotedField) {
      quotedField = true;
      i++;
      for (;;) {
        assert(i < text.length, "unterminated quoted CSV field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      assert(
        i >= text.length || /[,\r\n]/.test(text[i]),
        `garbage after a quoted field at ${i}`,
      );
    } else if (ch === ",") {
      row.push(field);
      field = "";
      quotedField = false;
      i++;
    } else if (ch === "\r" || ch === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      quotedField = false;
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
    } else {
      assert(ch !== '"', `bare quote in an unquoted CSV field at ${i}`);
      field += ch;
      i++;
    }
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e]/;

/** Fails if `bytes` (raw output) carries a byte or character a terminal would act on. */
function assertTerminalSafe(bytes: Uint8Array, what: string): void {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    assert(
      !(b <= 0x08 || (b >= 0x0b && b <= 0x1f) || b === 0x7f),
      `${what}: control byte 0x${b.toString(16)} at ${i}`,
    );
  }
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  const m = UNSAFE.exec(text);
  assert(
    !m,
    `${what}: unsafe character U+${m?.[0].codePointAt(0)?.toString(16)} in ${
      JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 40), (m?.index ?? 0) + 40))
    }`,
  );
}

/** Exact-path request count in the server log. */
function hits(server: { log: { path: string }[] }, path: string): number {
  return server.log.filter((e) => e.path === path).length;
}

// ---------------------------------------------------------------------------------------------
// Input parsing

test("input: BOM, CRLF, blanks, comments, whitespace, a duplicate and bad lines", async () => {
  await using server = await startFaultServer();
  const U = server.url;
  await withTempDir(async (dir) => {
    const text = "\ufeff# a comment\r\n" + // 1
      `  ${U}/ok  \r\n` + // 2
      "\r\n" + // 3
      `\t${U}/text\r\n` + // 4
      "   # an indented comment\n" + // 5
      "ftp://x\n" + // 6
      "not a url\n" + // 7
      "\n" + // 8
      `${U}/ok\r\n` + // 9 (duplicate of line 2)
      "   \n"; // 10
    const path = `${dir}/list.txt`;
    await Deno.writeTextFile(path, text);
    const run = await runCli(["--format", "ndjson", path]);
    assertEquals(run.code, 1, run.stderr);
    const records = ndjson(run);
    assertEquals(records.length, 5, run.stdout);
    const byLine = new Map(records.map((r) => [r.line, r]));
    assertEquals([...byLine.keys()].sort((a, b) => a! - b!), [2, 4, 6, 7, 9]);

    for (const line of [2, 9]) {
      const r = byLine.get(line)!;
      assertEquals(r.url, `${U}/ok`, "the URL is the trimmed line");
      assert(r.ok && r.status === 200 && r.title === "OK page", JSON.stringify(r));
    }
    assert(byLine.get(4)!.ok, "the tab-indented URL runs");
    assertEquals(hits(server, "/ok"), 2, "the duplicate line is fetched again");
    assertEquals(hits(server, "/text"), 1);
    assertEquals(server.log.length, 3, "bad lines never reach the network");

    for (const [line, input] of [[6, "ftp://x"], [7, "not a url"]] as const) {
      const r = byLine.get(line)!;
      assertEquals(r.url, input);
      assertEquals(r.ok, false);
      assertEquals(r.error?.code, "invalid-url");
      assertEquals(r.attempts, 0);
      assertEquals(r.worker, null);
      const warning = run.stderr.split("\n").find((l) => l.includes(`line ${line}:`));
      assert(warning?.startsWith("warning: "), `no warning for line ${line}:\n${run.stderr}`);
      assert(warning !== undefined);
      assert(warning.includes(input), warning);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Output formats

test("ndjson: one typed object per input line; ttfb <= time; workers in range; queue time", async () => {
  await using faults = await startFaultServer();
  await using latency = await startLatencyServer({ latencyMs: 100 });
  await withTempDir(async (dir) => {
    const F = faults.url;
    const mixed = [
      `${F}/ok`,
      `${F}/status/404`,
      `${F}/redirect/2`,
      `${F}/binary`,
      "mailto:someone@example.com",
      `${F}/json`,
      `${F}/no-title`,
      `${F}/text`,
    ];
    const slow = [1, 2, 3, 4].map((i) => `${latency.url}/slow/${i}`);
    const [a, b] = await Promise.all([
      runCli(["--format", "ndjson", "-c", "3", "--retries", "0", await listFile(dir, "a", mixed)]),
      runCli(["--format", "ndjson", "-c", "1", await listFile(dir, "b", slow)]),
    ]);

    assertEquals(a.code, 1, a.stderr);
    const ra = ndjson(a);
    assertEquals(ra.length, mixed.length, "one object per input line, nothing else on stdout");
    assertEquals(ra.map((r) => r.line).sort((x, y) => x! - y!), [1, 2, 3, 4, 5, 6, 7, 8]);
    for (const r of ra) {
      checkShape(r);
      assertEquals(r.url, mixed[r.line! - 1]);
      if (r.ttfbMs !== null) assert(r.ttfbMs <= r.timeMs, `ttfb > time: ${JSON.stringify(r)}`);
      if (r.error?.code !== "invalid-url") {
        assert(r.worker !== null && r.worker >= 0 && r.worker < 3, `worker: ${JSON.stringify(r)}`);
        assert(r.attempts >= 1 && r.ttfbMs !== null, JSON.stringify(r));
      }
    }
    const redirect = ra.find((r) => r.url.endsWith("/redirect/2"))!;
    assertEquals(redirect.redirects, 2);
    assertEquals(redirect.finalUrl, `${F}/ok`);
    assertEquals(ra.find((r) => r.url.endsWith("/status/404"))!.error?.code, "http");
    assert(!hasSummary(a.stdout), "the summary goes to stderr in ndjson");
    assert(hasSummary(a.stderr), a.stderr);

    assertEquals(b.code, 0, b.stderr);
    const rb = ndjson(b);
    assertEquals(rb.length, slow.length);
    for (const r of rb) {
      checkShape(r);
      assertEquals(r.worker, 0);
      assert(r.ttfbMs! <= r.timeMs && r.timeMs >= 90, JSON.stringify(r));
    }
    // With one worker and a 100 ms server, the later URLs waited in the queue.
    const queued = rb.map((r) => r.queueMs).sort((x, y) => x - y);
    assert(queued[queued.length - 1] >= 250, `queueMs: ${queued}`);
    assert(queued.filter((q) => q >= 90).length >= 3, `queueMs: ${queued}`);
    for (const r of rb) {
      assert(
        r.queueMs >= (r.line! - 1) * 90,
        `line ${r.line} waited only ${r.queueMs} ms behind the earlier ones`,
      );
    }
  });
});

test("csv: a header and one RFC 4180 row per input line, parsed back", async () => {
  await using latency = await startLatencyServer({ latencyMs: 0 });
  await withTempDir(async (dir) => {
    const urls = [
      `${latency.url}/plain`,
      `${latency.url}/with,comma`,
      `ftp://x/"quoted"`,
      `${latency.url}/last`,
    ];
    const run = await runCli(["--format", "csv", "-q", await listFile(dir, "list", urls)]);
    assertEquals(run.code, 1, run.stderr);
    const rows = parseCsv(run.stdout);
    const header = rows[0];
    assertEquals(header, Object.keys(FIELD_TYPES), "header: the FetchRecord fields in order");
    assertEquals(rows.length, 1 + urls.length, run.stdout);
    const col = (row: string[], name: keyof FetchRecord) => row[header.indexOf(name)];
    const byLine = new Map(
      rows.slice(1).map((row) => {
        assertEquals(row.length, header.length, `row ${row}`);
        return [Number(col(row, "line")), row];
      }),
    );
    for (const line of [1, 2, 4]) {
      const row = byLine.get(line)!;
      assertEquals(col(row, "url"), urls[line - 1]);
      assertEquals(col(row, "ok"), "true");
      assertEquals(col(row, "status"), "200");
      assertEquals(col(row, "error"), "");
      assert(Number(col(row, "bytes")) === 1024, `bytes: ${col(row, "bytes")}`);
    }
    assertEquals(col(byLine.get(2)!, "title"), "/with,comma", "a comma survives quoting");
    const bad = byLine.get(3)!;
    assertEquals(col(bad, "url"), `ftp://x/"quoted"`, "doubled quotes come back as one");
    assertEquals(col(bad, "ok"), "false");
    assert(col(bad, "error").startsWith("invalid-url: "), col(bad, "error"));
    assertEquals(col(bad, "status"), "", "null is an empty cell");
  });
});

test("text: GET and bytes-received lines, the summary; -q drops it; -o writes a file", async () => {
  await using latency = await startLatencyServer({ latencyMs: 20, bodyBytes: 777 });
  await withTempDir(async (dir) => {
    const urls = [1, 2, 3].map((i) => `${latency.url}/page/${i}`);
    const list = await listFile(dir, "list", urls);
    const textOut = `${dir}/records.txt`;
    const ndjsonOut = `${dir}/records.ndjson`;
    const writePerms = [...PERMS, `--allow-write=${dir}`];
    const [plain, quiet, toText, toNdjson] = await Promise.all([
      runCli([list]),
      runCli(["-q", list]),
      runCli(["-o", textOut, list], { perms: writePerms }),
      runCli(["--format", "ndjson", "--output", ndjsonOut, list], { perms: writePerms }),
    ]);

    for (const run of [plain, quiet, toText, toNdjson]) assertEquals(run.code, 0, run.stderr);
    const check = (text: string) => {
      const lines = text.split("\n");
      for (const url of urls) {
        const get = lines.indexOf(`GET: ${url}`);
        const done = lines.findIndex((l) => {
          const m = /^(\d+) bytes received from (\S+)\. time: (\d+\.\d{3})$/.exec(l);
          return m !== null && m[2] === url && m[1] === "777" && Number(m[3]) >= 0.015;
        });
        assert(get >= 0, `no "GET: ${url}" line in:\n${text}`);
        assert(done > get, `no bytes-received line after GET for ${url} in:\n${text}`);
      }
    };
    check(plain.stdout);
    assert(hasSummary(plain.stdout), `no summary on stdout:\n${plain.stdout}`);
    assert(/^URLs: +3$/m.test(plain.stdout) && /^ok: +3$/m.test(plain.stdout), plain.stdout);

    check(quiet.stdout);
    assert(!hasSummary(quiet.stdout) && !/wall time/.test(quiet.stdout), quiet.stdout);
    assertEquals(quiet.stderr, "");

    assertEquals(toText.stdout, "", "records go to the file");
    check(await Deno.readTextFile(textOut));
    assert(hasSummary(toText.stderr), `summary on stderr with -o:\n${toText.stderr}`);

    assertEquals(toNdjson.stdout, "");
    const records = (await Deno.readTextFile(ndjsonOut)).trimEnd().split("\n").map((l) =>
      JSON.parse(l) as FetchRecord
    );
    assertEquals(records.map((r) => r.url).sort(), [...urls].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// Modes

test("modes: sequential and blocking wait one after another; concurrent overlaps; --compare", async () => {
  await using latency = await startLatencyServer({ latencyMs: 100 });
  await withTempDir(async (dir) => {
    const urls = Array.from({ length: 8 }, (_, i) => `${latency.url}/m/${i}`);
    const list = await listFile(dir, "list", urls);
    const ndj = ["--format", "ndjson"];
    // One after another: concurrent timings on a shared 2-core machine are not trustworthy.
    const sequential = await runCli([...ndj, "--mode", "sequential", list]);
    const concurrent = await runCli([...ndj, "-c", "8", list]);
    const blocking = await runCli([...ndj, "--mode", "blocking", "-c", "8", list]);
    for (const run of [sequential, concurrent, blocking]) {
      assertEquals(run.code, 0, run.stderr);
      assertEquals(ndjson(run).length, 8);
    }
    const seq = summaryWall(sequential.stderr);
    const con = summaryWall(concurrent.stderr);
    const blk = summaryWall(blocking.stderr);
    assert(seq >= 0.8, `sequential took ${seq} s, expected >= 0.8`);
    assert(con < 0.6, `concurrent -c 8 took ${con} s, expected < 0.6`);
    assert(blk >= 0.8, `blocking -c 8 took ${blk} s, expected >= 0.8 (the loop is frozen)`);
    assertEquals(new Set(ndjson(sequential).map((r) => r.worker)), new Set([0]));
    // Blocking spawns 8 workers, but each request freezes the thread: they take turns.
    const blocked = ndjson(blocking).sort((x, y) => x.startMs - y.startMs);
    for (let i = 1; i < blocked.length; i++) {
      const prev = blocked[i - 1];
      assert(
        blocked[i].startMs >= prev.startMs + prev.timeMs - 5,
        `blocking jobs overlapped: ${JSON.stringify([prev, blocked[i]])}`,
      );
    }

    const cmp = await runCli(["--compare", "-c", "8", list]);
    assertEquals(cmp.code, 0, cmp.stderr);
    const lines = cmp.stdout.trimEnd().split("\n");
    assert(/^mode\b.*\bspeedup\b/.test(lines[0]), `table header: ${lines[0]}`);
    const speedup = new Map<string, number>();
    for (const mode of ["sequential", "blocking", "concurrent"]) {
      const row = lines.find((l) => l.startsWith(mode + " "));
      assert(row, `no ${mode} row in:\n${cmp.stdout}`);
      const m = /(\d+\.\d+)x\s+8\/8$/.exec(row);
      assert(m, `row without speedup and 8/8 ok: ${row}`);
      speedup.set(mode, Number(m[1]));
    }
    assertEquals(speedup.get("sequential"), 1);
    assert(speedup.get("blocking")! < 1.5, `blocking speedup ${speedup.get("blocking")}`);
    assert(speedup.get("concurrent")! > 2.5, `concurrent speedup ${speedup.get("concurrent")}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Exit codes

test("exit codes: 0 when all ok, 1 when some failed", async () => {
  await using server = await startFaultServer();
  await withTempDir(async (dir) => {
    const good = await listFile(dir, "good", [`${server.url}/ok`, `${server.url}/text`]);
    const bad = await listFile(dir, "bad", [`${server.url}/ok`, `${server.url}/status/404`]);
    const [ok, failed] = await Promise.all([runCli(["-q", good]), runCli(["-q", bad])]);
    assertEquals(ok.code, 0, ok.stderr);
    assertEquals(failed.code, 1, failed.stderr);
  });
});

test("exit code 2: a one-line message and no stack trace for every usage or input error", async () => {
  await withTempDir(async (dir) => {
    const list = await listFile(dir, "list", ["http://127.0.0.1:9/never-fetched"]);
    const comments = await listFile(dir, "comments", ["# nothing", "", "  # here"]);
    const denied = await listFile(dir, "denied", ["http://127.0.0.1:9/"]);
    const cases: [string, string[], RegExp, string[]?][] = [
      ["unknown flag", ["--bogus", list], /--bogus/],
      ["no input argument", [], /missing input/],
      ["missing file", [`${dir}/nope.txt`], /cannot read .*nope\.txt/],
      ["a directory", [dir], /cannot read/],
      [
        "unreadable file",
        [denied],
        /cannot read .*denied/,
        ["--allow-net=127.0.0.1", "--allow-read", `--deny-read=${denied}`],
      ],
      ["only comments", [comments], /no URLs in/],
      ["--concurrency 0", ["--concurrency", "0", list], /--concurrency/],
      ["--max-bytes lots", ["--max-bytes", "lots", list], /--max-bytes/],
      ["--mode fast", ["--mode", "fast", list], /--mode/],
      ["-H 'bad header'", ["-H", "bad header", list], /--header/],
      ["--timeout 0", ["--timeout", "0", list], /--timeout/],
      ["--format xml", ["--format", "xml", list], /--format/],
      [
        "unwritable -o",
        ["-o", `${dir}/no/such/dir/out.txt`, list],
        /cannot write/,
        [...PERMS, "--allow-write"],
      ],
    ];
    const runs = await Promise.all(cases.map(([, args, , perms]) => runCli(args, { perms })));
    cases.forEach(([name, , pattern], i) => {
      const run = runs[i];
      const why = `${name}: exit ${run.code}, stderr ${JSON.stringify(run.stderr)}`;
      assertEquals(run.code, 2, why);
      assertEquals(run.stdout, "", why);
      assert(run.stderr.endsWith("\n") && !run.stderr.trimEnd().includes("\n"), `one line: ${why}`);
      assert(run.stderr.startsWith("greencrawl: "), why);
      assert(pattern.test(run.stderr), why);
      assert(!/\bat .*:\d+:\d+|Uncaught|error: /.test(run.stderr), `stack trace: ${why}`);
    });
  });
});

test("--help exits 0 and mentions every flag; --version prints the version", async () => {
  const [help, short, version] = await Promise.all([
    runCli(["--help"]),
    runCli(["-h"]),
    runCli(["--version"]),
  ]);
  assertEquals(help.code, 0, help.stderr);
  assertEquals(short.stdout, help.stdout);
  for (
    const flag of [
      "-c, --concurrency",
      "--mode",
      "concurrent",
      "sequential",
      "blocking",
      "--compare",
      "--timeout",
      "--retries",
      "--max-bytes",
      "--max-redirects",
      "-A, --user-agent",
      "-H, --header",
      "--format",
      "ndjson",
      "csv",
      "-o, --output",
      "-q, --quiet",
      "-h, --help",
      "--version",
    ]
  ) assert(help.stdout.includes(flag), `--help does not mention ${flag}`);
  assertEquals(version.code, 0);
  assertEquals(version.stdout, `greencrawl ${VERSION}\n`);
});

// ---------------------------------------------------------------------------------------------
// Standard input, Ctrl-C, headers

test("reads the list from standard input with -", async () => {
  await using server = await startFaultServer();
  const list = `# from stdin\r\n${server.url}/ok\r\n${server.url}/json\r\nnope\r\n`;
  const run = await runCli(["--format", "ndjson", "-"], { stdin: list });
  assertEquals(run.code, 1, run.stderr);
  const records = ndjson(run);
  assertEquals(records.map((r) => [r.line, r.ok]).sort(), [[2, true], [3, true], [4, false]]);
  assert(/warning: line 4:/.test(run.stderr), run.stderr);
  assertEquals(server.log.length, 2);
});

/** Reads `stream` into `sink.text` as it arrives, until it ends. */
async function collect(stream: ReadableStream<Uint8Array>, sink: { text: string }) {
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) sink.text += chunk;
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts the CLI on `urls` (ndjson, --timeout 30, plus `args`), waits until `okRecords` ok
 * records are out and `hangs` requests to /hang are in flight, sends SIGINT, and returns the exit
 * code, how long the exit took, and what the CLI printed.
 */
async function interrupted(
  server: { log: { path: string }[] },
  dir: string,
  urls: string[],
  args: string[],
  okRecords: number,
  hangs: number,
): Promise<{ code: number; took: number; out: string; err: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...PERMS,
      "cli.ts",
      ...args,
      "--format",
      "ndjson",
      "--timeout",
      "30",
      await listFile(dir, "list", urls),
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const out = { text: "" };
  const err = { text: "" };
  const reading = Promise.all([collect(child.stdout, out), collect(child.stderr, err)]);
  try {
    await until(
      () => (out.text.match(/"ok":true/g) ?? []).length === okRecords,
      10_000,
      `${okRecords} ok records`,
    );
    await until(
      () => hits(server, "/hang") === hangs,
      5_000,
      `${hangs} hang(s) in flight`,
    );
    const sent = performance.now();
    child.kill("SIGINT");
    const status = await child.status;
    const took = performance.now() - sent;
    await reading;
    return { code: status.code, took, out: out.text, err: err.text };
  } finally {
    clearTimeout(killer);
    await reading.catch(() => {});
  }
}

test("Ctrl-C: exit 130, finished records written, in-flight ones aborted, a summary", async () => {
  await using server = await startFaultServer();
  await withTempDir(async (dir) => {
    const U = server.url;
    const urls = [`${U}/hang`, `${U}/ok`, `${U}/hang`, `${U}/ok`, `${U}/text`];
    const { code, took, out, err } = await interrupted(server, dir, urls, [], 3, 2);
    assertEquals(code, 130, err);
    assert(took < 3000, `exit took ${took} ms after SIGINT`);
    const records = out.trimEnd().split("\n").map((l) => JSON.parse(l) as FetchRecord);
    assertEquals(records.length, urls.length, out);
    for (const r of records) {
      if (r.url.endsWith("/hang")) {
        assertEquals(r.error?.code, "aborted", JSON.stringify(r));
        assertEquals(r.attempts, 1, "an interrupt is not retried");
      } else assert(r.ok, JSON.stringify(r));
    }
    assertEquals(hits(server, "/hang"), 2);
    assert(hasSummary(err), `no summary on stderr:\n${err}`);
    assert(/failed: +2 \(aborted 2\)/.test(err), err);
    assert(/interrupted/.test(err), err);
  });
});

test("Ctrl-C in --mode blocking: the frozen process still stops at once with 130", async () => {
  await using server = await startFaultServer();
  await withTempDir(async (dir) => {
    const U = server.url;
    const urls = [`${U}/ok`, `${U}/text`, `${U}/hang`, `${U}/ok`];
    const { code, took, out, err } = await interrupted(
      server,
      dir,
      urls,
      ["--mode", "blocking"],
      2,
      1,
    );
    assertEquals(code, 130, err);
    assert(took < 3000, `exit took ${took} ms after SIGINT (the thread is frozen in /hang)`);
    // The records finished before the interrupt were written (synchronously) and stay.
    const records = out.trimEnd().split("\n").map((l) => JSON.parse(l) as FetchRecord);
    assertEquals(records.map((r) => [r.line, r.ok]), [[1, true], [2, true]]);
    assertEquals(hits(server, "/ok"), 1, "nothing after the interrupted job ran");
  });
});

test("headers: -A and -H reach the server; the default User-Agent is greencrawl/<version>", async () => {
  await using server = await startFaultServer();
  await withTempDir(async (dir) => {
    const list = await listFile(dir, "list", [`${server.url}/headers-echo`]);
    const ua = "custom-agent/9.9 (test)";
    const extra: [string, string] = ["X-Greencrawl-Test", "hello: world"];
    const custom = ["-A", ua, "-H", `${extra[0]}: ${extra[1]}`, "--format", "ndjson"];
    const [plain, withHeaders, blockingPlain, blockingHeaders, longFlags] = await Promise.all([
      runCli(["--format", "ndjson", list]),
      runCli([...custom, list]),
      runCli(["--mode", "blocking", "--format", "ndjson", list]),
      runCli(["--mode", "blocking", ...custom, list]),
      runCli(["--user-agent", ua, "--header", `${extra[0]}:${extra[1]}`, "-q", list]),
    ]);
    for (const run of [plain, withHeaders, blockingPlain, blockingHeaders, longFlags]) {
      assertEquals(run.code, 0, run.stderr);
    }
    const agents = server.log.map((e) => e.userAgent).sort();
    assertEquals(agents, [
      ua,
      ua,
      ua,
      `greencrawl/${VERSION}`,
      `greencrawl/${VERSION}`,
    ]);
    // The echo is the request headers as JSON: exactly the extra header's bytes more, and the
    // user agent's length difference.
    const grown = JSON.stringify({ [extra[0].toLowerCase()]: extra[1] }).length - 2 + 1;
    const expected = (base: number) => base + grown + ua.length - `greencrawl/${VERSION}`.length;
    const bytes = (run: CliRun) => ndjson(run)[0].bytes;
    assertEquals(bytes(withHeaders), expected(bytes(plain)));
    assertEquals(bytes(blockingHeaders), expected(bytes(blockingPlain)));
  });
});

// ---------------------------------------------------------------------------------------------
// Terminal safety

test("terminal safety: no control, C1 or bidi characters reach stdout or stderr", async () => {
  await using server = await startFaultServer();
  await withTempDir(async (dir) => {
    const U = server.url;
    const evil = encodeURIComponent(`${U}/\x1b[31mred`);
    const lines = [
      `${U}/ctrl-title`,
      `${U}/%1b%5b31mred%1b%5d0;pwned%07/%9b%e2%80%ae`,
      `${U}/redirect-to?url=${evil}`,
      `${U}/\x1b]0;title\x07x`, // a raw escape in the list: an invalid line
      `${U}/\u202egnp.exe`,
      `${U}/\u009b31m`,
    ];
    const list = await listFile(dir, "list", lines);
    const [text, nd, csv] = await Promise.all([
      runCli(["--retries", "0", list]),
      runCli(["--retries", "0", "--format", "ndjson", list]),
      runCli(["--retries", "0", "--format", "csv", list]),
    ]);
    for (const [name, run] of [["text", text], ["ndjson", nd], ["csv", csv]] as const) {
      assertEquals(run.code, 1, run.stderr);
      assertTerminalSafe(run.rawStdout, `${name} stdout`);
      assertTerminalSafe(run.rawStderr, `${name} stderr`);
    }
    const records = ndjson(nd);
    assertEquals(records.length, lines.length);
    const title = records.find((r) => r.url.endsWith("/ctrl-title"))!.title;
    assert(title !== null && title.length > 0 && !UNSAFE.test(title), `title: ${title}`);
    assert(/^GET: .*\/ctrl-title$/m.test(text.stdout), text.stdout);
    assert(/warning: line 4: contains control characters/.test(nd.stderr), nd.stderr);
  });
});
