/**
 * The runner: green workers draining a shared frontier, as in the seeds' gevent examples, and
 * the one path by which records leave a run (a {@linkcode RecordSink}).
 *
 * `concurrent` spawns N workers with yielding I/O; `sequential` runs one worker; `blocking`
 * spawns the same N workers but with unpatched I/O, so the event loop freezes on each request
 * and the run takes as long as sequential — gevent's pitfall, made visible. A worker's job is one
 * URL: fetch it (`crawler/fetch/`), read the page (`crawler/html/page.ts`), hand the links to the
 * frontier, hand the record to the sink.
 * @module
 */
import { type Greenlet, spawn } from "../../green/greenlet.ts";
import { joinall, killall } from "../../green/joinall.ts";
import { Queue } from "../../green/queue.ts";
import { fetchBody, type FetchOptions } from "../fetch/fetch.ts";
import type { Frontier, Job } from "../frontier/frontier.ts";
import { ListFrontier } from "../frontier/list.ts";
import { keepHtml, readPage } from "../html/page.ts";
import { blankRecord, type FetchRecord } from "../record.ts";
import type { ListEntry } from "../url/list.ts";
import { AddressGuard, bareHost, type Resolver } from "../url/address.ts";

/** How the work is scheduled. */
export type Mode = "concurrent" | "sequential" | "blocking";

/** The modes, in the order `--compare` runs them. */
export const MODES: readonly Mode[] = ["sequential", "blocking", "concurrent"];

/** Options of {@linkcode fetchAll}: fetch options plus scheduling. */
export interface RunOptions extends Omit<FetchOptions, "keep" | "followRedirect"> {
  /** Green workers (default 16; `sequential` always uses 1). */
  concurrency?: number;
  /** Scheduling mode (default `concurrent`). */
  mode?: Mode;
  /**
   * Follow redirects to non-public addresses too (and, in a crawl with scope `any`, links).
   * Default false: see {@linkcode RunExtras.addresses} for the rules.
   */
  allowPrivate?: boolean;
  /** Resolves host names for the address rules (default `Deno.resolveDns`, A and AAAA). */
  resolveDns?: Resolver;
}

/** Options of {@linkcode fetchAll}: the run options, and what stands behind the list. */
export interface ListOptions extends RunOptions {
  /**
   * Builds the frontier from the list's valid entries (default: a `ListFrontier`, in memory).
   * A durable one (`SqliteState.listFrontier`) lets a rerun resume the list.
   */
  frontier?: (
    entries: { url: string; line: number | null }[],
  ) => Frontier | Promise<Frontier>;
}

/** What {@linkcode fetchAll} accepts: URLs, or parsed list entries (with line numbers). */
export type RunInput = Iterable<string | ListEntry>;

/**
 * Where a run's records go: every record leaves the runner through `record`, exactly once, in
 * completion order. Output, statistics, the status line and the report all read this one stream.
 *
 * @example
 * ```ts
 * import type { RecordSink } from "./runner.ts";
 * let ok = 0;
 * const sink: RecordSink = { record: (r) => void (r.ok && ok++) };
 * ```
 */
export interface RecordSink {
  /** A worker took `job`, before its request (the text format's `GET:` line, the status line). */
  start?(job: Job, worker: number): void;
  /** A record is complete. */
  record(record: FetchRecord): void;
}

/**
 * A run, not started until used: iterate it for its records, or pipe them into a sink.
 *
 * @example
 * ```ts ignore
 * import { fetchAll } from "./runner.ts";
 * await fetchAll(["http://127.0.0.1:8000/"]).pipeTo({ record: (r) => console.log(r.status) });
 * ```
 */
export interface Run extends AsyncIterable<FetchRecord> {
  /** Runs to the end, handing every record to `sink`; rejects if a worker failed. */
  pipeTo(sink: RecordSink): Promise<void>;
}

/** Workers used by a mode. */
export function workersFor(mode: Mode, concurrency: number): number {
  return mode === "sequential" ? 1 : Math.max(1, concurrency);
}

/**
 * Fetches every input URL with green workers; one record per input line, in completion order.
 * Invalid lines give error records first; with `signal` aborted, in-flight jobs end as `aborted`
 * records and queued ones are not started.
 *
 * @param input The URLs, or parsed list entries with their line numbers.
 * @param options Fetch options, `concurrency` and `mode`.
 * @returns The run: iterate it for the records, or `pipeTo` a sink.
 *
 * @example
 * ```ts ignore
 * import { fetchAll } from "./runner.ts";
 * for await (const r of fetchAll(["http://127.0.0.1:8000/a"], { concurrency: 4 })) {
 *   console.log(r.url, r.status, r.bytes, r.timeMs);
 * }
 * ```
 */
export function fetchAll(input: RunInput, options: ListOptions = {}): Run {
  return runOf(async (sink) => {
    const { valid, invalid } = splitInput(input);
    const frontier = options.frontier ? await options.frontier(valid) : new ListFrontier(valid);
    const addresses = addressRules(options, false);
    await runFrontier(frontier, sink, options, { first: invalid, addresses });
  });
}

/**
 * The address rules of a run, unless `allowPrivate` lifts them: redirects, and with `links`
 * discovered URLs, must go to public addresses (see {@linkcode RunExtras.addresses}).
 *
 * @param options `allowPrivate`, the resolver (`resolveDns`) and the request `timeout`.
 * @param links Whether discovered URLs are checked too (a crawl with scope `any`).
 * @returns The rules for {@linkcode runFrontier}, or undefined when there are none.
 * @example
 * ```ts
 * import { addressRules } from "./runner.ts";
 * console.log(addressRules({ allowPrivate: true }, true)); // undefined: no rules
 * ```
 */
export function addressRules(
  options: Pick<RunOptions, "allowPrivate" | "resolveDns" | "timeout">,
  links: boolean,
): AddressRules | undefined {
  if (options.allowPrivate) return undefined;
  const timeout = Math.min(options.timeout ?? 5, 5);
  return { guard: new AddressGuard({ resolve: options.resolveDns, timeout }), links };
}

/** The address rules a run enforces (see {@linkcode RunExtras.addresses}). */
export interface AddressRules {
  /** Judges hosts: IP ranges, special names, DNS answers (remembered per host for the run). */
  guard: AddressGuard;
  /** Discovered URLs are checked too (a crawl with scope `any`), not only redirects. */
  links: boolean;
}

/**
 * Separates fetchable URLs from invalid list lines (which become `invalid-url` records).
 *
 * @param input The URLs, or parsed list entries.
 * @returns The fetchable URLs with their lines, and one error record per invalid line.
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

/** A record plus, with `keepHtml`, the HTML page that was read. */
export interface FetchedPage {
  /** The result record. */
  record: FetchRecord;
  /** The decoded page when `keepHtml` was set and the page is HTML; else null. */
  html: string | null;
}

/**
 * One URL, as a worker does it: fetched, and read as a page (title; with `keepHtml`, the page).
 *
 * @param url The URL to fetch.
 * @param options Fetch options; `keepHtml` also returns the decoded page.
 * @returns The record, and the page when asked for and HTML.
 *
 * @example
 * ```ts ignore
 * import { fetchPage } from "./runner.ts";
 * const { record, html } = await fetchPage("http://127.0.0.1:8000/", { keepHtml: true });
 * console.log(record.title, html?.length);
 * ```
 */
export async function fetchPage(
  url: string,
  options: FetchOptions & { keepHtml?: boolean } = {},
): Promise<FetchedPage> {
  const { record, body } = await fetchBody(url, {
    ...options,
    keep: keepHtml(options.keepHtml ?? false),
  });
  const html = readPage(record, body, options.keepHtml ?? false);
  return { record, html };
}

/**
 * Fetches one URL and reports it. Never throws.
 *
 * @param url The URL to fetch.
 * @param options Fetch options.
 * @returns The record: ok or not, never a thrown error.
 *
 * @example
 * ```ts ignore
 * import { fetchUrl } from "./runner.ts";
 * const r = await fetchUrl("http://127.0.0.1:8000/", { timeout: 5, retries: 0 });
 * console.log(r.ok, r.status, r.bytes, r.timeMs);
 * ```
 */
export async function fetchUrl(url: string, options: FetchOptions = {}): Promise<FetchRecord> {
  return (await fetchPage(url, options)).record;
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
  /** Records handed to the sink before any fetch (the input's invalid lines). */
  first?: readonly FetchRecord[];
  /** Awaited before anything else (the crawler loads its scope rules). */
  ready?: () => Promise<void>;
  /**
   * The address rules ({@linkcode addressRules}); none when absent. A URL the user listed is
   * requested whatever its address, and so is any URL on its seed's hostname (the user chose
   * that host). Every other request must go to a public host: a redirect target always (else
   * the record stops there, `stopped: "redirect-non-public"`), and a discovered URL when
   * `links` is set (else its record is a `non-public-address` error, with no request made).
   */
  addresses?: AddressRules;
}

/**
 * Runs workers over any {@linkcode Frontier} until it reports the end: the `first` records, then
 * one per job, go to `sink` in completion order. The frontier is closed at the end. Used by
 * `fetchAll` (a URL list) and the crawler (discovered links).
 *
 * @param frontier Where the workers take jobs and give back links.
 * @param sink Where the records go.
 * @param options Fetch options, `concurrency` and `mode`.
 * @param extras Link extraction, records to hand out first, and a set-up step.
 * @returns When every worker has finished (rejects with the first worker failure).
 *
 * @example
 * ```ts ignore
 * import { ListFrontier } from "../frontier/list.ts";
 * import { runFrontier } from "./runner.ts";
 * const f = new ListFrontier([{ url: "http://127.0.0.1:8000/", line: 1 }]);
 * await runFrontier(f, { record: (r) => console.log(r.ok) }, { mode: "sequential" });
 * ```
 */
export async function runFrontier(
  frontier: Frontier,
  sink: RecordSink,
  options: RunOptions = {},
  { extract, first = [], ready, addresses }: RunExtras = {},
): Promise<void> {
  const workers: Greenlet<void>[] = [];
  try {
    await ready?.();
    for (const r of first) sink.record(r);
    const mode = options.mode ?? "concurrent";
    const count = workersFor(mode, options.concurrency ?? 16);
    const fetchOptions: FetchOptions = {
      ...options,
      blocking: mode === "blocking",
      keep: keepHtml(extract !== undefined),
    };
    const started = performance.now();
    const signal = options.signal;
    const worker = async (id: number) => {
      // One options object per worker, not per job: a worker fetches one job at a time, so the
      // redirect hook can read the worker's current job.
      const current: { job: Job | null } = { job: null };
      const perWorker: FetchOptions = frontier.redirect || addresses
        ? {
          ...fetchOptions,
          followRedirect: frontier.redirect && ((url) => frontier.redirect!(current.job!, url)),
          checkAddress: addresses &&
            ((url, redirect) => checkAddress(addresses, current.job!, url, redirect, signal)),
        }
        : fetchOptions;
      while (!options.signal?.aborted) {
        const job = await frontier.next();
        if (job === null) return;
        current.job = job;
        const takenAt = performance.now();
        sink.start?.(job, id);
        const { record, body } = await fetchBody(job.url, perWorker);
        const html = readPage(record, body, extract !== undefined);
        record.startMs = round(takenAt - started);
        record.queueMs = round(Math.max(0, takenAt - Math.max(job.queuedAt, started)));
        record.depth = job.depth;
        record.parent = job.parent;
        record.line = job.line;
        record.worker = id;
        const found = html !== null && extract && record.ok ? extract(record, html) : [];
        const links = found instanceof Promise ? await found : found; // most answer at once
        record.links = links.length;
        const done = frontier.done(job, { record, links });
        if (done instanceof Promise) await done;
        sink.record(record);
      }
    };
    for (let id = 0; id < count; id++) workers.push(spawn(worker, id));
    await joinall(workers);
    const failed = workers.find((w) => !w.successful());
    if (failed) throw failed.exception;
  } finally {
    await killall(workers);
    await frontier.close?.();
  }
}

/**
 * A {@linkcode Run} from a function that pipes records into a sink: `pipeTo` calls it, and the
 * iterator runs it in a greenlet, queueing its records for the consumer (who may stop early: the
 * greenlet, and with it the workers, is then killed).
 *
 * @param pipe Runs the work, handing each record to the sink it is given.
 * @returns The run.
 *
 * @example
 * ```ts
 * import { runOf } from "./runner.ts";
 * import { blankRecord } from "../record.ts";
 * const run = runOf(async (sink) => sink.record(blankRecord("http://127.0.0.1/")));
 * for await (const r of run) console.log(r.url); // "http://127.0.0.1/"
 * ```
 */
export function runOf(pipe: (sink: RecordSink) => Promise<void>): Run {
  return {
    pipeTo: pipe,
    async *[Symbol.asyncIterator]() {
      const out = new Queue<FetchRecord | typeof END>();
      let failure: { error: unknown } | undefined; // caught here: the consumer rethrows it
      const runner = spawn(async () => {
        try {
          await pipe({ record: (r) => out.putNowait(r) });
        } catch (error) {
          failure = { error };
        } finally {
          out.putNowait(END);
        }
      });
      let finished = false;
      try {
        while (true) {
          const item = await out.get();
          if (item === END) break;
          yield item;
        }
        finished = true;
        if (failure) throw failure.error;
      } finally {
        // A consumer that stopped early kills the run (and with it the workers); otherwise
        // the run is ending by itself.
        if (finished) await runner.join();
        else await killall([runner]);
      }
    },
  };
}

const END: unique symbol = Symbol("end");

/** The address rules for one request of `job` (see {@linkcode RunExtras.addresses}). */
function checkAddress(
  rules: AddressRules,
  job: Job,
  url: string,
  redirect: boolean,
  signal: AbortSignal | undefined,
) {
  if (!(job.depth === 0 ? redirect : rules.links)) return null;
  const target = new URL(url);
  if (bareHost(target.hostname) === bareHost(new URL(job.seed).hostname)) return null;
  return rules.guard.check(target, signal);
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
