/**
 * `deno run --allow-net --allow-read cli.ts [options] <urls-file | ->`
 *
 * Reads the URL list, runs the green workers (or `--compare`s the modes), writes the records
 * and a summary, and exits 0 (all ok), 1 (some failed), 2 (usage/input error) or 130
 * (interrupted). See `--help`.
 * @module
 */
import { parseCli } from "./crawler/cli_args.ts";
import type { CliOptions } from "./crawler/cli_args.ts";
import { compare, formatCompare } from "./crawler/compare.ts";
import type { Job } from "./crawler/frontier.ts";
import { recordOutput, syncWriter } from "./crawler/output.ts";
import type { FetchRecord } from "./crawler/record.ts";
import { crawl, type CrawlRun } from "./crawler/crawl.ts";
import type { CrawlCounters } from "./crawler/crawl_frontier.ts";
import { fetchAll } from "./crawler/run.ts";
import { RunStats } from "./crawler/stats.ts";
import { decodeInput, type ListEntry, parseUrlList } from "./crawler/url_list.ts";

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
    entries = parseUrlList(decodeInput(await readInput(options.input)));
  } catch (error) {
    return fail(`cannot read ${options.input}: ${error instanceof Error ? error.message : error}`);
  }
  if (entries.length === 0) return fail(`no URLs in ${options.input}`);
  if (options.compare && options.depth > 0) {
    return fail("--compare runs the URL list in each mode; it does not crawl (drop --depth)");
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    if (++interrupts > 1) Deno.exit(130);
    controller.abort(new DOMException("interrupted", "AbortError"));
  };
  // A frozen event loop (--mode blocking, and --compare's blocking run) cannot run a listener
  // until the whole list is done, while the listener disables the default action: Ctrl-C was
  // ignored. There, keep the default: the process ends at once (130); written records stay.
  const frozen = options.mode === "blocking" || options.compare;
  if (!frozen) Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    const ok = options.compare
      ? await runCompare(entries, options, controller)
      : await runList(entries, options, controller);
    if (controller.signal.aborted) return 130;
    return ok ? 0 : 1;
  } finally {
    if (!frozen) Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}

async function runList(
  entries: ListEntry[],
  options: CliOptions,
  controller: AbortController,
): Promise<boolean> {
  let file: Deno.FsFile | undefined;
  try {
    file = options.output
      ? Deno.openSync(options.output, { write: true, create: true, truncate: true })
      : undefined;
  } catch (error) {
    throw new InputError(`cannot write ${options.output}: ${(error as Error).message}`);
  }
  const records = syncWriter(file ?? Deno.stdout, () => controller.abort());
  const notes = syncWriter(Deno.stderr);
  const out = recordOutput(
    options.format,
    records,
    notes,
    options.quiet,
    options.format === "text" && !file,
  );
  for (const e of entries) {
    if ("error" in e) out.warn(`line ${e.line}: ${e.error}: ${e.input}`);
  }
  const stats = new RunStats();
  const started = performance.now();
  const runOptions = {
    ...fetchOptions(options),
    mode: options.mode,
    concurrency: options.concurrency,
    signal: controller.signal,
    onStart: (job: Job) => out.start(job),
    onRecord: (record: FetchRecord) => out.record(record),
  };
  let crawlRun: CrawlRun | undefined;
  if (options.depth > 0) {
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
  for await (const r of crawlRun ?? fetchAll(entries, runOptions)) stats.add(r);
  const summary = stats.summary(performance.now() - started);
  out.summary(
    summary,
    crawlRun ? crawlRows(crawlRun.counters, crawlRun.budgetReached, options.maxPages) : [],
  );
  if (controller.signal.aborted) out.warn("interrupted: in-flight requests were aborted");
  records.close();
  return summary.failed === 0;
}

async function runCompare(
  entries: ListEntry[],
  options: CliOptions,
  controller: AbortController,
): Promise<boolean> {
  const notes = syncWriter(Deno.stderr);
  if (!options.quiet) {
    notes.line(
      `comparing ${entries.length} URLs: sequential, blocking, concurrent (${options.concurrency} workers)...`,
    );
  }
  const results = await compare(entries, {
    ...fetchOptions(options),
    concurrency: options.concurrency,
    signal: controller.signal,
  });
  const stdout = syncWriter(Deno.stdout);
  if (options.format === "ndjson") {
    for (const r of results) {
      stdout.line(
        JSON.stringify({ mode: r.mode, workers: r.workers, speedup: r.speedup, ...r.summary }),
      );
    }
  } else {
    stdout.line(formatCompare(results));
  }
  return results.every((r) => r.summary.failed === 0);
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

class InputError extends Error {}

async function readInput(path: string): Promise<Uint8Array> {
  if (path === "-") return new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
  return await Deno.readFile(path);
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
