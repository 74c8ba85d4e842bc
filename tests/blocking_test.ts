/**
 * Tests for green/blocking.ts and green/open_async.ts: blocking (frozen thread) versus yielding
 * HTTP and sleep.
 *
 * The test server runs in a Deno Worker, not on the test's own thread: a blocking request freezes
 * this thread, so a server whose handlers ran here could not answer it (see the module doc of
 * green/blocking.ts). The worker also hosts a raw TCP listener that sends a truncated body.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env
 *      tests/blocking_test.ts
 */

import { blockingSleep, openUrlBlocking } from "../green/io/blocking.ts";
import { openUrlAsync } from "../green/io/open_async.ts";
import type { OpenOptions, UrlResponse } from "../green/io/url_response.ts";

// ---------------------------------------------------------------------------------------------
// Minimal assertions (no JSR here)

function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

function assertEquals<T>(actual: T, expected: T, msg = ""): void {
  if (actual !== expected) {
    throw new Error(`${msg}${msg ? ": " : ""}expected ${String(expected)}, got ${String(actual)}`);
  }
}

async function assertRejects(
  fn: () => Promise<unknown>,
  check: (e: unknown) => boolean,
  msg: string,
): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    if (!check(e)) throw new Error(`${msg}: rejected with the wrong error: ${String(e)}`);
    return e;
  }
  throw new Error(`${msg}: did not reject`);
}

const isTimeout = (e: unknown) => e instanceof DOMException && e.name === "TimeoutError";
const isTypeError = (e: unknown) => e instanceof TypeError;

// ---------------------------------------------------------------------------------------------
// The test server, in a worker

const SERVER_SOURCE = `
const stops = new Set();
const progress = new Map(); // /big?id=X: bytes the server has produced so far
const stopAll = () => { for (const f of stops) f(); stops.clear(); };
const sleep = (ms, signal) => new Promise((resolve) => {
  let t;
  const done = () => { clearTimeout(t); stops.delete(done); resolve(); };
  t = setTimeout(done, ms);
  stops.add(done);
  signal?.addEventListener("abort", done, { once: true });
});
function pattern(i) { return (i * 7 + 3) & 255; }
async function handler(req) {
  const u = new URL(req.url);
  const q = (k, d) => Number(u.searchParams.get(k) ?? d);
  switch (u.pathname) {
    case "/ok": return new Response("hello");
    case "/delay": await sleep(q("ms", 0)); return new Response("delayed");
    case "/hang": await sleep(q("ms", 10000)); return new Response("late");
    case "/redirect": return new Response(null, { status: 302, headers: { location: "/ok" } });
    case "/headers": return Response.json(Object.fromEntries(req.headers));
    case "/bigheader": return new Response("x", { headers: { "x-big": "a".repeat(100000) } });
    case "/progress": return new Response(String(progress.get(u.searchParams.get("id")) ?? -1));
    case "/big": {
      const total = q("bytes", 0);
      const id = u.searchParams.get("id");
      let sent = 0;
      return new Response(new ReadableStream({
        type: "bytes",
        pull(c) {
          if (sent >= total) { c.close(); return; }
          const n = Math.min(65536, total - sent);
          const b = new Uint8Array(n);
          for (let i = 0; i < n; i++) b[i] = pattern(sent + i);
          sent += n;
          if (id) progress.set(id, sent);
          c.enqueue(b);
        },
      }), { headers: { "content-length": String(total) } });
    }
    case "/drip": {
      const interval = q("ms", 100), count = q("count", 20);
      let i = 0;
      const gone = new AbortController();
      return new Response(new ReadableStream({
        async pull(c) {
          if (i++ >= count) { c.close(); return; }
          await sleep(interval, gone.signal);
          if (!gone.signal.aborted) c.enqueue(new Uint8Array(10));
        },
        cancel() { gone.abort(); },
      }));
    }
    case "/gzip": {
      const text = "greencrawl gzip body ".repeat(5000);
      const gz = await new Response(
        new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")),
      ).arrayBuffer();
      return new Response(gz, { headers: { "content-encoding": "gzip", "content-type": "text/plain" } });
    }
  }
  return new Response("not found", { status: 404 });
}
let server, raw;
const rawConns = new Set();
async function serveRaw(listener) {
  for await (const conn of listener) {
    rawConns.add(conn);
    (async () => {
      try {
        await conn.read(new Uint8Array(4096));
        await conn.write(new TextEncoder().encode(
          "HTTP/1.1 200 OK\\r\\nContent-Length: 100\\r\\n\\r\\n0123456789",
        ));
        await new Promise((r) => setTimeout(r, 50));
      } catch { /* client went away */ }
      try { conn.close(); } catch { /* already closed */ }
      rawConns.delete(conn);
    })();
  }
}
self.onmessage = async (e) => {
  if (e.data === "start") {
    server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
    raw = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    serveRaw(raw).catch(() => {});
    self.postMessage({ port: server.addr.port, rawPort: raw.addr.port });
  } else if (e.data === "stop") {
    stopAll();
    raw.close();
    for (const c of rawConns) { try { c.close(); } catch { /* closed */ } }
    await server.shutdown();
    self.postMessage("stopped");
  }
};
`;

interface TestServer {
  base: string;
  rawBase: string;
  close(): Promise<void>;
}

async function startServer(): Promise<TestServer> {
  const url = URL.createObjectURL(new Blob([SERVER_SOURCE], { type: "application/javascript" }));
  const worker = new Worker(url, { type: "module" });
  URL.revokeObjectURL(url);
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(`server worker failed: ${e.message}`));
      };
    });
  const started = next();
  worker.postMessage("start");
  const { port, rawPort } = (await started) as { port: number; rawPort: number };
  return {
    base: `http://127.0.0.1:${port}`,
    rawBase: `http://127.0.0.1:${rawPort}`,
    async close() {
      const stopped = next();
      worker.postMessage("stop");
      await stopped;
      worker.terminate();
    },
  };
}

async function withServer(fn: (s: TestServer) => Promise<void>): Promise<void> {
  const s = await startServer();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

type Opener = (url: string | URL, options?: OpenOptions) => Promise<UrlResponse>;
const MODES: [string, Opener][] = [["async", openUrlAsync], ["blocking", openUrlBlocking]];

function countTicksDuring<T>(fn: () => Promise<T>): Promise<{ ticks: number; ms: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const t0 = performance.now();
  return fn().then(
    () => {
      const ms = performance.now() - t0;
      clearInterval(timer);
      return { ticks, ms };
    },
    (e) => {
      clearInterval(timer);
      throw e;
    },
  );
}

/** Gives the event loop a real turn (timers included). */
const turn = (ms = 0) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// 1. The contrast

Deno.test("blocking request freezes timers; async request lets them tick", async () => {
  await withServer(async ({ base }) => {
    const blocking = await countTicksDuring(async () => {
      const r = await openUrlBlocking(`${base}/delay?ms=300`);
      assertEquals(new TextDecoder().decode(await r.read()), "delayed");
    });
    assertEquals(blocking.ticks, 0, "ticks during a blocking 300 ms request");
    assert(blocking.ms >= 290, `blocking request took ${blocking.ms} ms`);
    await turn(20);
    const yielding = await countTicksDuring(async () => {
      const r = await openUrlAsync(`${base}/delay?ms=300`);
      assertEquals(new TextDecoder().decode(await r.read()), "delayed");
    });
    assert(yielding.ticks >= 10, `only ${yielding.ticks} ticks during an async 300 ms request`);
  });
});

Deno.test("three 'concurrent' blocking requests take the sum; async ones take the max", async () => {
  await withServer(async ({ base }) => {
    const run = async (open: Opener) => {
      const t0 = performance.now();
      const order: string[] = [];
      const returnedAt: number[] = []; // when each open() call returned to its caller
      await Promise.all([0, 1, 2].map(async (i) => {
        order.push(`GET ${i}`);
        const pending = open(`${base}/delay?ms=100`);
        returnedAt.push(performance.now() - t0);
        await (await pending).read();
        order.push(`got ${i}`);
      }));
      return { ms: performance.now() - t0, order: order.join(","), returnedAt };
    };
    await (await openUrlBlocking(`${base}/ok`)).read(); // warm up the worker and connection
    const blocking = await run(openUrlBlocking);
    assert(blocking.ms >= 300, `3 blocking requests took ${blocking.ms} ms, expected >= 300`);
    // Each blocking call held the thread for its whole request: they ran one after the other.
    // (The GET/got print order is the tasks' business: these three tasks all start synchronously
    // inside map(), and an await on a settled promise still lets the next one start.)
    blocking.returnedAt.forEach((ms, i) =>
      assert(ms >= 100 * (i + 1) - 5, `blocking open #${i} returned at ${ms} ms`)
    );
    const yielding = await run(openUrlAsync);
    assert(yielding.ms < 250, `3 async requests took ${yielding.ms} ms, expected < 250`);
    assertEquals(yielding.order.slice(0, 17), "GET 0,GET 1,GET 2");
    yielding.returnedAt.forEach((ms, i) =>
      assert(ms < 50, `async open #${i} should return a pending promise at once, took ${ms} ms`)
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 2. blockingSleep

Deno.test("blockingSleep freezes timers", async () => {
  const r = await countTicksDuring(() => {
    blockingSleep(0.2);
    return Promise.resolve();
  });
  assertEquals(r.ticks, 0, "ticks during blockingSleep(0.2)");
  assert(r.ms >= 200, `blockingSleep(0.2) took ${r.ms} ms`);
  blockingSleep(0); // returns at once
  let threw = false;
  try {
    blockingSleep(-1);
  } catch (e) {
    threw = e instanceof RangeError;
  }
  assert(threw, "blockingSleep(-1) must throw a RangeError");
});

// ---------------------------------------------------------------------------------------------
// 3. Big bodies and Content-Encoding

Deno.test("a 20 MB body streams intact through the blocking worker", async () => {
  await withServer(async ({ base }) => {
    const total = 20 * 1024 * 1024;
    const r = await openUrlBlocking(`${base}/big?bytes=${total}`);
    assertEquals(r.status, 200);
    let n = 0;
    let chunks = 0;
    let maxChunk = 0;
    for (let c = await r.readChunk(); c !== null; c = await r.readChunk()) {
      // Spot-check content, not just length.
      for (let i = 0; i < c.length; i += 4099) {
        if (c[i] !== (((n + i) * 7 + 3) & 255)) throw new Error(`wrong byte at ${n + i}`);
      }
      n += c.length;
      chunks++;
      maxChunk = Math.max(maxChunk, c.length);
    }
    assertEquals(n, total, "bytes received");
    assert(maxChunk <= 64 * 1024, `a chunk of ${maxChunk} bytes: the window is 64 KiB`);
    assert(chunks >= total / (64 * 1024), `${chunks} chunks`);
    assertEquals(await r.readChunk(), null, "readChunk after the end");
    await r.cancel(); // harmless after the end
  });
});

Deno.test("the worker does not buffer an unread body: the server is held back", async () => {
  await withServer(async ({ base }) => {
    const total = 20 * 1024 * 1024;
    const r = await openUrlBlocking(`${base}/big?bytes=${total}&id=held`);
    assert((await r.readChunk()) !== null, "first chunk");
    await turn(300); // plenty of time for a worker that reads ahead without limit
    const progress = await openUrlAsync(`${base}/progress?id=held`);
    const produced = Number(new TextDecoder().decode(await progress.read()));
    // Only socket buffers and one chunk of read-ahead may hold data: far less than the body.
    assert(produced > 0 && produced < total / 2, `server produced ${produced} of ${total} bytes`);
    await r.cancel();
    await turn(50);
  });
});

Deno.test("gzip Content-Encoding is decoded in both modes", async () => {
  await withServer(async ({ base }) => {
    const expected = "greencrawl gzip body ".repeat(5000);
    for (const [mode, open] of MODES) {
      const r = await open(`${base}/gzip`);
      assertEquals(r.headers.get("content-encoding"), "gzip", mode);
      const body = await r.read();
      assertEquals(body.length, expected.length, `${mode} decoded length`);
      assertEquals(new TextDecoder().decode(body), expected, `${mode} decoded body`);
    }
  });
});

Deno.test("every chunk owns its buffer: small streamed chunks pin no 64 KiB buffers", async () => {
  // Deno's fetch gives a default reader each chunk as a view of a fresh 64 KiB buffer; keeping
  // 10-byte (or a gzip bomb's 4 KiB) chunks would then hold 64 KiB each.
  await withServer(async ({ base }) => {
    for (const [mode, open] of MODES) {
      for (const path of ["/drip?ms=1&count=5", "/gzip", "/big?bytes=200000"]) {
        const r = await open(`${base}${path}`);
        let chunks = 0;
        for (let c = await r.readChunk(); c !== null; c = await r.readChunk()) {
          chunks++;
          assertEquals(c.buffer.byteLength, c.byteLength, `${mode} ${path}: buffer of a chunk`);
        }
        assert(chunks > 0, `${mode} ${path}: no chunk`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Timeouts

Deno.test("timeouts reject with TimeoutError in both modes; the worker recovers", async () => {
  await withServer(async ({ base }) => {
    for (const [mode, open] of MODES) {
      // Headers never come.
      let t0 = performance.now();
      await assertRejects(
        () => open(`${base}/hang?ms=5000`, { timeout: 0.3 }),
        isTimeout,
        `${mode} /hang`,
      );
      let ms = performance.now() - t0;
      assert(ms >= 280 && ms < 2000, `${mode} /hang timed out after ${ms} ms`);

      // Headers come at once, the body drips slower than the deadline (10 bytes / 100 ms).
      t0 = performance.now();
      const r = await open(`${base}/drip?ms=100&count=20`, { timeout: 0.35 });
      assertEquals(r.status, 200);
      await assertRejects(() => r.read(), isTimeout, `${mode} /drip body`);
      ms = performance.now() - t0;
      assert(ms >= 330 && ms < 2000, `${mode} /drip timed out after ${ms} ms`);
      await assertRejects(() => r.readChunk(), isTimeout, `${mode} readChunk after timeout`);
      await r.cancel(); // safe after a failure

      // Usable again afterwards.
      const ok = await open(`${base}/ok`, { timeout: 2 });
      assertEquals(new TextDecoder().decode(await ok.read()), "hello", mode);
    }
    await turn(50); // let the server see the aborted connections
  });
});

Deno.test("a timeout of 0 or an invalid timeout fails the same way in both modes", async () => {
  await withServer(async ({ base }) => {
    for (const [mode, open] of MODES) {
      await assertRejects(() => open(`${base}/ok`, { timeout: 0 }), isTimeout, `${mode} 0`);
      await assertRejects(
        () => open(`${base}/ok`, { timeout: -1 }),
        (e) => e instanceof RangeError,
        `${mode} -1`,
      );
      const r = await open(`${base}/ok`, { timeout: Infinity }); // Infinity: no deadline
      assertEquals(new TextDecoder().decode(await r.read()), "hello", `${mode} Infinity`);
    }
    await turn(50);
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Network errors, redirects, aborts, headers

Deno.test("connection refused is a TypeError in both modes, with the cause carried over", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const messages: string[] = [];
  for (const [mode, open] of MODES) {
    const e = await assertRejects(
      () => open(`http://127.0.0.1:${port}/`, { timeout: 5 }),
      isTypeError,
      `${mode} refused`,
    ) as TypeError;
    messages.push(`${e.message} / ${(e.cause as Error | undefined)?.message}`);
    if (e.cause !== undefined) {
      assert(/refused/i.test(String((e.cause as Error).message)), `${mode}: ${messages.at(-1)}`);
    }
  }
  // The blocking error is re-created with the same message and cause text.
  assertEquals(messages[1], messages[0], "blocking error mirrors fetch's");
});

Deno.test("a truncated body is a TypeError during the read, in both modes", async () => {
  await withServer(async ({ rawBase }) => {
    for (const [mode, open] of MODES) {
      const r = await open(`${rawBase}/`, { timeout: 5 });
      assertEquals(r.status, 200, mode);
      await assertRejects(() => r.read(), isTypeError, `${mode} truncated body`);
    }
  });
});

Deno.test("redirect 'manual' returns the 3xx with Location; 'follow' follows", async () => {
  await withServer(async ({ base }) => {
    for (const [mode, open] of MODES) {
      const r = await open(`${base}/redirect`, { redirect: "manual" });
      assertEquals(r.status, 302, mode);
      assertEquals(r.headers.get("location"), "/ok", mode);
      assertEquals(r.url, `${base}/redirect`, mode);
      await r.cancel();
      const f = await open(`${base}/redirect`);
      assertEquals(f.status, 200, mode);
      assertEquals(f.url, `${base}/ok`, mode);
      assertEquals(new TextDecoder().decode(await f.read()), "hello", mode);
    }
  });
});

Deno.test("an aborted signal rejects with signal.reason in both modes", async () => {
  await withServer(async ({ base }) => {
    for (const [mode, open] of MODES) {
      const reason = new Error(`stop ${mode}`);
      await assertRejects(
        () => open(`${base}/ok`, { signal: AbortSignal.abort(reason) }),
        (e) => e === reason,
        `${mode} pre-aborted`,
      );
      // Aborted between body chunks.
      const ac = new AbortController();
      const r = await open(`${base}/drip?ms=20&count=10`, { signal: ac.signal });
      assert((await r.readChunk()) !== null, `${mode} first chunk`);
      ac.abort(reason);
      await assertRejects(() => r.readChunk(), (e) => e === reason, `${mode} aborted body`);
      await r.cancel();
    }
    await turn(50);
  });
});

Deno.test("abort or timeout after the body arrived but before it was read: both modes fail", async () => {
  await withServer(async ({ base }) => {
    for (const [mode, open] of MODES) {
      // Deno's fetch errors the body on abort/timeout until the reader saw the end, even when
      // all bytes had arrived; the blocking mode, which already holds them, must do the same.
      const r = await open(`${base}/ok`, { timeout: 0.3 });
      await turn(450);
      await assertRejects(() => r.read(), isTimeout, `${mode} late timeout`);
      const ac = new AbortController();
      const r2 = await open(`${base}/ok`, { signal: ac.signal });
      await turn(30);
      const reason = new Error("late");
      ac.abort(reason);
      await assertRejects(() => r2.read(), (e) => e === reason, `${mode} late abort`);
      // Once the end was seen, nothing can fail any more.
      const ac3 = new AbortController();
      const r3 = await open(`${base}/ok`, { signal: ac3.signal });
      assertEquals(new TextDecoder().decode(await r3.read()), "hello", mode);
      ac3.abort();
      assertEquals(await r3.readChunk(), null, `${mode} after the end`);
      // cancel() on a body that fully arrived: the rest is dropped, reads return the end.
      const r4 = await open(`${base}/ok`);
      await turn(30);
      await r4.cancel();
      assertEquals(await r4.readChunk(), null, `${mode} after cancel`);
    }
  });
});

Deno.test("method, request headers and large response headers pass through", async () => {
  await withServer(async ({ base }) => {
    for (const [mode, open] of MODES) {
      const r = await open(`${base}/headers`, { headers: { "x-greencrawl": mode } });
      const echoed = JSON.parse(new TextDecoder().decode(await r.read()));
      assertEquals(echoed["x-greencrawl"], mode);
      const h = await open(`${base}/ok`, { method: "HEAD" });
      assertEquals(h.status, 200, `${mode} HEAD`);
      assertEquals((await h.read()).length, 0, `${mode} HEAD body`);
      // A header larger than the 64 KiB shared window arrives in several frames.
      const b = await open(`${base}/bigheader`);
      assertEquals(b.headers.get("x-big")?.length, 100000, `${mode} big header`);
      assertEquals(new TextDecoder().decode(await b.read()), "x", mode);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Several open bodies

Deno.test("several blocking responses can be open at once and read in any order", async () => {
  await withServer(async ({ base }) => {
    const size = 2 * 1024 * 1024;
    const a = await openUrlBlocking(`${base}/big?bytes=${size}`);
    const b = await openUrlBlocking(`${base}/big?bytes=${size}`);
    const c = await openUrlBlocking(`${base}/ok`);
    assertEquals(new TextDecoder().decode(await c.read()), "hello");
    // Interleave the two big bodies chunk by chunk, then check both are complete.
    let na = 0, nb = 0;
    for (let done = false; !done;) {
      const ca = await a.readChunk();
      const cb = await b.readChunk();
      na += ca?.length ?? 0;
      nb += cb?.length ?? 0;
      done = ca === null && cb === null;
    }
    assertEquals(na, size, "first body");
    assertEquals(nb, size, "second body");
    // cancel() releases a body early; reads after it return the end, as with fetch.
    const d = await openUrlBlocking(`${base}/big?bytes=${size}`);
    assert((await d.readChunk()) !== null);
    await d.cancel();
    await d.cancel(); // twice is fine
    assertEquals(await d.readChunk(), null);
    const e = await openUrlBlocking(`${base}/ok`);
    assertEquals(new TextDecoder().decode(await e.read()), "hello");
    await turn(50);
  });
});

// ---------------------------------------------------------------------------------------------
// 6. The idle worker does not keep a process alive

Deno.test("a script that made one blocking request exits by itself", async () => {
  await withServer(async ({ base }) => {
    const dir = await Deno.makeTempDir();
    try {
      const script = `${dir}/one_blocking.ts`;
      const mod = new URL("../green/io/blocking.ts", import.meta.url).href;
      await Deno.writeTextFile(
        script,
        `import { openUrlBlocking } from ${JSON.stringify(mod)};\n` +
          `const r = await openUrlBlocking(Deno.args[0], { timeout: 5 });\n` +
          `console.log(r.status, (await r.read()).length);\n` +
          // A body left unread must not keep the process alive either.
          `await openUrlBlocking(Deno.args[1], { timeout: 5 });\n`,
      );
      const t0 = performance.now();
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-check",
          "--allow-net=127.0.0.1",
          script,
          `${base}/ok`,
          `${base}/big?bytes=${8 << 20}`,
        ],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(15000),
      }).output();
      const ms = performance.now() - t0;
      const stderr = new TextDecoder().decode(out.stderr);
      assertEquals(out.code, 0, `exit code (stderr: ${stderr})`);
      assertEquals(new TextDecoder().decode(out.stdout).trim(), "200 5");
      assert(ms < 5000, `the script took ${ms} ms to exit`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
