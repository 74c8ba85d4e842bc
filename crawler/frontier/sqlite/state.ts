/**
 * A crawl's state on disk: one SQLite database (`node:sqlite`, no dependency) that a rerun of the
 * same crawl resumes from. It holds the run's settings, every job (queued, in flight, done,
 * failed, skipped by robots.txt) with its depth, parent, seed, line and attempts, the visited
 * set, robots.txt per host, the counters, and the committed length of the output file.
 *
 * Opening never touches a file that is not ours: a sidecar `FILE.lock` holds an OS lock (gone
 * with the process, even after `kill -9`) and the pid of its holder; the file's header is read
 * raw first, so a text file, a foreign or newer database, or a truncated file is refused before
 * SQLite opens it. The layout and its reasons are in `docs/decisions.md`.
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { createHash } from "node:crypto";
import { CrawlFrontier, type CrawlJournal } from "../crawl.ts";
import type {
  CrawlFrontierFactory,
  CrawlingFrontier,
  CrawlMeaning,
  CrawlSetup,
} from "../frontier.ts";
import type { RobotsStore } from "../../robots/cache.ts";
import { SqliteJournal } from "./journal.ts";

/** The schema version this code writes and reads (`PRAGMA user_version`). */
export const STATE_SCHEMA = 1;
/** `PRAGMA application_id` of a greencrawl state: "grnc". */
const APPLICATION_ID = 0x67726e63;

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  depth INTEGER NOT NULL,
  parent INTEGER,
  seed INTEGER,
  line INTEGER,
  state INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE seen (url TEXT NOT NULL);
CREATE TABLE robots (host TEXT PRIMARY KEY, body TEXT) WITHOUT ROWID;
PRAGMA application_id = ${APPLICATION_ID};
PRAGMA user_version = ${STATE_SCHEMA};
`;

/**
 * Why a state cannot be used: not ours, in use, damaged, or made by another command.
 *
 * @example
 * ```ts ignore
 * import { SqliteState, StateError } from "./state.ts";
 * try {
 *   SqliteState.open("crawl.db").close();
 * } catch (error) {
 *   if (!(error instanceof StateError)) throw error;
 *   console.error(error.message); // e.g. "state file in use by pid 4242: crawl.db"
 * }
 * ```
 */
export class StateError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "StateError";
  }
}

/** What a crawl or a list means, as stored with its state and compared by a rerun. */
export interface StateSettings {
  /** The listed URLs and their lines. */
  seeds: readonly { url: string; line: number | null }[];
  /** Link depth (0 for a URL list). */
  depth: number;
  /** The budget, or null for a URL list. */
  maxPages: number | null;
  /** Scope and filters, or null for a URL list. */
  meaning: CrawlMeaning | null;
}

/** The output file as last committed: its path and how many bytes of it hold finished records. */
export interface CommittedOutput {
  /** The path, absolute. */
  path: string;
  /** Bytes written up to the last commit. */
  length: number;
}

interface Stored {
  depth: number;
  maxPages: number | null;
  meaning: CrawlMeaning | null;
  seeds: number;
  digest: string;
}

/**
 * A crawl's state, open and locked by this process.
 *
 * @example
 * ```ts ignore
 * import { crawl } from "../../run/crawl.ts";
 * import { SqliteState } from "./state.ts";
 * const state = SqliteState.open("crawl.db"); // a rerun resumes where this one stopped
 * try {
 *   await crawl(["http://127.0.0.1:8000/"], { depth: 3, frontier: state.crawlFrontier })
 *     .pipeTo({ record: (r) => console.log(r.url) });
 * } finally {
 *   state.close();
 * }
 * ```
 */
export class SqliteState {
  /** The state file. */
  readonly path: string;
  /**
   * Called before each commit by whoever writes the records to a file: flush and sync it, and
   * return its path and length, stored with the commit (the CLI's `-o`).
   */
  onCommit: (() => CommittedOutput) | undefined;
  #db: DatabaseSync;
  #lock: Deno.FsFile;
  #meta: Map<string, string>;
  #journal: SqliteJournal | undefined;
  #robots: RobotsStore | undefined;

  private constructor(
    path: string,
    db: DatabaseSync,
    lock: Deno.FsFile,
    meta: Map<string, string>,
  ) {
    this.path = path;
    this.#db = db;
    this.#lock = lock;
    this.#meta = meta;
  }

  /**
   * Opens (or creates) the state at `path` and locks it for this process.
   *
   * @param path The state file (its lock is `path.lock`, beside it).
   * @returns The open state; {@linkcode SqliteState.close} it to give up the lock.
   * @throws {StateError} when another process uses it, or it is not a greencrawl state (a text
   * file, another SQLite database, a newer schema, a truncated or damaged file); the file is left
   * as it was.
   * @example
   * ```ts ignore
   * import { SqliteState } from "./state.ts";
   * const state = SqliteState.open("crawl.db");
   * console.log(state.fresh ? "a new crawl" : `resuming: ${state.progress().done} done`);
   * state.close();
   * ```
   */
  static open(path: string): SqliteState {
    const lock = acquire(path);
    let db: DatabaseSync | undefined;
    try {
      if (!inspect(path)) create(path);
      db = new DatabaseSync(path);
      db.exec("PRAGMA locking_mode = EXCLUSIVE; PRAGMA busy_timeout = 0");
      let meta: Map<string, string>;
      try {
        const rows = db.prepare("SELECT key, value FROM meta").all() as {
          key: string;
          value: string;
        }[];
        meta = new Map(rows.map((r) => [r.key, r.value]));
        db.prepare("SELECT id, url, depth, parent, seed, line, state, attempts FROM jobs LIMIT 1")
          .all();
        db.prepare("SELECT url FROM seen LIMIT 1").all();
        db.prepare("SELECT host, body FROM robots LIMIT 1").all();
      } catch (error) {
        throw new StateError(`${path} is damaged or not a greencrawl state: ${message(error)}`);
      }
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
      return new SqliteState(path, db, lock, meta);
    } catch (error) {
      db?.close();
      lock.close();
      throw error;
    }
  }

  /** True when no run has used the state yet. */
  get fresh(): boolean {
    return !this.#meta.has("settings");
  }

  /** True when a run finished every job of it: a rerun fetches nothing. */
  get finished(): boolean {
    return this.#meta.get("finished") === "1";
  }

  /**
   * Jobs done (or failed, or skipped) and jobs still to do, as of the last commit.
   *
   * @returns Both counts; zero for a fresh state.
   * @example
   * ```ts ignore
   * import { SqliteState } from "./state.ts";
   * const state = SqliteState.open("crawl.db");
   * const { done, queued } = state.progress();
   * console.log(`${done} done, ${queued} queued`);
   * ```
   */
  progress(): { done: number; queued: number } {
    const done = Number(this.#meta.get("done") ?? 0);
    return { done, queued: Number(this.#meta.get("total") ?? 0) - done };
  }

  /** The output file as of the last commit, or null. */
  get output(): CommittedOutput | null {
    const text = this.#meta.get("output");
    return text === undefined ? null : JSON.parse(text);
  }

  /**
   * Compares `settings` with the stored ones (and stores them on first use).
   *
   * @param settings What the run means: its seeds, depth, budget, scope and filters.
   * @throws {StateError} naming the first difference; nothing is written then.
   * @example
   * ```ts ignore
   * import { SqliteState } from "./state.ts";
   * import { crawlMeaning } from "../../run/crawl.ts";
   * const state = SqliteState.open("crawl.db");
   * const seeds = [{ url: "http://127.0.0.1:8000/", line: 1 }];
   * state.check({ seeds, depth: 2, maxPages: 1000, meaning: crawlMeaning({}) });
   * state.check({ seeds, depth: 3, maxPages: 1000, meaning: crawlMeaning({}) });
   * // StateError: crawl.db belongs to another crawl: --depth is 2 in the state, 3 here
   * ```
   */
  check(settings: StateSettings): void {
    const given = storedForm(settings);
    const text = this.#meta.get("settings");
    if (text === undefined) {
      this.put([["settings", JSON.stringify(given)]]);
      return;
    }
    const stored = JSON.parse(text) as Stored;
    const difference = differ(stored, given) ??
      (stored.digest === given.digest ? null : this.#seedDifference(settings.seeds));
    if (difference !== null) {
      throw new StateError(`${this.path} belongs to another crawl: ${difference}`);
    }
  }

  /** Builds the crawl's frontier on this state (checking the settings): for `crawl()`. */
  readonly crawlFrontier: CrawlFrontierFactory = (setup: CrawlSetup): CrawlingFrontier => {
    this.check({
      seeds: setup.seeds,
      depth: setup.maxDepth,
      maxPages: setup.maxPages,
      meaning: setup.meaning ?? null,
    });
    return new CrawlFrontier(setup, this.#newJournal());
  };

  /** Builds a URL list's frontier on this state (checking the list): for `fetchAll()`. */
  readonly listFrontier = (
    entries: { url: string; line: number | null }[],
  ): CrawlingFrontier => {
    this.check({ seeds: entries, depth: 0, maxPages: null, meaning: null });
    return new CrawlFrontier({
      seeds: entries,
      maxDepth: 0,
      maxPages: Infinity,
      perHost: Infinity,
      delay: 0,
      inScope: () => ({ ok: true }),
    }, this.#newJournal());
  };

  /** The robots.txt kept in the state. */
  get robots(): RobotsStore {
    if (this.#robots) return this.#robots;
    const get = this.#db.prepare("SELECT body FROM robots WHERE host = ?");
    const put = this.#db.prepare("INSERT OR REPLACE INTO robots (host, body) VALUES (?, ?)");
    return this.#robots = {
      get: (host) => (get.get(host) as { body: string | null } | undefined)?.body,
      put: (host, body) => void put.run(host, body),
    };
  }

  /** The database, for the journal. */
  get db(): DatabaseSync {
    return this.#db;
  }

  /**
   * Reads a value of the state's key-value table (as of the last commit).
   *
   * @param key The key, e.g. `"done"` or `"finished"` (the journal's).
   * @returns The value, or undefined when the key was never written.
   * @example
   * ```ts ignore
   * import { SqliteState } from "./state.ts";
   * const state = SqliteState.open("crawl.db");
   * console.log(state.get("done") ?? "0"); // pages done by earlier runs
   * ```
   */
  get(key: string): string | undefined {
    return this.#meta.get(key);
  }

  /**
   * Writes key-value pairs (inside the caller's transaction, if any).
   *
   * @param pairs Keys and their values, as text.
   * @example
   * ```ts ignore
   * import { SqliteState } from "./state.ts";
   * const state = SqliteState.open("crawl.db");
   * state.put([["note", "nightly"]]);
   * console.log(state.get("note")); // "nightly"
   * ```
   */
  put(pairs: [string, string][]): void {
    const put = this.#db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
    for (const [key, value] of pairs) {
      put.run(key, value);
      this.#meta.set(key, value);
    }
  }

  /**
   * The journal ended its run: another may start. A journal's `close` calls it; until then a
   * second frontier on the state throws {@linkcode StateError}.
   *
   * @param journal The journal that ended (another one is ignored).
   * @example
   * ```ts ignore
   * import { SqliteState } from "./state.ts";
   * const state = SqliteState.open("list.db");
   * const entries = [{ url: "http://127.0.0.1:8000/", line: 1 }];
   * const frontier = state.listFrontier(entries);
   * await frontier.close?.(); // its journal commits, then calls state.release(journal)
   * state.listFrontier(entries); // a second run on the same open state
   * ```
   */
  release(journal: CrawlJournal): void {
    if (this.#journal === journal) this.#journal = undefined;
  }

  /**
   * Closes the database and gives up the lock; closing again does nothing.
   *
   * @example
   * ```ts ignore
   * import { SqliteState } from "./state.ts";
   * const state = SqliteState.open("crawl.db");
   * state.close();
   * SqliteState.open("crawl.db").close(); // the lock is free again
   * ```
   */
  close(): void {
    if (!this.#db.isOpen) return;
    this.#db.close();
    this.#lock.close();
  }

  #newJournal(): SqliteJournal {
    if (this.#journal) throw new StateError(`${this.path} is in use by another run`);
    return this.#journal = new SqliteJournal(this);
  }

  /** Where the given seeds differ from the stored ones (the first seeds of the jobs table). */
  #seedDifference(seeds: StateSettings["seeds"]): string {
    const rows = this.#db.prepare(
      "SELECT url, line FROM jobs WHERE depth = 0 ORDER BY id LIMIT ?",
    ).all(seeds.length + 1) as { url: string; line: number | null }[];
    for (let i = 0; i < Math.min(rows.length, seeds.length); i++) {
      if (rows[i].url !== seeds[i].url || rows[i].line !== seeds[i].line) {
        const where = seeds[i].line === null ? `URL ${i + 1}` : `line ${seeds[i].line}`;
        return `the URL list differs at ${where}: ${seeds[i].url} here, ${
          rows[i].url
        } in the state`;
      }
    }
    const stored = (JSON.parse(this.#meta.get("settings")!) as Stored).seeds;
    return `the URL list differs: ${seeds.length} URLs here, ${stored} in the state`;
  }
}

function storedForm(s: StateSettings): Stored {
  const hash = createHash("sha256");
  for (const { url, line } of s.seeds) hash.update(`${line}\t${url}\n`);
  return {
    depth: s.depth,
    maxPages: s.maxPages,
    meaning: s.meaning,
    seeds: s.seeds.length,
    digest: hash.digest("hex"),
  };
}

/** The first setting that differs, as `--flag is X in the state, Y here`, or null. */
function differ(stored: Stored, given: Stored): string | null {
  const show = (v: unknown) => JSON.stringify(v) ?? "none";
  const pairs: [string, unknown, unknown][] = [
    ["--depth", stored.depth, given.depth],
    ["--max-pages", stored.maxPages, given.maxPages],
  ];
  const a = stored.meaning, b = given.meaning;
  if (a && b) {
    pairs.push(
      ["--scope", a.scope, b.scope],
      ["--include", a.include, b.include],
      ["--exclude", a.exclude, b.exclude],
      ["--allow-private", a.allowPrivate, b.allowPrivate],
      ["--ignore-robots", !a.robots, !b.robots],
    );
  } else if (a || b) {
    return `a ${a ? "crawl" : "URL list"} in the state, a ${b ? "crawl" : "URL list"} here`;
  }
  for (const [flag, x, y] of pairs) {
    if (show(x) !== show(y)) return `${flag} is ${show(x)} in the state, ${show(y)} here`;
  }
  return null;
}

/** Takes the lock of `path` (its `.lock` sidecar) or throws naming the process that holds it. */
function acquire(path: string): Deno.FsFile {
  const lockPath = `${path}.lock`;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(lockPath, { read: true, write: true, create: true });
  } catch (error) {
    throw new StateError(`cannot open ${lockPath}: ${message(error)}`);
  }
  if (!file.tryLockSync(true)) {
    const buffer = new Uint8Array(32);
    const n = file.readSync(buffer) ?? 0;
    file.close();
    const pid = /^\d+/.exec(new TextDecoder().decode(buffer.subarray(0, n)))?.[0] ?? "?";
    throw new StateError(`state file in use by pid ${pid}: ${path}`);
  }
  file.truncateSync(0);
  file.writeSync(new TextEncoder().encode(`${Deno.pid}\n`));
  return file;
}

/**
 * Reads `path`'s header without SQLite: false when there is no file yet; throws when it is not a
 * greencrawl state of a schema this code reads, or is shorter than its header says.
 */
function inspect(path: string): boolean {
  let size: number;
  try {
    const stat = Deno.statSync(path);
    if (!stat.isFile) throw new StateError(`${path} is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error instanceof StateError
      ? error
      : new StateError(`cannot read ${path}: ${message(error)}`);
  }
  const header = new Uint8Array(100);
  const file = Deno.openSync(path, { read: true });
  let n = 0;
  try {
    while (n < 100) {
      const got = file.readSync(header.subarray(n));
      if (got === null) break;
      n += got;
    }
  } finally {
    file.close();
  }
  const view = new DataView(header.buffer);
  const not = `${path} is not a greencrawl state`;
  if (n < 100 || new TextDecoder().decode(header.subarray(0, 16)) !== "SQLite format 3\0") {
    throw new StateError(`${not} (${size === 0 ? "an empty file" : "not a SQLite database"})`);
  }
  if (view.getUint32(68) !== APPLICATION_ID) {
    throw new StateError(`${not} (another SQLite database)`);
  }
  const schema = view.getUint32(60);
  if (schema > STATE_SCHEMA) {
    throw new StateError(
      `${path} was written by a newer greencrawl (state schema ${schema}; this one reads ${STATE_SCHEMA})`,
    );
  }
  // The header's page count is valid when its two change counters agree. A WAL beside the file
  // may still hold pages being checkpointed into it, so the size is judged without one.
  const pageSize = view.getUint16(16) === 1 ? 65536 : view.getUint16(16);
  const expected = pageSize * view.getUint32(28);
  const valid = view.getUint32(24) === view.getUint32(92);
  if (valid && size < expected && !hasWal(path)) {
    throw new StateError(`${path} is truncated (${size} bytes, its header says ${expected})`);
  }
  return true;
}

function hasWal(path: string): boolean {
  try {
    return Deno.statSync(`${path}-wal`).size > 0;
  } catch {
    return false;
  }
}

/** Creates an empty state: built beside `path` and renamed into place, so it appears whole. */
function create(path: string): void {
  const tmp = `${path}.${Deno.pid}.new`;
  try {
    Deno.removeSync(tmp);
  } catch { /* not there */ }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(tmp);
  } catch (error) {
    throw new StateError(`cannot create ${path}: ${message(error)}`);
  }
  try {
    db.exec(SCHEMA);
  } finally {
    db.close();
  }
  Deno.renameSync(tmp, path);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
