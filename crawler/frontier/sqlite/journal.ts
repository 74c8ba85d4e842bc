/**
 * The journal of a durable crawl: what `CrawlFrontier` queues, takes and finishes, written to
 * the state's database in batched transactions, with only a window of the queue in memory.
 *
 * Commit window: changes are committed at most 100 ms and at most 200 finished pages after the
 * first of them (and sooner when 5,000 new jobs wait), always between two pages, after the
 * output file's new records were flushed and synced (`SqliteState.onCommit`). A crash therefore
 * repeats the jobs in flight plus at most one window. Known links never reach SQLite: the
 * visited set is a {@linkcode FingerprintSet} in memory, rebuilt from the `seen` table on resume.
 * @module
 */
import type { SQLInputValue, StatementSync } from "node:sqlite";
import { FingerprintSet } from "../fingerprints.ts";
import type { CrawlJournal, Origin } from "../crawl.ts";
import type { CrawlCounters, Job, SeenStore } from "../frontier.ts";
import type { FetchRecord } from "../../record.ts";
import type { RobotsStore } from "../../robots/cache.ts";
import type { SqliteState } from "./state.ts";

/** Job states in the `jobs` table. */
export const JOB_STATE = { queued: 0, inFlight: 1, done: 2, failed: 3, skipped: 4 } as const;

/** Most milliseconds between the first uncommitted change and its commit. */
export const COMMIT_MS = 100;
/** Most finished pages in one commit. */
export const COMMIT_PAGES = 200;
/** New jobs that make a commit at once (a bound on what waits in memory). */
const COMMIT_JOBS = 5000;
/** Queued jobs kept in memory; beyond it they wait in the database. */
const KEEP = 4000;
/** Rows per multi-row statement. */
const SQL_ROWS = 64;
/** Rows read at a time when the visited set is rebuilt. */
const SEEN_CHUNK = 50_000;

/** A queued job in memory: its origin plus its row and its seed's row. */
interface Kept extends Origin {
  id: number;
  seedId: number;
  /** Marked in flight in the database. */
  flight: boolean;
}

/**
 * A {@linkcode CrawlJournal} on a {@linkcode SqliteState}: made by the state's frontier factories.
 */
export class SqliteJournal implements CrawlJournal {
  readonly seen: SeenStore;
  readonly robots: RobotsStore;
  #state: SqliteState;
  #set = new FingerprintSet();
  #counters: CrawlCounters | undefined;
  #lastId = 0;
  #done = 0;
  #stored = 0;
  #inMemory = 0;
  /** Every job up to this id was handed to the frontier (or is finished). */
  #loadedTo = 0;
  #taken = new Map<Job, Kept>();
  /** Uncommitted: new jobs (6 values each), new seen URLs, ends (id, state, attempts). */
  #jobs: SQLInputValue[] = [];
  #seenUrls: string[] = [];
  #ends: number[] = [];
  #pages = 0;
  #since = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failure: { error: unknown } | undefined;
  #closed = false;
  #statements = new Map<string, StatementSync>();

  /** A journal writing to `state`. */
  constructor(state: SqliteState) {
    this.#state = state;
    this.robots = state.robots;
    const set = this.#set;
    this.seen = {
      has: (urls) => set.has(urls),
      add: (urls) => {
        const added = set.add(urls);
        for (let i = 0; i < urls.length; i++) if (added[i]) this.#seenUrls.push(urls[i]);
        this.#changed();
        return added;
      },
      size: () => set.size(),
    };
  }

  get stored(): number {
    return this.#stored;
  }

  start(counters: CrawlCounters): boolean {
    this.#counters = counters;
    const total = Number(this.#state.get("total") ?? 0);
    if (total === 0) return false;
    Object.assign(counters, JSON.parse(this.#state.get("counters") ?? "{}"));
    this.#lastId = total;
    this.#done = Number(this.#state.get("done") ?? 0);
    this.#stored = total - this.#done;
    const chunk = this.#state.db.prepare(
      "SELECT max(rowid) AS last, group_concat(url, char(10)) AS urls FROM " +
        "(SELECT rowid, url FROM seen WHERE rowid > ? ORDER BY rowid LIMIT ?)",
    );
    for (let after = 0;;) {
      const { last, urls } = chunk.get(after, SEEN_CHUNK) as { last: number; urls: string };
      if (last === null) break;
      for (const url of urls.split("\n")) this.#set.addOne(url);
      after = last;
    }
    return true;
  }

  queued(url: string, origin: Origin, parent: Job | null): Origin | null {
    const id = ++this.#lastId;
    const from = parent === null ? undefined : this.#taken.get(parent);
    this.#jobs.push(id, url, origin.depth, from?.id ?? null, from?.seedId ?? null, origin.line);
    this.#changed();
    if (this.#stored > 0 || this.#inMemory >= KEEP) {
      this.#stored++;
      return null;
    }
    this.#inMemory++;
    this.#loadedTo = id;
    return { ...origin, id, seedId: from?.seedId ?? id, flight: false } as Kept;
  }

  load(max: number): { url: string; host: string; origin: Origin }[] {
    if (this.#jobs.length > 0) this.#commit(); // the jobs waiting for a commit come first
    const rows = this.#state.db.prepare(
      `SELECT j.id, j.url, j.depth, j.line, j.seed, p.url AS parent, s.url AS seedUrl
         FROM jobs j LEFT JOIN jobs p ON p.id = j.parent LEFT JOIN jobs s ON s.id = j.seed
        WHERE j.id > ? AND j.state < ${JOB_STATE.done} ORDER BY j.id LIMIT ?`,
    ).all(this.#loadedTo, max) as {
      id: number;
      url: string;
      depth: number;
      line: number | null;
      seed: number | null;
      parent: string | null;
      seedUrl: string | null;
    }[];
    const now = performance.now();
    const out = rows.map((r) => {
      const origin: Kept = {
        line: r.line,
        depth: r.depth,
        parent: r.parent,
        queuedAt: now,
        seed: r.seedUrl ?? r.url,
        id: r.id,
        seedId: r.seed ?? r.id,
        flight: false,
      };
      return { url: r.url, host: new URL(r.url).host, origin };
    });
    if (rows.length > 0) this.#loadedTo = rows[rows.length - 1].id;
    this.#stored = rows.length < max ? 0 : this.#stored - rows.length;
    this.#inMemory += rows.length;
    return out;
  }

  taken(job: Job, origin: Origin): void {
    this.#taken.set(job, origin as Kept);
    this.#inMemory--;
  }

  finished(job: Job, record: FetchRecord | null): void {
    const kept = this.#taken.get(job);
    if (kept === undefined) return;
    this.#taken.delete(job);
    if (record?.error?.code === "aborted") return; // still queued: a rerun fetches it
    const state = record === null
      ? JOB_STATE.skipped
      : record.ok
      ? JOB_STATE.done
      : JOB_STATE.failed;
    this.#ends.push(kept.id, state, record?.attempts ?? 0);
    this.#pages++;
    this.#done++;
    this.#changed();
  }

  tick(): void {
    if (this.#failure) throw this.#failure.error;
    if (
      this.#pages >= COMMIT_PAGES || this.#jobs.length >= 6 * COMMIT_JOBS ||
      (this.#since !== 0 && performance.now() - this.#since >= COMMIT_MS)
    ) this.#commit();
  }

  close(finished: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#failure) throw this.#failure.error;
      this.#commit(finished);
    } finally {
      this.#state.release(this);
    }
  }

  /**
   * Runs `head` over flat `values` (`width` a row), up to 64 rows a statement: `VALUES (?, …),
   * (?, …)` or, with `list`, `(?, …)` for `IN`. One statement per row cost ~3 µs of binding and
   * stepping each.
   */
  #batched(head: string, width: number, values: SQLInputValue[], list = false): void {
    const rows = values.length / width;
    for (let at = 0; at < rows; at += SQL_ROWS) {
      const n = Math.min(SQL_ROWS, rows - at);
      const key = `${head}|${n}`;
      let statement = this.#statements.get(key);
      if (!statement) {
        const row = `(${Array(width).fill("?").join(", ")})`;
        const sql = list
          ? `${head} (${Array(n).fill("?").join(", ")})`
          : `${head} ${Array(n).fill(row).join(", ")}`;
        statement = this.#state.db.prepare(sql);
        this.#statements.set(key, statement);
      }
      statement.run(...values.slice(at * width, (at + n) * width));
    }
  }

  /** Something waits for a commit: one happens within COMMIT_MS. */
  #changed(): void {
    if (this.#since !== 0) return;
    this.#since = performance.now();
    const timer = setTimeout(() => {
      this.#timer = undefined;
      try {
        this.#commit();
      } catch (error) {
        this.#failure ??= { error }; // thrown by the next tick, in a worker
      }
    }, COMMIT_MS);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Writes what changed since the last commit, in one transaction (called between pages). */
  #commit(finished = false): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#since = 0;
    const output = this.#state.onCommit?.(); // the records of the pages below are on disk now
    const db = this.#state.db;
    db.exec("BEGIN");
    try {
      this.#batched("INSERT INTO jobs (id, url, depth, parent, seed, line) VALUES", 6, this.#jobs);
      this.#batched("INSERT INTO seen (url) VALUES", 1, this.#seenUrls);
      // Ends grouped by (state, attempts): most pages are done at their first attempt.
      const groups = new Map<number, number[]>();
      const ends = this.#ends;
      for (let i = 0; i < ends.length; i += 3) {
        const key = ends[i + 1] * 1_000_000 + ends[i + 2];
        let ids = groups.get(key);
        if (!ids) groups.set(key, ids = []);
        ids.push(ends[i]);
      }
      const flight: number[] = [];
      for (const kept of this.#taken.values()) {
        if (!kept.flight) flight.push(kept.id);
        kept.flight = true;
      }
      if (flight.length > 0) groups.set(JOB_STATE.inFlight * 1_000_000, flight);
      for (const [key, ids] of groups) {
        const set = `UPDATE jobs SET state = ${Math.floor(key / 1_000_000)}, attempts = ${
          key % 1_000_000
        } WHERE id IN`;
        this.#batched(set, 1, ids, true);
      }
      const pairs: [string, string][] = [
        ["total", String(this.#lastId)],
        ["done", String(this.#done)],
        ["counters", JSON.stringify(this.#counters ?? {})],
        ["finished", finished ? "1" : "0"],
      ];
      if (output) pairs.push(["output", JSON.stringify(output)]);
      this.#state.put(pairs);
      db.exec("COMMIT");
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
    this.#jobs = [];
    this.#seenUrls = [];
    this.#ends = [];
    this.#pages = 0;
  }
}
