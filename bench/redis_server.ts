/**
 * A Redis server of the caller's own, for the shared-crawl tests and benchmark: Debian's
 * `redis-server` on a free loopback port, in a temporary directory, without persistence.
 * @module
 */

/** Whether `redis-server` can be run here (`.ci/run` installs it); the tests skip without it. */
export const HAVE_REDIS: boolean = (() => {
  try {
    return new Deno.Command("redis-server", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/** A running Redis server of the caller. */
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
