/**
 * Proves every fixture route behaves as its module doc says.
 *
 * Run: `deno test --allow-net=127.0.0.1 --allow-read --allow-run tests/fixtures_test.ts`
 *
 * Each test makes a handful of requests; large bodies are read only up to a
 * bounded prefix and then cancelled.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  CTRL_TITLE,
  type FixtureServer,
  gzipBomb,
  serveRaw,
  startFaultServer,
} from "./fixtures/fault_server.ts";
import { latencyPage, startLatencyServer } from "./fixtures/latency_server.ts";

const MiB = 1024 * 1024;

function titleOf(html: string): string | null {
  return /<title>([\s\S]*?)<\/title>/.exec(html)?.[1] ?? null;
}

/** GET (or `init`) without following redirects, reading the whole (small) body. */
async function get(
  server: FixtureServer,
  path: string,
  init: RequestInit = {},
): Promise<{ res: Response; body: Uint8Array; text: string }> {
  const res = await fetch(server.url + path, { redirect: "manual", ...init });
  const body = new Uint8Array(await res.arrayBuffer());
  return { res, body, text: new TextDecoder().decode(body) };
}

/** Reads at least `limit` bytes (or to the end) from `res`, then cancels the rest. */
async function readPrefix(
  res: Response,
  limit: number,
): Promise<{ bytes: number; done: boolean; first: Uint8Array }> {
  const reader = res.body!.getReader();
  let bytes = 0;
  let first = new Uint8Array(0);
  let done = false;
  while (bytes < limit) {
    const chunk = await reader.read();
    if (chunk.done) {
      done = true;
      break;
    }
    if (bytes === 0) first = chunk.value;
    bytes += chunk.value.length;
  }
  await reader.cancel();
  return { bytes, done, first };
}

async function until(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

// ---------------------------------------------------------------------------
// Fault server

Deno.test("fault: /ok answers the OK page and is logged", async () => {
  await using server = await startFaultServer();
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(server.url, `http://127.0.0.1:${server.port}`);
  const { res, text } = await get(server, "/ok", { headers: { "user-agent": "probe/1" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(res.headers.get("content-length"), String(new TextEncoder().encode(text).length));
  assert.equal(titleOf(text), "OK page");
  const head = await get(server, "/ok?x=1", { method: "HEAD" });
  assert.equal(head.res.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.res.headers.get("content-length"), res.headers.get("content-length"));
  assert.deepEqual(server.log.map(({ method, path, userAgent }) => ({ method, path, userAgent })), [
    { method: "GET", path: "/ok", userAgent: "probe/1" },
    { method: "HEAD", path: "/ok?x=1", userAgent: `Deno/${Deno.version.deno}` },
  ]);
  assert.ok(server.log[0].at <= server.log[1].at);
  assert.equal(server.count("/ok"), 2);
  assert.equal(server.count("/ok?"), 1);
  assert.equal(server.count("/nope"), 0);
});

Deno.test("fault: unknown paths are 404", async () => {
  await using server = await startFaultServer();
  const { res, text } = await get(server, "/does/not/exist");
  assert.equal(res.status, 404);
  assert.equal(titleOf(text), "Not Found");
});

Deno.test("fault: /slow?ms=N answers after N ms", async () => {
  await using server = await startFaultServer();
  const started = performance.now();
  const { res, text } = await get(server, "/slow?ms=150");
  const elapsed = performance.now() - started;
  assert.equal(res.status, 200);
  assert.equal(titleOf(text), "Slow page");
  assert.ok(elapsed >= 145, `answered after ${elapsed} ms`);
  assert.ok(elapsed < 2000, `answered after ${elapsed} ms`);
});

Deno.test("fault: /hang never answers; aborting the fetch frees it", async () => {
  await using server = await startFaultServer();
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 300);
  const started = performance.now();
  await assert.rejects(fetch(server.url + "/hang", { signal: ac.signal }), { name: "AbortError" });
  clearTimeout(timer);
  assert.ok(performance.now() - started >= 295);
  assert.equal(server.count("/hang"), 1);
  // the server is still fine afterwards
  assert.equal((await get(server, "/ok")).res.status, 200);
});

Deno.test("fault: /drip sends headers at once, then a chunk every M ms", async () => {
  await using server = await startFaultServer();
  const started = performance.now();
  const res = await fetch(server.url + "/drip?chunks=3&ms=100");
  const headersAt = performance.now() - started;
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-length"), null);
  const arrivals: number[] = [];
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    arrivals.push(performance.now() - started);
    text += decoder.decode(chunk, { stream: true });
  }
  assert.equal(text, "drip 0\ndrip 1\ndrip 2\n");
  // chunk i is sent (i+1)*100 ms after the request; the head did not wait for it
  assert.ok(headersAt < arrivals[0] - 50, `headers at ${headersAt} ms, chunk at ${arrivals[0]}`);
  assert.ok(arrivals[0] >= 95, `first chunk at ${arrivals[0]} ms`);
  assert.ok(arrivals.at(-1)! >= 295, `last chunk at ${arrivals.at(-1)} ms`);
});

Deno.test("fault: /reset closes the connection without a response", async () => {
  await using server = await startFaultServer();
  await get(server, "/ok"); // a previous request must not make fetch retry it
  await assert.rejects(fetch(server.url + "/reset"), TypeError);
  await assert.rejects(fetch(server.url + "/reset", { method: "POST", body: "x" }), TypeError);
  assert.equal(server.count("/reset"), 2);
});

Deno.test("fault: /reset-mid promises more body than it sends", async () => {
  await using server = await startFaultServer();
  const res = await fetch(server.url + "/reset-mid");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-length"), "65536");
  await assert.rejects(res.arrayBuffer(), TypeError);
  assert.equal(server.count("/reset-mid"), 1);
});

Deno.test("fault: /status/N answers status N", async () => {
  await using server = await startFaultServer();
  for (const n of [500, 503, 404, 418]) {
    const { res, text } = await get(server, `/status/${n}`);
    assert.equal(res.status, n);
    assert.equal(titleOf(text), `Status ${n}`);
  }
  const noContent = await get(server, "/status/204");
  assert.equal(noContent.res.status, 204);
  assert.equal(noContent.body.length, 0);
  assert.equal((await get(server, "/status/999")).res.status, 400);
});

Deno.test("fault: /flaky/KEY fails N times per key, then succeeds", async () => {
  await using server = await startFaultServer();
  const statuses: number[] = [];
  const attempts: (string | null)[] = [];
  for (let i = 0; i < 3; i++) {
    const { res } = await get(server, "/flaky/a?fail=2&status=500");
    statuses.push(res.status);
    attempts.push(res.headers.get("x-attempt"));
  }
  assert.deepEqual(statuses, [500, 500, 200]);
  assert.deepEqual(attempts, ["1", "2", "3"]);
  const other = await get(server, "/flaky/b"); // defaults: fail=1, status=503
  assert.equal(other.res.status, 503);
  const again = await get(server, "/flaky/b");
  assert.equal(again.res.status, 200);
  assert.equal(titleOf(again.text), "Flaky b");
  assert.equal(server.count("/flaky/a"), 3);
});

Deno.test("fault: /429 answers 429 with Retry-After seconds once per key", async () => {
  await using server = await startFaultServer();
  const first = await get(server, "/429?after=2&key=k");
  assert.equal(first.res.status, 429);
  assert.equal(first.res.headers.get("retry-after"), "2");
  const second = await get(server, "/429?after=2&key=k");
  assert.equal(second.res.status, 200);
  assert.equal((await get(server, "/429?after=2&key=other")).res.status, 429);
});

Deno.test("fault: /429-date sends an HTTP-date Retry-After in the future", async () => {
  await using server = await startFaultServer();
  const before = Date.now();
  const first = await get(server, "/429-date?after=1&key=d");
  assert.equal(first.res.status, 429);
  const retryAfter = first.res.headers.get("retry-after")!;
  assert.match(retryAfter, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  const at = Date.parse(retryAfter);
  assert.ok(at >= before + 1000, `${retryAfter} is less than 1 s after the request`);
  assert.ok(at <= Date.now() + 2000, `${retryAfter} is too far away`);
  assert.equal((await get(server, "/429-date?after=1&key=d")).res.status, 200);
});

Deno.test("fault: /redirect/N is a chain of N hops, relative on odd N, absolute on even", async () => {
  await using server = await startFaultServer();
  const locations: (string | null)[] = [];
  let path = "/redirect/3";
  for (let hop = 0; hop < 3; hop++) {
    const { res } = await get(server, path);
    assert.equal(res.status, 302);
    const location = res.headers.get("location");
    locations.push(location);
    path = new URL(location!, server.url + path).pathname;
  }
  assert.deepEqual(locations, ["/redirect/2", `${server.url}/redirect/1`, "/ok"]);
  const followed = await fetch(server.url + "/redirect/2");
  assert.equal(titleOf(await followed.text()), "OK page");
  assert.equal(followed.url, server.url + "/ok");
  assert.ok(followed.redirected);
});

Deno.test("fault: /loop/a and /loop/b redirect to each other", async () => {
  await using server = await startFaultServer();
  const a = await get(server, "/loop/a");
  const b = await get(server, "/loop/b");
  assert.equal(a.res.status, 302);
  assert.equal(a.res.headers.get("location"), "/loop/b");
  assert.equal(b.res.status, 302);
  assert.equal(b.res.headers.get("location"), "/loop/a");
});

Deno.test("fault: /redirect-no-location and /redirect-to", async () => {
  await using server = await startFaultServer();
  const none = await get(server, "/redirect-no-location");
  assert.equal(none.res.status, 302);
  assert.equal(none.res.headers.get("location"), null);
  const target = "http://other.invalid:8080/elsewhere?x=1";
  const to = await get(server, `/redirect-to?url=${encodeURIComponent(target)}`);
  assert.equal(to.res.status, 302);
  assert.equal(to.res.headers.get("location"), target);
  const permanent = await get(server, `/redirect-to?status=308&url=${encodeURIComponent("/ok")}`);
  assert.equal(permanent.res.status, 308);
  assert.equal(permanent.res.headers.get("location"), "/ok");
  assert.equal((await get(server, "/redirect-to")).res.status, 400);
});

Deno.test("fault: /huge streams without Content-Length, /huge-cl with it", async () => {
  await using server = await startFaultServer();
  const huge = await fetch(server.url + "/huge");
  assert.equal(huge.status, 200);
  assert.equal(huge.headers.get("content-length"), null);
  const prefix = await readPrefix(huge, 2 * MiB);
  assert.ok(prefix.bytes >= 2 * MiB && !prefix.done);
  assert.match(new TextDecoder().decode(prefix.first), /^<!doctype html>/);

  const withLength = await fetch(server.url + "/huge-cl?mb=50");
  assert.equal(withLength.headers.get("content-length"), String(50 * MiB));
  assert.ok(!(await readPrefix(withLength, 2 * MiB)).done);

  const small = await get(server, "/huge?mb=0.01"); // floor(0.01 MiB) bytes, read whole
  assert.equal(small.body.length, Math.floor(0.01 * MiB));
  const smallCl = await get(server, "/huge-cl?mb=0.01");
  assert.deepEqual(smallCl.body, small.body);
});

Deno.test("fault: /gzip-bomb is small on the wire and inflates past 10 MiB", async () => {
  await using server = await startFaultServer();
  const res = await fetch(server.url + "/gzip-bomb");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-encoding"), "gzip");
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  const compressed = Number(res.headers.get("content-length"));
  assert.ok(compressed > 0 && compressed < 2 * MiB, `compressed size ${compressed}`);
  const prefix = await readPrefix(res, 11 * MiB); // fetch inflates transparently
  assert.ok(prefix.bytes > 10 * MiB && !prefix.done);
  assert.ok(prefix.first.every((b) => b === 0));
  const bytes = await gzipBomb(); // cached: the same bytes every time
  assert.equal(bytes.length, compressed);
  assert.equal(await gzipBomb(), bytes);
});

Deno.test("fault: /binary is a few KB of image/png including 0x1b and 0x9b", async () => {
  await using server = await startFaultServer();
  const { res, body } = await get(server, "/binary");
  assert.equal(res.headers.get("content-type"), "image/png");
  assert.equal(body.length, 4096);
  assert.deepEqual([...body.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(body.includes(0x1b) && body.includes(0x9b) && body.includes(0));
});

Deno.test("fault: /gbk and /gbk-meta carry a GBK-encoded title", async () => {
  await using server = await startFaultServer();
  const gbk = await get(server, "/gbk");
  assert.equal(gbk.res.headers.get("content-type"), "text/html; charset=gbk");
  assert.equal(titleOf(new TextDecoder("gbk").decode(gbk.body)), "中文标题");
  assert.notEqual(titleOf(gbk.text), "中文标题"); // not UTF-8
  const meta = await get(server, "/gbk-meta");
  assert.equal(meta.res.headers.get("content-type"), "text/html");
  const decoded = new TextDecoder("gbk").decode(meta.body);
  assert.ok(decoded.includes(`<meta charset="gbk">`));
  assert.equal(titleOf(decoded), "中文标题");
});

Deno.test("fault: /ctrl-title holds terminal escapes and a bidi override", async () => {
  await using server = await startFaultServer();
  const { res, text } = await get(server, "/ctrl-title");
  assert.equal(res.status, 200);
  const title = titleOf(text)!;
  assert.equal(title, CTRL_TITLE);
  for (const bad of ["\x1b[31m", "\x1b]0;pwned\x07", "\x07", "\u009b", "\u202e"]) {
    assert.ok(title.includes(bad), `title lacks ${JSON.stringify(bad)}`);
  }
});

Deno.test("fault: /no-title, /text, /json", async () => {
  await using server = await startFaultServer();
  const noTitle = await get(server, "/no-title");
  assert.equal(noTitle.res.status, 200);
  assert.match(noTitle.res.headers.get("content-type")!, /^text\/html/);
  assert.equal(titleOf(noTitle.text), null);
  assert.ok(!noTitle.text.includes("<title"));
  const text = await get(server, "/text");
  assert.equal(text.res.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(text.text, "Plain text body.\n");
  const json = await get(server, "/json");
  assert.equal(json.res.headers.get("content-type"), "application/json");
  assert.deepEqual(JSON.parse(json.text), { ok: true, items: [1, 2, 3] });
});

Deno.test("fault: /headers-echo echoes request headers as JSON", async () => {
  await using server = await startFaultServer();
  const { res, text } = await get(server, "/headers-echo", {
    headers: { "User-Agent": "greencrawl-test/0.1", "X-Custom": "a b", "Accept": "text/html" },
  });
  assert.equal(res.headers.get("content-type"), "application/json");
  const echoed = JSON.parse(text);
  assert.equal(echoed["user-agent"], "greencrawl-test/0.1");
  assert.equal(echoed["x-custom"], "a b");
  assert.equal(echoed["accept"], "text/html");
  assert.equal(echoed["host"], `127.0.0.1:${server.port}`);
  assert.equal(server.log[0].userAgent, "greencrawl-test/0.1");
});

Deno.test("fault: client aborts mid-body do not hurt the server", async () => {
  await using server = await startFaultServer();
  const aborted = await Promise.all(
    ["/huge", "/huge-cl", "/drip?chunks=100&ms=5", "/slow?ms=5000", "/gzip-bomb"].map(
      async (path) => {
        const ac = new AbortController();
        const pending = fetch(server.url + path, { signal: ac.signal });
        if (path.startsWith("/slow")) {
          setTimeout(() => ac.abort(), 20);
          return await pending.then(() => "answered", (e) => e.name);
        }
        const res = await pending;
        const reader = res.body!.getReader();
        await reader.read();
        ac.abort();
        return await reader.read().then(() => "read", (e) => e.name);
      },
    ),
  );
  assert.ok(aborted.every((r) => r === "AbortError"), `${aborted}`);
  assert.equal((await get(server, "/ok")).res.status, 200);
});

Deno.test("fault: close() with a hanging client resolves promptly and is idempotent", async () => {
  const server = await startFaultServer();
  const pending = fetch(server.url + "/hang");
  const rejected = assert.rejects(pending, TypeError);
  await until(() => server.count("/hang") === 1);
  const started = performance.now();
  await server.close();
  const took = performance.now() - started;
  assert.ok(took < 500, `close took ${took} ms`);
  await rejected;
  await server.close();
  await server[Symbol.asyncDispose]();
  await assert.rejects(fetch(server.url + "/ok"), TypeError);
});

Deno.test("fault: --port and a taken port", async () => {
  const first = await startFaultServer();
  try {
    await assert.rejects(startFaultServer({ port: first.port }), Deno.errors.AddrInUse);
  } finally {
    await first.close();
  }
});

Deno.test("serveRaw: pipelined requests share a connection; a handler that does not answer gets 500", async () => {
  await using server = await serveRaw((ex) => {
    if (ex.url.pathname === "/silent") return;
    return ex.send(200, { "content-type": "text/plain" }, ex.path);
  });
  // raw socket: two pipelined requests on one connection
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  await conn.write(new TextEncoder().encode(
    "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /silent HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
  ));
  const reply = new TextDecoder().decode(
    new Uint8Array(await new Response(conn.readable).arrayBuffer()),
  );
  assert.match(reply, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n\/aHTTP\/1\.1 500 /);
  assert.match(reply, /connection: close/);
  assert.deepEqual(server.log.map((e) => e.path), ["/a", "/silent"]);
});

// ---------------------------------------------------------------------------
// Latency server

Deno.test("latency: default 100 ms and 1024 bytes titled with the path", async () => {
  await using server = await startLatencyServer();
  const started = performance.now();
  const res = await fetch(server.url + "/some/page.html?q=1");
  const body = new Uint8Array(await res.arrayBuffer());
  const elapsed = performance.now() - started;
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(body.length, 1024);
  assert.equal(titleOf(new TextDecoder().decode(body)), "/some/page.html");
  assert.ok(elapsed >= 95, `answered after ${elapsed} ms`);
  assert.deepEqual(body, latencyPage("/some/page.html", 1024)); // deterministic
  assert.equal(server.count("/some/"), 1);
});

Deno.test("latency: options and ?ms= / ?bytes= overrides", async () => {
  await using server = await startLatencyServer({ latencyMs: 400, bodyBytes: 300 });
  let started = performance.now();
  const quick = await fetch(server.url + "/q?ms=0&bytes=5000");
  assert.equal((await quick.arrayBuffer()).byteLength, 5000);
  assert.ok(performance.now() - started < 300);
  started = performance.now();
  const slow = await fetch(server.url + "/<b>");
  const text = await slow.text();
  assert.ok(performance.now() - started >= 390);
  assert.equal(text.length, 300);
  assert.equal(titleOf(text), "/%3Cb%3E");
  const tiny = await fetch(server.url + "/t?ms=0&bytes=10");
  assert.equal(await tiny.text(), "<!doctype ");
  const ignored = await fetch(server.url + "/t?ms=0&bytes=-5");
  assert.equal((await ignored.arrayBuffer()).byteLength, 300);
});

Deno.test("latency: bad options reject", async () => {
  await assert.rejects(startLatencyServer({ latencyMs: -1 }), RangeError);
  await assert.rejects(startLatencyServer({ bodyBytes: 1.5 }), RangeError);
});

Deno.test("latency: 1000 concurrent requests overlap their waits", async () => {
  await using server = await startLatencyServer({ latencyMs: 200, bodyBytes: 512 });
  const started = performance.now();
  const sizes = await Promise.all(
    Array.from(
      { length: 1000 },
      (_, i) =>
        fetch(`${server.url}/p/${i}`).then((r) => r.arrayBuffer()).then((b) => b.byteLength),
    ),
  );
  const elapsed = performance.now() - started;
  assert.ok(sizes.every((n) => n === 512));
  assert.equal(server.log.length, 1000);
  assert.ok(elapsed < 5000, `1000 × 200 ms took ${elapsed} ms`); // serial would be 200 s
});

Deno.test("latency: close() ends in-flight waits promptly", async () => {
  const server = await startLatencyServer({ latencyMs: 60_000 });
  const rejected = assert.rejects(fetch(server.url + "/wait"), TypeError);
  await until(() => server.log.length === 1);
  const started = performance.now();
  await server.close();
  assert.ok(performance.now() - started < 500);
  await rejected;
});

// ---------------------------------------------------------------------------
// Subprocess mode

async function runFixture(file: string, args: string[], signal: Deno.Signal) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", new URL(file, import.meta.url).href, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000); // never hang the suite
  try {
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) break;
      out += value;
    }
    const url = out.split("\n")[0];
    let status = 0;
    let body = "";
    if (/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) {
      const res = await fetch(url + "/ok?bytes=100&ms=0");
      status = res.status;
      body = await res.text();
    }
    child.kill(signal);
    const exit = await child.status;
    await lines.cancel();
    return { url, status, body, exit, stderr: await stderr };
  } finally {
    clearTimeout(killer);
  }
}

Deno.test("subprocess: fault_server.ts prints its URL first and exits cleanly on SIGTERM", async () => {
  const run = await runFixture("./fixtures/fault_server.ts", [], "SIGTERM");
  assert.match(run.url, /^http:\/\/127\.0\.0\.1:\d+$/, run.stderr);
  assert.equal(run.status, 200);
  assert.equal(titleOf(run.body), "OK page");
  assert.equal(run.exit.code, 0, run.stderr);
  assert.equal(run.exit.signal, null);
});

Deno.test("subprocess: latency_server.ts honours --port and flags, exits cleanly on SIGINT", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  const run = await runFixture(
    "./fixtures/latency_server.ts",
    ["--port", String(port), "--latency-ms=5", "--body-bytes", "777"],
    "SIGINT",
  );
  assert.equal(run.url, `http://127.0.0.1:${port}`, run.stderr);
  assert.equal(run.status, 200);
  assert.equal(run.body.length, 100); // ?bytes=100 overrides --body-bytes
  assert.equal(titleOf(run.body), "/ok");
  assert.equal(run.exit.code, 0, run.stderr);
});
