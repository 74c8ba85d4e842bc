/**
 * Keeps the peer benchmark from rotting: runs `bench/peers.ts --quick --tiny --no-install` as a
 * subprocess (30 URLs / 30 pages, one run, only the peers already on the machine, nothing
 * installed) and checks it exits 0 within 60 s and prints a table in every scenario with a
 * complete greencrawl row and a bare Deno row. With only Deno on the machine every other peer
 * is skipped with a line on stderr, and the test still passes. No timing goal is checked here:
 * the goals live in the benchmark, never in a unit test.
 *
 * Run: deno test --allow-read --allow-run tests/peers_smoke_test.ts
 * (the benchmark itself is spawned with -A: it spawns the peers, the site and GNU time)
 */
import { fileURLToPath } from "node:url";
import { assert, assertEquals, test } from "./assert.ts";

const PEERS = fileURLToPath(new URL("../bench/peers.ts", import.meta.url));
const LIMIT_MS = 60_000;

/** Runs `bench/peers.ts` with `args` (killed after 60 s): exit code, stdout, stderr, seconds. */
async function runPeers(args: string[]) {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PEERS, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), LIMIT_MS);
  const { code, stdout, stderr } = await child.output();
  clearTimeout(timer);
  const elapsed = performance.now() - started;
  const decoder = new TextDecoder();
  return { code, out: decoder.decode(stdout), err: decoder.decode(stderr), elapsed };
}

test("bench/peers.ts --quick --tiny --no-install prints the tables and exits 0", async () => {
  const { code, out, err, elapsed } = await runPeers(["--quick", "--tiny", "--no-install"]);

  assertEquals(code, 0, `peers.ts exited ${code}:\n${err}\n${out}`);
  assert(elapsed < LIMIT_MS, `took ${(elapsed / 1000).toFixed(1)} s, over 60 s`);

  const tables = out.split("\n### ").slice(1);
  const scenarios = tables.filter((t) => t.includes("| pages fetched |"));
  assertEquals(scenarios.length, 4, `expected 4 scenario tables, got:\n${out}`);
  for (const table of scenarios) {
    const title = table.split("\n")[0];
    const gc = table.split("\n").find((l) => l.startsWith("| greencrawl |"));
    assert(gc, `no greencrawl row in "${title}"`);
    assert(
      gc.includes("| 30/30 ✓ |"),
      `greencrawl did not fetch all 30 pages in "${title}": ${gc}`,
    );
    assert(/^\| greencrawl \| \d+\.\d\d \|/.test(gc), `no wall time in "${title}": ${gc}`);
    assert(table.includes("\n| bare-deno |"), `no bare-deno row in "${title}"`);
  }
  assert(out.includes("## Goals (issue 5)"), "no goals section");
  // Every peer not run said why on stderr (or ran): a skip is one line naming the peer.
  for (const line of err.split("\n").filter((l) => l.startsWith("skip "))) {
    assert(/^skip [a-z-]+: \S/.test(line), `unclear skip line: ${line}`);
  }
});

test("bench/peers.ts --short-runs: sub-second rows get the extra runs, interleaved", async () => {
  const { code, out, err } = await runPeers(
    ["--tiny", "--runs", "1", "--short-runs", "2", "--only", "bare-deno", "--no-install"],
  );
  assertEquals(code, 0, `peers.ts exited ${code}:\n${err}\n${out}`);
  // Tiny runs all take well under a second, so every row of both peers runs twice.
  const runs = err.split("\n").filter((l) => l.startsWith("run "));
  for (const id of ["list-0", "list-100", "crawl-0", "crawl-50"]) {
    for (const peer of ["greencrawl", "bare-deno"]) {
      const mine = runs.filter((l) => l.split(/\s+/)[2] === id && l.split(/\s+/)[3] === peer);
      assertEquals(mine.map((l) => l.split(/\s+/)[1]), ["1/1", "2/2"], `${id} ${peer}`);
    }
  }
  const rounds = runs.map((l) => l.split(/\s+/)[1]);
  assert(rounds.lastIndexOf("1/1") < rounds.indexOf("2/2"), `not interleaved:\n${runs.join("\n")}`);
  assert(
    out.includes("- Runs per row: 1, 2 for a peer whose runs take under 1 s (median shown)"),
    `the report does not say how many runs:\n${out.slice(0, 600)}`,
  );
  assert(/round by round \d+%, \d+%\)/.test(out), "the 0 ms crawl goal gives both rounds");
});
