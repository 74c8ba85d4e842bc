/**
 * Crawling end to end (issue 4): `crawl()` against loopback servers started here, checked on the
 * servers' own request logs, plus the CLI once as a subprocess.
 *
 * deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run tests/crawl_test.ts
 *
 * Link extraction, robots.txt parsing, canonical URLs and scope rules have their own unit tests;
 * here they are only checked as a crawl sees them.
 * @module
 */
import { fileURLToPath } from "node:url";
import { type RunningSite, startSite, TRAP_START } from "../bench/site.ts";
import { crawl, type CrawlOptions, type CrawlRun, type Page } from "../crawler/run/crawl.ts";
import type { FetchRecord } from "../crawler/record.ts";
import { parseDocument } from "../dom.ts";
import { assert, assertEquals, test } from "./assert.ts";

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));

// ---------------------------------------------------------------------------------------------
// Helpers

/** What a tiny test server answers for a path; null is a 404. */
interface Reply {
  status?: number;
  type?: string;
  body?: string | Uint8Array<ArrayBuffer>;
  headers?: Record<string, string>;
}

/** A loopback server that logs every request (path, arrival time) and its peak concurrency. */
interface Tiny {
  url: string;
  port: number;
  /** Requests per path (with query). */
  counts: Map<string, number>;
  /** Every request in arrival order, with `performance.now()` at arrival. */
  starts: { path: string; at: number }[];
  /** Most requests the handler had in flight at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

async function serve(
  reply: (path: string, origin: string) => Reply | null,
  latencyMs = 0,
): Promise<Tiny> {
  const counts = new Map<string, number>();
  const starts: { path: string; at: number }[] = [];
  let inFlight = 0;
  let origin = "";
  const ready = Promise.withResolvers<void>();
  const tiny: Tiny = {
    url: "",
    port: 0,
    counts,
    starts,
    maxInFlight: 0,
    close: () => server.shutdown(),
  };
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => ready.resolve(),
  }, async (req) => {
    const url = new URL(req.url);
    const path = url.pathname + url.search;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    starts.push({ path, at: performance.now() });
    tiny.maxInFlight = Math.max(tiny.maxInFlight, ++inFlight);
    try {
      if (latencyMs > 0) await new Promise((ok) => setTimeout(ok, latencyMs));
      const r = reply(path, origin);
      if (r === null) return new Response("not found\n", { status: 404 });
      return new Response(r.body ?? "", {
        status: r.status ?? 200,
        headers: { "content-type": r.type ?? "text/html; charset=utf-8", ...r.headers },
      });
    } finally {
      inFlight--;
    }
  });
  await ready.promise;
  tiny.port = server.addr.port;
  tiny.url = origin = `http://127.0.0.1:${tiny.port}`;
  return tiny;
}

/** An HTML page with an `<h1>` and one `<a>` per href (written as given, attribute-quoted). */
function page(title: string, hrefs: readonly string[] = []): Reply {
  const links = hrefs.map((h) => `<li><a href="${h}">${h}</a></li>`).join("\n");
  return {
    body: `<!DOCTYPE html><html><head><title>${title}</title></head>` +
      `<body><h1>${title}</h1><ul>${links}</ul></body></html>`,
  };
}

async function collect(run: CrawlRun): Promise<FetchRecord[]> {
  const out: FetchRecord[] = [];
  for await (const r of run) out.push(r);
  return out;
}

/** Paths requested, robots.txt left out. */
function pagePaths(counts: Map<string, number>): string[] {
  return [...counts.keys()].filter((p) => p !== "/robots.txt").sort();
}

function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** A port nothing listens on (bound, then released). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Fast failure settings, so error paths do not sit in backoff. */
const QUICK: CrawlOptions = { timeout: 5, retries: 0, backoff: 0.01 };

// ---------------------------------------------------------------------------------------------
// The synthetic site: exactly once, robots, scope, the trap

test("crawl: every reachable page exactly once, robots.txt once, no disallowed or offsite page", async () => {
  const K = 12;
  const site = await startSite({
    pages: 300,
    links: 6,
    pageBytes: 2000,
    private: K,
    offsite: true,
    trap: true,
  });
  try {
    const depth = 12;
    const warnings: string[] = [];
    const run = crawl([site.url + "/"], {
      depth,
      concurrency: 16,
      onWarning: (w) => warnings.push(w),
    });
    const records = await collect(run);
    const expected = site.site!.reachable(depth);
    for (let i = 0; i < 300; i++) {
      assert(expected.has(site.site!.pathOf(i)), `depth ${depth} reaches page ${i}`);
    }

    // The server's own log: robots.txt once (16 workers), every reachable page once, nothing else.
    assertEquals(site.counts.get("/robots.txt"), 1, "robots.txt fetched once");
    assertEquals(pagePaths(site.counts), [...expected].sort());
    const repeated = [...site.counts].filter(([, n]) => n !== 1);
    assertEquals(repeated, [], "no path requested twice");
    assert(![...site.counts.keys()].some((p) => p.startsWith("/private/")), "no disallowed page");
    assertEquals(site.stats().statuses, { "200": expected.size + 1 });

    // The trap is bounded by depth: the calendar starts at depth 1, each month links both
    // neighbours, so depth d allows at most 2d - 1 months.
    const calendar = pagePaths(site.counts).filter((p) => p.startsWith("/calendar/"));
    assert(calendar.includes(TRAP_START));
    assertEquals(calendar.length, [...expected].filter((p) => p.startsWith("/calendar/")).length);
    assert(calendar.length <= 2 * depth - 1, `${calendar.length} calendar pages`);

    // Records: one per fetched page, all ok, with depth, parent and links.
    assertEquals(records.length, expected.size);
    assert(records.every((r) => r.ok), "every record ok");
    assertEquals(new Set(records.map((r) => pathOf(r.url))).size, records.length);
    const root = records.find((r) => r.depth === 0)!;
    assertEquals(root.parent, null);
    assert(root.links > 6, "the home page lists its links");
    for (const r of records) {
      if (r.depth === 0) continue;
      assert(r.depth <= depth && r.parent !== null, `${r.url}: depth ${r.depth}, parent`);
      assertEquals(new URL(r.parent).origin, site.url);
    }

    // Counters: the private pages were queued and dropped by robots.txt; offsite links skipped.
    assertEquals(run.counters.robots, K);
    assertEquals(run.counters.queued, expected.size + K);
    assert((run.counters.outOfScope["off-host"] ?? 0) > 0, "offsite links counted");
    assert(run.counters.duplicate > records.length, "duplicates counted");
    assertEquals(run.budgetReached, false);
    assertEquals(warnings, []);
  } finally {
    await site.close();
  }
});

test("crawl: the calendar trap is bounded by maxPages", async () => {
  const site = await startSite({ pages: 2, links: 1, pageBytes: 500, trap: true });
  try {
    const run = crawl([site.url + "/"], { depth: 1000, maxPages: 25, concurrency: 16 });
    const records = await collect(run);
    assertEquals(run.budgetReached, true);
    assertEquals(run.counters.queued, 25);
    assert(run.counters.overBudget > 0, "links over budget counted");
    assertEquals(records.length, 25);
    assert(site.stats().requests <= 25 + 1, `${site.stats().requests} requests`);
    assertEquals(site.stats().duplicates, 0);
    assert(pagePaths(site.counts).filter((p) => p.startsWith("/calendar/")).length >= 20);
  } finally {
    await site.close();
  }
});

test("crawl: include and exclude patterns decide which discovered URLs are fetched", async () => {
  const site = await startSite({ pages: 60, links: 12, pageBytes: 500 });
  try {
    const run = crawl([site.url + "/"], {
      depth: 20,
      include: [/\/p\/\d*[02468]$/],
      exclude: [/\/p\/\d*0$/],
    });
    const records = await collect(run);
    const fetched = pagePaths(site.counts);
    assert(fetched.length > 5, `${fetched.length} pages`);
    for (const p of fetched) {
      assert(p === "/" || /^\/p\/\d*[2468]$/.test(p), `${p} should not have been fetched`);
    }
    assertEquals(records.length, fetched.length);
    assert((run.counters.outOfScope["not-included"] ?? 0) > 0);
    assert((run.counters.outOfScope["excluded"] ?? 0) > 0);
  } finally {
    await site.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Politeness: per-host concurrency and delays, measured server-side

/** `/` links to `/n/1` … `/n/count`; those have no links. */
function fanOut(count: number): (path: string) => Reply | null {
  const hrefs = Array.from({ length: count }, (_, i) => `/n/${i + 1}`);
  return (path) => path === "/" ? page("root", hrefs) : path.startsWith("/n/") ? page(path) : null;
}

test("crawl: perHost caps the requests one host sees at once", async () => {
  const server = await serve(fanOut(24), 50);
  try {
    const records = await collect(
      crawl([server.url + "/"], { depth: 1, perHost: 2, concurrency: 16 }),
    );
    assertEquals(records.length, 25);
    assertEquals(server.maxInFlight, 2);

    server.counts.clear();
    server.maxInFlight = 0;
    await collect(crawl([server.url + "/"], { depth: 1, perHost: 8, concurrency: 16 }));
    assertEquals(server.counts.get("/n/24"), 1);
    assert(server.maxInFlight > 2, `perHost 8: ${server.maxInFlight} at once`);
    assert(server.maxInFlight <= 8, `perHost 8: ${server.maxInFlight} at once`);
  } finally {
    await server.close();
  }
});

/**
 * Checks that page requests (robots.txt left out) arrived at least `ms` apart. Arrival times
 * carry a few ms of client and scheduling jitter, so one gap may fall a little short; the span
 * from first to last cannot.
 */
function assertSpaced(server: Tiny, ms: number): void {
  const at = server.starts.filter((s) => s.path !== "/robots.txt").map((s) => s.at);
  let gap = Infinity;
  for (let i = 1; i < at.length; i++) gap = Math.min(gap, at[i] - at[i - 1]);
  assert(gap >= ms * 0.85, `smallest gap ${gap.toFixed(1)} ms, want about ${ms}`);
  const span = at[at.length - 1] - at[0];
  assert(span >= (at.length - 1) * ms - 10, `${at.length} requests in ${span.toFixed(0)} ms`);
}

test("crawl: delay spaces request starts on one host, even with 8 allowed at once", async () => {
  const server = await serve(fanOut(6));
  try {
    const records = await collect(
      crawl([server.url + "/"], { depth: 1, delay: 0.1, perHost: 8, concurrency: 8 }),
    );
    assertEquals(records.length, 7);
    assertSpaced(server, 100);
  } finally {
    await server.close();
  }
});

test("crawl: a listed URL's robots.txt is asked beside it, unless a delay makes it go first", async () => {
  for (const delay of [0, 0.15]) {
    const server = await serve(fanOut(3), 100);
    try {
      const records = await collect(
        crawl([server.url + "/"], { depth: 1, delay, perHost: 8, concurrency: 8 }),
      );
      assertEquals(records.length, 4);
      assertEquals(server.counts.get("/robots.txt"), 1);
      const at = (path: string) => server.starts.find((s) => s.path === path)!.at;
      const lag = at("/robots.txt") - at("/");
      if (delay === 0) assert(Math.abs(lag) < 60, `robots.txt ${lag.toFixed(0)} ms after /`);
      else assert(lag >= 140, `with a delay robots.txt waits its turn: ${lag.toFixed(0)} ms`);
    } finally {
      await server.close();
    }
  }
});

test("crawl: robots.txt Crawl-delay raises the delay", async () => {
  const hrefs = fanOut(5);
  const server = await serve((path) =>
    path === "/robots.txt"
      ? { type: "text/plain", body: "User-agent: *\nCrawl-delay: 0.2\n" }
      : hrefs(path)
  );
  try {
    const records = await collect(
      crawl([server.url + "/"], { depth: 1, delay: 0.1, perHost: 8, concurrency: 8 }),
    );
    assertEquals(records.length, 6);
    assertEquals(server.counts.get("/robots.txt"), 1);
    assertSpaced(server, 200); // Crawl-delay 0.2 wins over delay 0.1
  } finally {
    await server.close();
  }
});

// ---------------------------------------------------------------------------------------------
// robots.txt outcomes

/** `/` links to `/private/1`, `/private/2` and `/open`. */
function privateLinks(robots: Reply | null): (path: string) => Reply | null {
  return (path) => {
    if (path === "/robots.txt") return robots;
    if (path === "/") return page("root", ["/private/1", "/private/2", "/open"]);
    return path === "/open" || path.startsWith("/private/") ? page(path) : null;
  };
}

test("crawl: a 404 robots.txt allows everything", async () => {
  const server = await serve(privateLinks(null));
  try {
    const warnings: string[] = [];
    const records = await collect(
      crawl([server.url + "/"], { depth: 1, onWarning: (w) => warnings.push(w) }),
    );
    assertEquals(records.length, 4);
    assertEquals(pagePaths(server.counts), ["/", "/open", "/private/1", "/private/2"]);
    assertEquals(server.counts.get("/robots.txt"), 1);
    assertEquals(warnings, []);
  } finally {
    await server.close();
  }
});

test("crawl: a 5xx robots.txt skips the host's discovered URLs with one warning; listed ones are fetched", async () => {
  const server = await serve(privateLinks({ status: 503, type: "text/plain", body: "busy" }));
  try {
    const warnings: string[] = [];
    const run = crawl(
      [server.url + "/", server.url + "/private/9"],
      { ...QUICK, depth: 1, concurrency: 16, onWarning: (w) => warnings.push(w) },
    );
    const records = await collect(run);
    assertEquals(records.map((r) => pathOf(r.url)).sort(), ["/", "/private/9"]);
    assertEquals(pagePaths(server.counts), ["/", "/private/9"]);
    assertEquals(server.counts.get("/robots.txt"), 2, "one fetch, one retry for a 5xx");
    assertEquals(warnings.length, 1, warnings.join("\n"));
    assert(warnings[0].includes(`127.0.0.1:${server.port}`) && warnings[0].includes("503"));
    assertEquals(run.counters.robots, 3);
  } finally {
    await server.close();
  }
});

test("crawl: an unreachable host's robots.txt skips its discovered URLs; listed ones are still tried", async () => {
  const dead = `http://127.0.0.1:${closedPort()}`;
  const server = await serve((path) =>
    path === "/" ? page("root", [`${dead}/a`, `${dead}/b`, "/open"]) : page(path)
  );
  try {
    const warnings: string[] = [];
    const run = crawl([server.url + "/", `${dead}/listed`], {
      ...QUICK,
      depth: 1,
      concurrency: 16,
      onWarning: (w) => warnings.push(w),
    });
    const records = await collect(run);
    const urls = records.map((r) => r.url).sort();
    assertEquals(urls, [`${dead}/listed`, `${server.url}/`, `${server.url}/open`].sort());
    const listed = records.find((r) => r.url === `${dead}/listed`)!;
    assertEquals(listed.error?.code, "network");
    assertEquals(warnings.length, 1, warnings.join("\n"));
    assert(warnings[0].includes(dead.slice(7)), warnings[0]);
    assertEquals(run.counters.robots, 2);
  } finally {
    await server.close();
  }
});

test("crawl: ignoreRobots fetches disallowed pages and never asks for robots.txt", async () => {
  const server = await serve(
    privateLinks({ type: "text/plain", body: "User-agent: *\nDisallow: /private/\n" }),
  );
  try {
    const records = await collect(crawl([server.url + "/"], { depth: 1 }));
    assertEquals(records.length, 2);
    assertEquals(pagePaths(server.counts), ["/", "/open"]);

    server.counts.clear();
    const all = await collect(crawl([server.url + "/"], { depth: 1, ignoreRobots: true }));
    assertEquals(all.length, 4);
    assertEquals(pagePaths(server.counts), ["/", "/open", "/private/1", "/private/2"]);
    assertEquals(server.counts.get("/robots.txt"), undefined);
  } finally {
    await server.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Scope on loopback

test("crawl: host and domain scope keep the seed's hostname (any port), not other names", async () => {
  // Only 127.0.0.1 can be reached here, so the second host is another port of it; `localhost`
  // names the same machine but is another hostname (and an IP's registrable domain is itself).
  const other = await serve((path) => path === "/there" ? page("there") : null);
  const server = await serve((path, origin) =>
    path === "/"
      ? page("root", [`${other.url}/there`, `http://localhost:${other.port}/x`, `${origin}/here`])
      : path === "/here"
      ? page("here")
      : null
  );
  try {
    for (const scope of ["host", "domain"] as const) {
      other.counts.clear();
      server.counts.clear();
      const run = crawl([server.url + "/"], { depth: 1, scope });
      const records = await collect(run);
      assertEquals(records.length, 3, scope);
      assertEquals(pagePaths(server.counts), ["/", "/here"]);
      assertEquals(pagePaths(other.counts), ["/there"]);
      const reason = scope === "host" ? "off-host" : "off-domain";
      assertEquals(run.counters.outOfScope, { [reason]: 1 }, scope);
    }
  } finally {
    await server.close();
    await other.close();
  }
});

test("crawl: scope any skips links to private addresses unless allowPrivate", async () => {
  const other = await serve((path) => path === "/there" ? page("there") : null);
  const privates = [`http://localhost:${other.port}/x`, `http://127.0.0.2:${other.port}/y`];
  const server = await serve((path) =>
    path === "/" ? page("root", [...privates, `${other.url}/there`]) : null
  );
  try {
    const guarded = crawl([server.url + "/"], { ...QUICK, depth: 1, scope: "any" });
    const records = await collect(guarded);
    // The seed's own hostname is the user's choice, so another port of it passes the guard.
    assertEquals(
      records.map((r) => r.url).sort(),
      [`${other.url}/there`, `${server.url}/`].sort(),
    );
    assertEquals(guarded.counters.outOfScope, { "private-address": 2 });

    const open = crawl([server.url + "/"], {
      ...QUICK,
      depth: 1,
      scope: "any",
      allowPrivate: true,
      ignoreRobots: true, // robots.txt of a host this test may not reach would disallow it
    });
    const all = await collect(open);
    // Followed: each gets a record (here it may fail: the test's --allow-net names 127.0.0.1).
    assertEquals(
      all.map((r) => r.url).sort(),
      [...privates, `${other.url}/there`, `${server.url}/`].sort(),
    );
    assertEquals(open.counters.outOfScope, {});
  } finally {
    await server.close();
    await other.close();
  }
});

// ---------------------------------------------------------------------------------------------
// One fetch per page, however it is linked or reached

test("crawl: one fetch for many spellings of one link", async () => {
  const server = await serve((path, origin) => {
    if (path === "/") {
      const host = origin.slice("http://".length);
      return page("root", [
        "/a",
        "/a#x",
        "/./a",
        `HTTP://${host.toUpperCase()}/a`,
        "/b/../a",
        " /a\n",
        "a?",
        `//${host}/a#top`,
        "/%61",
      ]);
    }
    return path === "/a" ? page("a", ["/", "./a", "/a#self"]) : null;
  });
  try {
    const records = await collect(crawl([server.url + "/"], { depth: 3, concurrency: 16 }));
    assertEquals(records.map((r) => r.url).sort(), [`${server.url}/`, `${server.url}/a`]);
    assertEquals(server.counts.get("/a"), 1);
    assertEquals(server.counts.get("/"), 1);
  } finally {
    await server.close();
  }
});

test("crawl: a link that redirects to a page already seen does not fetch that page again", async () => {
  let flaky = 0;
  const server = await serve((path) => {
    if (path === "/") return page("root", ["/r1", "/a", "/r2", "/b", "/r5"]);
    if (path === "/r5") return { status: 301, headers: { location: "/flaky" }, type: "text/plain" };
    if (path === "/flaky") return ++flaky === 1 ? { status: 503 } : page("flaky", ["/r5"]);
    if (path === "/r1" || path === "/r2") {
      return { status: 301, headers: { location: "/a" }, type: "text/plain" };
    }
    if (path === "/b") return page("b", ["/r3", "/r4"]);
    if (path === "/r3") {
      return { status: 302, headers: { location: "/a#frag" }, type: "text/plain" };
    }
    if (path === "/r4") return { status: 307, headers: { location: "/c" }, type: "text/plain" };
    if (path === "/c") return page("c", ["/a", "/c"]);
    return path === "/a" ? page("a", ["/", "/c"]) : null;
  });
  try {
    const run = crawl([server.url + "/"], { depth: 3, concurrency: 16, backoff: 0.01 });
    const records = await collect(run);
    assertEquals(server.counts.get("/a"), 1, "the redirect target is fetched once");
    // A retry follows the redirect its first attempt was allowed to follow.
    const r5 = records.find((r) => pathOf(r.url) === "/r5")!;
    assertEquals([r5.ok, r5.attempts, r5.finalUrl], [true, 2, `${server.url}/flaky`]);
    assertEquals(server.counts.get("/flaky"), 2);
    assertEquals(server.counts.get("/c"), 1, "a page reached by link and by redirect: once");
    for (const p of ["/", "/r1", "/r2", "/r3", "/r4", "/b", "/c"]) {
      assertEquals(server.counts.get(p), 1, p);
    }
    assertEquals(records.length, 9);
    assert(records.every((r) => r.ok), "stopping at a redirect is not an error");
    const r1 = records.find((r) => pathOf(r.url) === "/r1")!;
    assertEquals([r1.status, r1.finalUrl, r1.redirects], [301, `${server.url}/r1`, 0]);
  } finally {
    await server.close();
  }
});

test("crawl: a discovered link's redirect stays in scope and obeys robots.txt", async () => {
  const server = await serve((path, origin) => {
    const port = new URL(origin).port;
    const to = (location: string) => ({ status: 301, headers: { location }, type: "text/plain" });
    if (path === "/robots.txt") {
      return { type: "text/plain", body: "User-agent: *\nDisallow: /private/\n" };
    }
    if (path === "/") return page("root", ["/off", "/priv", "/meta", "/fine", "/chain"]);
    if (path === "/off") return to(`http://localhost:${port}/target-off`); // another host name
    if (path === "/priv") return to("/private/x");
    if (path === "/meta") return to("http://169.254.169.254/latest/meta-data/");
    if (path === "/fine") return to("/landed");
    if (path === "/chain") return to("/hop");
    if (path === "/hop") return to("/private/y"); // a later hop is checked too
    return path === "/landed" ? page("landed", []) : null;
  });
  try {
    const host = crawl([server.url + "/"], { depth: 2, concurrency: 4 });
    const records = await collect(host);
    for (const p of ["/target-off", "/private/x", "/private/y"]) {
      assertEquals(server.counts.get(p), undefined, `${p} must not be requested`);
    }
    assertEquals(server.counts.get("/landed"), 1);
    assertEquals(records.length, 6, JSON.stringify(records.map((r) => r.url)));
    const byPath = new Map(records.map((r) => [pathOf(r.url), r]));
    for (const p of ["/off", "/priv", "/chain"]) {
      const r = byPath.get(p)!;
      assert(r.ok && r.status === 301, `${p}: stopping at a refused redirect is not an error`);
    }
    // Each stopped record says where the redirect went and why it was not followed.
    const stops = ["/off", "/priv", "/meta", "/chain"].map((p) => {
      const r = byPath.get(p)!;
      return [p, r.location && pathOf(r.location), r.stopped];
    });
    assertEquals(stops, [
      ["/off", "/target-off", "redirect-out-of-scope"],
      ["/priv", "/private/x", "redirect-disallowed"],
      ["/meta", "/latest/meta-data/", "redirect-out-of-scope"],
      ["/chain", "/private/y", "redirect-disallowed"],
    ]);
    assertEquals([byPath.get("/fine")!.location, byPath.get("/fine")!.stopped], [null, null]);
    assertEquals(byPath.get("/chain")!.redirects, 1);
    assertEquals(byPath.get("/fine")!.finalUrl, `${server.url}/landed`);
    assertEquals(host.counters.outOfScope["off-host"], 2); // localhost and the metadata address
    assertEquals(host.counters.robots, 2);

    // Scope "any": the private-address guard holds across redirects too.
    const any = crawl([server.url + "/"], { depth: 1, concurrency: 4, scope: "any" });
    const again = await collect(any);
    const meta = again.find((r) => pathOf(r.url) === "/meta")!;
    assert(meta.ok && meta.status === 301 && meta.error === null, JSON.stringify(meta));
    // The metadata address, and `localhost` (a loopback name other than the seed's host): the
    // address rules stop them before the frontier is asked.
    for (const p of ["/meta", "/off"]) {
      assertEquals(again.find((r) => pathOf(r.url) === p)!.stopped, "redirect-non-public", p);
    }
    assertEquals(server.counts.get("/target-off"), undefined);
  } finally {
    await server.close();
  }
});

// ---------------------------------------------------------------------------------------------
// onPage, records, malformed pages

test("crawl: onPage gets HTML pages only, and ./dom parses them into a standard DOM; records carry depth, parent, links", async () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
  const server = await serve((path) => {
    if (path === "/") {
      return {
        body: `<!doctype html><title>Home</title><h1 class="t">Hello <b>world</b></h1>` +
          `<a href="/two" data-kind="page">two</a><a href="/notes.txt">notes</a>` +
          `<a href="/logo.png">logo</a><a href="mailto:x@y.z">mail</a><a href="/two#again">2</a>`,
      };
    }
    if (path === "/two") {
      return { body: `<h1>Second</h1><h1>Third</h1><p><a href="/">home</a><a href="/x">x</a>` };
    }
    if (path === "/x") return page("x");
    if (path === "/notes.txt") {
      // Starts with a tag, so sniffing would call it HTML; an explicit text/plain is not sniffed.
      return { type: "text/plain", body: '<a href="/hidden">not a link</a> in plain text' };
    }
    if (path === "/logo.png") return { type: "image/png", body: png };
    return null;
  });
  try {
    const pages: { url: string; h1: string[]; kind: string | null; links: number }[] = [];
    const run = crawl([server.url + "/"], {
      depth: 2,
      onPage: ({ record, html, links }: Page) => {
        const document = parseDocument(html);
        pages.push({
          url: record.url,
          h1: [...document.querySelectorAll("h1")].map((h) => h.textContent ?? ""),
          kind: document.querySelector("a[data-kind]")?.getAttribute("data-kind") ?? null,
          links: links.length,
        });
      },
    });
    const records = await collect(run);
    const byPath = new Map(records.map((r) => [pathOf(r.url), r]));
    assertEquals([...byPath.keys()].sort(), ["/", "/logo.png", "/notes.txt", "/two", "/x"]);
    assertEquals(server.counts.get("/hidden"), undefined, "text/plain is not parsed");

    pages.sort((a, b) => a.url.localeCompare(b.url));
    assertEquals(pages.map((p) => pathOf(p.url)), ["/", "/two", "/x"]);
    assertEquals(pages[0].h1, ["Hello world"]);
    assertEquals(pages[0].kind, "page");
    assertEquals(pages[1].h1, ["Second", "Third"]);
    for (const p of pages) assertEquals(byPath.get(pathOf(p.url))!.links, p.links, p.url);

    const home = byPath.get("/")!;
    assertEquals([home.depth, home.parent, home.links], [0, null, 3]);
    const two = byPath.get("/two")!;
    assertEquals([two.depth, two.parent, two.links], [1, `${server.url}/`, 2]);
    const x = byPath.get("/x")!;
    assertEquals([x.depth, x.parent, x.links], [2, `${server.url}/two`, 0]);
    for (const p of ["/notes.txt", "/logo.png"]) {
      const r = byPath.get(p)!;
      assertEquals([r.ok, r.depth, r.links], [true, 1, 0], p);
    }
  } finally {
    await server.close();
  }
});

test("crawl: malformed HTML never stops the crawl; every page gets a record", async () => {
  const binary = new Uint8Array(4096);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919 + 13) % 256;
  const bodies: Record<string, string | Uint8Array<ArrayBuffer>> = {
    "/": `<html><body><a href="/unclosed">u<a href=/garbage>g<a href='/binary'><a href="/empty">` +
      `<a href="/deep"><a href="/cut">`,
    "/unclosed": `<div><p><table><tr><td><a href="/from-unclosed">x<td><span><b><i></table`,
    "/garbage": `<<<>>>&&&;;<a <a href=<a href="/from-garbage"> </ <!-- -- --!> <![CDATA[ ]]>` +
      `<script><a href="/in-script"></script><a href="/after-script">`,
    "/binary": binary,
    "/empty": "",
    "/deep": "<div>".repeat(20_000) + `<a href="/from-deep">` + "</div>".repeat(10),
    "/cut": `<p>text <a href="/from-cut">ok</a> <a href="/never`,
  };
  const server = await serve((path) => {
    const body = bodies[path];
    if (body !== undefined) return { body };
    return path.startsWith("/from-") || path === "/after-script" ? page(path) : null;
  });
  try {
    for (const onPage of [undefined, () => {}]) {
      server.counts.clear();
      const records = await collect(
        crawl([server.url + "/"], { ...QUICK, depth: 2, onPage }),
      );
      const paths = records.map((r) => pathOf(r.url)).sort();
      for (const p of Object.keys(bodies)) assert(paths.includes(p), `${p} has a record`);
      for (const p of ["/from-unclosed", "/from-deep", "/from-cut", "/after-script"]) {
        assert(paths.includes(p), `${p} followed (${onPage ? "DOM" : "scanner"})`);
      }
      assert(!paths.includes("/in-script"), "no links inside <script>");
      // Garbage may spell links to pages that do not exist: those are 404s, nothing worse.
      const failed = records.filter((r) => !r.ok);
      assert(failed.every((r) => r.error?.code === "http" && r.status === 404), `${failed}`);
      assertEquals(paths.length, new Set(paths).size);
    }
  } finally {
    await server.close();
  }
});

// ---------------------------------------------------------------------------------------------
// The command line, once

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-read", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

test("crawl: the CLI crawls with --depth, writes ndjson, summarises; --max-pages stops", async () => {
  const site: RunningSite = await startSite({
    pages: 80,
    links: 4,
    pageBytes: 1000,
    offsite: true,
    trap: true,
  });
  const list = await Deno.makeTempFile({ prefix: "greencrawl-crawl-", suffix: ".txt" });
  try {
    await Deno.writeTextFile(list, `# seed\n${site.url}/\n`);
    const run = await runCli(["--depth", "5", "--format", "ndjson", list]);
    assertEquals(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const expected = site.site!.reachable(5);
    assertEquals(lines.length, expected.size);
    assertEquals(pagePaths(site.counts), [...expected].sort());
    assert(lines.every((l) => typeof l.depth === "number" && "parent" in l), "depth, parent");
    assertEquals(lines.filter((l) => l.depth === 0).length, 1);
    assert(lines.some((l) => l.depth === 5), "depth 5 reached");
    assert(/queued/.test(run.stderr) && /skipped/.test(run.stderr), run.stderr);
    assert(/out of scope/.test(run.stderr), run.stderr);

    site.reset();
    const capped = await runCli(["--depth", "5", "--max-pages", "10", "--format", "ndjson", list]);
    assertEquals(capped.code, 0, capped.stderr);
    assertEquals(capped.stdout.trim().split("\n").length, 10);
    assert(site.stats().requests <= 11, `${site.stats().requests} requests`);
    assert(/max pages/.test(capped.stderr), capped.stderr);
  } finally {
    await Deno.remove(list);
    await site.close();
  }
});
