/**
 * The command line: parsing and validation (the `--help` text is in `help.ts`).
 *
 * Tokenized by `node:util` `parseArgs` in strict mode: unknown options, missing values and
 * values that look like options are errors. Its messages are turned into one line that names
 * the option. `@std/cli` (the design's choice) cannot be installed here (JSR is unreachable),
 * and its minimist-style parser silently accepts unknown options.
 * @module
 */
import { parseArgs } from "node:util";
import { FETCH_DEFAULTS } from "../crawler/fetch/fetch.ts";
import { VERSION } from "../crawler/version.ts";
import type { FormatName } from "../crawler/format/mod.ts";
import type { Mode } from "../crawler/run/runner.ts";
import type { ScopeMode } from "../crawler/url/scope.ts";
import { HELP } from "./help.ts";

/** Output formats. */
export type Format = FormatName;

/** Everything the command line can say, validated. */
export interface CliOptions {
  /** URLs, list files and `-` (standard input), in order; at least one (see `input.ts`). */
  inputs: string[];
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
  /** `--state <file>`: the run's state on disk, resumed by a rerun; undefined for none. */
  state: string | undefined;
  /** `--frontier redis://…`: the Redis of a crawl shared by many processes; undefined for none. */
  frontierUrl: string | undefined;
  /** `--crawl-id`: the shared crawl's name; undefined derives it from the seeds and settings. */
  crawlId: string | undefined;
  /** `--lease`: seconds a shared crawl's job stays leased without a heartbeat. */
  lease: number;
  /** `--status`: print the shared crawl's counts and exit. */
  status: boolean;
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

const MODES_ALLOWED: readonly Mode[] = ["concurrent", "sequential", "blocking"];
const FORMATS: readonly Format[] = ["text", "ndjson", "csv"];

/** The options, by long name (`"max-bytes"` is `--max-bytes`). */
const OPTIONS = {
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
  frontier: { type: "string" },
  "crawl-id": { type: "string" },
  lease: { type: "string" },
  status: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

const UNKNOWN_HINT = " (--help lists the options; put a file name that starts with - after --)";

/**
 * Parses the command line; never throws (usage problems come back as `usage-error`, with a
 * one-line message that names the option as it was written).
 *
 * @example
 * ```ts
 * import { parseCli } from "./args.ts";
 * const action = parseCli(["-c", "4", "urls.txt", "https://example.org/"]);
 * if (action.kind === "run") console.log(action.options.concurrency, action.options.inputs);
 * // 4 [ "urls.txt", "https://example.org/" ]
 * console.log(parseCli(["--concurency", "4", "urls.txt"]));
 * // { kind: "usage-error", message: "unknown option --concurency (--help lists the options; …)" }
 * ```
 */
export function parseCli(args: string[]): CliAction {
  try {
    return parse(args);
  } catch (error) {
    const message = error instanceof UsageError
      ? error.message
      : parseArgsMessage(error, args) ?? String((error as Error)?.message ?? error).split("\n")[0];
    return { kind: "usage-error", message };
  }
}

function parse(args: string[]): CliAction {
  const { values, positionals, tokens } = parseArgs({
    args,
    options: OPTIONS,
    strict: true,
    allowPositionals: true,
    tokens: true,
  });
  // parseArgs reads "-q-" as "-q --", which would turn the rest of the command line into inputs.
  const stray = tokens.find((t) => t.kind === "option-terminator" && args[t.index] !== "--");
  if (stray) {
    throw new UsageError(
      `unknown option ${args[stray.index]}: - is not an option letter${UNKNOWN_HINT}`,
    );
  }
  if (values.help) return { kind: "print", text: HELP };
  if (values.version) return { kind: "print", text: `greencrawl ${VERSION}\n` };
  const shared = sharedCrawl(values);
  if (positionals.length === 0 && !(shared.status && shared.crawlId !== undefined)) {
    throw new UsageError(
      "missing input: give URLs or list files (- for standard input; --help for usage)",
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
      : values.frontier !== undefined
      ? "--frontier"
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
  if (values.frontier !== undefined && (values.compare || values.mode === "blocking")) {
    throw new UsageError(
      `--frontier shares a crawl through Redis; it cannot go with ${
        values.compare ? "--compare" : "--mode blocking"
      }`,
    );
  }
  if (values.state !== undefined) {
    if (values.state.trim() === "") throw new UsageError("--state needs a file name");
    const clash = values.compare
      ? "--compare"
      : sweep
      ? "--sweep"
      : values.frontier !== undefined
      ? "--frontier (a shared crawl's state is in Redis)"
      : undefined;
    if (clash) throw new UsageError(`--state keeps one run's state; it cannot go with ${clash}`);
  }
  if (values.report !== undefined && values.report.trim() === "") {
    throw new UsageError("--report needs a file name, e.g. --report report.html");
  }
  return {
    kind: "run",
    options: {
      inputs: positionals,
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
      ...shared,
    },
  };
}

/** The shared-crawl options, checked: the others need `--frontier`, which must be a redis:// URL. */
function sharedCrawl(values: { [name: string]: string | boolean | string[] | undefined }) {
  const frontier = values.frontier as string | undefined;
  const crawlId = values["crawl-id"] as string | undefined;
  const lease = values.lease as string | undefined;
  const status = (values.status as boolean | undefined) ?? false;
  if (frontier === undefined) {
    const orphan = crawlId !== undefined
      ? "--crawl-id"
      : lease !== undefined
      ? "--lease"
      : status
      ? "--status"
      : undefined;
    if (orphan) throw new UsageError(`${orphan} needs --frontier redis://host:port`);
  } else {
    const url = URL.parse(frontier);
    if (
      !url || (url.protocol !== "redis:" && url.protocol !== "rediss:") || url.hostname === "" ||
      !/^(\/\d*)?$/.test(url.pathname)
    ) {
      throw new UsageError(
        `--frontier must be redis://[user:password@]host:port[/db], got ${
          JSON.stringify(url ? `${url.protocol}//${url.host}${url.pathname}` : frontier)
        }`,
      );
    }
  }
  if (crawlId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(crawlId)) {
    throw new UsageError(
      `--crawl-id must be 1 to 64 letters, digits, '.', '_' or '-', got ${JSON.stringify(crawlId)}`,
    );
  }
  return { frontierUrl: frontier, crawlId, lease: seconds("--lease", lease, 120), status };
}

/**
 * One line for an error of `parseArgs` (whose messages span up to three lines and name the
 * option in its spec form), naming the option as it was written; undefined for other errors.
 * The offending argument is found again in the tokens of a lenient parse.
 */
function parseArgsMessage(error: unknown, args: string[]): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION" && code !== "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return undefined;
  }
  const { tokens } = parseArgs({
    args,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const spec = (name: string) => Object.hasOwn(OPTIONS, name) ? OPTIONS[name as Name] : undefined;
  const label = (raw: string, name: string) => raw === `--${name}` ? raw : `${raw} (--${name})`;
  for (const [i, t] of tokens.entries()) {
    if (t.kind !== "option") continue;
    const option = spec(t.name);
    const arg = args[t.index];
    if (option === undefined) {
      const previous = tokens[i - 1];
      if (
        t.rawName === "-=" && previous?.kind === "option" && previous.index === t.index &&
        spec(previous.name)?.type === "boolean"
      ) {
        // -q=yes: parseArgs reads the flag -q, then the unknown options -=, -y, -e, -s.
        return `${label(previous.rawName, previous.name)} does not take a value, got ${arg}`;
      }
      const where = arg !== t.rawName && !arg.startsWith("--") ? ` in ${arg}` : "";
      return `unknown option ${t.rawName}${where}${UNKNOWN_HINT}`;
    }
    if (option.type === "boolean" && t.value !== undefined) {
      return `${label(t.rawName, t.name)} does not take a value, got ${arg}`;
    }
    if (option.type === "string") {
      const value = t.value;
      if (value === undefined) return `${label(t.rawName, t.name)} needs a value`;
      if (!t.inlineValue && value.length > 1 && value[0] === "-") {
        const spelled = t.rawName === `--${t.name}`
          ? `--${t.name}=${value}`
          : `${t.rawName}${value} or --${t.name}=${value}`;
        return `${label(t.rawName, t.name)} needs a value, but the next argument ${value} ` +
          `looks like an option; if ${value} is the value, write ${spelled}`;
      }
    }
  }
  return undefined;
}

type Name = keyof typeof OPTIONS;

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
