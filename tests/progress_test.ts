/**
 * The live progress line (crawler/progress.ts) — as a unit with a fake clock and terminal, and
 * end to end: `cli.ts` under a real pseudo-terminal made by util-linux `script -qfec`, against
 * the latency fixture server running in this process (the CLI is a separate process, so its
 * blocking mode can freeze without freezing the server).
 *
 * Checked: the status line appears on a terminal with the oldest in-flight URL and its age
 * growing while the request hangs; in blocking mode it names the URL the frozen loop waits on;
 * the record lines on the same terminal come out whole (the terminal's screen is replayed from
 * the captured bytes); `--quiet` and `--no-progress` draw nothing; with stderr redirected to a
 * file nothing of it appears anywhere and stdout is the same as with `--no-progress`; with
 * stdout redirected the status line stays on the terminal's stderr.
 *
 * Skipped, with the reason printed, where `script` is missing (apt-get install -y util-linux).
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env
 *      tests/progress_test.ts
 */
import { fileURLToPath } from "node:url";
import type { Job } from "../crawler/frontier/frontier.ts";
import { fit, Progress } from "../cli/progress.ts";
import { recordSink } from "../cli/output.ts";
import { blankRecord, type FetchRecord } from "../crawler/record.ts";
import { assert, assertEquals, test } from "./assert.ts";
import { startLatencyServer } from "./fixtures/latency_server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLEAR = "\r\x1b[2K";

// ---------------------------------------------------------------------------------------------
// Unit: a fake clock and a terminal that records every write

function fakeTerminal() {
  const writes: string[] = [];
  const decoder = new TextDecoder();
  return {
    writes,
    target: {
      writeSync(p: Uint8Array) {
        writes.push(decoder.decode(p));
        return p.length;
      },
    },
  };
}

function job(url: string): Job {
  return { url, line: 1, depth: 0, parent: null, queuedAt: 0, seed: url };
}

function rec(url: string, worker: number, ok = true, bytes = 1024): FetchRecord {
  return {
    ...blankRecord(url),
    finalUrl: url,
    status: ok ? 200 : 503,
    ok,
    bytes,
    error: ok ? null : { code: "http", message: "HTTP 503" },
    attempts: 1,
    worker,
  };
}

test("progress: frames are throttled to the interval; clear/redraw puts the last frame back", () => {
  const term = fakeTerminal();
  let now = 1000;
  const p = new Progress({ target: term.target, columns: () => 200, now: () => now });
  try {
    p.begin({ total: () => 3 });
    assertEquals(term.writes, [
      CLEAR + "0/3 · 0 in flight · 0 ok · 0 failed · 0 B · 0.0/s · 0.0 ms",
    ]);
    now += 10;
    p.start(job("http://a.test/slow"), 0);
    p.start(job("http://a.test/fast"), 1);
    assertEquals(term.writes.length, 1, "hooks within 100 ms draw no new frame");
    p.clear();
    p.redraw();
    assertEquals(term.writes.slice(1), [CLEAR, term.writes[0]], "the same frame, back");
    now += 100;
    p.record(rec("http://a.test/fast", 1));
    assertEquals(
      term.writes.at(-1),
      CLEAR +
        "1/3 · 1 in flight · 1 ok · 0 failed · 1.0 KiB · 9.1/s · 110 ms · oldest 100 ms http://a.test/slow",
    );
    now += 2000;
    p.record(rec("http://a.test/slow", 0, false, 0));
    assert(term.writes.at(-1)!.startsWith(CLEAR + "2/3 · 0 in flight · 1 ok · 1 failed"));
    const n = term.writes.length;
    p.stop();
    assertEquals(term.writes.slice(n), [CLEAR], "stop erases the line");
    p.redraw();
    p.record(rec("http://a.test/late", 0));
    assertEquals(term.writes.length, n + 1, "nothing is drawn after stop");
  } finally {
    p.stop();
  }
});

test("progress: blocking mode draws as each job starts and names it; crawl shows queued", () => {
  const term = fakeTerminal();
  let now = 0;
  const p = new Progress({ target: term.target, columns: () => 200, now: () => now });
  try {
    p.begin({ label: "blocking", total: () => 2, frozen: true });
    now += 5;
    p.start(job("http://a.test/1"), 0);
    assert(
      term.writes.at(-1)!.endsWith("frozen since 5.0 ms on http://a.test/1"),
      term.writes.at(-1),
    );
    assert(term.writes.at(-1)!.startsWith(CLEAR + "[blocking] 0/2 · 1 in flight"));
    now += 5;
    p.record(rec("http://a.test/1", 0));
    p.start(job("http://a.test/2"), 0);
    assert(
      term.writes.at(-1)!.endsWith("frozen since 10 ms on http://a.test/2"),
      term.writes.at(-1),
    );
    let queued = 4;
    p.begin({ total: () => queued, crawling: true });
    queued = 9;
    now += 200;
    p.redraw();
    assert(term.writes.at(-1)!.startsWith(CLEAR + "0 done/9 queued · 0 in flight"));
  } finally {
    p.stop();
  }
});

test("progress: network text reaches it through the output sink, stripped of controls; the line is cut to the width", () => {
  const p = new Progress({ target: fakeTerminal().target, columns: () => 60, now: () => 0 });
  try {
    p.begin({ label: "N=4", total: () => 1 });
    recordSink({ progress: p }).start!(job("http://evil.test/\x1b]0;pwned\x07a\u202eb\r\nc"), 0);
    const text = p.text();
    // deno-lint-ignore no-control-regex
    assert(!/[\x00-\x1f\x7f-\x9f\u202e]/.test(text), JSON.stringify(text));
    assert(text.startsWith("[N=4] ") && text.endsWith("http://evil.test/ab c"), text);
  } finally {
    p.stop();
  }
  const line = "0/9 · 3 in flight · oldest 1.2 s http://example.test/a/very/long/path/" +
    "x".repeat(80);
  const cut = fit(line, 60);
  assertEquals([...cut].length, 60);
  assert(cut.startsWith("0/9 · 3 in flight") && cut.includes("…") && cut.endsWith("xxxx"), cut);
  assertEquals(fit("short", 60), "short");
  assertEquals(fit("anything", 0), "");
});

// ---------------------------------------------------------------------------------------------
// End to end under a pseudo-terminal

function findScript(): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":")) {
    try {
      if (Deno.statSync(`${dir}/script`).isFile) return `${dir}/script`;
    } catch { /* not here */ }
  }
  return null;
}

const SCRIPT = findScript();
const skip = SCRIPT === null ? "util-linux `script` not found (apt-get install -y util-linux)" : "";
if (skip) console.warn(`progress_test (pseudo-terminal part) SKIPPED: ${skip}`);

const sh = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `cli.ts <args>` inside a pseudo-terminal of 200 columns; `redirect` is appended to the
 * shell command (e.g. `2> file`). Returns what the terminal received (stdout and stderr of the
 * CLI, unless redirected).
 */
async function inPty(args: string[], redirect = ""): Promise<{ code: number; raw: string }> {
  // deno's own -q: no "Download"/"Check" progress of deno itself on the terminal
  const cli = [Deno.execPath(), "run", "-q", "--allow-net=127.0.0.1", "--allow-read", "cli.ts"]
    .concat(args)
    .map(sh).join(" ");
  const command = `stty cols 200 rows 50 2>/dev/null; ${cli} ${redirect}`;
  const child = new Deno.Command(SCRIPT!, {
    args: ["-qfec", command, "/dev/null"],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_PROMPT: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    const out = await child.output();
    return { code: out.code, raw: new TextDecoder().decode(out.stdout) };
  } finally {
    clearTimeout(killer);
  }
}

/** Replays terminal output: CR, LF and erase-line as a terminal does; the lines left on screen. */
function screen(raw: string): { lines: string[]; current: string } {
  const lines: string[] = [];
  let line: string[] = [];
  let col = 0;
  const chars = [...raw];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === "\x1b") {
      // deno-lint-ignore no-control-regex
      const m = /^\x1b\[(\d*)([A-Za-z])/.exec(chars.slice(i, i + 8).join(""));
      assert(m, `unexpected escape at ${i}: ${JSON.stringify(chars.slice(i, i + 8).join(""))}`);
      if (m[2] === "K") line = m[1] === "2" ? [] : line.slice(0, col);
      if (m[2] === "G") col = Math.max(1, Number(m[1] || 1)) - 1;
      i += m[0].length - 1;
    } else if (ch === "\r") col = 0;
    else if (ch === "\n") {
      lines.push(line.join(""));
      line = [];
      col = 0;
    } else line[col++] = ch;
  }
  return { lines, current: line.join("") };
}

/** The lines left on screen after the run; fails if a status line is among them or still up. */
function finalScreen(raw: string): string[] {
  const { lines, current } = screen(raw);
  assertEquals(current, "", "the status line is erased at the end");
  assert(!lines.some((l) => l.includes(" in flight")), lines.join("\n"));
  return lines;
}

/** Every status frame drawn: the text after an erase-line, up to the next CR. */
function frames(raw: string): string[] {
  return raw.split("\x1b[2K").slice(1).map((s) => s.split("\r")[0])
    .filter((s) => s.includes(" in flight"));
}

/** An age such as `512 ms` or `1.05 s`, in ms. */
const ageMs = (n: string, unit: string) => Number(n) * (unit === "s" ? 1000 : 1);

async function withList<T>(
  lines: string[],
  fn: (list: string, dir: string) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "greencrawl_progress_test_" });
  try {
    await Deno.writeTextFile(`${dir}/urls.txt`, lines.join("\n") + "\n");
    return await fn(`${dir}/urls.txt`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "progress on a terminal: the status line names the oldest in-flight URL and its age",
  ignore: !!skip,
  async fn() {
    await using server = await startLatencyServer({ latencyMs: 120 });
    const slow = `${server.url}/slow?ms=1500`;
    const urls = [slow, ...Array.from({ length: 6 }, (_, i) => `${server.url}/p${i}`)];
    await withList(urls, async (list) => {
      const { code, raw } = await inPty(["-c", "3", list]);
      assertEquals(code, 0, raw);
      const drawn = frames(raw);
      const re = new RegExp(
        String.raw`^(\d+)/7 · (\d+) in flight · (\d+) ok · (\d+) failed · [\d.]+ (?:B|KiB) · ` +
          String.raw`[\d.]+/s · [\d.]+ m?s · oldest ([\d.]+) (m?s) (\S+)$`,
      );
      const slowAges = drawn.map((f) => re.exec(f)).filter((m) => m !== null && m[7] === slow)
        .map((m) => ageMs(m![5], m![6]));
      assert(slowAges.length > 0, `no frame names ${slow} as the oldest:\n${drawn.join("\n")}`);
      // the timer keeps redrawing while the request hangs: the age grows to most of 1.5 s
      assert(Math.max(...slowAges) >= 800, `ages seen: ${slowAges.join(", ")}`);
      // the screen holds every record line whole, and no status line once the run is over
      const lines = finalScreen(raw);
      for (const url of urls) {
        assert(lines.includes(`GET: ${url}`), `GET line of ${url}:\n${lines.join("\n")}`);
        assert(
          lines.some((l) =>
            new RegExp(`^\\d+ bytes received from ${RegExp.escape(url)}\\. time: \\d+\\.\\d{3}$`)
              .test(l)
          ),
          `record line of ${url}:\n${lines.join("\n")}`,
        );
      }
      assert(lines.includes("URLs:          7"), lines.join("\n"));
    });
  },
});

Deno.test({
  name: "progress on a terminal, blocking mode: the frame left up names the URL being fetched",
  ignore: !!skip,
  async fn() {
    await using server = await startLatencyServer({ latencyMs: 50 });
    const slow = `${server.url}/slow?ms=900`;
    await withList([`${server.url}/a`, slow, `${server.url}/b`], async (list) => {
      const { code, raw } = await inPty(["--mode", "blocking", "-c", "2", list]);
      assertEquals(code, 0, raw);
      const drawn = frames(raw);
      assert(
        drawn.some((f) =>
          /^\d+\/3 · 1 in flight · .* · frozen since [\d.]+ m?s on (\S+)$/.exec(f)?.[1] === slow
        ),
        drawn.join("\n"),
      );
      const lines = finalScreen(raw);
      assert(lines.includes(`GET: ${slow}`), lines.join("\n"));
    });
  },
});

Deno.test({
  name: "progress: --quiet and --no-progress draw nothing, even on a terminal",
  ignore: !!skip,
  async fn() {
    await using server = await startLatencyServer({ latencyMs: 150 });
    await withList([`${server.url}/a`, `${server.url}/b?ms=400`], async (list) => {
      for (const flag of ["--no-progress", "-q"]) {
        const { code, raw } = await inPty([flag, list]);
        assertEquals(code, 0, raw);
        assert(
          !raw.includes("\x1b") && !raw.includes(" in flight"),
          `${flag}: ${JSON.stringify(raw)}`,
        );
        assert(raw.includes(`GET: ${server.url}/b?ms=400`), raw);
      }
    });
  },
});

/** The output with every number replaced by `#` (times differ from run to run). */
const masked = (s: string) => s.replace(/\d+(?:\.\d+)?/g, "#");

Deno.test({
  name: "progress: stderr to a file draws nothing, stdout is the same as with --no-progress",
  ignore: !!skip,
  async fn() {
    await using server = await startLatencyServer({ latencyMs: 100 });
    const urls = [`${server.url}/a`, `${server.url}/b?ms=700`, `${server.url}/c`, "not a url"];
    await withList(urls, async (list, dir) => {
      // real requests, stdout on the terminal: identical but for the measured times
      const runs: string[] = [];
      for (const extra of [[], ["--no-progress"]]) {
        const err = `${dir}/err${runs.length}.txt`;
        const { code, raw } = await inPty(
          ["--mode", "sequential", ...extra, list],
          `2> ${sh(err)}`,
        );
        assertEquals(code, 1, raw); // the invalid line fails the run
        const stderr = await Deno.readTextFile(err);
        for (const text of [raw, stderr]) {
          assert(!text.includes("\x1b") && !text.includes(" in flight"), JSON.stringify(text));
        }
        assertEquals(stderr, "warning: line 4: contains whitespace: not a url\n");
        runs.push(raw);
      }
      assertEquals(masked(runs[0]), masked(runs[1]));
      assert(runs[0].includes(`GET: ${server.url}/b?ms=700`), runs[0]);
    });
    // nothing measured in the records: byte for byte
    await withList(
      ["not a url", "ftp://example.test/", "http//missing-colon"],
      async (list, dir) => {
        const out: string[] = [];
        for (const extra of [[], ["--no-progress"]]) {
          const { code, raw } = await inPty(
            ["--format", "ndjson", ...extra, list],
            `2> ${sh(`${dir}/e`)}`,
          );
          assertEquals(code, 1, raw);
          out.push(raw);
        }
        assertEquals(out[0].split("\n").length, 4, out[0]);
        assertEquals(out[0], out[1]);
      },
    );
  },
});

Deno.test({
  name: "progress: stdout to a file; the status line stays on the terminal's stderr",
  ignore: !!skip,
  async fn() {
    await using server = await startLatencyServer({ latencyMs: 100 });
    const slow = `${server.url}/slow?ms=600`;
    await withList([`${server.url}/a`, slow], async (list, dir) => {
      const files: string[] = [];
      for (const extra of [[], ["--no-progress"]]) {
        const file = `${dir}/out${files.length}.ndjson`;
        const { code, raw } = await inPty(["--format", "ndjson", ...extra, list], `> ${sh(file)}`);
        assertEquals(code, 0, raw);
        if (extra.length === 0) {
          assert(frames(raw).some((f) => f.endsWith(slow)), raw);
          finalScreen(raw);
        } else assert(!raw.includes(" in flight"), raw);
        files.push(await Deno.readTextFile(file));
      }
      for (const text of files) assert(!text.includes("\x1b") && !text.includes(" in flight"));
      assertEquals(masked(files[0]), masked(files[1]));
    });
  },
});
