import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { FetchRecord } from "../crawler/record.ts";
import { RunStats } from "../crawler/run/stats.ts";

function rec(over: Partial<FetchRecord> = {}): FetchRecord {
  return {
    url: "http://a.test/",
    finalUrl: "http://a.test/",
    status: 200,
    ok: true,
    bytes: 100,
    timeMs: 10,
    ttfbMs: 5,
    startMs: 0,
    queueMs: 0,
    depth: 0,
    parent: null,
    contentType: "text/html",
    title: "A",
    redirects: 0,
    redirectChain: [],
    location: null,
    stopped: null,
    error: null,
    attempts: 1,
    worker: 0,
    line: 1,
    links: 0,
    ...over,
  };
}
const fail = (code: FetchRecord["error"] & object, over: Partial<FetchRecord> = {}) =>
  rec({ ok: false, error: code, ...over });

Deno.test("RunStats: empty run", () => {
  deepStrictEqual(new RunStats().summary(0), {
    urls: 0,
    ok: 0,
    failed: 0,
    bytes: 0,
    wallMs: 0,
    sumTimeMs: 0,
    overlap: 0,
    rps: 0,
    p50Ms: 0,
    p90Ms: 0,
    p99Ms: 0,
    byError: {},
    byStatus: { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, other: 0, none: 0 },
    busiestHost: null,
  });
});

Deno.test("RunStats: counts, bytes, overlap, rps, status classes, errors, busiest host", () => {
  const stats = new RunStats();
  stats.add(rec({ url: "http://a.test/1", bytes: 1000, timeMs: 400 }));
  stats.add(rec({ url: "http://b.test:8080/", bytes: 500, timeMs: 300, status: 301 }));
  stats.add(rec({ url: "http://a.test/2", bytes: 0, timeMs: 200, status: 204 }));
  stats.add(
    fail({ code: "http", message: "503" }, {
      url: "http://a.test/3",
      status: 503,
      bytes: 20,
      timeMs: 100,
    }),
  );
  stats.add(
    fail({ code: "http", message: "404" }, {
      url: "http://b.test:8080/x",
      status: 404,
      timeMs: 100,
    }),
  );
  stats.add(fail({ code: "timeout", message: "t" }, { status: null, bytes: 0, timeMs: 900 }));
  stats.add(fail({ code: "invalid-url", message: "x" }, {
    url: "not a url",
    status: null,
    bytes: 0,
    timeMs: 0,
    attempts: 0,
    worker: null,
  }));
  const s = stats.summary(1000);
  strictEqual(s.urls, 7);
  strictEqual(s.ok, 3);
  strictEqual(s.failed, 4);
  strictEqual(s.bytes, 1000 + 500 + 0 + 20 + 100 + 0 + 0);
  strictEqual(s.wallMs, 1000);
  strictEqual(s.sumTimeMs, 2000);
  strictEqual(s.overlap, 2);
  strictEqual(s.rps, 7);
  deepStrictEqual(s.byError, { http: 2, timeout: 1, "invalid-url": 1 });
  deepStrictEqual(s.byStatus, { "2xx": 2, "3xx": 1, "4xx": 1, "5xx": 1, other: 0, none: 2 });
  deepStrictEqual(s.busiestHost, { host: "a.test", count: 4 });
});

Deno.test("RunStats: nearest-rank percentiles over attempted records only", () => {
  const stats = new RunStats();
  for (let ms = 100; ms >= 1; ms--) stats.add(rec({ timeMs: ms })); // 1..100, out of order
  stats.add(rec({ timeMs: 0, attempts: 0, ok: false, status: null })); // never attempted: ignored
  const s = stats.summary(50);
  strictEqual(s.p50Ms, 50);
  strictEqual(s.p90Ms, 90);
  strictEqual(s.p99Ms, 99);
  strictEqual(s.urls, 101);
});

Deno.test("RunStats: one record; percentiles equal it", () => {
  const stats = new RunStats();
  stats.add(rec({ timeMs: 12.5 }));
  const s = stats.summary(25);
  deepStrictEqual([s.p50Ms, s.p90Ms, s.p99Ms, s.overlap, s.rps], [12.5, 12.5, 12.5, 0.5, 40]);
});

Deno.test("RunStats: grows past its initial buffer; summary can be taken mid-run", () => {
  const stats = new RunStats();
  for (let i = 1; i <= 5000; i++) stats.add(rec({ timeMs: i }));
  strictEqual(stats.summary(1000).p50Ms, 2500);
  for (let i = 5001; i <= 10000; i++) stats.add(rec({ timeMs: i }));
  const s = stats.summary(1000);
  deepStrictEqual([s.urls, s.p50Ms, s.p90Ms, s.p99Ms], [10000, 5000, 9000, 9900]);
});

Deno.test("RunStats: busiest host tie goes to the first seen; status outside 200-599 is other", () => {
  const stats = new RunStats();
  stats.add(rec({ url: "http://b.test/", status: 101 }));
  stats.add(rec({ url: "http://a.test/", status: 299 }));
  deepStrictEqual(stats.summary(1).busiestHost, { host: "b.test", count: 1 });
  deepStrictEqual(stats.summary(1).byStatus.other, 1);
});

Deno.test("RunStats: a URL's host is the parser's, however the URL is written", () => {
  const urls = [
    "http://a.test/x",
    "HTTP://A.TEST:80/x",
    "https://a.test:443",
    "http://user:pa//ss@b.test:8080/p?q=//c.test#//d.test",
    "http://[::1]:8080/x",
    "http://a.test?x=//b.test",
    "http://a.test#//b.test",
    "http://a.test\\b.test/x",
    "http:/a.test/b//c.test/d",
    "http:/a.test/x",
    "http:a.test/b//c.test",
    "  http://a.test/x  ",
    "ht\ttp://a.\ntest/x",
    "http://xn--nxasmq6b.test/x",
    "http://ëxample.test/x",
    "mailto://a.test/x",
    "not a url",
    "http://a.test:99999/x",
    "",
  ];
  for (const url of urls) {
    const stats = new RunStats();
    stats.add(rec({ url }));
    const host = URL.parse(url)?.host || null;
    deepStrictEqual(
      stats.summary(1).busiestHost,
      host === null ? null : { host, count: 1 },
      JSON.stringify(url),
    );
  }
});
