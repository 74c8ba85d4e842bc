/**
 * The runner: green workers draining a shared frontier, as in the seeds' gevent examples.
 *
 * `concurrent` spawns N workers with yielding I/O; `sequential` runs one worker; `blocking`
 * spawns the same N workers but with unpatched I/O, so the event loop freezes on each request
 * and the run takes as long as sequential — gevent's pitfall, made visible.
 * @module
 */
import { type Greenlet, spawn } from "../../green/greenlet.ts";
import { joinall, killall } from "../../green/joinall.ts";
import { Queue } from "../../green/queue.ts";
import { type FetchOptions, fetchPage } from "../fetch/fetch.ts";
import { type Frontier, type Job, ListFrontier } from "../frontier/frontier.ts";
import { blankRecord, type FetchRecord } from "../record.ts";
import type { ListEntry } from "../url/list.ts";

/** How the work is scheduled. */
export type Mode = "concurrent" | "sequential" | "blocking";

/** The modes, in the order `--compare` runs them. */
export const MODES: readonly Mode[] = ["sequential", "blocking", "concurrent"];

/** Options of {@linkcode fetchAll}: fetch options plus scheduling and hooks. */
export interface RunOptions extends FetchOptions {
  /** Green workers (default 16; `sequential` always uses 1). */
  concurrency?: number;
  /** Scheduling mode (default `concurrent`). */
  mode?: Mode;
  /** Called by a worker when it takes a job (before the request). */
  onStart?: (job: Job, worker: number) => void;
  /** Called by the worker as soon as a record is complete (before it is yielded). */
  onRecord?: (record: FetchRecord) => void;
}

/** What {@linkcode fetchAll} accepts: URLs, or parsed list entries (with line numbers). */
export type RunInput = Iterable<string | ListEntry>;

const END: unique symbol = Symbol("end");

/** Workers used by a mode. */
export function workersFor(mode: Mode, concurrency: number): number {
  return mode === "sequential" ? 1 : Math.max(1, concurrency);
}

/**
 * Fetches every input URL with green workers and yields one record per input line, in
 * completion order. Invalid lines yield error records first; with `signal` aborted, in-flight
 * jobs end as `aborted` records and queued ones are not started.
 *
 * @example
 * ```ts ignore
 * import { fetchAll } from "./runner.ts";
 * for await (const r of fetchAll(["http://127.0.0.1:8000/a"], { concurrency: 4 })) {
 *   console.log(r.url, r.status, r.bytes, r.timeMs);
 * }
 * ```
 */
export function fetchAll(
  input: RunInput,
  options: RunOptions = {},
): AsyncGenerator<FetchRecord> {
  const { valid, invalid } = splitInput(input);
  return runFrontier(new ListFrontier(valid), options, { first: invalid });
}

/**
 * Separates fetchable URLs from invalid list lines (which become `invalid-url` records).
 *
 * @example
 * ```ts
 * import { splitInput } from "./runner.ts";
 * const { valid, invalid } = splitInput(["http://127.0.0.1/", { line: 2, input: "x", error: "bad" }]);
 * console.log(valid.length, invalid[0].error?.code); // 1 "invalid-url"
 * ```
 */
export function splitInput(input: RunInput): {
  valid: { url: string; line: number | null }[];
  invalid: FetchRecord[];
} {
  const valid: { url: string; line: number | null }[] = [];
  const invalid: FetchRecord[] = [];
  let position = 0;
  for (const item of input) {
    position++;
    if (typeof item === "string") valid.push({ url: item, line: position });
    else if ("url" in item) valid.push(item);
    else invalid.push(invalidRecord(item));
  }
  return { valid, invalid };
}

/** Turns a page's HTML into the canonical links to follow (may run an `onPage` hook). */
export type LinkExtractor = (
  record: FetchRecord,
  html: string,
) => readonly string[] | Promise<readonly string[]>;

/** What a run does besides fetching the frontier's jobs. */
export interface RunExtras {
  /** Turns each fetched page into links for the frontier (the crawler's). */
  extract?: LinkExtractor;
  /** Records yielded before any fetch (the input's invalid lines). */
  first?: readonly FetchRecord[];
  /** Awaited before anything else (the crawler loads its scope rules). */
  ready?: () => Promise<void>;
}

/**
 * Runs workers over any {@linkcode Frontier} until it reports the end; yields the `first`
 * records, then one per job in completion order. Used by `fetchAll` (a URL list) and the crawler
 * (discovered links).
 *
 * @example
 * ```ts ignore
 * import { ListFrontier } from "../frontier/frontier.ts";
 * import { runFrontier } from "./runner.ts";
 * const f = new ListFrontier([{ url: "http://127.0.0.1:8000/", line: 1 }]);
 * for await (const r of runFrontier(f, { mode: "sequential" })) console.log(r.ok);
 * ```
 */
export async function* runFrontier(
  frontier: Frontier,
  options: RunOptions = {},
  { extract, first = [], ready }: RunExtras = {},
): AsyncGenerator<FetchRecord> {
  await ready?.();
  for (const r of first) {
    options.onRecord?.(r);
    yield r;
  }
  const mode = options.mode ?? "concurrent";
  const count = workersFor(mode, options.concurrency ?? 16);
  const fetchOptions: FetchOptions = {
    ...options,
    blocking: mode === "blocking",
    keepHtml: extract !== undefined,
  };
  const started = performance.now();
  const out = new Queue<FetchRecord | typeof END>();
  const worker = async (id: number) => {
    // One options object per worker, not per job: a worker fetches one job at a time, so the
    // redirect hook can read the worker's current job.
    const current: { job: Job | null } = { job: null };
    const perWorker: FetchOptions = frontier.redirect
      ? { ...fetchOptions, followRedirect: (url) => frontier.redirect!(current.job!, url) }
      : fetchOptions;
    while (!options.signal?.aborted && await work(id, current, perWorker));
  };
  const work = async (
    id: number,
    current: { job: Job | null },
    perWorker: FetchOptions,
  ): Promise<boolean> => {
    const job = await frontier.next();
    if (job === null) return false;
    current.job = job;
    const takenAt = performance.now();
    options.onStart?.(job, id);
    const { record, html } = await fetchPage(job.url, perWorker);
    record.startMs = round(takenAt - started);
    record.queueMs = round(Math.max(0, takenAt - Math.max(job.queuedAt, started)));
    record.depth = job.depth;
    record.parent = job.parent;
    record.line = job.line;
    record.worker = id;
    const found = html && extract && record.ok ? extract(record, html) : [];
    const links = found instanceof Promise ? await found : found; // most extractors answer at once
    record.links = links.length;
    frontier.done(job, links, record.finalUrl);
    options.onRecord?.(record);
    out.putNowait(record);
    return true;
  };
  const workers: Greenlet<void>[] = [];
  for (let id = 0; id < count; id++) workers.push(spawn(worker, id));
  const watcher = spawn(async () => {
    await joinall(workers);
    out.putNowait(END);
  });
  try {
    while (true) {
      const item = await out.get();
      if (item === END) break;
      yield item;
    }
    const failed = workers.find((w) => !w.successful());
    if (failed) throw failed.exception;
  } finally {
    await killall([...workers, watcher]);
  }
}

function invalidRecord(entry: { line: number; input: string; error: string }): FetchRecord {
  const record = blankRecord(entry.input);
  record.error = { code: "invalid-url", message: entry.error };
  record.line = entry.line;
  return record;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
