/**
 * For the shared-crawl tests: a Redis server of the test's own (Debian's `redis-server`, on a
 * free loopback port, in a temporary directory, no persistence), and a site that logs every
 * request with its user agent, start time and the requests in flight.
 * @module
 */
import { buildSite, type Site, type SiteOptions } from "../bench/site.ts";

/** Whether `redis-server` can be run here (`.ci/run` installs it); the tests skip without it. */
export const HAVE_REDIS: boolean = (() => {
  try {
    return new Deno.Command("redis-server", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/** A running Redis server of this test. */
export interface TestRedis {
  /** `redis://127.0.0.1:PORT` (with the password, if any). */
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and removes its directory. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; released for the caller). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts `redis-server` on a free loopback port; `password` sets `requirepass`. */
export async function startRedis(password?: string): Promise<TestRedis> {
  const dir = await Deno.makeTempDir({ prefix: "greencrawl-redis-" });
  const port = freePort();
  const args = ["--port", `${port}`, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  args.push("--dir", dir, "--daemonize", "no", "--logfile", "");
  if (password) args.push("--requirepass", password);
  const child = new Deno.Command("redis-server", { args, stdout: "null", stderr: "null" }).spawn();
  const deadline = Date.now() + 10_000;
  while (true) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        await child.status;
        throw error;
      }
      await new Promise((ok) => setTimeout(ok, 20));
    }
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `redis://${password ? `:${password}@` : ""}127.0.0.1:${port}`,
    port,
    stop: () =>
      stopped ??= (async () => {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
        await child.status;
        await Deno.remove(dir, { recursive: true });
      })(),
  };
}

/** One request the site received. */
export interface Hit {
  /** Path with query. */
  path: string;
  /** The User-Agent header (the tests give each process its own). */
  agent: string;
  /** When it arrived and when it was answered (performance.now() of the test). */
  start: number;
  end: number;
}

/** A site that logs requests, as {@linkcode startLoggingSite} returns it. */
export interface LoggingSite {
  url: string;
  site: Site;
  /** Every request, in arrival order (the open ones with `end` 0). */
  hits: Hit[];
  /** Most requests ever in flight at once. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/** Serves the synthetic site of `bench/site.ts` on 127.0.0.1, logging every request. */
export async function startLoggingSite(options: SiteOptions): Promise<LoggingSite> {
  const site = buildSite(options);
  const hits: Hit[] = [];
  let inFlight = 0;
  let most = 0;
  let origin = "";
  const listening = Promise.withResolvers<void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => listening.resolve() },
    async (req) => {
      const url = new URL(req.url);
      const hit = { path: url.pathname + url.search, agent: "", start: 0, end: 0 };
      hit.agent = req.headers.get("user-agent") ?? "";
      hit.start = performance.now();
      hits.push(hit);
      most = Math.max(most, ++inFlight);
      try {
        const delay = site.delayOf(url.pathname);
        if (delay > 0) await new Promise((ok) => setTimeout(ok, delay));
        if (url.pathname === "/robots.txt") return new Response(site.robotsTxt);
        if (url.pathname === "/p/0") return Response.redirect(`${origin}/`, 301);
        const body = site.render(url.pathname, origin);
        if (body === null) return new Response("not found", { status: 404 });
        return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
      } finally {
        inFlight--;
        hit.end = performance.now();
      }
    },
  );
  await listening.promise;
  origin = `http://127.0.0.1:${server.addr.port}`;
  return {
    url: origin,
    site,
    hits,
    maxInFlight: () => most,
    close: () => server.shutdown(),
  };
}

/** Permissions of a shared-crawl CLI process in these tests (the README's minimal set). */
export const CLI_PERMISSIONS = [
  "--allow-net=127.0.0.1",
  "--allow-read",
  "--allow-write",
  "--allow-env=REDIS_DEBUG_MAINTENANCE,REDIS_EMIT_DIAGNOSTICS",
  "--allow-sys=hostname",
];

/** Starts `cli.ts` with `args` (stdout and stderr piped). */
export function spawnCli(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_PERMISSIONS, new URL("../cli.ts", import.meta.url).pathname, ...args],
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Waits for a CLI process: its exit code and its output. */
export async function finished(
  child: Deno.ChildProcess,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

/** The URLs of an NDJSON output file (missing file: none). */
export async function urlsOf(file: string): Promise<string[]> {
  let text = "";
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  // A killed process may have written half a line last.
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length > 0 && !text.endsWith("\n")) lines.pop();
  return lines.map((l) => JSON.parse(l).url);
}
