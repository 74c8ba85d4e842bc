/**
 * The two stores of a shared crawl besides its queue: the visited set ({@linkcode SeenStore})
 * and the robots.txt files ({@linkcode RobotsStore}), both in Redis under the crawl's prefix.
 * @module
 */
import { sleep } from "../../../green/sleep.ts";
import type { RobotsStore } from "../../robots/cache.ts";
import type { SeenStore } from "../frontier.ts";
import type { RedisConnection } from "./client.ts";

/** SADD member by member: which of them were new. */
const ADD_EACH = `
local added = {}
for i = 1, #ARGV do added[i] = redis.call('SADD', KEYS[1], ARGV[i]) end
return added`;

/**
 * The visited set in a Redis set: one round trip per batch, whatever its size.
 *
 * @example
 * ```ts ignore
 * import { RedisConnection } from "./client.ts";
 * import { RedisSeenStore } from "./stores.ts";
 * const seen = new RedisSeenStore(await RedisConnection.open("redis://127.0.0.1:6379"), "x:seen");
 * console.log(await seen.add(["http://127.0.0.1/a", "http://127.0.0.1/a"])); // [ true, false ]
 * ```
 */
export class RedisSeenStore implements SeenStore {
  #redis: RedisConnection;
  #key: string;

  /** A store in the set at `key`. */
  constructor(redis: RedisConnection, key: string) {
    this.#redis = redis;
    this.#key = key;
  }

  async has(urls: readonly string[]): Promise<boolean[]> {
    if (urls.length === 0) return [];
    const found = await this.#redis.command(["SMISMEMBER", this.#key, ...urls]) as number[];
    return found.map((n) => n === 1);
  }

  async add(urls: readonly string[]): Promise<boolean[]> {
    if (urls.length === 0) return [];
    const added = await this.#redis.script(ADD_EACH, [this.#key], urls) as number[];
    return added.map((n) => n === 1);
  }

  async size(): Promise<number> {
    return Number(await this.#redis.command(["SCARD", this.#key]));
  }
}

/** What a robots.txt key holds while one process fetches the file. */
const LOADING = "loading";

/**
 * robots.txt files in Redis, one string key per host, shared by the crawl's processes. The
 * first process to need a host's file claims the key (`SET NX`, expiring, so a process that dies
 * while fetching frees it): its `get` answers undefined, and it fetches and `put`s the file. The
 * others' `get` waits for the file (polling, 20 ms growing to 250 ms). A fetch that failed frees
 * the key (`failed`): the next process to need the host tries again.
 *
 * @example
 * ```ts ignore
 * import { RedisConnection } from "./client.ts";
 * import { RedisRobotsStore } from "./stores.ts";
 * const robots = new RedisRobotsStore(await RedisConnection.open("redis://127.0.0.1:6379"), "x:");
 * if ((await robots.get("127.0.0.1:8000")) === undefined) await robots.put("127.0.0.1:8000", null);
 * ```
 */
export class RedisRobotsStore implements RobotsStore {
  #redis: RedisConnection;
  #prefix: string;
  #holdMs: number;

  /**
   * Keys are `<prefix>robots:<host>`; a fetching process holds a host for `holdMs` at most
   * (then another one may fetch).
   */
  constructor(redis: RedisConnection, prefix: string, holdMs = 120_000) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#holdMs = holdMs;
  }

  /**
   * The host's stored robots.txt (null: allow all), waiting while another process fetches it;
   * undefined when this process is to fetch it.
   */
  async get(host: string): Promise<string | null | undefined> {
    const key = this.#key(host);
    let wait = 0.02;
    while (true) {
      const entry = await this.#redis.command(["GET", key]) as string | null;
      if (entry !== null && entry !== LOADING) return entry === "A" ? null : entry.slice(1);
      if (entry === null) {
        const took = await this.#redis.command(["SET", key, LOADING, "NX", "PX", this.#holdMs]);
        if (took === "OK") return undefined;
      }
      await sleep(wait);
      wait = Math.min(wait * 2, 0.25);
    }
  }

  /** Keeps the host's robots.txt for every process of the crawl (null: allow all). */
  async put(host: string, robotsTxt: string | null): Promise<void> {
    await this.#redis.command(["SET", this.#key(host), robotsTxt === null ? "A" : `R${robotsTxt}`]);
  }

  /** The fetch failed: the host is skipped by this process, and the next one tries again. */
  async failed(host: string): Promise<void> {
    await this.#redis.command(["DEL", this.#key(host)]);
  }

  #key(host: string): string {
    return `${this.#prefix}robots:${host}`;
  }
}
