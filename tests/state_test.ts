/**
 * `--state FILE` (issue 15) end to end: the CLI runs as a subprocess against the test site (in
 * this process, logging every request), with a real SQLite state file and the least permissions
 * (`--allow-read=DIR --allow-write=DIR`). It is killed (SIGKILL, SIGINT) at random points and
 * rerun; the site's log and the `-o` file are then checked: every page fetched at least once,
 * repeats only within the commit window, every record in the file exactly once.
 *
 * deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run tests/state_test.ts
 * @module
 */
import { fileURLToPath } from "node:url";
import { DatabaseSync } from "node:sqlite";
import { type RunningSite, startSite } from "../bench/site.ts";
import { prng } from "../bench/site/graph.ts";
import { parseCli } from "../cli/args.ts";
import { SqliteState, StateError } from "../crawler/frontier/sqlite/state.ts";
import { COMMIT_PAGES } from "../crawler/frontier/sqlite/journal.ts";
import { crawl } from "../crawler/run/crawl.ts";
import { fetchAll } from "../crawler/run/runner.ts";
import type { FetchRecord } from "../crawler/record.ts";
import { assert, assertEquals, test } from "./assert.ts";
import { withTempDir } from "./subprocess.ts";

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
const decoder = new TextDecoder();

// ---------------------------------------------------------------------------------------------
// Helpers

interface Exit {
  code: number;
  signal: Deno.Signal | null;
  stderr: string;
}

/** `cli.ts` with net to 127.0.0.1 and read/write on `dir` only; stdout discarded. */
function spawnCli(dir: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      `--allow-read=${dir}`,
      `--allow-write=${dir}`,
      CLI,
      ...args,
    ],
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

async function finish(child: Deno.ChildProcess, deadlineMs = 60_000): Promise<Exit> {
  const killer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
  try {
    const out = await child.output();
    return { code: out.code, signal: out.signal, stderr: decoder.decode(out.stderr) };
  } finally {
    clearTimeout(killer);
  }
}

function runCli(dir: string, args: string[]): Promise<Exit> {
  return finish(spawnCli(dir, args));
}

/** Resolves once the site has answered `n` requests (fails after `ms`). */
async function requestsReach(site: RunningSite, n: number, ms = 30_000): Promise<void> {
  const until = performance.now() + ms;
  while (site.stats().requests < n) {
    if (performance.now() > until) throw new Error(`the site never reached ${n} requests`);
    await new Promise((ok) => setTimeout(ok, 5));
  }
}

/** A run stopped by `signal` once the site counted `after` more requests. */
async function stopAt(
  site: RunningSite,
  dir: string,
  args: string[],
  after: number,
  signal: Deno.Signal,
): Promise<Exit> {
  const child = spawnCli(dir, args);
  try {
    await requestsReach(site, site.stats().requests + after);
  } finally {
    child.kill(signal);
  }
  return await finish(child);
}

/** Every line of an ndjson file, parsed (a torn or blank line fails). */
async function records(path: string): Promise<FetchRecord[]> {
  const text = await Deno.readTextFile(path);
  assert(text === "" || text.endsWith("\n"), "the output ends inside a line");
  return text.split("\n").slice(0, -1).map((line, i) => {
    try {
      return JSON.parse(line) as FetchRecord;
    } catch {
      throw new Error(`line ${i + 1} of ${path} is not JSON: ${line.slice(0, 80)}`);
    }
  });
}

/** Repeated requests of the site's pages (robots.txt and /__stats aside). */
function repeats(site: RunningSite): number {
  let extra = 0;
  for (const [path, n] of site.counts) if (path !== "/robots.txt") extra += n - 1;
  return extra;
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}

/** Bytes and modification time of a file, to show it was not touched. */
async function fingerprint(path: string): Promise<string> {
  const stat = await Deno.stat(path);
  const bytes = await Deno.readFile(path);
  let sum = 0;
  for (const b of bytes) sum = (sum * 31 + b) >>> 0;
  return `${bytes.length}:${sum}:${stat.mtime?.getTime()}`;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Random whole numbers in [lo, hi), from a seed shown in failures (the site's own PRNG). */
function points(seed: number, n: number, lo: number, hi: number): number[] {
  const next = prng(seed);
  return Array.from({ length: n }, () => Math.floor(lo + next() * (hi - lo)));
}

// ---------------------------------------------------------------------------------------------
// Crashes and resumes

const C = 8; // workers

test("state: a crawl killed (SIGKILL) three times resumes; -o holds every page exactly once", async () => {
  const site = await startSite({ pages: 1500, links: 8, pageBytes: 800, latencyMs: 2 });
  try {
    await withTempDir(async (dir) => {
      const out = `${dir}/records.ndjson`;
      const args = [
        ...["--depth", "1000", "--max-pages", "100000", "-c", String(C), "--per-host", String(C)],
        ...["--format", "ndjson", "--state", `${dir}/crawl.db`, "-o", out, `${site.url}/`],
      ];
      const seed = Date.now();
      const steps = points(seed, 3, 100, 400);
      const why = `(kill points ${steps.join(", ")} requests apart, seed ${seed})`;
      for (const [i, step] of steps.entries()) {
        const exit = await stopAt(site, dir, args, step, "SIGKILL");
        assertEquals(exit.signal, "SIGKILL", `run ${i + 1} ended before its kill ${why}`);
        if (i > 0) assert(/^resuming: [\d,]+ done, [\d,]+ queued$/m.test(exit.stderr), exit.stderr);
      }
      const last = await runCli(dir, args);
      assertEquals(last.code, 0, last.stderr);
      assert(/^resuming: /m.test(last.stderr), last.stderr);

      const expected = site.site!.reachable();
      const got = await records(out);
      const urls = got.map((r) => pathOf(r.url));
      assertEquals(new Set(urls).size, urls.length, `a page is in -o twice ${why}`);
      assertEquals(new Set(urls), expected, why);
      assert(got.every((r) => r.ok), "a record is not ok");
      for (const path of expected) assert(site.counts.get(path)! >= 1, `${path} never fetched`);
      assertEquals(site.counts.get("/robots.txt"), 1, "robots.txt is kept in the state");
      const extra = repeats(site);
      assert(extra <= steps.length * (C + COMMIT_PAGES), `${extra} repeated requests ${why}`);

      // Rerun once more: finished, nothing fetched, -o untouched, exit 0.
      const before = site.stats().requests;
      const mark = await fingerprint(out);
      const again = await runCli(dir, args);
      assertEquals(again.code, 0, again.stderr);
      assert(/finished already: [\d,]+ done/.test(again.stderr), again.stderr);
      assertEquals(site.stats().requests, before);
      assertEquals(await fingerprint(out), mark);
    });
  } finally {
    await site.close();
  }
});

test("state: Ctrl-C (SIGINT) twice, then a rerun: exit 130 each time, repeats only the pages in flight", async () => {
  const site = await startSite({ pages: 1200, links: 8, pageBytes: 800, latencyMs: 2 });
  try {
    await withTempDir(async (dir) => {
      const out = `${dir}/records.csv`;
      const args = [
        ...["--depth", "1000", "--max-pages", "100000", "-c", String(C), "--per-host", String(C)],
        ...["--format", "csv", "--state", `${dir}/crawl.db`, "-o", out, `${site.url}/`],
      ];
      for (const step of points(Date.now(), 2, 150, 400)) {
        const exit = await stopAt(site, dir, args, step, "SIGINT");
        assertEquals(exit.code, 130, exit.stderr);
      }
      const last = await runCli(dir, args);
      assertEquals(last.code, 0, last.stderr);
      const lines = (await Deno.readTextFile(out)).split("\n").slice(0, -1);
      assert(lines[0].startsWith("url,"), "the CSV header comes first");
      assertEquals(lines.filter((l) => l.startsWith("url,")).length, 1, "one CSV header");
      const urls = lines.slice(1).map((l) => pathOf(l.split(",")[0]));
      assertEquals(urls.length, new Set(urls).size, "a page is in -o twice");
      assertEquals(new Set(urls), site.site!.reachable());
      // A graceful stop commits everything finished: only aborted requests are repeated.
      assert(repeats(site) <= 2 * C, `${repeats(site)} repeated requests`);
    });
  } finally {
    await site.close();
  }
});

test("state: a URL list of 10,000 URLs killed twice resumes; one record per line", async () => {
  const site = await startSite({ pages: 10_000, links: 1, pageBytes: 200 });
  try {
    await withTempDir(async (dir) => {
      const list = `${dir}/urls.txt`;
      const lines = Array.from({ length: 10_000 }, (_, i) => `${site.url}${site.site!.pathOf(i)}`);
      lines.push("not-a-url"); // line 10,001: one invalid-url record, written once
      await Deno.writeTextFile(list, lines.join("\n") + "\n");
      const out = `${dir}/records.ndjson`;
      const args = ["-c", "16", "--format", "ndjson", "--state", `${dir}/list.db`, "-o", out, list];
      const steps = points(Date.now(), 2, 1500, 4000);
      for (const step of steps) {
        const exit = await stopAt(site, dir, args, step, "SIGKILL");
        assertEquals(exit.signal, "SIGKILL", exit.stderr);
      }
      const last = await runCli(dir, args);
      assertEquals(last.code, 0, last.stderr);
      const got = await records(out);
      assertEquals(got.length, 10_001);
      assertEquals(new Set(got.map((r) => r.line)).size, 10_001, "a line is in -o twice");
      assertEquals(got.filter((r) => r.error?.code === "invalid-url").map((r) => r.line), [10_001]);
      for (const r of got) assertEquals(r.url, lines[r.line! - 1]);
      assertEquals(site.counts.size, 10_000, "every listed URL fetched");
      assert(repeats(site) <= steps.length * (16 + COMMIT_PAGES), `${repeats(site)} repeats`);
    });
  } finally {
    await site.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Refusals: nothing is touched

test("state: changed settings exit 2 naming the difference; the state and -o are untouched", async () => {
  const site = await startSite({ pages: 40, links: 4, pageBytes: 300 });
  try {
    await withTempDir(async (dir) => {
      const state = `${dir}/crawl.db`;
      const out = `${dir}/out.ndjson`;
      const base = ["--format", "ndjson", "--state", state, "-o", out];
      const first = await runCli(dir, [...base, "--depth", "2", `${site.url}/`]);
      assertEquals(first.code, 0, first.stderr);
      const marks = [await fingerprint(state), await fingerprint(out)];
      const requests = site.stats().requests;
      const cases: [string[], RegExp][] = [
        [["--depth", "3", `${site.url}/`], /--depth is 2 in the state, 3 here/],
        [["--depth", "2", "--scope", "domain", `${site.url}/`], /--scope is "host" .*"domain"/],
        [["--depth", "2", "--exclude", "zzz", `${site.url}/`], /--exclude is \[\] .*\["zzz"\]/],
        [["--depth", "2", "--max-pages", "7", `${site.url}/`], /--max-pages is 10000 .* 7 here/],
        [["--depth", "2", `${site.url}/p/3`], /URL list differs at line 1: .*\/p\/3 here/],
        [[`${site.url}/`], /a crawl in the state, a URL list here/],
      ];
      for (const [args, message] of cases) {
        const exit = await runCli(dir, [...base, ...args]);
        assertEquals(exit.code, 2, `${args.join(" ")}: ${exit.stderr}`);
        assert(message.test(exit.stderr), `${args.join(" ")}: ${exit.stderr}`);
        assertEquals(exit.stderr.trim().split("\n").length, 1, exit.stderr);
      }
      assertEquals([await fingerprint(state), await fingerprint(out)], marks);
      assertEquals(site.stats().requests, requests, "nothing was fetched");
      // Settings that do not change the crawl's meaning may change.
      const again = await runCli(dir, [...base, "-c", "3", "--depth", "2", `${site.url}/`]);
      assertEquals(again.code, 0, again.stderr);
    });
  } finally {
    await site.close();
  }
});

test("state: a state in use exits 2 naming the pid; kill -9 leaves no stale lock", async () => {
  const site = await startSite({ pages: 300, links: 4, pageBytes: 300, latencyMs: 200 });
  try {
    await withTempDir(async (dir) => {
      const args = ["--depth", "9", "-c", "2", "--state", `${dir}/crawl.db`, "-o", `${dir}/o`];
      const first = spawnCli(dir, [...args, `${site.url}/`]);
      try {
        await requestsReach(site, 3);
        const second = await runCli(dir, [...args, `${site.url}/`]);
        assertEquals(second.code, 2, second.stderr);
        assert(
          second.stderr.includes(`state file in use by pid ${first.pid}`),
          `${first.pid}: ${second.stderr}`,
        );
      } finally {
        first.kill("SIGKILL");
        await finish(first);
      }
      // kill -9 left no stale lock: the state opens again.
      SqliteState.open(`${dir}/crawl.db`).close();
    });
  } finally {
    await site.close();
  }
});

test("state: a text file, another SQLite database, a truncated or newer state: exit 2, untouched", async () => {
  const site = await startSite({ pages: 400, links: 6, pageBytes: 300 });
  try {
    await withTempDir(async (dir) => {
      // A real state, big enough to span many pages, to cut and to patch.
      const real = `${dir}/real.db`;
      const made = await runCli(dir, ["--depth", "9", "--state", real, `${site.url}/`]);
      assertEquals(made.code, 0, made.stderr);
      const bytes = await Deno.readFile(real);
      assert(bytes.length > 16_384, `${bytes.length} bytes`);

      await Deno.writeTextFile(`${dir}/text.db`, "http://127.0.0.1/\n");
      await Deno.writeFile(`${dir}/empty.db`, new Uint8Array());
      await Deno.writeFile(`${dir}/cut.db`, bytes.subarray(0, bytes.length >> 1));
      const newer = bytes.slice();
      new DataView(newer.buffer).setUint32(60, 2); // PRAGMA user_version = 2
      await Deno.writeFile(`${dir}/newer.db`, newer);
      const other = new DatabaseSync(`${dir}/other.db`);
      other.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)");
      other.close();

      const cases: [string, RegExp][] = [
        ["text.db", /not a greencrawl state \(not a SQLite database\)/],
        ["empty.db", /not a greencrawl state \(an empty file\)/],
        ["other.db", /not a greencrawl state \(another SQLite database\)/],
        ["cut.db", /is truncated/],
        ["newer.db", /newer greencrawl \(state schema 2; this one reads 1\)/],
      ];
      for (const [name, message] of cases) {
        const path = `${dir}/${name}`;
        const mark = await fingerprint(path);
        const exit = await runCli(dir, ["--depth", "9", "--state", path, `${site.url}/`]);
        assertEquals(exit.code, 2, `${name}: ${exit.stderr}`);
        assert(message.test(exit.stderr), `${name}: ${exit.stderr}`);
        assertEquals(await fingerprint(path), mark, `${name} was touched`);
        assert(!await exists(`${path}-wal`), `${name}: a -wal file appeared`);
      }
      for (const [name] of cases) { // the library refuses them the same way
        let error: unknown;
        try {
          SqliteState.open(`${dir}/${name}`).close();
        } catch (e) {
          error = e;
        }
        assert(error instanceof StateError, `${name}: ${error}`);
      }
    });
  } finally {
    await site.close();
  }
});

test("state: --state with --compare or --sweep is a usage error", () => {
  for (const extra of [["--compare"], ["--sweep", "1,2"]]) {
    const action = parseCli(["--state", "s.db", ...extra, "urls.txt"]);
    assertEquals(action.kind, "usage-error");
    assert(action.kind === "usage-error" && action.message.includes(extra[0]), extra[0]);
  }
});

// ---------------------------------------------------------------------------------------------
// Library

test("state: crawl() and fetchAll() on a SqliteState stop early and resume", async () => {
  const site = await startSite({ pages: 300, links: 5, pageBytes: 300 });
  try {
    await withTempDir(async (dir) => {
      // Stopped by a signal (leaving a `for await` early would drop the records it had not
      // taken yet, though their pages are done); interrupted pages are fetched again.
      const seen: string[] = [];
      for (let run = 0; run < 3; run++) {
        const state = SqliteState.open(`${dir}/lib.db`);
        const stop = new AbortController();
        try {
          let n = 0;
          await crawl([`${site.url}/`], {
            depth: 50,
            concurrency: 4,
            frontier: state.crawlFrontier,
            signal: stop.signal,
          }).pipeTo({
            record(r) {
              if (r.error?.code === "aborted") return;
              seen.push(pathOf(r.url));
              if (run < 2 && ++n === 100) stop.abort();
            },
          });
        } finally {
          state.close();
        }
      }
      assertEquals(seen.length, new Set(seen).size, "a page came twice");
      assertEquals(new Set(seen), site.site!.reachable());
      assert(repeats(site) <= 2 * 4, `${repeats(site)} repeats`);

      site.reset();
      const urls = [`${site.url}/p/1`, `${site.url}/p/2`, `${site.url}/p/1`];
      const state = SqliteState.open(`${dir}/list.db`);
      try {
        const lines: (number | null)[] = [];
        await fetchAll(urls, { frontier: state.listFrontier }).pipeTo({
          record: (r) => void lines.push(r.line),
        });
        assertEquals(lines.sort(), [1, 2, 3]); // every line is a job, duplicates too
        assert(state.finished);
      } finally {
        state.close();
      }
    });
  } finally {
    await site.close();
  }
});
