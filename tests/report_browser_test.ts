/**
 * The HTML waterfall report in a REAL browser (Debian's Chromium driven by npm playwright-core).
 *
 * A small Deno.serve on 127.0.0.1 answers endpoints of different latencies, a 500, a streamed
 * body and one that hangs until the client's timeout aborts it; a handful of async workers fetch
 * them (sequential, blocking and concurrent, plus a small concurrency sweep); the records become
 * a report that is opened from disk. Checked: one row per record, no request leaves the page,
 * hovering a bar shows its URL, a hostile URL stays inert, and 10,000 rows render in < 2 s.
 * A real `cli.ts --compare --report` run (the CLI as a subprocess against the same server) is
 * opened too. The compare reports and screenshots go to tests/artifacts/. GREENCRAWL_UPDATE_DOCS=1
 * also writes docs/report.png, from the CLI's report; shrink it before committing (Debian's pngquant keeps it under 300 KB):
 * `pngquant --quality=60-90 --speed 1 --force --output docs/report.png docs/report.png`.
 *
 * Skipped, with the reason printed, when /usr/bin/chromium is missing (apt-get install -y
 * chromium), playwright-core cannot be loaded or Chromium cannot start, or a permission is
 * missing. Run:
 *
 *   deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env \
 *     --allow-sys tests/report_browser_test.ts
 *
 * (playwright-core asks for sys access "homedir" and "osRelease"; --allow-sys=homedir,osRelease
 * is enough.)
 */

import { ok, strictEqual } from "node:assert/strict";
import fs from "node:fs";
import { blankRecord, type FetchRecord } from "../crawler/record.ts";
import { renderReport, type ReportRun, type SweepPoint } from "../crawler/report/mod.ts";

/** Debian's Chromium; GREENCRAWL_CHROMIUM names another binary. */
const CHROMIUM = envOr("GREENCRAWL_CHROMIUM", "/usr/bin/chromium");
const PLAYWRIGHT_VERSION = "1.65.1";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
function envOr(name: string, fallback: string): string {
  if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
    return fallback;
  }
  return Deno.env.get(name) || fallback;
}

const ARTIFACTS = new URL("./artifacts/", import.meta.url);
const DOCS_PNG = new URL("../docs/report.png", import.meta.url);

// ---------------------------------------------------------------------------------------------
// The few playwright-core shapes this test uses (the module is imported at run time, so that a
// machine without it skips instead of failing to load this file).

interface PwRequest {
  url(): string;
}
interface PwPage {
  goto(url: string, options?: { waitUntil?: string }): Promise<unknown>;
  waitForSelector(selector: string, options?: { timeout?: number }): Promise<unknown>;
  evaluate<T>(fn: string | ((arg: never) => T), arg?: unknown): Promise<T>;
  getAttribute(selector: string, name: string): Promise<string | null>;
  textContent(selector: string): Promise<string | null>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  on(event: "request", fn: (r: PwRequest) => void): void;
  on(event: "pageerror", fn: (e: Error) => void): void;
  on(event: "dialog", fn: (d: { message(): string; dismiss(): Promise<void> }) => void): void;
  on(event: "console", fn: (m: { type(): string; text(): string }) => void): void;
  mouse: { move(x: number, y: number, options?: { steps?: number }): Promise<void> };
  close(): Promise<void>;
}
interface PwBrowser {
  newPage(options?: {
    viewport?: { width: number; height: number };
    deviceScaleFactor?: number;
  }): Promise<PwPage>;
  close(): Promise<void>;
  version(): string;
}
interface PwChromium {
  launch(options: { executablePath: string; args: string[]; timeout?: number }): Promise<PwBrowser>;
}

/** playwright-core, imported with Node's `fs.existsSync` semantics (false, never a throw). */
async function loadPlaywright(): Promise<PwChromium> {
  // playwright-core's is-wsl probe calls existsSync("/proc/sys/fs/binfmt_misc/WSLInterop") while
  // loading; Deno answers /proc/sys paths with NotCapable (they need --allow-all) where Node
  // would return false. Restore Node's contract just while the module loads.
  const existsSync = fs.existsSync;
  fs.existsSync = (p: fs.PathLike) => {
    try {
      return existsSync(p);
    } catch {
      return false;
    }
  };
  try {
    const specifier = `npm:playwright-core@${PLAYWRIGHT_VERSION}`;
    const mod = await import(specifier);
    return (mod.chromium ?? mod.default.chromium) as PwChromium;
  } finally {
    fs.existsSync = existsSync;
  }
}

function launch(chromium: PwChromium): Promise<PwBrowser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** Why the browser test cannot run here, or null when it can. */
async function whyNot(): Promise<string | null> {
  const needs: [Deno.PermissionDescriptor, string][] = [
    [{ name: "read" }, "--allow-read"],
    [{ name: "write" }, "--allow-write"],
    [{ name: "run", command: CHROMIUM }, "--allow-run"],
    [{ name: "env" }, "--allow-env"],
    [{ name: "net", host: "127.0.0.1" }, "--allow-net=127.0.0.1"],
    [{ name: "sys", kind: "homedir" }, "--allow-sys (homedir)"],
    [{ name: "sys", kind: "osRelease" }, "--allow-sys (osRelease)"],
  ];
  for (const [desc, flag] of needs) {
    if (Deno.permissions.querySync(desc).state !== "granted") return `needs ${flag}`;
  }
  try {
    Deno.statSync(CHROMIUM);
  } catch {
    return `${CHROMIUM} not found (apt-get install -y chromium)`;
  }
  let chromium: PwChromium;
  try {
    chromium = await loadPlaywright();
  } catch (e) {
    return `npm:playwright-core@${PLAYWRIGHT_VERSION} could not be loaded: ${String(e)}`;
  }
  try {
    const browser = await launch(chromium);
    await browser.close();
  } catch (e) {
    return `Chromium could not be launched: ${String(e).split("\n")[0]}`;
  }
  return null;
}

const skip = await whyNot();
if (skip !== null) console.warn(`report_browser_test SKIPPED: ${skip}`);

// ---------------------------------------------------------------------------------------------
// A tiny server with known latencies

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function page(title: string, bytes: number): Response {
  const head = `<!doctype html><html><head><title>${title}</title></head><body>`;
  const body = head + "x".repeat(Math.max(0, bytes - head.length - 14)) + "</body></html>";
  return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
}

function startServer() {
  const closing = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      const url = new URL(req.url);
      switch (url.pathname) {
        case "/fast":
          await sleep(8);
          return page(`Fast ${url.searchParams.get("i") ?? ""}`, 2_000);
        case "/medium":
          await sleep(45);
          return page(`Medium ${url.searchParams.get("i") ?? ""}`, 14_000);
        case "/slow":
          await sleep(140);
          return page(`Slow ${url.searchParams.get("i") ?? ""}`, 40_000);
        case "/stream": {
          // headers at once, the body in 8 chunks over ~100 ms: TTFB is short, download long
          let n = 0;
          let timer: ReturnType<typeof setTimeout> | undefined;
          const chunk = new TextEncoder().encode("y".repeat(4096));
          const stream = new ReadableStream<Uint8Array>({
            pull(ctrl) {
              return new Promise<void>((resolve) => {
                timer = setTimeout(() => {
                  if (n++ < 8) ctrl.enqueue(chunk);
                  else ctrl.close();
                  resolve();
                }, 12);
              });
            },
            cancel() {
              clearTimeout(timer);
            },
          });
          return new Response(stream, { headers: { "content-type": "application/octet-stream" } });
        }
        case "/error":
          await sleep(20);
          return new Response("boom", { status: 500 });
        case "/hang": {
          // never answers while the run lasts: the client's timeout aborts it
          await new Promise<void>((resolve) => {
            if (closing.signal.aborted) return resolve();
            closing.signal.addEventListener("abort", () => resolve(), { once: true });
          });
          return new Response(null, { status: 204 });
        }
        default:
          return new Response("not found", { status: 404 });
      }
    },
  );
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    async close() {
      closing.abort();
      await server.shutdown();
    },
  };
}

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

// ---------------------------------------------------------------------------------------------
// Workers: a plain loop over a shared index.
// TODO: switch to fetchAll from mod.ts once the real runner lands.

const TIMEOUT_MS = 300;

async function fetchOne(url: string, worker: number, t0: number, line: number) {
  const startMs = performance.now() - t0;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  const rec: FetchRecord = {
    ...blankRecord(url),
    startMs,
    queueMs: startMs,
    attempts: 1,
    worker,
    line,
  };
  const began = performance.now();
  try {
    const res = await fetch(url, { signal: ctrl.signal });
    rec.ttfbMs = performance.now() - began;
    rec.status = res.status;
    rec.finalUrl = res.url;
    rec.contentType = res.headers.get("content-type");
    const body = new Uint8Array(await res.arrayBuffer());
    rec.bytes = body.length;
    if (rec.contentType?.startsWith("text/html")) {
      rec.title = new TextDecoder().decode(body).match(/<title>([^<]*)<\/title>/i)?.[1] ?? null;
    }
    rec.ok = res.status < 400;
    if (!rec.ok) {
      rec.error = { code: "http", message: `HTTP ${res.status} ${res.statusText}`.trim() };
    }
  } catch (e) {
    rec.error = ctrl.signal.aborted
      ? { code: "timeout", message: `no complete response within ${TIMEOUT_MS} ms` }
      : { code: "network", message: String((e as Error).message ?? e).split("\n")[0] };
  } finally {
    clearTimeout(timer);
  }
  rec.timeMs = performance.now() - began;
  return rec;
}

/**
 * `concurrency` workers drain the URL list. With `blocking`, each worker holds one shared lock
 * while it fetches: what a blocking call does to green threads (they take turns).
 */
async function runWorkers(
  label: string,
  urls: string[],
  concurrency: number,
  blocking = false,
): Promise<ReportRun> {
  const t0 = performance.now();
  const records: FetchRecord[] = new Array(urls.length);
  let next = 0;
  let lock = Promise.resolve();
  async function worker(w: number) {
    while (next < urls.length) {
      const i = next++;
      if (blocking) {
        const prev = lock;
        let release!: () => void;
        lock = new Promise((r) => (release = r));
        await prev;
        try {
          records[i] = await fetchOne(urls[i], w, t0, i + 1);
        } finally {
          release();
        }
      } else {
        records[i] = await fetchOne(urls[i], w, t0, i + 1);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { label, concurrency, wallMs: performance.now() - t0, records };
}

const EVIL_PATH = "/fast?i=x&q=</script><script>alert(1)</script>";

function urlList(base: string): string[] {
  const refused = `http://127.0.0.1:${closedPort()}/refused`;
  const urls = [
    ...Array.from({ length: 4 }, (_, i) => `${base}/fast?i=${i}`),
    `${base}/slow?i=0`,
    `${base}/medium?i=0`,
    `${base}/stream?i=0`,
    `${base}/error`,
    ...Array.from({ length: 3 }, (_, i) => `${base}/fast?i=${i + 4}`),
    `${base}/medium?i=1`,
    `${base}/hang`,
    `${base}/slow?i=1`,
    `${base}/medium?i=2`,
    refused,
    `${base}/stream?i=1`,
    base + EVIL_PATH,
    `${base}/medium?i=3`,
    `${base}/slow?i=2`,
    `${base}/fast?i=7`,
    `${base}/stream?i=2`,
    `${base}/medium?i=4`,
    `${base}/fast?i=8`,
  ];
  return urls;
}

/** n synthetic records from `workers` workers, each taking the next URL when it is free. */
function synthetic(n: number, workers: number): ReportRun {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const free = new Array(workers).fill(0);
  const records: FetchRecord[] = [];
  for (let i = 0; i < n; i++) {
    let w = 0;
    for (let k = 1; k < workers; k++) if (free[k] < free[w]) w = k;
    const startMs = free[w];
    const ttfbMs = 5 + rand() * 110;
    const timeMs = ttfbMs + rand() * 70;
    const roll = rand();
    const kind = roll < 0.03 ? "http" : roll < 0.045 ? "network" : roll < 0.055 ? "timeout" : "";
    records.push({
      url: `https://host${i % 9}.example.test/docs/section-${i % 17}/page-${i}.html`,
      finalUrl: null,
      status: kind === "http" ? 503 : kind ? null : 200,
      ok: kind === "",
      bytes: kind ? 0 : Math.round(rand() * 50_000),
      timeMs,
      ttfbMs: kind === "network" || kind === "timeout" ? null : ttfbMs,
      startMs,
      queueMs: startMs,
      depth: 0,
      parent: null,
      contentType: kind ? null : "text/html",
      title: kind ? null : `Page ${i}`,
      redirects: 0,
      redirectChain: [],
      location: null,
      stopped: null,
      error: kind ? { code: kind as "http", message: `${kind} failure` } : null,
      attempts: 1,
      worker: w,
      line: i + 1,
      links: 0,
    });
    free[w] = startMs + timeMs;
  }
  return { label: `c=${workers}`, concurrency: workers, wallMs: Math.max(...free), records };
}

// ---------------------------------------------------------------------------------------------

interface Watch {
  requests: string[];
  errors: string[];
  dialogs: string[];
}

function watch(page: PwPage): Watch {
  const w: Watch = { requests: [], errors: [], dialogs: [] };
  page.on("request", (r) => w.requests.push(r.url()));
  page.on("pageerror", (e) => w.errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") w.errors.push(m.text());
  });
  page.on("dialog", (d) => {
    w.dialogs.push(d.message());
    d.dismiss();
  });
  return w;
}

async function open(page: PwPage, file: string): Promise<{ wallMs: number; renderMs: number }> {
  const t0 = performance.now();
  await page.goto(fileUrl(file), { waitUntil: "load" });
  await page.waitForSelector("html[data-rendered]", { timeout: 10_000 });
  const wallMs = performance.now() - t0;
  return { wallMs, renderMs: Number(await page.getAttribute("html", "data-render-ms")) };
}

const fileUrl = (path: string) => new URL(`file://${path}`).href;

/** Moves the mouse onto the URL's bar (in the URL rows, or in its worker's lane) → tooltip text. */
async function hover(page: PwPage, run: number, url: string, lane = false): Promise<string> {
  const row = await page.evaluate(
    `window.greencrawl.find(${run}, ${JSON.stringify(url)})`,
  ) as number;
  ok(row >= 0, `row for ${url}`);
  const fn = lane ? "locateLane" : "locate";
  const at = await page.evaluate(`window.greencrawl.${fn}(${run}, ${row})`) as {
    x: number;
    y: number;
  };
  await page.mouse.move(at.x - 30, at.y + 40);
  await page.mouse.move(at.x, at.y, { steps: 3 });
  await page.waitForSelector("#tip:not([hidden])", { timeout: 5_000 });
  return (await page.textContent("#tip")) ?? "";
}

Deno.test({
  name: "report in Chromium: real run, compare mode, tooltip, no requests, 10,000 rows < 2 s",
  ignore: skip !== null,
  // playwright keeps pipes and timers of its own beyond a test's lifetime
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    const tmp = await Deno.makeTempDir({ prefix: "greencrawl-report-" });
    const server = startServer();
    const chromium = await loadPlaywright();
    const browser = await launch(chromium);
    try {
      const urls = urlList(server.base);
      const sequential = await runWorkers("sequential", urls, 1);
      const blocking = await runWorkers("blocking", urls, 6, true);
      const concurrent = await runWorkers("concurrent", urls, 6);
      const sweep: SweepPoint[] = [];
      for (const n of [1, 2, 4, 8, 16]) {
        const run = n === 1 ? sequential : await runWorkers(`c=${n}`, urls, n);
        sweep.push({
          concurrency: n,
          wallMs: run.wallMs,
          rps: run.records.length / (run.wallMs / 1000),
        });
      }
      const outcomes = (r: ReportRun): string[] => r.records.map((x) => x.error?.code ?? "ok");
      for (const run of [sequential, blocking, concurrent]) {
        const codes = outcomes(run);
        for (const code of ["ok", "http", "timeout", "network"]) {
          ok(codes.includes(code), `${run.label} has a ${code} record`);
        }
      }
      console.log(
        `wall: sequential ${sequential.wallMs.toFixed(0)} ms, blocking ${
          blocking.wallMs.toFixed(0)
        } ms, concurrent ${concurrent.wallMs.toFixed(0)} ms`,
      );
      ok(concurrent.wallMs < sequential.wallMs, "the concurrent run is faster");

      const comparePath = new URL("report-compare.html", ARTIFACTS).pathname;
      await Deno.writeTextFile(
        comparePath,
        renderReport([sequential, blocking, concurrent], {
          title: `greencrawl: ${urls.length} URLs, three ways`,
          sweep,
        }),
      );

      await t.step("compare report: rows, no requests, tooltip, inert hostile URL", async () => {
        const page = await browser.newPage({
          viewport: { width: 1280, height: 900 },
          deviceScaleFactor: 1,
        });
        const w = watch(page);
        await open(page, comparePath);
        const rows = await page.evaluate(
          `[...document.querySelectorAll("[data-rows]")].map((e) => Number(e.dataset.rows))`,
        ) as number[];
        strictEqual(rows.join(","), [urls.length, urls.length, urls.length].join(","));
        for (const run of [0, 1, 2]) {
          strictEqual(await page.evaluate(`window.greencrawl.rowCount(${run})`), urls.length);
        }

        const errUrl = `${server.base}/error`;
        const tipErr = await hover(page, 2, errUrl);
        ok(tipErr.includes(errUrl), `tooltip shows the URL: ${tipErr}`);
        ok(tipErr.includes("HTTP 500"), tipErr);
        const evil = server.base + EVIL_PATH;
        const tipEvil = await hover(page, 2, evil);
        ok(tipEvil.includes(evil), `tooltip shows the hostile URL as text: ${tipEvil}`);
        strictEqual(await page.evaluate(`document.scripts.length`), 2);
        const slow = `${server.base}/slow?i=1`;
        const tipLane = await hover(page, 2, slow, true);
        ok(tipLane.includes(slow), `worker lane tooltip shows the URL: ${tipLane}`);
        const hang = await hover(page, 2, `${server.base}/hang`);
        ok(hang.includes("timeout"), hang);
        await page.screenshot({ path: new URL("report-compare.png", ARTIFACTS).pathname });

        await page.screenshot({
          path: new URL("report-compare-full.png", ARTIFACTS).pathname,
          fullPage: true,
        });

        strictEqual(w.dialogs.length, 0, `no alert ran: ${w.dialogs.join(", ")}`);
        strictEqual(w.errors.length, 0, `no page errors: ${w.errors.join("\n")}`);
        const others = w.requests.filter((u) => u !== fileUrl(comparePath));
        strictEqual(others.length, 0, `requests left the page: ${others.join(", ")}`);
        await page.close();
      });

      await t.step(
        "a real `cli.ts --compare --report` run: rows, tooltip, no requests",
        async () => {
          const list = `${tmp}/urls.txt`;
          const path = new URL("report-cli-compare.html", ARTIFACTS).pathname;
          await Deno.writeTextFile(list, urls.join("\n") + "\n");
          const cli = await new Deno.Command(Deno.execPath(), {
            args: [
              "run",
              "-q",
              "--allow-net=127.0.0.1",
              "--allow-read",
              `--allow-write=${path}`,
              "cli.ts",
              "--compare",
              "-c",
              "6",
              "--timeout",
              String(TIMEOUT_MS / 1000),
              "--retries",
              "0",
              "--report",
              path,
              list,
            ],
            cwd: new URL("..", import.meta.url).pathname,
            stdin: "null",
            stdout: "piped",
            stderr: "piped",
            env: { NO_COLOR: "1", DENO_NO_PROMPT: "1" },
          }).output();
          const stderr = new TextDecoder().decode(cli.stderr);
          strictEqual(cli.code, 1, `some URLs fail on purpose: ${stderr}`);
          console.log(new TextDecoder().decode(cli.stdout).trimEnd());
          const page = await browser.newPage({
            viewport: { width: 1280, height: 900 },
            deviceScaleFactor: 1,
          });
          const w = watch(page);
          await open(page, path);
          for (const run of [0, 1, 2]) {
            strictEqual(await page.evaluate(`window.greencrawl.rowCount(${run})`), urls.length);
          }
          const slow = `${server.base}/slow?i=1`;
          const tip = await hover(page, 2, slow);
          ok(tip.includes(slow), `tooltip shows the URL: ${tip}`);
          // the picture for the docs: a tooltip on the concurrent run of the real CLI's report
          await hover(page, 2, `${server.base}/stream?i=1`);
          await page.screenshot({
            path: new URL("report-cli-compare.png", ARTIFACTS).pathname,
            fullPage: true,
          });
          if (envOr("GREENCRAWL_UPDATE_DOCS", "") === "1") {
            await hover(page, 2, `${server.base}/stream?i=1`); // a full-page shot hid the tooltip
            await page.screenshot({ path: DOCS_PNG.pathname, fullPage: true });
          }
          strictEqual(w.dialogs.length, 0, `no alert ran: ${w.dialogs.join(", ")}`);
          strictEqual(w.errors.length, 0, `no page errors: ${w.errors.join("\n")}`);
          const others = w.requests.filter((u) => u !== fileUrl(path));
          strictEqual(others.length, 0, `requests left the page: ${others.join(", ")}`);
          await page.close();
        },
      );

      await t.step("odd shapes render without page errors", async () => {
        const wide = synthetic(1_500, 300);
        const crawl = synthetic(40, 4);
        crawl.label = "crawl";
        crawl.records.forEach((r, i) => {
          r.depth = i % 3;
          if (i % 10 === 0) r.worker = null; // never ran (e.g. an invalid URL)
        });
        const path = `${tmp}/odd.html`;
        await Deno.writeTextFile(
          path,
          renderReport([
            { label: "empty", concurrency: 2, wallMs: 0, records: [] },
            wide,
            crawl,
          ]),
        );
        const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
        const w = watch(page);
        await open(page, path);
        const rows = await page.evaluate(
          `[...document.querySelectorAll("[data-rows]")].map((e) => Number(e.dataset.rows))`,
        ) as number[];
        strictEqual(rows.join(","), "0,1500,40");
        const tip = await hover(page, 2, crawl.records[10].url);
        ok(tip.includes("worker") && tip.includes("none"), tip);
        const tipWide = await hover(page, 1, wide.records[700].url, true);
        ok(tipWide.includes(wide.records[700].url), tipWide);
        await page.screenshot({
          path: new URL("report-odd.png", ARTIFACTS).pathname,
          fullPage: true,
        });
        strictEqual(w.errors.length, 0, w.errors.join("\n"));
        strictEqual(w.requests.filter((u) => u !== fileUrl(path)).length, 0);
        await page.close();
      });

      await t.step("the wall label never covers a tick label", async () => {
        // a 14 ms run put "wall 14 ms" on top of the "14 ms" tick label; the longer labels are
        // drawn left of the wall line, over the ticks before it
        const cases: [number, number][] = [[14, 1280], [14, 900], [9.6, 1280], [125_000, 1280]];
        for (const [wallMs, width] of cases) {
          const run = synthetic(12, 3);
          const k = wallMs / run.wallMs;
          for (const r of run.records) {
            r.startMs *= k;
            r.timeMs *= k;
            r.queueMs *= k;
            if (r.ttfbMs !== null) r.ttfbMs *= k;
          }
          run.wallMs = wallMs;
          const path = `${tmp}/wall-${wallMs}-${width}.html`;
          await Deno.writeTextFile(path, renderReport([run]));
          const page = await browser.newPage({ viewport: { width, height: 700 } });
          const w = watch(page);
          await open(page, path);
          const boxes = await page.evaluate(`window.greencrawl.axisLabels(0)`) as {
            kind: string;
            text: string;
            x: number;
            y: number;
            w: number;
            h: number;
          }[];
          const wall = boxes.filter((b) => b.kind === "wall");
          const ticks = boxes.filter((b) => b.kind === "tick");
          strictEqual(wall.length, 1, JSON.stringify(boxes));
          ok(ticks.length >= 2, JSON.stringify(boxes));
          const [b] = wall;
          ok(b.w > 0 && b.h > 0, JSON.stringify(b));
          for (const a of ticks) {
            const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y ||
              b.y + b.h <= a.y;
            ok(apart, `${wallMs} ms at ${width} px: "${a.text}" touches "${b.text}"`);
          }
          await page.screenshot({
            path: new URL(`report-wall-${wallMs}-${width}.png`, ARTIFACTS).pathname,
          });
          strictEqual(w.errors.length, 0, w.errors.join("\n"));
          await page.close();
        }
      });

      await t.step("10,000 synthetic rows render in < 2 s", async () => {
        const big = synthetic(10_000, 64);
        const path = `${tmp}/big.html`;
        const html = renderReport([big], { title: "10,000 URLs, 64 workers" });
        await Deno.writeTextFile(path, html);
        const bytes = new TextEncoder().encode(html).length;
        const page = await browser.newPage({
          viewport: { width: 1280, height: 900 },
          deviceScaleFactor: 1,
        });
        const w = watch(page);
        const { wallMs, renderMs } = await open(page, path);
        console.log(
          `10,000 rows: ${(bytes / 1e6).toFixed(2)} MB; goto → rendered marker ${
            wallMs.toFixed(0)
          } ms; navigation start → rendered (page clock) ${renderMs.toFixed(0)} ms`,
        );
        ok(bytes < 5_000_000, `${bytes} bytes`);
        ok(wallMs < 2_000, `rendered in ${wallMs.toFixed(0)} ms`);
        strictEqual(await page.evaluate(`window.greencrawl.rowCount(0)`), 10_000);
        const last = big.records.reduce((a, b) => (b.startMs >= a.startMs ? b : a));
        const tip = await hover(page, 0, last.url);
        ok(tip.includes(last.url), tip);
        await page.screenshot({ path: new URL("report-10k.png", ARTIFACTS).pathname });
        strictEqual(w.errors.length, 0, w.errors.join("\n"));
        strictEqual(w.requests.filter((u) => u !== fileUrl(path)).length, 0);
        await page.close();
      });
    } finally {
      await browser.close();
      await server.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
