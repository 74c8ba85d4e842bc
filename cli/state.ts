/**
 * `--state FILE` on the command line: the state is opened and checked before anything is
 * written, a resume says so on stderr, and `-o` is reopened at the length the state committed,
 * so the file holds every record exactly once across crashes. Each commit first flushes the
 * records to the file and syncs it; records of pages interrupted by Ctrl-C are not written (a
 * rerun fetches those pages).
 * @module
 */
import { resolve } from "node:path";
import type { CliOptions } from "./args.ts";
import type { LineWriter } from "./output.ts";
import type { RecordFormat } from "../crawler/format/mod.ts";
import { SqliteState, StateError } from "../crawler/frontier/sqlite/state.ts";
import { crawlMeaning } from "../crawler/run/crawl.ts";
import type { RecordSink } from "../crawler/run/runner.ts";
import type { ListEntry } from "../crawler/url/list.ts";

/** An open state and the run's output file, as the CLI's run uses them. */
export interface StateRun {
  /** The state, locked by this process. */
  state: SqliteState;
  /** `-o`, opened at the committed length (undefined without `-o`). */
  output: Deno.FsFile | undefined;
  /** Commits flush `records` (and sync `-o`) first. */
  watch(records: LineWriter): void;
  /** The format as this run writes it: no CSV header when `-o` already holds records. */
  format(format: RecordFormat): RecordFormat;
  /**
   * Wraps the CLI's sink: interrupted (aborted) records are left out, and so are the records of
   * invalid input lines when `-o` already holds them.
   */
  sink(sink: RecordSink): RecordSink;
  /** Closes the state (after the run's last commit). */
  close(): void;
}

/**
 * Opens `--state` for `entries`: a {@linkcode StateRun}, or the exit code when the run must not
 * start (2: the state cannot be used, its message on stderr; 0: the crawl is finished).
 *
 * @example
 * ```ts ignore
 * import { openStateRun } from "./state.ts";
 * const opened = openStateRun(options, entries, (line) => console.error(line));
 * if (typeof opened === "number") Deno.exit(opened);
 * ```
 */
export function openStateRun(
  options: CliOptions,
  entries: ListEntry[],
  note: (line: string) => void,
): StateRun | number {
  const path = options.state!;
  let state: SqliteState;
  try {
    state = SqliteState.open(path);
  } catch (error) {
    if (!(error instanceof StateError)) throw error;
    note(`greencrawl: ${error.message}`);
    return 2;
  }
  try {
    const before = state.progress();
    const crawling = options.depth > 0;
    state.check({
      seeds: entries.flatMap((e) => "url" in e ? [e] : []),
      depth: options.depth,
      maxPages: crawling ? options.maxPages : null,
      meaning: crawling ? crawlMeaning(options) : null,
    });
    const count = (n: number) => n.toLocaleString("en");
    if (state.finished) {
      if (!options.quiet) {
        note(`finished already: ${count(before.done)} done in ${path}; nothing to fetch`);
      }
      state.close();
      return 0;
    }
    if (before.done + before.queued > 0 && !options.quiet) {
      note(`resuming: ${count(before.done)} done, ${count(before.queued)} queued`);
    }
    return withOutput(state, options.output);
  } catch (error) {
    state.close();
    if (!(error instanceof StateError)) throw error;
    note(`greencrawl: ${error.message}`);
    return 2;
  }
}

/** Opens `-o`: cut back to the committed length when the state wrote it, else anew. */
function withOutput(state: SqliteState, output: string | undefined): StateRun {
  let file: Deno.FsFile | undefined;
  let records: LineWriter | undefined;
  let appending = false;
  if (output !== undefined) {
    const path = resolve(output);
    const committed = state.output;
    try {
      if (committed?.path === path) {
        file = Deno.openSync(path, { write: true });
        const size = file.statSync().size;
        if (size < committed.length) {
          file.close();
          throw new StateError(
            `${output} is shorter (${size} bytes) than ${state.path} says it was ` +
              `(${committed.length}): it changed since; move it away or use another -o`,
          );
        }
        file.truncateSync(committed.length);
        file.seekSync(0, Deno.SeekMode.End);
        appending = committed.length > 0;
      } else {
        file = Deno.openSync(path, { write: true, create: true, truncate: true });
      }
    } catch (error) {
      if (error instanceof StateError) throw error;
      throw new StateError(`cannot write ${output}: ${(error as Error).message}`);
    }
    const out = file;
    state.onCommit = () => {
      records?.flush?.();
      out.syncDataSync();
      return { path, length: out.seekSync(0, Deno.SeekMode.Current) };
    };
  }
  return {
    state,
    output: file,
    watch: (writer) => void (records = writer),
    format: (format) => appending ? { ...format, header: null } : format,
    // Interrupted pages are fetched again; invalid input lines are already in a resumed -o.
    sink: (sink) => ({
      start: sink.start?.bind(sink),
      record(r) {
        const code = r.error?.code;
        if (code !== "aborted" && !(appending && code === "invalid-url")) sink.record(r);
      },
    }),
    close() {
      state.onCommit = undefined;
      state.close();
    },
  };
}
