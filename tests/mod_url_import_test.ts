/**
 * `mod.ts` works when imported from an `http:` URL, as a user would import a published module:
 * this test serves the checkout on 127.0.0.1 and runs a script (a SUBPROCESS, with a fresh
 * `DENO_DIR` so nothing is cached) that imports `http://127.0.0.1:PORT/mod.ts`, runs two
 * greenlets with `sleep` and `joinall`, then `fetchUrl`, `fetchAll` (concurrent and blocking:
 * the blocking helper thread must start without reading any file) and `compare` against a
 * latency server started here.
 *
 * The crawler imports pinned `npm:` packages; they are not this repository's code, and the test
 * may not reach the npm registry, so the fresh `DENO_DIR` links to the existing npm cache while
 * its remote-module cache starts empty. The child's HTTP(S) proxy points at a closed port: if
 * anything tried to leave 127.0.0.1, the import would fail instead of quietly downloading.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env
 *      tests/mod_url_import_test.ts
 */
import { fileURLToPath } from "node:url";
import { extname, join, normalize, relative } from "node:path";
import { assert, assertEquals, test } from "./assert.ts";
import { startLatencyServer } from "./fixtures/latency_server.ts";
import { VERSION } from "../crawler/version.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Serves the checkout read-only; `.ts` as `application/typescript`. Logs every path. */
function serveCheckout(log: string[]): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    log.push(path);
    const file = normalize(join(ROOT, path));
    const rel = relative(ROOT, file);
    if (rel.startsWith("..") || rel.split("/").some((part) => part.startsWith("."))) {
      return new Response("forbidden\n", { status: 403 });
    }
    try {
      const body = await Deno.readFile(file);
      const type = extname(file) === ".ts"
        ? "application/typescript; charset=utf-8"
        : extname(file) === ".json"
        ? "application/json"
        : "text/plain; charset=utf-8";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      return new Response("not found\n", { status: 404 });
    }
  });
}

/** The npm cache of the Deno running this test (`deno info --json`). */
async function npmCache(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { npmCache: string };
  return info.npmCache;
}

function script(base: string): string {
  return `
import { compare, fetchAll, fetchUrl, joinall, sleep, spawn, VERSION } from "${base}/mod.ts";

const target = Deno.args[0];
const print = (value: unknown) => console.log(JSON.stringify(value));

const order: string[] = [];
const t0 = performance.now();
const slow = spawn(async () => {
  order.push("slow start");
  await sleep(0.1);
  order.push("slow end");
  return "S";
});
const fast = spawn(async () => {
  order.push("fast start");
  await sleep(0.05);
  order.push("fast end");
  return "F";
});
await joinall([slow, fast]);
// Again, warm (the first round also pays the fresh cache's start-up): 0.3 s and 0.2 s overlap.
const t1 = performance.now();
await joinall([spawn(() => sleep(0.3)), spawn(() => sleep(0.2))]);
print({
  kind: "greenlets",
  order,
  values: [slow.value, fast.value],
  ms: performance.now() - t0,
  warmMs: performance.now() - t1,
});

const one = await fetchUrl(target + "/one", { timeout: 5, retries: 0 });
print({ kind: "fetchUrl", version: VERSION, ok: one.ok, status: one.status, bytes: one.bytes, title: one.title });

for (const mode of ["concurrent", "blocking"] as const) {
  const started = performance.now();
  const records = [];
  const urls = [1, 2, 3, 4].map((i) => target + "/" + mode + "/" + i);
  for await (const r of fetchAll(urls, { mode, concurrency: 4, timeout: 5 })) records.push(r);
  print({
    kind: "fetchAll",
    mode,
    ms: performance.now() - started,
    records: records.map((r) => ({ line: r.line, ok: r.ok, bytes: r.bytes, title: r.title })),
  });
}

const runs = await compare([1, 2, 3].map((i) => target + "/cmp/" + i + "?ms=30"), {
  concurrency: 3,
  timeout: 5,
});
print({ kind: "compare", runs: runs.map((r) => ({ mode: r.mode, ok: r.summary.ok })) });
`;
}

test("mod.ts imported from an http URL: greenlets, fetchUrl, fetchAll (also blocking), compare", async () => {
  const log: string[] = [];
  const server = serveCheckout(log);
  await using latency = await startLatencyServer({ latencyMs: 100, bodyBytes: 2048 });
  const dir = await Deno.makeTempDir({ prefix: "greencrawl_url_import_" });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const denoDir = join(dir, "deno_dir");
    await Deno.mkdir(denoDir);
    await Deno.symlink(await npmCache(), join(denoDir, "npm"));
    await Deno.writeTextFile(join(dir, "script.ts"), script(base));
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        `--allow-import=127.0.0.1:${server.addr.port}`,
        "--allow-read",
        "script.ts",
        latency.url,
      ],
      cwd: dir, // no deno.json or lock file of the checkout applies
      env: {
        DENO_DIR: denoDir,
        HTTP_PROXY: "http://127.0.0.1:9",
        HTTPS_PROXY: "http://127.0.0.1:9",
        NO_PROXY: "127.0.0.1",
        NO_COLOR: "1",
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    let out: Deno.CommandOutput;
    try {
      out = await child.output();
    } finally {
      clearTimeout(killer);
    }
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, `exit ${out.code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);

    // Everything came over http: the entry point and the modules behind it.
    for (
      const path of [
        "/mod.ts",
        "/green/greenlet.ts",
        "/green/io/blocking.ts",
        "/crawler/fetch/fetch.ts",
      ]
    ) {
      assert(log.includes(path), `${path} was not requested; requests: ${log.join(" ")}`);
    }
    assert(stderr.includes(`Download ${base}/mod.ts`), `not downloaded fresh:\n${stderr}`);

    const lines = stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    const kinds = lines.map((l) => l.mode ? `${l.kind}:${l.mode}` : l.kind);
    assertEquals(kinds, [
      "greenlets",
      "fetchUrl",
      "fetchAll:concurrent",
      "fetchAll:blocking",
      "compare",
    ]);
    const [greenlets, one, concurrent, blocking, cmp] = lines;

    assertEquals(greenlets.order, ["slow start", "fast start", "fast end", "slow end"]);
    assertEquals(greenlets.values, ["S", "F"]);
    // The order already shows the overlap: fast started after slow and ended first.
    assert(greenlets.ms >= 95 && greenlets.ms < 5000, `first round: ${greenlets.ms} ms`);
    assert(
      greenlets.warmMs >= 290 && greenlets.warmMs < 450,
      `0.3 s and 0.2 s sleeps took ${greenlets.warmMs} ms: not overlapped (0.5 s) or too slow`,
    );

    assertEquals(one, {
      kind: "fetchUrl",
      version: VERSION,
      ok: true,
      status: 200,
      bytes: 2048,
      title: "/one",
    });

    for (const run of [concurrent, blocking]) {
      assertEquals(
        run.records.map((r: { line: number }) => r.line).sort(),
        [1, 2, 3, 4],
        JSON.stringify(run),
      );
      for (const r of run.records) {
        assertEquals(r, { line: r.line, ok: true, bytes: 2048, title: `/${run.mode}/${r.line}` });
      }
    }
    // 4 URLs of 100 ms: overlapped with green I/O, one after another when it blocks.
    assert(concurrent.ms < 350, `concurrent fetchAll took ${concurrent.ms} ms`);
    assert(blocking.ms >= 390, `blocking fetchAll took only ${blocking.ms} ms`);

    assertEquals(cmp.runs, [
      { mode: "sequential", ok: 3 },
      { mode: "blocking", ok: 3 },
      { mode: "concurrent", ok: 3 },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await server.shutdown();
  }
});
