/**
 * `deno run --allow-net --allow-read=<file> cli.ts [options] <URL | file | ->...`
 *
 * Reads the inputs (URLs, list files, standard input), runs the green workers (or `--compare`s
 * the modes, or `--sweep`s the concurrency), writes the records and a summary (and with
 * `--report` an HTML waterfall), and exits 0 (all ok), 1 (some failed), 2 (usage/input error) or
 * 130 (interrupted). On a terminal a live status line shows the progress on stderr. See `--help`.
 * @module
 */
import { parseCli } from "./cli/args.ts";
import type { CliOptions } from "./cli/args.ts";
import type { Job } from "./crawler/frontier/frontier.ts";
import { type LineWriter, recordOutput, syncWriter, withStatusLine } from "./cli/output.ts";
import type { Progress } from "./cli/progress.ts";
import type { FetchRecord } from "./crawler/record.ts";
import type { CrawlRun } from "./crawler/run/crawl.ts";
import type { CrawlCounters } from "./crawler/frontier/crawl.ts";
import type { ReportOptions, ReportRun } from "./crawler/report/render.ts";
import { fetchAll, workersFor } from "./crawler/run/runner.ts";
import { RunStats } from "./crawler/report/summary.ts";
import type { ListEntry } from "./crawler/url/list.ts";
import { InputError, readInputs } from "./cli/input.ts";

/** Runs the command line; resolves the exit code. */
export async function main(args: string[]): Promise<number> {
  const action = parseCli(args);
  if (action.kind === "print") {
    Deno.stdout.writeSync(new TextEncoder().encode(action.text));
    return 0;
  }
  if (action.kind === "usage-error") return fail(action.message);
  const options = action.options;
  let entries: ListEntry[];
  try {
    entries = await readInputs(options.inputs);
  } catch (error) {
    if (error instanceof InputError) return fail(error.message);
    throw error;
  }
  if (options.compare && options.depth > 0) {
    return fail("--compare runs the URL list in each mode; it does not crawl (drop --depth)");
  }

  const controller = new AbortController();
  // The status line, --compare and --sweep are loaded only when used: start-up is part of every
  // run's wall time.
  const progress = !options.quiet && !options.noProgress && Deno.stderr.isTerminal()
    ? new (await import("./cli/progress.ts")).Progress()
    : undefined;
  const session: Session = { options, controller, progress };
  let interrupts = 0;
  const onInterrupt = () => {
    if (++interrupts > 1) {
      progress?.stop();
      Deno.exit(130);
    }
    controller.abort(new DOMException("interrupted", "AbortError"));
  };
  // A frozen event loop (--mode blocking, and --compare's blocking run) cannot run a listener
  // until the whole list is done, while the listener disables the default action: Ctrl-C was
  // ignored. There, keep the default: the process ends at once (130); written records stay.
  const frozen = options.mode === "blocking" || options.compare;
  if (!frozen) Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    const ok = options.sweep
      ? await runSweep(entries, session)
      : options.compare
      ? await runCompare(entries, session)
      : await runList(entries, session);
    if (controller.signal.aborted) return 130;
    return ok ? 0 : 1;
  } finally {
    progress?.stop();
    if (!frozen) Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}

/** What every run shares: the options, the Ctrl-C controller and the status line (if drawn). */
interface Session {
  options: CliOptions;
  controller: AbortController;
  progress: Progress | undefined;
}

async function runList(entries: ListEntry[], session: Session): Promise<boolean> {
  const { options, controller, progress } = session;
  const file = openForWrite(options.output);
  const report = openForWrite(options.report);
  // Records go out in blocks, unless blocking I/O may freeze the event loop (see syncWriter).
  const { records, notes } = writers(session, file, options.mode !== "blocking");
  const out = recordOutput(
    options.format,
    records,
    notes,
    options.quiet,
    options.format === "text" && !file,
  );
  try {
    for (const e of entries) {
      if ("error" in e) out.warn(`line ${e.line}: ${e.error}: ${e.input}`);
    }
    const stats = new RunStats();
    const kept: FetchRecord[] = [];
    const started = performance.now();
    const runOptions = {
      ...fetchOptions(options),
      mode: options.mode,
      concurrency: options.concurrency,
      signal: controller.signal,
      onStart: (job: Job, worker: number) => {
        progress?.start(job, worker);
        out.start(job);
      },
      onRecord: (record: FetchRecord) => {
        progress?.record(record);
        out.record(record);
      },
    };
    let crawlRun: CrawlRun | undefined;
    if (options.depth > 0) {
      // Loaded on demand: the HTML scanner and the Public Suffix List cost start-up time and
      // memory that a plain URL list does not need.
      const { crawl } = await import("./crawler/run/crawl.ts");
      crawlRun = crawl(entries, {
        ...runOptions,
        depth: options.depth,
        scope: options.scope,
        include: options.include,
        exclude: options.exclude,
        maxPages: options.maxPages,
        perHost: options.perHost,
        delay: options.delay,
        ignoreRobots: options.ignoreRobots,
        allowPrivate: options.allowPrivate,
        onWarning: (message) => out.warn(message),
      });
    }
    const invalid = entries.filter((e) => "error" in e).length;
    const run = crawlRun;
    progress?.begin({
      total: run ? () => run.counters.queued + invalid : () => entries.length,
      crawling: run !== undefined,
      frozen: options.mode === "blocking",
    });
    for await (const r of crawlRun ?? fetchAll(entries, runOptions)) {
      stats.add(r);
      if (report) kept.push(r); // streamed, not kept, unless a report needs them
    }
    const summary = stats.summary(performance.now() - started);
    progress?.stop();
    if (report) {
      const label = crawlRun ? `crawl, depth ${options.depth}` : options.mode;
      await writeReport(report, [{
        label,
        concurrency: workersFor(options.mode, options.concurrency),
        wallMs: summary.wallMs,
        records: kept,
      }], { title: `greencrawl: ${summary.urls} URLs, ${label}` });
    }
    out.summary(
      summary,
      crawlRun ? crawlRows(crawlRun.counters, crawlRun.budgetReached, options.maxPages) : [],
    );
    if (controller.signal.aborted) out.warn("interrupted: in-flight requests were aborted");
    return summary.failed === 0;
  } finally {
    records.close(); // writes what was gathered, even when the run failed
  }
}

async function runCompare(entries: ListEntry[], session: Session): Promise<boolean> {
  const { options, controller, progress } = session;
  const report = openForWrite(options.report);
  const { records: stdout, notes } = writers(session);
  if (!options.quiet) {
    notes.line(
      `comparing ${entries.length} URLs: sequential, blocking, concurrent (${options.concurrency} workers)...`,
    );
  }
  const { compare, formatCompare } = await import("./crawler/measure/compare.ts");
  const results = await compare(entries, {
    ...fetchOptions(options),
    ...progressHooks(progress, entries.length),
    concurrency: options.concurrency,
    signal: controller.signal,
    keepRecords: report !== undefined,
  });
  progress?.stop();
  if (options.format === "ndjson") {
    for (const r of results) {
      stdout.line(
        JSON.stringify({ mode: r.mode, workers: r.workers, speedup: r.speedup, ...r.summary }),
      );
    }
  } else {
    stdout.line(formatCompare(results));
  }
  if (report) {
    const runs = results.map((r) => ({
      label: r.mode,
      concurrency: r.workers,
      wallMs: r.summary.wallMs,
      records: r.records,
    }));
    await writeReport(report, runs, { title: `greencrawl: ${entries.length} URLs, three ways` });
  }
  return results.every((r) => r.summary.failed === 0);
}

async function runSweep(entries: ListEntry[], session: Session): Promise<boolean> {
  const { options, controller, progress } = session;
  const levels = options.sweep ?? [];
  const report = openForWrite(options.report);
  const { records: stdout, notes } = writers(session);
  if (!options.quiet) {
    notes.line(
      `sweeping ${entries.length} URLs in concurrent mode at N = ${levels.join(", ")}...`,
    );
  }
  const { formatSweep, sweep, sweepPoints, sweepRuns } = await import("./crawler/measure/sweep.ts");
  const results = await sweep(entries, levels, {
    ...fetchOptions(options),
    ...progressHooks(progress, entries.length),
    signal: controller.signal,
    keepRecords: report !== undefined,
  });
  progress?.stop();
  if (options.format === "ndjson") {
    for (const r of results) {
      const { concurrency: workers, speedup, efficiency, knee, summary } = r;
      stdout.line(JSON.stringify({ workers, speedup, efficiency, knee, ...summary }));
    }
  } else {
    stdout.line(formatSweep(results));
  }
  if (report) {
    await writeReport(report, sweepRuns(results), {
      title: `greencrawl: ${entries.length} URLs at ${results.length} concurrencies`,
      sweep: sweepPoints(results),
    });
  }
  return results.every((r) => r.summary.failed === 0);
}

/** The runner hooks that feed the status line; each run of a compare or sweep begins anew. */
function progressHooks(progress: Progress | undefined, total: number) {
  if (!progress) return {};
  return {
    onRun: (label: string) =>
      progress.begin({ label, total: () => total, frozen: label === "blocking" }),
    onStart: (job: Job, worker: number) => progress.start(job, worker),
    onRecord: (record: FetchRecord) => progress.record(record),
  };
}

/**
 * Records (to `file`, else stdout; `gather`ed into blocks when not a terminal) and notes
 * (stderr). With a status line, every writer that reaches its terminal clears it before a line
 * and redraws it after.
 */
function writers(
  { controller, progress }: Session,
  file?: Deno.FsFile,
  gather = false,
): { records: LineWriter; notes: LineWriter } {
  const records = syncWriter(file ?? Deno.stdout, () => controller.abort(), gather);
  const notes = syncWriter(Deno.stderr);
  if (!progress) return { records, notes };
  const shared = !file && Deno.stdout.isTerminal();
  return {
    records: shared ? withStatusLine(records, progress) : records,
    notes: withStatusLine(notes, progress),
  };
}

/** Opens `path` for writing before the run, so a bad path fails at once (exit 2), not at the end. */
function openForWrite(path: string | undefined): Deno.FsFile | undefined {
  if (path === undefined) return undefined;
  try {
    return Deno.openSync(path, { write: true, create: true, truncate: true });
  } catch (error) {
    throw new InputError(`cannot write ${path}: ${(error as Error).message}`);
  }
}

async function writeReport(
  file: Deno.FsFile,
  runs: ReportRun[],
  options: ReportOptions,
): Promise<void> {
  const { renderReport } = await import("./crawler/report/render.ts"); // only --report needs it
  let bytes = new TextEncoder().encode(renderReport(runs, options));
  try {
    while (bytes.length > 0) bytes = bytes.subarray(file.writeSync(bytes));
  } finally {
    file.close();
  }
}

function crawlRows(c: CrawlCounters, budgetReached: boolean, maxPages: number): [string, string][] {
  const scope = Object.entries(c.outOfScope).map(([why, n]) => `${why} ${n}`).join(", ");
  const skipped = [
    `${c.duplicate} already seen`,
    `${c.tooDeep} too deep`,
    `${scope || "0"} out of scope`,
    `${c.robots} robots.txt`,
  ];
  if (c.overBudget) skipped.push(`${c.overBudget} over --max-pages`);
  const rows: [string, string][] = [["queued", `${c.queued}`], [
    "links skipped",
    skipped.join("; "),
  ]];
  if (budgetReached) rows.push(["max pages", `reached ${maxPages}: queueing stopped`]);
  return rows;
}

function fetchOptions(options: CliOptions) {
  return {
    timeout: options.timeout,
    retries: options.retries,
    maxBytes: options.maxBytes,
    maxRedirects: options.maxRedirects,
    userAgent: options.userAgent,
    headers: options.headers,
  };
}

function fail(message: string): number {
  syncWriter(Deno.stderr).line(`greencrawl: ${message}`);
  return 2;
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main(Deno.args);
  } catch (error) {
    if (error instanceof InputError) Deno.exitCode = fail(error.message);
    else throw error;
  }
}
