/**
 * Tests of the loopback test site (bench/site.ts): the graph without HTTP, the in-process
 * server, static mode and the command line.
 *
 * deno test --allow-net=127.0.0.1 --allow-read --allow-run tests/site_test.ts
 */

import { buildSite, DEFAULT_ROBOTS_TXT, type RunningSite, startSite } from "../bench/site.ts";
import { fileURLToPath as fromFileUrl } from "node:url";
import assert from "node:assert/strict";

const SITE_TS = fromFileUrl(new URL("../bench/site.ts", import.meta.url));
const ROBOTS_EXAMPLE = fromFileUrl(new URL("../bench/site/robots-example.txt", import.meta.url));
const FIXTURE = fromFileUrl(new URL("../bench/site/fixture", import.meta.url));
const ORIGIN = "http://127.0.0.1:8080";

async function withSite(
  opts: Parameters<typeof startSite>[0],
  fn: (s: RunningSite) => Promise<void>,
): Promise<void> {
  const server = await startSite(opts);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** GET without following redirects; returns status, headers and text, body always consumed. */
async function get(url: string): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, { redirect: "manual" });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Send one raw HTTP/1.1 request line (fetch would normalise `..` away) and read the answer. */
async function raw(port: number, target: string): Promise<{ status: number; text: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(16384);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
    const text = new TextDecoder().decode(
      chunks.reduce((a, b) => {
        const out = new Uint8Array(a.length + b.length);
        out.set(a);
        out.set(b, a.length);
        return out;
      }, new Uint8Array()),
    );
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text };
  } finally {
    conn.close();
  }
}

function hrefsIn(html: string): string[] {
  return [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
}

Deno.test("same seed gives the same links and hrefs; another seed does not", () => {
  const a = buildSite({ pages: 500, links: 8, seed: 42, offsite: true, private: 5, trap: true });
  const b = buildSite({ pages: 500, links: 8, seed: 42, offsite: true, private: 5, trap: true });
  const c = buildSite({ pages: 500, links: 8, seed: 43, offsite: true, private: 5, trap: true });
  let differs = 0;
  for (let i = 0; i < 500; i++) {
    assert.deepEqual(a.linksOf(i), b.linksOf(i));
    assert.equal(a.linksOf(i).filter((p) => p.startsWith("/p/") || p === "/").length, 8);
    const path = a.pathOf(i);
    assert.deepEqual(a.anchorsOf(path, ORIGIN), b.anchorsOf(path, ORIGIN));
    assert.deepEqual(a.render(path, ORIGIN), b.render(path, ORIGIN));
    if (JSON.stringify(a.linksOf(i)) !== JSON.stringify(c.linksOf(i))) differs++;
  }
  assert.ok(differs > 450, `seed 43 should change most link lists, changed ${differs}`);
  // Extras draw from their own streams: turning them on does not move the internal links.
  const plain = buildSite({ pages: 500, links: 8, seed: 42 });
  for (let i = 0; i < 500; i++) assert.deepEqual(plain.linksOf(i), a.linksOf(i).slice(0, 8));
});

Deno.test("every page is reachable from / and the depth limit counts hops", () => {
  for (const [pages, links] of [[2000, 10], [1, 0], [2, 1], [97, 1], [300, 3]]) {
    const site = buildSite({ pages, links, seed: pages });
    // BFS over linksOf by page number, independent of reachable()
    const seen = new Set<number>([0]);
    const queue = [0];
    while (queue.length > 0) {
      for (const target of site.linksOf(queue.shift()!)) {
        const t = target === "/" ? 0 : Number(target.slice(3));
        assert.equal(site.pathOf(t), target);
        if (!seen.has(t)) {
          seen.add(t);
          queue.push(t);
        }
      }
    }
    assert.equal(seen.size, pages, `BFS over linksOf for ${pages} pages`);
    assert.equal(site.reachable().size, pages);
  }
  const site = buildSite({ pages: 2000 });
  assert.deepEqual(site.reachable(0), new Set(["/"]));
  assert.deepEqual(site.reachable(1), new Set(["/", ...site.linksOf(0)]));
  const two = new Set(site.reachable(1));
  for (const p of site.reachable(1)) for (const t of site.linksOfPath(p)!) two.add(t);
  assert.deepEqual(site.reachable(2), two);
  // Cycles: some page links back to "/".
  assert.ok([...Array(2000).keys()].some((i) => site.linksOf(i).includes("/")));
});

Deno.test("reachable() stays fast at 100,000 pages", () => {
  const t0 = performance.now();
  const site = buildSite({ pages: 100_000 });
  assert.equal(site.reachable().size, 100_000);
  assert.ok(performance.now() - t0 < 20_000);
});

Deno.test("every href form resolves to an existing page; off-site links leave the site", () => {
  const site = buildSite({ pages: 300, links: 10, offsite: true, private: 20, trap: true });
  const forms = new Set<string>();
  const schemes = new Set<string>();
  const paths = [...site.reachable(4), "/private/0", "/private/19"];
  for (const path of paths) {
    const base = ORIGIN + path;
    for (const { href, target } of site.anchorsOf(path, ORIGIN)!) {
      const url = new URL(href, base);
      if (target === null) {
        assert.notEqual(url.origin, ORIGIN, `${href} on ${path} should leave the site`);
        schemes.add(url.protocol);
        continue;
      }
      assert.equal(url.origin, ORIGIN, `${href} on ${path}`);
      assert.equal(url.pathname, target, `${href} on ${path}`);
      assert.ok(site.has(target), `${target} should exist`);
      forms.add(
        /^\s/.test(href)
          ? "space"
          : href.startsWith("HTTP://")
          ? "upper"
          : href.startsWith("http://")
          ? "abs"
          : href.startsWith("//")
          ? "protocol"
          : href.includes("#")
          ? "fragment"
          : href.includes("/./")
          ? "dots"
          : href.startsWith("/")
          ? "root"
          : href.startsWith("../")
          ? "climb"
          : "rel",
      );
    }
  }
  assert.deepEqual(
    [...forms].sort(),
    ["abs", "climb", "dots", "fragment", "protocol", "rel", "root", "space", "upper"],
  );
  for (const s of ["mailto:", "javascript:", "tel:", "http:", "https:"]) {
    assert.ok(schemes.has(s), `off-site links should include ${s}`);
  }
  // On port 80 the origin has no port, and some hrefs spell the default port out.
  let spelled = 0;
  for (const path of paths) {
    for (const { href, target } of site.anchorsOf(path, "http://127.0.0.1")!) {
      if (target === null) continue;
      const url = new URL(href, "http://127.0.0.1" + path);
      assert.equal(url.origin + url.pathname, "http://127.0.0.1" + target, href);
      if (href.includes(":80/")) spelled++;
    }
  }
  assert.ok(spelled > 0, "some hrefs should say :80");
  assert.equal(site.has("/p/300"), false);
  assert.equal(site.has("/p/0"), false); // "/" is page 0's one canonical path
  assert.equal(site.has("/p/07"), false);
});

Deno.test("robots.txt leaves private pages out of reachable(); the trap needs a depth", () => {
  const site = buildSite({ pages: 200, private: 10 });
  assert.equal(site.robotsTxt, DEFAULT_ROBOTS_TXT);
  const linked = new Set<string>();
  for (let i = 0; i < 200; i++) {
    for (const t of site.linksOf(i)) if (t.startsWith("/private/")) linked.add(t);
  }
  assert.equal(linked.size, 10, "every private page is linked from some page");
  assert.equal(site.isAllowed("/private/3"), false);
  assert.equal(site.reachable().size, 200);

  const open = buildSite({ pages: 200, private: 10, robotsTxt: "User-agent: *\nDisallow:\n" });
  assert.equal(open.reachable().size, 210);
  const strict = buildSite({
    pages: 200,
    robotsTxt: "User-agent: *\nDisallow: /p/1\nAllow: /p/1$\n",
  });
  assert.ok(strict.isAllowed("/p/1") && !strict.isAllowed("/p/12") && strict.isAllowed("/p/2"));

  const trap = buildSite({ pages: 50, trap: true });
  assert.throws(() => trap.reachable(), RangeError);
  const months = [...trap.reachable(6)].filter((p) => p.startsWith("/calendar/"));
  assert.ok(months.includes("/calendar/2026/11") && months.includes("/calendar/2027/1"));
  assert.ok(trap.reachable(12).size > trap.reachable(6).size);
  assert.notEqual(trap.titleOf("/calendar/2026/11"), trap.titleOf("/calendar/2026/12"));
});

Deno.test("jitter is per path, seeded and within latency … latency + jitter", () => {
  const a = buildSite({ pages: 100, latencyMs: 10, jitterMs: 40, seed: 3 });
  const b = buildSite({ pages: 100, latencyMs: 10, jitterMs: 40, seed: 3 });
  const delays = new Set<number>();
  for (let i = 0; i < 100; i++) {
    const d = a.delayOf(a.pathOf(i));
    assert.equal(d, b.delayOf(a.pathOf(i)));
    assert.ok(d >= 10 && d <= 50, `delay ${d}`);
    delays.add(d);
  }
  assert.ok(delays.size > 10, "jitter should vary by path");
  assert.equal(buildSite({ latencyMs: 7 }).delayOf("/p/3"), 7);
});

Deno.test("the served pages match the graph, and a crawl fetches each page once", async () => {
  await withSite({ pages: 60, links: 5, pageBytes: 4000, offsite: true, private: 3 }, async (s) => {
    const site = s.site!;
    const home = await get(s.url + "/");
    assert.equal(home.status, 200);
    assert.equal(home.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(home.headers.get("etag"), null);
    assert.match(home.text, /<title>Page 0<\/title>/);
    assert.deepEqual(hrefsIn(home.text), site.anchorsOf("/", s.url)!.map((a) => a.href));
    assert.ok(Math.abs(new TextEncoder().encode(home.text).length - 4000) < 400);

    const robots = await get(s.url + "/robots.txt");
    assert.equal(robots.text, DEFAULT_ROBOTS_TXT);
    const alias = await get(s.url + "/p/0");
    assert.equal(alias.status, 301);
    assert.equal(alias.headers.get("location"), "/");
    assert.equal((await get(s.url + "/p/60")).status, 404);
    assert.equal((await get(s.url + "/nope")).status, 404);
    assert.match((await get(s.url + "/private/1")).text, /<title>Private 1<\/title>/);
    assert.match(
      (await get(s.url + "/sitemap.xml")).text,
      /<loc>http:\/\/127\.0\.0\.1:\d+\/p\/59</,
    );
    assert.deepEqual(s.log, [
      "/",
      "/robots.txt",
      "/p/0",
      "/p/60",
      "/nope",
      "/private/1",
      "/sitemap.xml",
    ]);
    s.reset();

    // A polite breadth-first crawl: canonicalise with URL, drop fragments, skip robots paths.
    const rules = site; // the site's own robots rules
    const seen = new Set<string>(["/"]);
    const queue = ["/"];
    while (queue.length > 0) {
      const path = queue.shift()!;
      const page = await get(s.url + path);
      assert.equal(page.status, 200, path);
      for (const href of hrefsIn(page.text)) {
        const url = new URL(href, s.url + path);
        if (url.origin !== s.url) continue;
        if (seen.has(url.pathname) || !rules.isAllowed(url.pathname)) continue;
        seen.add(url.pathname);
        queue.push(url.pathname);
      }
    }
    assert.deepEqual(seen, site.reachable());
    assert.equal(s.log.length, 60);
    assert.deepEqual(new Set(s.log), site.reachable());
    assert.ok([...s.counts.values()].every((n) => n === 1));
    assert.deepEqual(s.stats(), {
      requests: 60,
      distinct: 60,
      duplicates: 0,
      statuses: { "200": 60 },
    });
    const stats = await (await fetch(s.url + "/__stats?paths=1")).json();
    assert.equal(stats.requests, 60);
    assert.equal(stats.paths["/"], 1);
  });
});

Deno.test("a robots.txt file is served and obeyed by reachable()", async () => {
  await withSite({ pages: 30, links: 4, robots: ROBOTS_EXAMPLE }, async (s) => {
    const text = await Deno.readTextFile(ROBOTS_EXAMPLE);
    assert.equal((await get(s.url + "/robots.txt")).text, text);
    const reach = s.site!.reachable();
    assert.ok(!reach.has("/p/1") && !reach.has("/p/12") && reach.has("/p/2"));
    // Blocked pages are not fetched, so pages only linked from them drop out too.
    const allowed = (p: string) => !/^\/p\/1/.test(p);
    const expect = new Set(["/"]);
    const queue = [0];
    while (queue.length > 0) {
      for (const t of s.site!.linksOf(queue.shift()!)) {
        if (!allowed(t) || expect.has(t)) continue;
        expect.add(t);
        queue.push(t === "/" ? 0 : Number(t.slice(3)));
      }
    }
    assert.deepEqual(reach, expect);
    assert.ok(reach.size <= 19);
  });
});

Deno.test("latency and jitter delay responses", async () => {
  await withSite({ pages: 10, latencyMs: 150 }, async (s) => {
    const t0 = performance.now();
    assert.equal((await get(s.url + "/p/3")).status, 200);
    const took = performance.now() - t0;
    assert.ok(took >= 140, `took ${took} ms, expected >= 150`);
  });
  await withSite({ pages: 10, latencyMs: 20, jitterMs: 200, seed: 9 }, async (s) => {
    const path = ["/p/1", "/p/2", "/p/3", "/p/4"].sort((a, b) =>
      s.site!.delayOf(b) - s.site!.delayOf(a)
    )[0];
    const want = s.site!.delayOf(path);
    const t0 = performance.now();
    await get(s.url + path);
    const took = performance.now() - t0;
    assert.ok(took >= want - 10, `${path} took ${took} ms, expected >= ${want}`);
  });
  await withSite({ pages: 10 }, async (s) => {
    // 20 requests at once: without latency they all finish quickly
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 20 }, (_, i) => get(`${s.url}/p/${(i % 9) + 1}`)));
    assert.ok(performance.now() - t0 < 5000);
  });
});

Deno.test("static mode serves files by type and rejects traversal", async () => {
  await withSite({ static: FIXTURE }, async (s) => {
    assert.equal(s.site, null);
    const home = await get(s.url + "/");
    assert.equal(home.status, 200);
    assert.equal(home.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(home.text, /<title>Static home<\/title>/);
    const css = await get(s.url + "/style.css");
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
    const json = await get(s.url + "/data.json");
    assert.equal(json.headers.get("content-type"), "application/json; charset=utf-8");
    const dir = await get(s.url + "/docs");
    assert.equal(dir.status, 301);
    assert.equal(dir.headers.get("location"), "/docs/");
    assert.match((await get(s.url + "/docs/")).text, /<title>Docs<\/title>/);
    assert.match((await get(s.url + "/docs/guide.html")).text, /<title>Guide<\/title>/);
    assert.equal((await get(s.url + "/missing.html")).status, 404);
    assert.equal((await get(s.url + "/about.html/")).status, 404);
    assert.equal((await get(s.url + "/robots.txt")).text, DEFAULT_ROBOTS_TXT);

    // The fixture's parent directory holds graph.ts: none of these may reach it.
    for (
      const target of [
        "/../graph.ts",
        "/docs/../../graph.ts",
        "/..%2fgraph.ts",
        "/%2e%2e/graph.ts",
        "/%2E%2E%2Fgraph.ts",
        "/docs/..%5c..%5cgraph.ts",
        "/%00",
        "/%zz",
      ]
    ) {
      const r = await raw(s.port, target);
      assert.ok([400, 403, 404].includes(r.status), `${target} answered ${r.status}`);
      assert.ok(!r.text.includes("export function"), `${target} leaked a file`);
    }
  });
});

Deno.test("the command line prints its URL first, serves, and exits 0 on SIGTERM", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-read", SITE_TS, "--pages", "20", "--offsite"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await stdout.read();
    if (done) break;
    out += value;
  }
  const url = out.split("\n")[0];
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const page = await get(url + "/p/19");
  assert.match(page.text, /<title>Page 19<\/title>/);
  child.kill("SIGTERM");
  for (;;) {
    const { value, done } = await stdout.read();
    if (done) break;
    out += value;
  }
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  assert.equal(status.code, 0, stderr);
  assert.equal(out, url + "\n", "nothing but the URL on stdout");
  assert.match(stderr, /served 1 requests/);
});

Deno.test("the command line explains its options and rejects bad ones", async () => {
  const run = (...args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net=127.0.0.1", "--allow-read", SITE_TS, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
  const help = await run("--help");
  assert.equal(help.code, 0);
  const text = new TextDecoder().decode(help.stdout);
  for (
    const opt of [
      "--port",
      "--pages",
      "--links",
      "--page-bytes",
      "--latency-ms",
      "--jitter-ms",
      "--seed",
      "--robots",
      "--static",
      "--trap",
      "--offsite",
      "--private",
    ]
  ) assert.ok(text.includes(opt), `help mentions ${opt}`);
  for (const bad of [["--bogus"], ["--pages", "x"], ["--pages", "0"], ["stray"]]) {
    const r = await run(...bad);
    assert.equal(r.code, 2, bad.join(" "));
    assert.equal(r.stdout.length, 0);
  }
});
