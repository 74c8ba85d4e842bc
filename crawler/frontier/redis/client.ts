/**
 * The connection of a shared crawl to Redis: node-redis (`@redis/client`, the core of npm
 * `redis`), reached through one {@linkcode RedisConnection} that runs commands and Lua scripts
 * and rides out short outages.
 *
 * node-redis is imported by a specifier Deno cannot see before run time (a variable), so it is
 * not part of the module graph of `mod.ts` or `cli.ts`: runs that do not use Redis never fetch
 * or load it, and need no permission for it (Deno resolves `npm:` itself). The part of its API
 * used here is declared below; `tests/redis_client_test.ts` checks it against the package's
 * own types. Why node-redis and not ioredis: docs/decisions.md ("Shared crawls on Redis").
 * @module
 */
import { sleep } from "../../../green/sleep.ts";

/** The client package, pinned. */
export const CLIENT_SPECIFIER: string = "npm:@redis/client@6.4.0";

/** The part of node-redis's client this connection uses. */
export interface NodeRedisClient {
  /** Opens the socket (and logs in). */
  connect(): Promise<unknown>;
  /** Sends one command as strings. */
  sendCommand(args: string[]): Promise<unknown>;
  /** Waits for replies in flight, then closes. */
  close(): Promise<unknown>;
  /** Closes at once. */
  destroy(): void;
  /** Connected and logged in. */
  readonly isReady: boolean;
  /** Events: `error`, `ready`. */
  on(event: string, listener: () => void): unknown;
}

/** The part of node-redis's module this connection uses. */
export interface NodeRedisModule {
  /** A client for a `redis://` URL. */
  createClient(options: {
    url: string;
    socket: {
      connectTimeout: number;
      socketTimeout: number;
      reconnectStrategy: (retries: number, cause: Error) => number | Error;
    };
  }): NodeRedisClient;
  /** The error of a command the server answered with an error. */
  ErrorReply: abstract new (message: string) => Error;
}

/**
 * Why a process cannot take part in a shared crawl; `exitCode` is the command line's.
 *
 * @example
 * ```ts
 * import { SharedCrawl } from "./shared.ts";
 * import { SharedCrawlError } from "./client.ts";
 * const error = await SharedCrawl.open("redis://127.0.0.1:6379", { crawlId: "no spaces" })
 *   .catch((e) => e);
 * console.log(error instanceof SharedCrawlError, error.exitCode); // true 2
 * ```
 */
export class SharedCrawlError extends Error {
  /** The command line's exit code: 2 at start (nothing was done), 1 mid-crawl. */
  readonly exitCode: number;
  /** Creates the error. */
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = "SharedCrawlError";
    this.exitCode = exitCode;
  }
}

/**
 * Redis cannot be reached or refused the login when the crawl starts (exit code 2).
 *
 * @example
 * ```ts ignore
 * import { RedisConnection, RedisUnavailableError } from "./client.ts";
 * try {
 *   await RedisConnection.open("redis://127.0.0.1:1", { timeout: 1 }); // nothing listens there
 * } catch (error) {
 *   if (!(error instanceof RedisUnavailableError)) throw error;
 *   console.error(error.message, error.exitCode); // "cannot use Redis at 127.0.0.1:1: …" 2
 * }
 * ```
 */
export class RedisUnavailableError extends SharedCrawlError {
  /** Creates the error. */
  constructor(message: string) {
    super(message, 2);
    this.name = "RedisUnavailableError";
  }
}

/**
 * Redis went away mid-crawl and did not come back within the timeout (exit code 1).
 *
 * @example
 * ```ts ignore
 * import { RedisConnection, RedisLostError } from "./client.ts";
 * const redis = await RedisConnection.open("redis://127.0.0.1:6379", { timeout: 5 });
 * try {
 *   await redis.command(["PING"]); // Redis stopped, and stays away for more than 5 s
 * } catch (error) {
 *   if (!(error instanceof RedisLostError)) throw error;
 *   console.error(error.message, error.exitCode); // "lost Redis at 127.0.0.1:6379 (…)" 1
 * } finally {
 *   await redis.close();
 * }
 * ```
 */
export class RedisLostError extends SharedCrawlError {
  /** Creates the error. */
  constructor(message: string) {
    super(message, 1);
    this.name = "RedisLostError";
  }
}

/** Options of {@linkcode RedisConnection.open}. */
export interface RedisConnectionOptions {
  /**
   * Seconds to keep retrying while Redis is unreachable mid-crawl (backoff up to 1 s between
   * tries) before giving up with {@linkcode RedisLostError}. Also the connect timeout, and how
   * long a silent connection is trusted. Default 30.
   */
  timeout?: number;
}

/**
 * One connection to Redis, shared by all green workers of a process (node-redis pipelines
 * their commands on it).
 *
 * @example
 * ```ts ignore
 * import { RedisConnection } from "./client.ts";
 * const redis = await RedisConnection.open("redis://127.0.0.1:6379", { timeout: 5 });
 * console.log(await redis.command(["PING"])); // "PONG"
 * await redis.close();
 * ```
 */
export class RedisConnection {
  /** Where it connects, for messages: `host:port/db`, never the password. */
  readonly where: string;
  #client!: NodeRedisClient;
  #module: NodeRedisModule;
  /** False until the first connect succeeds: a failed first connect is not retried. */
  #connected = false;
  #timeoutMs: number;
  /** When the connection was lost (performance.now()), or null while it works. */
  #lostAt: number | null = null;
  #gaveUp: RedisLostError | null = null;
  #closed = false;
  /** SHA1 of each script source, once the server knows it. */
  #shas = new Map<string, string>();

  private constructor(module: NodeRedisModule, where: string, timeoutMs: number) {
    this.#module = module;
    this.where = where;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Connects to `url` (`redis://[user:password@]host:port[/db]`).
   *
   * @param url The server, as `redis://` URL.
   * @param options The timeout.
   * @returns The open connection.
   * @throws {RedisUnavailableError} when the server cannot be reached or refuses the login.
   * @example
   * ```ts ignore
   * import { RedisConnection } from "./client.ts";
   * const redis = await RedisConnection.open("redis://127.0.0.1:6379/1", { timeout: 5 });
   * console.log(redis.where); // "127.0.0.1:6379/1"
   * await redis.close();
   * ```
   */
  static async open(url: string, options: RedisConnectionOptions = {}): Promise<RedisConnection> {
    const where = describe(url);
    const timeoutMs = (options.timeout ?? 30) * 1000;
    const module = await import(CLIENT_SPECIFIER) as NodeRedisModule;
    const connection = new RedisConnection(module, where, timeoutMs);
    const client: NodeRedisClient = connection.#client = module.createClient({
      url,
      socket: {
        connectTimeout: timeoutMs,
        // A connection that says nothing for this long is treated as lost (a frozen server).
        socketTimeout: Math.max(timeoutMs, 30_000),
        reconnectStrategy: (retries: number, cause: Error) =>
          connection.#connected ? connection.#retry(retries, cause) : cause,
      },
    });
    // node-redis reports every failed attempt as an event; the calls' own errors say enough.
    client.on("error", () => {});
    client.on("ready", () => {
      connection.#lostAt = null;
    });
    try {
      await client.connect();
    } catch (error) {
      client.destroy();
      throw new RedisUnavailableError(`cannot use Redis at ${where}: ${message(error)}`);
    }
    connection.#connected = true;
    return connection;
  }

  /** node-redis asks whether to reconnect: with backoff, until the timeout has passed. */
  #retry(retries: number, cause: Error): number | Error {
    const now = performance.now();
    this.#lostAt ??= now;
    if (now - this.#lostAt > this.#timeoutMs) return this.#giveUp(cause);
    return Math.min(50 * 2 ** retries, 1000);
  }

  #giveUp(cause: unknown): RedisLostError {
    this.#gaveUp ??= new RedisLostError(
      `lost Redis at ${this.where} (${message(cause)}); gave up after ${
        this.#timeoutMs / 1000
      } s (--timeout)`,
    );
    return this.#gaveUp;
  }

  /**
   * Runs one command. While the connection is down it waits and retries (the command may have
   * run once already: every script of the frontier is safe to repeat); past the timeout it
   * throws {@linkcode RedisLostError}. An error the server answers is thrown at once.
   *
   * @param args The command and its arguments, e.g. `["SADD", key, member]`.
   * @returns The server's reply.
   * @throws {RedisLostError} when the connection stayed down longer than the timeout.
   * @example
   * ```ts ignore
   * import { RedisConnection } from "./client.ts";
   * const redis = await RedisConnection.open("redis://127.0.0.1:6379");
   * console.log(await redis.command(["SADD", "docs:seen", "http://127.0.0.1/a"])); // 1
   * console.log(await redis.command(["SCARD", "docs:seen"])); // 1
   * await redis.close();
   * ```
   */
  async command(args: readonly (string | number)[]): Promise<unknown> {
    const strings = args.map(String);
    let backoff = 0.05;
    while (true) {
      if (this.#gaveUp) throw this.#gaveUp;
      try {
        return await this.#client.sendCommand(strings);
      } catch (error) {
        if (error instanceof this.#module.ErrorReply || this.#closed) throw error;
        const now = performance.now();
        this.#lostAt ??= now;
        if (now - this.#lostAt > this.#timeoutMs) throw this.#giveUp(error);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 1);
      }
    }
  }

  /**
   * Runs a Lua script by its SHA1 (`EVALSHA`), sending its source once when the server does
   * not know it yet (a new server, or one restarted).
   *
   * @param source The script.
   * @param keys Its `KEYS`.
   * @param args Its `ARGV`.
   * @returns The script's reply.
   * @example
   * ```ts ignore
   * import { RedisConnection } from "./client.ts";
   * const redis = await RedisConnection.open("redis://127.0.0.1:6379");
   * const add = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
   * console.log(await redis.script(add, ["docs:count"], [2])); // 2 (a new key)
   * console.log(await redis.script(add, ["docs:count"], [2])); // 4 (sent as EVALSHA only)
   * await redis.close();
   * ```
   */
  async script(
    source: string,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    const sha = this.#shas.get(source);
    if (sha !== undefined) {
      try {
        return await this.command(["EVALSHA", sha, keys.length, ...keys, ...args]);
      } catch (error) {
        if (!String((error as Error).message).startsWith("NOSCRIPT")) throw error;
      }
    }
    this.#shas.set(source, String(await this.command(["SCRIPT", "LOAD", source])));
    return await this.command(["EVALSHA", this.#shas.get(source)!, keys.length, ...keys, ...args]);
  }

  /**
   * Closes the connection (waits for replies in flight; never throws). Closing again does
   * nothing.
   *
   * @returns Resolves once the connection is closed.
   * @example
   * ```ts ignore
   * import { RedisConnection } from "./client.ts";
   * const redis = await RedisConnection.open("redis://127.0.0.1:6379");
   * const reply = redis.command(["PING"]);
   * await redis.close();
   * console.log(await reply); // "PONG": it was in flight
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#gaveUp || !this.#client.isReady) this.#client.destroy();
      else await this.#client.close();
    } catch {
      this.#client.destroy();
    }
  }
}

/** `host:port/db` of a `redis://` URL, without user or password; the text itself if unparsable. */
function describe(url: string): string {
  const u = URL.parse(url);
  if (!u) return JSON.stringify(url);
  return `${u.hostname}:${u.port || "6379"}${u.pathname.length > 1 ? u.pathname : ""}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
