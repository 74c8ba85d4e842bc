/**
 * The command line: parsing, validation and `--help`.
 *
 * Tokenized by `./argv.ts`, a strict parser with `node:util` `parseArgs`' semantics: unknown
 * options, missing values and values that look like options are errors, with one-line messages.
 * The design named `@std/cli`, which cannot be installed here (JSR is unreachable) and whose
 * minimist-style parser silently accepts unknown options. `parseArgs` itself was used before;
 * not importing `node:util` saves ~2 ms of every start-up.
 * @module
 */
import { ArgvError, parseArgv } from "./argv.ts";
import { FETCH_DEFAULTS } from "../crawler/fetch/fetch.ts";
import { VERSION } from "../crawler/version.ts";
import type { Mode } from "../crawler/run/runner.ts";
import type { ScopeMode } from "../crawler/url/scope.ts";

/** Output formats. */
export type Format = "text" | "ndjson" | "csv";

/** Everything the command line can say, validated. */
export interface CliOptions {
  input: string; // a file path, or "-" for stdin
  concurrency: number;
  mode: Mode;
  compare: boolean;
  timeout: number;
  retries: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string | undefined;
  headers: [string, string][];
  format: Format;
  output: string | undefined;
  quiet: boolean;
  /** `--report <file.html>`: where to write the HTML waterfall; undefined for none. */
  report: string | undefined;
  /** `--sweep 1,2,4,…`: the concurrencies to run the list at (ascending); undefined for none. */
  sweep: number[] | undefined;
  /** `--no-progress`: never draw the live status line. */
  noProgress: boolean;
  depth: number;
  scope: ScopeMode;
  include: RegExp[];
  exclude: RegExp[];
  maxPages: number;
  perHost: number;
  delay: number;
  ignoreRobots: boolean;
  allowPrivate: boolean;
  /** `--state <file>`: the crawl's state on disk, resumed by a rerun; undefined for none. */
  state: string | undefined;
}

/** What parsing decided: run with options, or print text and exit. */
export type CliAction =
  | { kind: "run"; options: CliOptions }
  | { kind: "print"; text: string }
  | { kind: "usage-error"; message: string };

/** Thrown for any unusable argument; the CLI prints its message and exits with 2. */
export class UsageError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** `--help` text. */
export const HELP =
  `greencrawl ${VERSION}: fetch a list of URLs with green workers and report bytes and time per URL.

Usage:
  deno run --allow-net --allow-read cli.ts [options] <urls-file | ->

Input: one URL per line (UTF-8, BOM and CRLF accepted); blank lines and lines starting
with # are skipped; each line is one job (duplicates are fetched again). A line that is
not an absolute http(s) URL becomes an error record and a warning naming its line.
Use - to read the list from standard input.

Scheduling:
  -c, --concurrency <n>   green workers (default 16)
  --mode <mode>           concurrent: N workers, I/O yields (default)
                          sequential: one worker, one URL after another
                          blocking:   N workers, but unpatched I/O freezes the event
                                      loop on every request: as slow as sequential
  --compare               run the list sequential, blocking, then concurrent, and print
                          wall time, sum of per-URL times, overlap and speedup
  --sweep <n,n,...>       run the list in concurrent mode at each concurrency (e.g.
                          1,2,4,8,16,32) and print N, wall s, req/s, p50, p90, speedup and
                          efficiency (speedup / N), marking the knee: the smallest N that
                          reaches 90% of the best req/s (replaces -c and --mode)

Requests:
  --timeout <seconds>     deadline per request, headers and body (default ${FETCH_DEFAULTS.timeout})
  --retries <n>           retries on network errors, timeouts, 408, 429, 5xx, with
                          exponential backoff and jitter; Retry-After is honoured
                          (default ${FETCH_DEFAULTS.retries})
  --max-bytes <size>      largest decoded body; bigger downloads are cut and reported
                          (default 10MiB; accepts 500000, 512k, 10MiB, 1G)
  --max-redirects <n>     redirects followed per URL (default ${FETCH_DEFAULTS.maxRedirects})
  -A, --user-agent <ua>   User-Agent header (default greencrawl/${VERSION})
  -H, --header <h>        extra header 'Name: value' (repeatable)

Crawling (with --depth above 0 the listed pages' links are followed):
  --depth <n>             link depth followed; listed URLs are depth 0 (default 0: only the
                          list). Each page is fetched once, however it is linked
  --scope <s>             host: links must stay on the seed's host (default);
                          domain: on its registrable domain (a.example.co.uk ~ b.example.co.uk);
                          any: anywhere, except loopback/private/metadata addresses
  --include <regex>       follow only URLs matching (repeatable; any one must match)
  --exclude <regex>       never follow URLs matching (repeatable)
  --max-pages <n>         stop queueing after n pages, listed URLs included (default 10000)
  --per-host <n>          requests in flight per host (default 8)
  --delay <seconds>       between request starts on one host (default 0; a robots.txt
                          Crawl-delay raises it)
  --ignore-robots         fetch discovered URLs even where robots.txt disallows them
                          (robots.txt is obeyed by default; listed URLs are always fetched)
  --allow-private         with --scope any, follow links to private/loopback addresses too

Long runs (a list or a crawl):
  --state <file>          keep the run's state in this SQLite file; rerunning the same command
                          after Ctrl-C, a kill or a crash resumes it: pages done are not
                          fetched again, pages in flight are. Kept: the settings (URL list,
                          --depth, --scope, --include, --exclude, --max-pages, robots.txt and
                          private-address choices: a rerun that differs exits 2), every
                          discovered URL with its depth, parent and state, robots.txt, and
                          how much of -o is written. Commits every 100 ms or 200 pages at
                          most: a crash repeats at most the pages in flight plus one such
                          window. With -o the file holds each record exactly once across
                          resumes; stdout may repeat those pages. Needs --allow-read and
                          --allow-write on the file's folder (FILE-wal, FILE.lock beside it)

Output:
  --format <f>            text (default): "GET: <url>" as a worker takes a URL,
                            "<n> bytes received from <url>. time: <s>" as it ends,
                            then a summary
                          ndjson: one JSON object per input line, nothing else on stdout
                          csv: the same fields as columns, with a header row
  -o, --output <file>     write the records there instead of stdout
  -q, --quiet             no summary, no warnings, no progress (errors still go to stderr)
  --report <file.html>    also write a self-contained HTML waterfall of the run: one bar per
                          URL on a shared time axis, one lane per worker, a summary panel;
                          with --compare the three modes stacked on one time scale, with
                          --sweep the throughput chart. Records are kept in memory until the
                          end to draw it: about 1 KB per URL (per URL and mode/level)
  --no-progress           no live status line. It is drawn on stderr only when stderr is a
                          terminal (done/total, in flight, ok, failed, bytes, rate, elapsed
                          and the oldest in-flight URL with its age)
  -h, --help              this text
  --version               the version

Exit codes: 0 every URL ok; 1 some URLs failed (network error, timeout, HTTP >= 400,
invalid line); 2 usage or input error; 130 interrupted (Ctrl-C: finished records are
written, in-flight requests aborted, the summary printed; in --mode blocking and --compare
the frozen thread cannot run a handler, so Ctrl-C ends the process at once, no summary).

Permissions: --allow-net (or --allow-net=host1,host2 to pin the hosts) and --allow-read
for the list file; -o and --report also need --allow-write=<file>; --state needs
--allow-read=<dir> --allow-write=<dir> for the state's folder.

Examples:
  deno run --allow-net --allow-read cli.ts urls.txt
  deno run --allow-net --allow-read cli.ts --compare -c 50 urls.txt
  deno run --allow-net --allow-read cli.ts --format ndjson urls.txt > records.ndjson
  deno run --allow-net --allow-read --allow-write=report.html cli.ts --compare \\
    --report report.html urls.txt
  deno run --allow-net --allow-read cli.ts --sweep 1,2,4,8,16,32 urls.txt
`;

const MODES_ALLOWED: readonly Mode[] = ["concurrent", "sequential", "blocking"];
const FORMATS: readonly Format[] = ["text", "ndjson", "csv"];

/**
 * Parses the command line; never throws (usage problems come back as `usage-error`).
 *
 * @example
 * ```ts
 * import { parseCli } from "./args.ts";
 * const action = parseCli(["-c", "4", "urls.txt"]);
 * if (action.kind === "run") console.log(action.options.concurrency); // 4
 * ```
 */
export function parseCli(args: string[]): CliAction {
  try {
    return parse(args);
  } catch (error) {
    let message = error instanceof Error ? error.message : String(error);
    if (error instanceof ArgvError && error.problem === "unknown") {
      message += " (--help lists the options; put a file name that starts with - after --)";
    }
    return { kind: "usage-error", message };
  }
}

function parse(args: string[]): CliAction {
  const { values, positionals } = parseArgv(args, {
    concurrency: { type: "string", short: "c" },
    mode: { type: "string" },
    compare: { type: "boolean" },
    timeout: { type: "string" },
    retries: { type: "string" },
    "max-bytes": { type: "string" },
    "max-redirects": { type: "string" },
    "user-agent": { type: "string", short: "A" },
    header: { type: "string", short: "H", multiple: true },
    format: { type: "string" },
    output: { type: "string", short: "o" },
    quiet: { type: "boolean", short: "q" },
    report: { type: "string" },
    sweep: { type: "string" },
    "no-progress": { type: "boolean" },
    depth: { type: "string" },
    scope: { type: "string" },
    include: { type: "string", multiple: true },
    exclude: { type: "string", multiple: true },
    "max-pages": { type: "string" },
    "per-host": { type: "string" },
    delay: { type: "string" },
    "ignore-robots": { type: "boolean" },
    "allow-private": { type: "boolean" },
    state: { type: "string" },
    help: { type: "boolean", short: "h" },
    version: { type: "boolean" },
  });
  if (values.help) return { kind: "print", text: HELP };
  if (values.version) return { kind: "print", text: `greencrawl ${VERSION}\n` };
  if (positionals.length === 0) {
    throw new UsageError("missing <urls-file> (use - for standard input; --help for usage)");
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `expected one <urls-file>, got ${positionals.length}: ${positionals.join(" ")}`,
    );
  }
  const mode = (values.mode ?? "concurrent") as Mode;
  if (!MODES_ALLOWED.includes(mode)) {
    throw new UsageError(`--mode must be one of ${MODES_ALLOWED.join(", ")}, got ${values.mode}`);
  }
  const format = (values.format ?? "text") as Format;
  if (!FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got ${values.format}`);
  }
  const sweep = values.sweep === undefined ? undefined : sweepLevels(values.sweep);
  if (sweep) {
    const clash = values.compare
      ? "--compare"
      : values.concurrency !== undefined
      ? "--concurrency"
      : values.mode !== undefined
      ? "--mode"
      : values.depth !== undefined && values.depth.trim() !== "0"
      ? "--depth"
      : undefined;
    if (clash) {
      throw new UsageError(
        `--sweep runs the URL list in concurrent mode at each N; it cannot go with ${clash}`,
      );
    }
  }
  if (values.state !== undefined) {
    if (values.state.trim() === "") throw new UsageError("--state needs a file name");
    const clash = values.compare ? "--compare" : sweep ? "--sweep" : undefined;
    if (clash) throw new UsageError(`--state keeps one run's state; it cannot go with ${clash}`);
  }
  if (values.report !== undefined && values.report.trim() === "") {
    throw new UsageError("--report needs a file name, e.g. --report report.html");
  }
  return {
    kind: "run",
    options: {
      input: positionals[0],
      concurrency: integer("--concurrency", values.concurrency, 16, 1, 100_000),
      mode,
      compare: values.compare ?? false,
      timeout: seconds("--timeout", values.timeout, FETCH_DEFAULTS.timeout),
      retries: integer("--retries", values.retries, FETCH_DEFAULTS.retries, 0, 100),
      maxBytes: byteSize("--max-bytes", values["max-bytes"], FETCH_DEFAULTS.maxBytes),
      maxRedirects: integer(
        "--max-redirects",
        values["max-redirects"],
        FETCH_DEFAULTS.maxRedirects,
        0,
        1000,
      ),
      userAgent: values["user-agent"],
      headers: (values.header ?? []).map(header),
      format,
      output: values.output,
      quiet: values.quiet ?? false,
      report: values.report,
      sweep,
      noProgress: values["no-progress"] ?? false,
      depth: integer("--depth", values.depth, 0, 0, 1000),
      scope: scopeMode(values.scope),
      include: (values.include ?? []).map((r) => regex("--include", r)),
      exclude: (values.exclude ?? []).map((r) => regex("--exclude", r)),
      maxPages: integer("--max-pages", values["max-pages"], 10_000, 1, 100_000_000),
      perHost: integer("--per-host", values["per-host"], 8, 1, 10_000),
      delay: values.delay === undefined ? 0 : nonNegative("--delay", values.delay),
      ignoreRobots: values["ignore-robots"] ?? false,
      allowPrivate: values["allow-private"] ?? false,
      state: values.state,
    },
  };
}

function integer(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new UsageError(
      `${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

function sweepLevels(text: string): number[] {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 100_000)) {
    throw new UsageError(
      `--sweep must be whole numbers from 1 to 100000, comma-separated (e.g. 1,2,4,8), got ${
        JSON.stringify(text)
      }`,
    );
  }
  return [...new Set(parts.map(Number))].sort((a, b) => a - b);
}

function seconds(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 86_400) {
    throw new UsageError(
      `${flag} must be a number of seconds above 0 (e.g. 2.5), got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

function nonNegative(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0 || n > 86_400) {
    throw new UsageError(
      `${flag} must be a number of seconds, 0 or more, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

function scopeMode(text: string | undefined): ScopeMode {
  const scope = text ?? "host";
  if (scope !== "host" && scope !== "domain" && scope !== "any") {
    throw new UsageError(`--scope must be one of host, domain, any, got ${text}`);
  }
  return scope;
}

function regex(flag: string, text: string): RegExp {
  try {
    return new RegExp(text);
  } catch (error) {
    throw new UsageError(`${flag} is not a valid regular expression: ${(error as Error).message}`);
  }
}

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses a byte size such as `500000`, `512k`, `10MiB` or `1G` (k/M/G are binary; kB/MB/GB
 * decimal).
 *
 * @example
 * ```ts
 * import { byteSize } from "./args.ts";
 * console.log(byteSize("--max-bytes", "10MiB", 0)); // 10485760
 * ```
 */
export function byteSize(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) * unit < 1) {
    throw new UsageError(
      `${flag} must be a size like 500000, 512k or 10MiB, got ${JSON.stringify(text)}`,
    );
  }
  return Math.floor(Number(m[1]) * unit);
}

function header(text: string): [string, string] {
  const i = text.indexOf(":");
  const name = i > 0 ? text.slice(0, i).trim() : "";
  const value = i > 0 ? text.slice(i + 1).trim() : "";
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(`--header must look like 'Name: value', got ${JSON.stringify(text)}`);
  }
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
    throw new UsageError(`--header value must not contain control characters: ${name}`);
  }
  return [name, value];
}
