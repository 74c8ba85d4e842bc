/**
 * Where the CLI writes: records to stdout or `-o file` in the chosen format, warnings and
 * machine-format summaries to stderr. This is the output boundary: network text is sanitised
 * here, once ({@linkcode recordSink}), before any of it reaches a terminal or a file.
 * @module
 */
import { type RecordFormat, sanitizeRecord, stripControl } from "../crawler/format/mod.ts";
import type { FetchRecord } from "../crawler/record.ts";
import type { RunStats } from "../crawler/run/stats.ts";
import type { RecordSink } from "../crawler/run/runner.ts";

const encoder = new TextEncoder();

/** A synchronous line writer (sync so lines keep their order even while I/O blocks). */
export interface LineWriter {
  /** Writes one line (a newline is added). */
  line(text: string): void;
  /** Writes what was gathered now (`--state` commits only records that reached the file). */
  flush?(): void;
  /** Flushes and closes (stdout/stderr are left open). */
  close(): void;
}

/** Lines gathered before one write, when the target is not a terminal. */
const BLOCK_CHARS = 32 * 1024;
/** Longest a gathered line waits for its write, ms (so `tail -f` and pipes still see progress). */
const BLOCK_DELAY_MS = 50;

/**
 * Writes lines to a Deno writer synchronously; after a failed write (a broken pipe, a full
 * disk) it goes quiet and calls `onBroken` once with the error (so `| head` or a full disk ends
 * the run instead of crashing it).
 *
 * With `gather`, a target that is not a terminal gets lines in blocks of up to 32 KiB, at most
 * 50 ms late (one write per record was ~4% of a fast crawl's CPU). What is gathered is written by
 * `close()`, and also when the process exits through `Deno.exit` (a second Ctrl-C), so no
 * finished record is lost. Do not gather where the event loop may freeze (blocking I/O): the
 * delay could not fire, and a Ctrl-C there ends the process at once.
 *
 * @example
 * ```ts
 * import { syncWriter } from "./output.ts";
 * const out = syncWriter(Deno.stdout, undefined, true);
 * out.line("hello");
 * out.close(); // writes what was gathered; stdout itself stays open
 * ```
 */
export function syncWriter(
  target: { writeSync(p: Uint8Array): number; close?(): void; isTerminal?(): boolean },
  onBroken?: (error: Error) => void,
  gather = false,
): LineWriter {
  let broken = false;
  let pending = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  gather &&= !(target.isTerminal?.() ?? false);
  const write = (text: string) => {
    if (broken || text === "") return;
    let bytes = encoder.encode(text);
    try {
      while (bytes.length > 0) bytes = bytes.subarray(target.writeSync(bytes));
    } catch (error) {
      broken = true;
      onBroken?.(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const text = pending;
    pending = "";
    write(text);
  };
  if (gather) globalThis.addEventListener("unload", flush);
  return {
    line(text: string) {
      if (!gather) return write(text + "\n");
      if (broken) return;
      pending += text + "\n";
      if (pending.length >= BLOCK_CHARS) flush();
      else if (timer === undefined) {
        timer = setTimeout(flush, BLOCK_DELAY_MS);
        Deno.unrefTimer(timer as unknown as number); // never keeps the process alive
      }
    },
    flush,
    close() {
      flush();
      if (gather) globalThis.removeEventListener("unload", flush);
      if (target !== Deno.stdout && target !== Deno.stderr) target.close?.();
    },
  };
}

/** A line kept on the terminal below the output (the live progress line, progress.ts). */
export interface StatusLine {
  /** Erases it, leaving the cursor at the start of an empty line. */
  clear(): void;
  /** Draws it again (a fresh frame at most ~10 times a second, else the last one). */
  redraw(): void;
}

/**
 * Wraps `writer` so each line first clears `status` and redraws it after: lines and the status
 * line share the terminal without garbling each other. Use it for every writer that reaches the
 * terminal the status line is on (stderr, and stdout when it is a terminal too).
 *
 * @example
 * ```ts ignore
 * import { syncWriter, withStatusLine } from "./output.ts";
 * import { Progress } from "./progress.ts";
 * const progress = new Progress();
 * const notes = withStatusLine(syncWriter(Deno.stderr), progress);
 * notes.line("warning: …"); // the status line is erased, the warning written, the line redrawn
 * ```
 */
export function withStatusLine(writer: LineWriter, status: StatusLine): LineWriter {
  return {
    line(text: string) {
      status.clear();
      writer.line(text);
      status.redraw();
    },
    flush: () => writer.flush?.(),
    close: () => writer.close(),
  };
}

/** What a run's record stream feeds: the output lines, the totals, the status line, the report. */
export interface SinkOptions {
  /** The output format (none: no lines). */
  format?: RecordFormat;
  /** Where the format's lines go (stdout or `-o`). */
  records?: LineWriter;
  /** Totals for the summary. */
  stats?: RunStats;
  /** The status line, when one is drawn. */
  progress?: Pick<RecordSink, "start" | "record">;
  /** Records kept for the HTML report (as they came, unsanitised: the report escapes its own). */
  keep?: FetchRecord[];
}

/**
 * The CLI's one sink: each record is sanitised once (see `sanitizeRecord`), then written in the
 * chosen format, counted, and shown on the status line. A CSV header is written at once.
 *
 * @example
 * ```ts
 * import { recordSink, syncWriter } from "./output.ts";
 * import { FORMATS } from "../crawler/format/mod.ts";
 * import { RunStats } from "../crawler/run/stats.ts";
 * import { blankRecord } from "../crawler/record.ts";
 * const stats = new RunStats();
 * const sink = recordSink({ format: FORMATS.text, records: syncWriter(Deno.stdout), stats });
 * sink.record({ ...blankRecord("http://127.0.0.1/\x1b[2J"), ok: true, bytes: 5 });
 * // prints "5 bytes received from http://127.0.0.1/. time: 0.000"
 * ```
 */
export function recordSink({ format, records, stats, progress, keep }: SinkOptions): RecordSink {
  const out = format && records;
  if (out && format.header !== null) records.line(format.header);
  return {
    start(job, worker) {
      const url = stripControl(job.url);
      const line = out ? format.start(url) : null;
      if (line !== null) records!.line(line);
      progress?.start?.(url === job.url ? job : { ...job, url }, worker);
    },
    record(record) {
      keep?.push(record);
      const clean = sanitizeRecord(record);
      stats?.add(clean);
      if (out) records.line(format.record(clean));
      progress?.record(clean);
    },
  };
}
