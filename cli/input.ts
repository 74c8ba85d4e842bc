/**
 * The command line's inputs, turned into one URL list: `cli.ts URL [URL...]` fetches URLs as
 * curl and wget take them, a file path reads a list (one URL per line, see `parseUrlList`), `-`
 * reads that list from standard input, and any mix works.
 *
 * Line numbers run on across the inputs as if they were one file (`cat a.txt b.txt | cli.ts -`
 * numbers its lines as `cli.ts a.txt b.txt` does); a URL argument counts as one line. So each
 * record's `line` is unique in a run, and with one list file it is that file's line.
 * @module
 */
import { decodeInput, type ListEntry, parseUrlList } from "../crawler/url/list.ts";

/** An input the CLI cannot use; its message is one line. The CLI prints it and exits with 2. */
export class InputError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** What one command-line input is: a URL to fetch, standard input, or a list file. */
export type Input =
  | { kind: "url"; url: string }
  | { kind: "stdin" }
  | { kind: "file"; path: string };

/**
 * Classifies one argument: an absolute http(s) URL (by the list's rules: no whitespace or
 * control characters, a host) is a URL, `-` is standard input, anything else a file path.
 *
 * @example
 * ```ts
 * import { classifyInput } from "./input.ts";
 * console.log(classifyInput("https://example.org/a").kind); // url
 * console.log(classifyInput("example.org/a").kind); // file (readInputs hints at the URL)
 * console.log(classifyInput("-").kind); // stdin
 * ```
 */
export function classifyInput(arg: string): Input {
  if (arg === "-") return { kind: "stdin" };
  const entry = /[\r\n]/.test(arg) ? undefined : parseUrlList(arg)[0];
  if (entry !== undefined && "url" in entry) return { kind: "url", url: entry.url };
  return { kind: "file", path: arg };
}

/** Where {@linkcode readInputs} gets standard input; a test can pass its own stream. */
export interface ReadInputsOptions {
  /** Standard input, read once for `-`; default `Deno.stdin.readable`. */
  stdin?: () => ReadableStream<Uint8Array>;
}

/**
 * Reads every input, in order, into one list of entries (invalid lines of a file become error
 * entries, as in `parseUrlList`). Throws {@linkcode InputError} when a file cannot be read
 * (with a hint when its name looks like a URL without its scheme), when `-` is given twice, or
 * when the inputs hold no URL at all.
 *
 * @example
 * ```ts
 * import { readInputs } from "./input.ts";
 * const entries = await readInputs(["https://a.test/", "https://b.test/x"]);
 * console.log(entries);
 * // [ { line: 1, url: "https://a.test/" }, { line: 2, url: "https://b.test/x" } ]
 * ```
 */
export async function readInputs(
  inputs: readonly string[],
  options: ReadInputsOptions = {},
): Promise<ListEntry[]> {
  if (inputs.filter((arg) => arg === "-").length > 1) {
    throw new InputError("- (standard input) can be read only once");
  }
  const entries: ListEntry[] = [];
  let lines = 0;
  for (const arg of inputs) {
    const input = classifyInput(arg);
    if (input.kind === "url") {
      entries.push({ line: ++lines, url: input.url });
      continue;
    }
    const text = decodeInput(
      input.kind === "stdin"
        ? await readStream((options.stdin ?? (() => Deno.stdin.readable))())
        : await readList(input.path),
    );
    for (const entry of parseUrlList(text)) {
      entries.push(lines === 0 ? entry : { ...entry, line: entry.line + lines });
    }
    lines += lineCount(text);
  }
  if (entries.length === 0) throw new InputError(`no URLs in ${inputs.join(", ")}`);
  return entries;
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function readList(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Error
      ? error.message
      : String(error);
    // Without read permission the file's existence is unknown: a URL-like name still gets the hint.
    const unknown = error instanceof Deno.errors.NotFound ||
      error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied;
    const hint = unknown ? urlHint(path) : undefined;
    throw new InputError(`cannot read ${path}: ${why}${hint ? `; ${hint}` : ""}`);
  }
}

/** Lines in `text` as `parseUrlList` splits them, not counting an empty one after the last break. */
function lineCount(text: string): number {
  const parts = text.split(/\r\n|\r|\n/);
  return parts.at(-1) === "" ? parts.length - 1 : parts.length;
}

// A host (a name with a dot and a letter TLD, localhost, IPv4 or [IPv6]), an optional port,
// then an optional path, query or fragment.
const SCHEMELESS =
  /^(?:localhost|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])(:\d{1,5})?([/?#].*)?$/i;
// Names that are more likely list files than host names: "urls.txt" gets no URL hint.
const LIST_SUFFIX = /\.(?:txt|text|list|lst|csv|tsv|json|jsonl|ndjson|md|log|dat|urls|in)$/i;

/**
 * A hint for a missing file whose name looks like a URL: `example.org/page` and
 * `localhost:8080/x` lack their `http://`; `ftp://x` or `http://a b` are URLs that cannot be
 * fetched. Undefined when the name looks like a file name.
 */
function urlHint(path: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    const entry = /[\r\n]/.test(path) ? undefined : parseUrlList(path)[0];
    return entry && "error" in entry ? `nor a URL to fetch: ${entry.error}` : undefined;
  }
  const m = SCHEMELESS.exec(path);
  if (!m || (m[1] === undefined && m[2] === undefined && LIST_SUFFIX.test(path))) return undefined;
  return `did you mean http://${path}?`;
}
