/**
 * Live progress on a terminal: one status line on stderr, redrawn in place at most ~10 times a
 * second, so a long run shows where it is and "is it hung?" answers itself:
 *
 * ```text
 * 37/200 · 16 in flight · 35 ok · 2 failed · 1.2 MiB · 48.3/s · 2.41 s · oldest 1.52 s http://…/slow
 * ```
 *
 * (`37 done/120 queued` when crawling; `[N=4] ` or `[blocking] ` in front during a sweep or a
 * compare; in blocking mode, where the frozen event loop cannot redraw during a request, the
 * tail reads `frozen since 2.41 s on http://…/slow`.) The CLI draws it only when stderr is a
 * terminal and neither `--quiet` nor `--no-progress` is given, so nothing of it reaches stdout
 * or a file. Lines written while it is up go through `withStatusLine` (output.ts), which clears
 * it first and redraws it after, so record lines on the same terminal are never garbled. Every
 * URL shown comes from the output sink (`recordSink`), which sanitised it.
 * @module
 */
import type { Job } from "../crawler/frontier/frontier.ts";
import type { StatusLine } from "./output.ts";
import type { FetchRecord } from "../crawler/record.ts";
import { formatBytes, formatMs } from "../crawler/format/units.ts";

/** The run {@linkcode Progress} shows (see {@linkcode Progress.begin}). */
export interface ProgressRun {
  /** Shown in brackets in front (`"N=4"`, `"blocking"`); none by default. */
  label?: string | null;
  /** Read at every frame: the list length, or the jobs queued so far when `crawling`. */
  total: () => number;
  /** A crawl: show `done/queued` rather than `done/total`. */
  crawling?: boolean;
  /** Blocking mode: the event loop freezes during each request (see `start`). */
  frozen?: boolean;
}

/** Where and how {@linkcode Progress} draws. */
export interface ProgressOptions {
  /** The terminal to draw on (default `Deno.stderr`). */
  target?: { writeSync(p: Uint8Array): number };
  /** Terminal width in columns (default: `Deno.consoleSize()` of stderr, else 80). */
  columns?: () => number;
  /** Least time between two frames in ms (default 100: at most ~10 frames a second). */
  intervalMs?: number;
  /** The clock (default `performance.now`). */
  now?: () => number;
}

const encoder = new TextEncoder();
/** Carriage return, then erase the whole line: the cursor is back at column 0 of a blank line. */
const CLEAR = "\r\x1b[2K";

/**
 * The status line. It is a record sink's watcher (`start` and `record`, fed by the CLI's
 * `recordSink`); it keeps the jobs in flight (one per worker) and counters, and draws from a
 * 100 ms timer and from those calls.
 *
 * @example
 * ```ts ignore
 * import { fetchAll } from "../crawler/run/runner.ts";
 * import { recordSink } from "./output.ts";
 * import { Progress } from "./progress.ts";
 * const progress = new Progress();
 * progress.begin({ total: () => urls.length });
 * try {
 *   await fetchAll(urls).pipeTo(recordSink({ progress }));
 * } finally {
 *   progress.stop();
 * }
 * ```
 */
export class Progress implements StatusLine {
  #target: { writeSync(p: Uint8Array): number };
  #columns: () => number;
  #interval: number;
  #now: () => number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #drawn = false;
  #broken = false;
  #lastDraw = -Infinity;
  #frame = "";
  // the run being shown
  #label: string | null = null;
  #total: () => number = () => 0;
  #crawling = false;
  #frozen = false;
  #started = 0;
  #done = 0;
  #ok = 0;
  #bytes = 0;
  /** Jobs in flight by worker, in start order (a worker runs one job at a time). */
  #inFlight = new Map<number, { url: string; at: number }>();

  /** Creates the line; nothing is drawn before {@linkcode Progress.begin}. */
  constructor(options: ProgressOptions = {}) {
    this.#target = options.target ?? Deno.stderr;
    this.#columns = options.columns ?? terminalColumns;
    this.#interval = options.intervalMs ?? 100;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Starts showing a run (again, for each mode of a compare or level of a sweep): counters reset. */
  begin(run: ProgressRun): void {
    this.#label = run.label ?? null;
    this.#total = run.total;
    this.#crawling = run.crawling ?? false;
    this.#frozen = run.frozen ?? false;
    this.#started = this.#now();
    this.#done = this.#ok = this.#bytes = 0;
    this.#inFlight.clear();
    this.#lastDraw = -Infinity;
    if (this.#timer === undefined) {
      const timer = setInterval(() => this.redraw(), this.#interval);
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
    this.redraw();
  }

  /** A worker took `job` (the `onStart` hook). */
  start(job: Job, worker: number): void {
    this.#inFlight.delete(worker);
    this.#inFlight.set(worker, { url: job.url, at: this.#now() });
    // The hooks redraw too, not only the timer: in blocking mode the event loop is frozen for
    // the whole of each request, so the timer cannot fire then. The frame drawn here is the one
    // left on screen while the thread is frozen, so in blocking mode it is always drawn (one
    // frame per request: requests run one at a time there), else it could name the previous URL
    // for the whole of a hung request. Elsewhere hooks are throttled like the timer.
    if (this.#frozen) this.#lastDraw = -Infinity;
    this.redraw();
  }

  /** A record is complete (the `onRecord` hook). */
  record(record: FetchRecord): void {
    if (record.worker !== null) this.#inFlight.delete(record.worker);
    this.#done++;
    if (record.ok) this.#ok++;
    this.#bytes += record.bytes;
    this.redraw();
  }

  /** The status text for the current state (no escape sequences, not cut to the width). */
  text(): string {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#started);
    const total = this.#total();
    const parts = [
      this.#crawling ? `${this.#done} done/${total} queued` : `${this.#done}/${total}`,
      `${this.#inFlight.size} in flight`,
      `${this.#ok} ok`,
      `${this.#done - this.#ok} failed`,
      formatBytes(this.#bytes),
      `${(elapsed > 0 ? this.#done / (elapsed / 1000) : 0).toFixed(1)}/s`,
      formatMs(elapsed),
    ];
    const oldest = this.#inFlight.values().next().value;
    if (oldest && this.#frozen) {
      // this frame stays up, unchanged, until the request ends: say so rather than show an age
      const since = formatMs(Math.max(0, oldest.at - this.#started));
      parts.push(`frozen since ${since} on ${oldest.url}`);
    } else if (oldest) {
      parts.push(`oldest ${formatMs(now - oldest.at)} ${oldest.url}`);
    }
    return (this.#label === null ? "" : `[${this.#label}] `) + parts.join(" · ");
  }

  /**
   * Draws a fresh frame, at most ~10 a second; between fresh frames it only puts the last frame
   * back if a line written meanwhile erased it (so the line is always up between writes).
   */
  redraw(): void {
    if (this.#broken || this.#timer === undefined) return;
    const now = this.#now();
    // 0.8: a timer tick a hair early must not skip a frame
    if (now - this.#lastDraw >= this.#interval * 0.8) {
      this.#lastDraw = now;
      this.#frame = fit(this.text(), this.#columns() - 1);
    } else if (this.#drawn) return;
    this.#write(CLEAR + this.#frame);
    this.#drawn = true;
  }

  /** Erases the line if it is drawn (before another line is written to the terminal). */
  clear(): void {
    if (!this.#drawn) return;
    this.#write(CLEAR);
    this.#drawn = false;
  }

  /** Erases the line and stops drawing (the end of the run, or an interrupt). */
  stop(): void {
    this.clear();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #write(text: string): void {
    let bytes = encoder.encode(text);
    try {
      while (bytes.length > 0) bytes = bytes.subarray(this.#target.writeSync(bytes));
    } catch {
      this.#broken = true; // the terminal went away: stop drawing, never fail the run
    }
  }
}

function terminalColumns(): number {
  try {
    return Deno.consoleSize().columns || 80;
  } catch {
    return 80;
  }
}

/**
 * Cuts `text` to `width` characters so it never wraps (a wrapped line cannot be erased in
 * place): the tail (the oldest URL) is shortened in the middle with `…`.
 */
export function fit(text: string, width: number): string {
  const chars = [...text];
  if (width <= 0) return "";
  if (chars.length <= width) return text;
  if (width < 20) return chars.slice(0, width).join("");
  const keepEnd = Math.floor((width - 1) / 3);
  return chars.slice(0, width - 1 - keepEnd).join("") + "…" + chars.slice(-keepEnd).join("");
}
