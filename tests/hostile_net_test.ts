/**
 * Hostile networks (issue 18), end to end against loopback servers of this process: the address
 * rules in crawl and list mode, redirect records, and permanent errors that are not retried.
 *
 * Only 127.0.0.1 may be reached, so "no request leaves" is proven two ways. The CLI runs with
 * `--allow-net=127.0.0.1:<port>`: any request it tried elsewhere (a page, a redirect, a
 * robots.txt) would come back as a `permission` error after an attempt, or as a robots.txt
 * warning, and neither appears. In-process crawls use an injected resolver (`resolveDns`), so
 * names resolve to the addresses under test without a DNS query.
 *
 * deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env
 *   tests/hostile_net_test.ts
 * @module
 */
import type { FetchRecord } from "../crawler/record.ts";
import { crawl, type CrawlOptions } from "../crawler/run/crawl.ts";
import { fetchAll } from "../crawler/run/runner.ts";
import type { Resolver } from "../crawler/url/address.ts";
import { assert, assertEquals, test } from "./assert.ts";
import { runCli, withTempDir } from "./subprocess.ts";

const decoder = new TextDecoder();

// ---------------------------------------------------------------------------------------------
// Helpers

interface Site {
  origin: string;
  port: number;
  /** Every path (with query) requested, in order. */
  log: string[];
  close(): Promise<void>;
}

/** A loopback server: `route(path)` answers each request; it logs every path. */
async function site(route: (path: string, origin: string) => Response | null): Promise<Site> {
  const log: string[] = [];
  const ready = Promise.withResolvers<void>();
  let origin = "";
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => ready.resolve() },
    (req) => {
      const url = new URL(req.url);
      const path = url.pathname + url.search;
      log.push(path);
      return route(path, origin) ?? new Response("not found", { status: 404 });
    },
  );
  await ready.promise;
  origin = `http://127.0.0.1:${server.addr.port}`;
  return { origin, port: server.addr.port, log, close: () => server.shutdown() };
}

function html(links: string[]): Response {
  const body = links.map((h) => `<a href="${h}">x</a>`).join("\n");
  return new Response(`<!doctype html><title>t</title>${body}`, {
    headers: { "content-type": "text/html" },
  });
}

function redirect(location: string, status = 302): Response {
  return new Response(null, { status, headers: { location } });
}

/** `/to?u=<target>` redirects to the target; other routes are the caller's. */
function redirector(path: string): Response | null {
  if (!path.startsWith("/to?u=")) return null;
  return redirect(decodeURIComponent(path.slice("/to?u=".length)));
}

const to = (target: string) => `/to?u=${encodeURIComponent(target)}`;

async function collect(run: AsyncIterable<FetchRecord>): Promise<FetchRecord[]> {
  const out: FetchRecord[] = [];
  for await (const r of run) out.push(r);
  return out;
}

/** The CLI with ndjson records: exit code, records, stderr. */
async function runNdjson(perms: string[], args: string[]) {
  const { code, stdout, stderr } = await runCli(perms, ["--format", "ndjson", ...args]);
  const records = stdout.split("\n").filter((l) => l !== "").map((l) =>
    JSON.parse(l) as FetchRecord
  );
  return { code, records, stderr };
}

/** A port nothing listens on (bound, then released). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** One address of every range the issue lists (IPv6 in URL brackets), and names. */
const LITERALS = [
  "0.0.0.0",
  "0.1.2.3",
  "10.0.0.1",
  "100.64.0.1",
  "127.0.0.2",
  "169.254.169.254",
  "172.16.0.1",
  "192.0.0.1",
  "192.168.0.1",
  "198.18.0.1",
  "224.0.0.1",
  "240.0.0.1",
  "255.255.255.255",
  "[::]",
  "[::1]",
  "[fc00::1]",
  "[fe80::1]",
  "[ff02::1]",
  "[::ffff:127.0.0.1]",
  "[64:ff9b::a9fe:a9fe]",
  "[2002:7f00:1::]",
  "[2001:0:7f00:1::]",
  "localhost",
  "app.localhost",
];

// ---------------------------------------------------------------------------------------------
// Address rules

test("CLI crawl --scope any: no request to a non-public address, robots.txt included", async () => {
  const server = await site((path, origin) => {
    if (path === "/robots.txt") return new Response("User-agent: *\nAllow: /\n");
    if (path === "/") {
      return html([
        ...LITERALS.map((h) => `http://${h}/page`),
        ...LITERALS.map((h) => to(`http://${h}:8080/x`)),
        "http://outside.example/", // a name this process may not reach: refused, not resolved
        `${origin}/fine`,
      ]);
    }
    if (path === "/fine") return html([]);
    return redirector(path);
  });
  try {
    await withTempDir(async (dir) => {
      const list = `${dir}/list`;
      await Deno.writeTextFile(list, `${server.origin}/\n`);
      const { code, records, stderr } = await runNdjson(
        [`--allow-net=127.0.0.1:${server.port}`, "--allow-read"],
        ["--depth", "1", "--scope", "any", "--retries", "2", list],
      );
      assertEquals(code, 1, stderr); // the name's record is an error
      assert(!/robots\.txt of/.test(stderr), `a robots.txt was tried elsewhere:\n${stderr}`);
      // Every record is on the server, or was refused before any request.
      for (const r of records) {
        const here = r.url.startsWith(server.origin);
        assert(here || r.attempts === 0, JSON.stringify(r));
        assert(r.error?.code !== "permission" || r.attempts === 0, JSON.stringify(r));
      }
      // Literal links are out of scope (counted); each redirect stops with where it went.
      assert(
        new RegExp(`private-address ${LITERALS.length} out of scope`).test(stderr),
        stderr,
      );
      const stopped = records.filter((r) => r.url.includes("/to?u="));
      assertEquals(stopped.length, LITERALS.length);
      for (const r of stopped) {
        const target = decodeURIComponent(r.url.split("/to?u=")[1]);
        assertEquals(
          [r.ok, r.status, r.stopped, r.location, r.attempts, r.error],
          [true, 302, "redirect-non-public", new URL(target).href, 1, null],
          r.url,
        );
      }
      const name = records.find((r) => r.url === "http://outside.example/")!;
      assertEquals([name.error?.code, name.attempts], ["permission", 0]);
      assertEquals(records.length, 1 + LITERALS.length + 1 + 1);
      // The server saw only its own pages.
      const paths = new Set(server.log.map((p) => p.startsWith("/to?") ? "/to" : p));
      assertEquals([...paths].sort(), ["/", "/fine", "/robots.txt", "/to"]);
    });
  } finally {
    await server.close();
  }
});

/** Names for the injected resolver: one per kind of non-public answer. */
const NAMES: Record<string, { A?: string[]; AAAA?: string[] }> = {
  "ten.test": { A: ["10.0.0.1"] },
  "meta.test": { A: ["169.254.169.254"] },
  "loop.test": { A: ["127.0.0.1"] },
  "bench.test": { A: ["198.18.0.1"] },
  "mixed.test": { A: ["93.184.216.34"], AAAA: ["fd00::1"] },
  "mapped.test": { AAAA: ["::ffff:10.0.0.1"] },
  "nat64.test": { AAAA: ["64:ff9b::7f00:1"] },
  "sixtofour.test": { AAAA: ["2002:a9fe:a9fe::1"] },
  "teredo.test": { AAAA: ["2001:0:808:808:0:0:f5ff:fffe"] },
  "ula.test": { AAAA: ["fc00::5"] },
};

function resolver(): { resolve: Resolver; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    resolve: (name, type) => {
      calls.push(`${name} ${type}`);
      const answer = NAMES[name]?.[type];
      return answer
        ? Promise.resolve(answer)
        : Promise.reject(new Deno.errors.NotFound(`no ${type} record for ${name}`));
    },
  };
}

test("crawl --scope any: names resolving to non-public addresses are refused before any request", async () => {
  const names = Object.keys(NAMES);
  const server = await site((path, origin) => {
    if (path === "/") {
      return html([
        ...names.map((n) => `http://${n}:${new URL(origin).port}/page`),
        "http://nx.test/",
        to("http://meta.test/latest/meta-data/"),
        to("http://nx.test/x"),
      ]);
    }
    return redirector(path);
  });
  try {
    const { resolve, calls } = resolver();
    const warnings: string[] = [];
    const options: CrawlOptions = {
      depth: 1,
      scope: "any",
      retries: 2,
      resolveDns: resolve,
      onWarning: (m) => warnings.push(m),
    };
    const records = await collect(crawl([`${server.origin}/`], options));
    assertEquals(warnings, [], "no robots.txt was tried on those hosts");
    const byHost = new Map(records.map((r) => [new URL(r.url).hostname, r]));
    for (const name of names) {
      const r = byHost.get(name)!;
      assertEquals([r.ok, r.error?.code, r.attempts], [false, "non-public-address", 0], name);
      // The message names the first non-public answer (mixed.test: its AAAA, its A is public).
      const address = [...NAMES[name].A ?? [], ...NAMES[name].AAAA ?? []].at(-1);
      assert(r.error!.message.startsWith(`${name} resolves to ${address}, `), r.error!.message);
    }
    const nx = byHost.get("nx.test")!;
    assertEquals([nx.error?.code, nx.error?.message, nx.attempts], [
      "dns",
      "nx.test: no such name",
      0,
    ]);
    const stops = records.filter((r) => r.url.includes("/to?u=")).map((r) => [
      r.location,
      r.stopped,
      r.error?.code ?? null,
    ]).sort();
    assertEquals(stops, [
      ["http://meta.test/latest/meta-data/", "redirect-non-public", null],
      ["http://nx.test/x", null, "dns"],
    ]);
    // One A and one AAAA query per host, shared by robots.txt, links and redirects.
    const perHost = new Map<string, number>();
    for (const c of calls) perHost.set(c.split(" ")[0], (perHost.get(c.split(" ")[0]) ?? 0) + 1);
    for (const [host, n] of perHost) assert(n === 2 || host === "nx.test", `${host}: ${n}`);
    assertEquals(server.log.filter((p) => !p.startsWith("/to?")).sort(), ["/", "/robots.txt"]);

    // --allow-private: the same links are followed (here Deno refuses them: the test's
    // --allow-net names 127.0.0.1 only, so each is tried once and ends as `permission`).
    const open = await collect(crawl([`${server.origin}/`], {
      ...options,
      allowPrivate: true,
      ignoreRobots: true,
    }));
    for (const name of names) {
      const r = open.find((x) => new URL(x.url).hostname === name)!;
      assertEquals([r.error?.code, r.attempts], ["permission", 1], name);
    }
  } finally {
    await server.close();
  }
});

test("list mode: a redirect to a non-public address is not followed unless on the listed host", async () => {
  const other = await site((path) => path === "/ok" ? html([]) : null);
  const server = await site(redirector);
  try {
    const { resolve } = resolver();
    const targets = [
      "http://169.254.169.254/latest/meta-data/",
      "http://[::ffff:a9fe:a9fe]/",
      "http://198.18.0.1/",
      `http://localhost:${other.port}/ok`, // the listed host is 127.0.0.1, not localhost
      "http://meta.test/",
      "http://nothing.invalid/",
      `${other.origin}/ok`, // 127.0.0.1 on another port: the listed URL's own host
    ];
    const urls = targets.map((t) => `${server.origin}${to(t)}`);
    const records = await collect(fetchAll(urls, { retries: 2, resolveDns: resolve }));
    const byTarget = new Map(records.map((r) => [decodeURIComponent(r.url.split("u=")[1]), r]));
    for (const t of targets.slice(0, 5)) {
      const r = byTarget.get(t)!;
      assertEquals(
        [r.ok, r.status, r.stopped, r.location, r.redirects, r.attempts],
        [true, 302, "redirect-non-public", new URL(t).href, 0, 1],
        t,
      );
    }
    const invalid = byTarget.get("http://nothing.invalid/")!;
    assertEquals(
      [invalid.ok, invalid.error?.code, invalid.location, invalid.attempts],
      [false, "dns", "http://nothing.invalid/", 1],
    );
    const own = byTarget.get(`${other.origin}/ok`)!;
    assertEquals([own.ok, own.status, own.finalUrl], [true, 200, `${other.origin}/ok`]);
    assertEquals(other.log, ["/ok"]);

    // With allowPrivate the localhost redirect is followed (and refused by Deno's permissions).
    const [open] = await collect(fetchAll([urls[3]], { retries: 2, allowPrivate: true }));
    assertEquals(
      [open.error?.code, open.redirectChain, open.attempts],
      ["permission", [urls[3]], 1],
    );
    assertEquals(other.log, ["/ok"]);
  } finally {
    await server.close();
    await other.close();
  }
});

test("CLI list mode: the metadata redirect stops with its location (no request leaves)", async () => {
  const server = await site(redirector);
  try {
    await withTempDir(async (dir) => {
      const list = `${dir}/list`;
      const target = "http://169.254.169.254/latest/meta-data/iam/";
      await Deno.writeTextFile(list, `${server.origin}${to(target)}\n`);
      const { code, records, stderr } = await runNdjson(
        [`--allow-net=127.0.0.1:${server.port}`, "--allow-read"],
        [list],
      );
      assertEquals(code, 0, stderr);
      assertEquals(records.length, 1);
      const [r] = records;
      assertEquals([r.ok, r.status, r.stopped, r.location], [
        true,
        302,
        "redirect-non-public",
        target,
      ]);
      assertEquals(server.log.length, 1);
    });
  } finally {
    await server.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Redirect records

test("crawl: redirect loops fail with redirect-loop; seen and out-of-scope stops say where", async () => {
  const server = await site((path, origin) => {
    if (path === "/") return html(["/loop/a", "/self", "/r-seen", "/page", "/r-off"]);
    if (path === "/loop/a") return redirect("/loop/b");
    if (path === "/loop/b") return redirect(`${origin}/loop/a`);
    if (path === "/self") return redirect("/self#again", 301);
    if (path === "/r-seen") return redirect("/page");
    if (path === "/r-off") return redirect(`http://localhost:${new URL(origin).port}/x`);
    if (path === "/page") return html([]);
    return null;
  });
  try {
    const records = await collect(crawl([`${server.origin}/`], { depth: 1, retries: 2 }));
    const at = (p: string) => records.find((r) => r.url === `${server.origin}${p}`)!;
    const shape = (
      r: FetchRecord,
    ) => [r.ok, r.status, r.error?.code ?? null, r.stopped, r.location];
    assertEquals(shape(at("/loop/a")), [
      false,
      302,
      "redirect-loop",
      null,
      `${server.origin}/loop/a`,
    ]);
    assertEquals(at("/loop/a").redirectChain, [
      `${server.origin}/loop/a`,
      `${server.origin}/loop/b`,
    ]);
    assertEquals(at("/loop/a").attempts, 1, "a loop is not retried");
    assertEquals(shape(at("/self")), [false, 301, "redirect-loop", null, `${server.origin}/self`]);
    assertEquals(shape(at("/r-seen")), [true, 302, null, "redirect-seen", `${server.origin}/page`]);
    assertEquals(shape(at("/r-off")), [
      true,
      302,
      null,
      "redirect-out-of-scope",
      `http://localhost:${server.port}/x`,
    ]);
    assertEquals(shape(at("/page")), [true, 200, null, null, null]);
    assertEquals(server.log.filter((p) => p === "/page").length, 1);
    assertEquals(server.log.filter((p) => p.startsWith("/loop/")).length, 2);
    assertEquals(records.length, 6);
  } finally {
    await server.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Permanent errors

test("permanent errors are not retried: permission, .invalid, TLS certificate, blocked port", async () => {
  const server = await site(() => html([]));
  try {
    await withPermanentErrors(server);
  } finally {
    await server.close();
  }
});

/** The body of the permanent-errors test, on `server` (closed by the caller). */
async function withPermanentErrors(server: Site): Promise<void> {
  await withTempDir(async (dir) => {
    const made = await new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        `${dir}/key.pem`,
        "-out",
        `${dir}/cert.pem`,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert(made.success, decoder.decode(made.stderr));
    let handshakes = 0;
    const tls = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      cert: await Deno.readTextFile(`${dir}/cert.pem`),
      key: await Deno.readTextFile(`${dir}/key.pem`),
      onListen() {},
      onError: () => new Response("error", { status: 500 }),
    }, () => (handshakes++, new Response("secret")));
    try {
      const refused = closedPort();
      const otherPort = closedPort();
      const urls = [
        `http://127.0.0.1:${otherPort}/`, // not in --allow-net
        "http://nothing.invalid/",
        `https://127.0.0.1:${tls.addr.port}/`, // self-signed
        "http://127.0.0.1:1/", // a blocked port of the Fetch standard
        `http://127.0.0.1:${refused}/`, // connection refused: retried (the control)
        `${server.origin}/`,
      ];
      const list = `${dir}/list`;
      await Deno.writeTextFile(list, urls.join("\n") + "\n");
      const allowed = [server.port, tls.addr.port, 1, refused].map((p) => `127.0.0.1:${p}`);
      const { code, records, stderr } = await runNdjson(
        [`--allow-net=${allowed.join(",")}`, "--allow-read"],
        ["--retries", "2", "-c", "1", list],
      );
      assertEquals(code, 1, stderr);
      const got = records.sort((a, b) => a.line! - b.line!).map((r) => [
        r.error?.code ?? "ok",
        r.attempts,
      ]);
      assertEquals(got, [
        ["permission", 1],
        ["dns", 0],
        ["tls", 1],
        ["blocked-port", 1],
        ["network", 3],
        ["ok", 1],
      ]);
      const messages = records.sort((a, b) => a.line! - b.line!).map((r) => r.error?.message);
      assert(/Requires net access to "127\.0\.0\.1:\d+"/.test(messages[0]!), messages[0]);
      assertEquals(messages[1], "nothing.invalid: the invalid domain never resolves");
      assert(/invalid peer certificate/.test(messages[2]!), messages[2]);
      assert(/port 1 are blocked/.test(messages[3]!), messages[3]);
      assertEquals(handshakes, 0, "no request got through the failed handshake");
    } finally {
      await tls.shutdown();
    }
  });
}

test("a malformed URL given to the library fails at once as invalid-url", async () => {
  const records = await collect(
    fetchAll(["http://exa mple.com/", "not a url", "ftp://127.0.0.1/"], { retries: 2 }),
  );
  assertEquals(
    records.map((r) => [r.error?.code, r.attempts]),
    [["invalid-url", 0], ["invalid-url", 0], ["invalid-url", 0]],
  );
});
