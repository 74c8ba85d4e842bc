/**
 * The command line's run: reads the URL list, runs the green workers (or `--compare`s the modes,
 * or `--sweep`s the concurrency), pipes the records into the output sink, prints the summary
 * (and with `--report` writes the HTML waterfall), and gives the exit code: 0 all ok, 1 some
 * failed, 2 usage, input or output error, 130 interrupted. When stdout is closed by its reader
 * (`| head`), the run stops at once and ends quietly with 0; when the records cannot be written
 * (a full disk), it stops at once and ends with 2 and one line.
 * @module
 */
import { parseCli } from "./args.ts";
import type { CliOptions } from "./args.ts";
import { type LineWriter, recordSink, syncWriter, withStatusLine } from "./output.ts";
import type { Progress } from "./progress.ts";
import type { StateRun } from "./state.ts";
import { FORMATS, stripControl } from "../crawler/format/mod.ts";
import { formatSummary } from "../crawler/format/text.ts";
import type { CrawlCounters } from "../crawler/frontier/frontier.ts";
import { SharedCrawlError } from "../crawler/frontier/redis/client.ts";
import type { SharedCrawl } from "../crawler/frontier/redis/shared.ts";
import type { FetchRecord } from "../crawler/record.ts";
import type { ReportOptions, ReportRun } from "../crawler/report/mod.ts";
import { RunStats } from "../crawler/run/stats.ts";
import type { CrawlRun } from "../crawler/run/crawl.ts";
import { fetchAll, type Run, workersFor } from "../crawler/run/runner.ts";
import type { ListEntry } from "../crawler/url/list.ts";
import { InputError, readInputs } from "./input.ts";

/**
 * Runs the command line; resolves the exit code.
 *
 * @example
 * ```ts ignore
 * import { main } from "./main.ts";
 * Deno.exitCode = await main(["--format", "ndjson", "urls.txt"]);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const action = parseCli(args);
  if (action.kind === "print") {
    syncWriter(Deno.stdout).line(action.text.replace(/\n$/, ""));
    return 0;
  }
  if (action.kind === "usage-error") return fail(action.message);
  const options = action.options;
  if (options.status && options.crawlId !== undefined) return await status(options, undefined);
  let entries: ListEntry[];
  try {
    entries = await readInputs(options.inputs);
  } catch (error) {
    if (error instanceof InputError) return fail(error.message);
    throw error;
  }
  if (options.status) return await status(options, entries);
  if (options.compare && options.depth > 0) {
    return fail("--compare runs the URL list in each mode; it does not crawl (drop --depth)");
  }

  // --state: opened and checked before anything is written (loaded only when used).
  let state: StateRun | undefined;
  if (options.state !== undefined) {
    const opened = (await import("./state.ts")).openStateRun(options, entries, note);
    if (typeof opened === "number") return opened;
    state = opened;
  }

  const controller = new AbortController();
  // The status line, --compare and --sweep are loaded only when used.
  const progress = !options.quiet && !options.noProgress && Deno.stderr.isTerminal()
    ? new (await import("./progress.ts")).Progress()
    : undefined;
  const session: Session = { options, controller, progress, closed: false, state };
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
    if (session.writeError) return fail(session.writeError);
    if (session.closed) return 0;
    if (controller.signal.aborted) return 130;
    return ok ? 0 : 1;
  } catch (error) {
    if (error instanceof InputError) return fail(error.message);
    if (error instanceof SharedCrawlError) return fail(error.message, error.exitCode);
    throw error;
  } finally {
    progress?.stop();
    if (!frozen) Deno.removeSignalListener("SIGINT", onInterrupt);
    state?.close();
  }
}

/** What every run shares: the options, the Ctrl-C controller and the status line (if drawn). */
interface Session {
  options: CliOptions;
  controller: AbortController;
  progress: Progress | undefined;
  /** `--state`: the open state and its output file. */
  state?: StateRun;
  /** stdout was closed by its reader (`| head`): the run stops and ends quietly. */
  closed: boolean;
  /** Why the records could not be written (a full disk): the run stops and exits 2. */
  writeError?: string;
}

/** True when the run was stopped by Ctrl-C (not by its output going away). */
function interrupted(session: Session): boolean {
  return session.controller.signal.aborted && !session.closed && !session.writeError;
}

async function runList(entries: ListEntry[], session: Session): Promise<boolean> {
  const { options, controller, progress, state } = session;
  const file = state ? state.output : openForWrite(options.output);
  const report = openForWrite(options.report);
  // Records go out in blocks, unless blocking I/O may freeze the event loop (see syncWriter),
  // or a shared crawl marks a page done in Redis once its record is written.
  const gather = options.mode !== "blocking" && options.frontierUrl === undefined;
  const { records, notes } = writers(session, file, gather);
  state?.watch(records);
  const warn = (message: string) => {
    if (!options.quiet) notes.line(`warning: ${stripControl(message)}`);
  };
  let shared: SharedCrawl | undefined;
  try {
    for (const e of entries) {
      if ("error" in e) warn(`line ${e.line}: ${e.error}: ${e.input}`);
    }
    const stats = new RunStats();
    const kept: FetchRecord[] | undefined = report ? [] : undefined; // kept only for a report
    const runOptions = {
      ...fetchOptions(options),
      mode: options.mode,
      concurrency: options.concurrency,
      signal: controller.signal,
    };
    let crawlRun: CrawlRun | undefined;
    // A shared crawl (--frontier): loaded on demand, like the crawler below.
    shared = options.frontierUrl === undefined ? undefined : await (await import("./shared.ts"))
      .joinSharedCrawl(options, entries, options.quiet ? undefined : notes);
    if (options.depth > 0 || shared) {
      // Loaded on demand: the HTML scanner and the scope rules are not needed by a plain list.
      const { crawl } = await import("../crawler/run/crawl.ts");
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
        onWarning: warn,
        frontier: shared?.frontier ?? state?.state.crawlFrontier,
      });
    }
    const run: Run = crawlRun ??
      fetchAll(entries, { ...runOptions, frontier: state?.state.listFrontier });
    const invalid = entries.filter((e) => "error" in e).length;
    progress?.begin({
      total: crawlRun ? () => crawlRun.counters.queued + invalid : () => entries.length,
      crawling: crawlRun !== undefined,
      frozen: options.mode === "blocking",
    });
    const started = performance.now();
    const format = state ? state.format(FORMATS[options.format]) : FORMATS[options.format];
    const sink = recordSink({ format, records, stats, progress, keep: kept });
    await run.pipeTo(state ? state.sink(sink) : sink);
    const summary = stats.summary(performance.now() - started);
    progress?.stop();
    if (report) {
      const label = crawlRun ? `crawl, depth ${options.depth}` : options.mode;
      await writeReport(report, [{
        label,
        concurrency: workersFor(options.mode, options.concurrency),
        wallMs: summary.wallMs,
        records: kept!,
        summary,
      }], { title: `greencrawl: ${summary.urls} URLs, ${label}` });
    }
    if (!options.quiet && !session.closed && !session.writeError) {
      const extra = crawlRun
        ? crawlRows(crawlRun.counters, crawlRun.budgetReached, options.maxPages)
        : [];
      const text = formatSummary(summary, extra);
      // The text format's summary ends its stdout; machine formats keep stdout for records.
      if (options.format === "text" && !file) records.line(`\n${text}`);
      else notes.line(text);
    }
    if (interrupted(session)) warn("interrupted: in-flight requests were aborted");
    return summary.failed === 0;
  } finally {
    records.close(); // writes what was gathered, even when the run failed
    await shared?.close();
  }
}

/** `--status`: the shared crawl's counts (0), or why Redis cannot be used (2). */
async function status(options: CliOptions, entries: ListEntry[] | undefined): Promise<number> {
  const { printStatus } = await import("./shared.ts");
  try {
    await printStatus(options, entries, syncWriter(Deno.stdout));
    return 0;
  } catch (error) {
    if (error instanceof SharedCrawlError) return fail(error.message, error.exitCode);
    throw error;
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
  const { compare, formatCompare } = await import("../crawler/measure/compare.ts");
  const results = await compare(entries, {
    ...fetchOptions(options),
    ...watch(progress, entries.length),
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
      summary: r.summary,
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
  const { formatSweep, sweep, sweepPoints, sweepRuns } = await import(
    "../crawler/measure/sweep.ts"
  );
  const results = await sweep(entries, levels, {
    ...fetchOptions(options),
    ...watch(progress, entries.length),
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

/** The status line as a watcher of every run of a compare or sweep; each run begins anew. */
function watch(progress: Progress | undefined, total: number) {
  if (!progress) return {};
  return {
    onRun: (label: string) =>
      progress.begin({ label, total: () => total, frozen: label === "blocking" }),
    watch: recordSink({ progress }),
  };
}

/**
 * Records (to `file`, else stdout; `gather`ed into blocks when not a terminal) and notes
 * (stderr). With a status line, every writer that reaches its terminal clears it before a line
 * and redraws it after.
 */
function writers(
  session: Session,
  file?: Deno.FsFile,
  gather = false,
): { records: LineWriter; notes: LineWriter } {
  const { controller, progress } = session;
  const records = syncWriter(file ?? Deno.stdout, (error) => {
    // Either way nothing more can be written: stop fetching at once.
    if (file || !(error instanceof Deno.errors.BrokenPipe)) {
      session.writeError ??= `cannot write ${file ? session.options.output : "standard output"}: ${
        stripControl(error.message)
      }`;
    } else session.closed = true;
    controller.abort(new DOMException("output closed", "AbortError"));
  }, gather);
  const notes = syncWriter(Deno.stderr);
  if (!progress) return { records, notes };
  const shared = !file && Deno.stdout.isTerminal();
  return {
    records: shared ? withStatusLine(records, progress) : records,
    notes: withStatusLine(notes, progress),
  };
}

/**
 * Opens `path` for writing before the run, so a bad path fails at once (exit 2), not at the end.
 * An empty write probes it: a device that can take nothing (`/dev/full`) fails here too.
 */
function openForWrite(path: string | undefined): Deno.FsFile | undefined {
  if (path === undefined) return undefined;
  let file: Deno.FsFile | undefined;
  try {
    file = Deno.openSync(path, { write: true, create: true, truncate: true });
    file.writeSync(new Uint8Array(0));
    return file;
  } catch (error) {
    file?.close();
    throw new InputError(`cannot write ${path}: ${stripControl((error as Error).message)}`);
  }
}

async function writeReport(
  file: Deno.FsFile,
  runs: ReportRun[],
  options: ReportOptions,
): Promise<void> {
  const { renderReport } = await import("../crawler/report/render.ts"); // only --report needs it
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

function fail(message: string, code = 2): number {
  note(`greencrawl: ${stripControl(message)}`);
  return code;
}

function note(line: string): void {
  syncWriter(Deno.stderr).line(line);
}
