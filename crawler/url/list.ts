/**
 * Reading the input file: one URL per line, each line one job.
 * @module
 */

/** One non-blank, non-comment input line: a URL to fetch, or why it cannot be fetched. */
export type ListEntry =
  /** `url` is the trimmed line, as given (not normalised). */
  | { line: number; url: string }
  /** `input` is the trimmed line; `error` is one line, e.g. `unsupported scheme "ftp:"`. */
  | { line: number; input: string; error: string };

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;

/** Why `text` is not an absolute http(s) URL, or null when it is one. */
function problem(text: string): string | null {
  if (CONTROL.test(text)) return "contains control characters";
  if (BIDI.test(text)) return "contains bidi control characters";
  if (/\s/.test(text)) return "contains whitespace";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    if (/^[a-z][a-z0-9+.-]*:/i.test(text)) return "invalid URL";
    return `not an absolute URL${/^[\p{L}\p{N}]/u.test(text) ? ' (missing "http://"?)' : ""}`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    // "localhost:8080/x" parses with the scheme "localhost:": say what was probably meant.
    if (/^[^/]+:\d+(?:[/?#]|$)/.test(text)) return 'not an absolute URL (missing "http://"?)';
    return `unsupported scheme "${url.protocol}"`;
  }
  if (url.host === "") return "missing host";
  return null;
}

/**
 * Parses the URL list: lines split on LF, CRLF or lone CR; a leading BOM removed; each line
 * trimmed; blank lines and lines starting with `#` skipped; duplicates kept. Lines that are not
 * absolute http(s) URLs become error entries. `line` is 1-based.
 *
 * @param text The list, decoded.
 * @returns One entry per non-blank, non-comment line.
 *
 * @example
 * ```ts
 * parseUrlList("# list\nhttp://a.test/\n\nftp://b.test/\r\n");
 * // [{ line: 2, url: "http://a.test/" },
 * //  { line: 4, input: "ftp://b.test/", error: 'unsupported scheme "ftp:"' }]
 * ```
 */
export function parseUrlList(text: string): ListEntry[] {
  const entries: ListEntry[] = [];
  text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/).forEach((raw, i) => {
    const input = raw.trim();
    if (input === "" || input.startsWith("#")) return;
    const error = problem(input);
    entries.push(error === null ? { line: i + 1, url: input } : { line: i + 1, input, error });
  });
  return entries;
}

/**
 * Decodes the input file as UTF-8 (invalid bytes become U+FFFD) and removes a leading BOM.
 *
 * @param bytes The file as read.
 * @returns Its text.
 *
 * @example
 * ```ts
 * decodeInput(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])); // "a"
 * ```
 */
export function decodeInput(bytes: Uint8Array): string {
  // ignoreBOM: false (the default) is what removes the BOM.
  return new TextDecoder("utf-8", { fatal: false, ignoreBOM: false }).decode(bytes);
}
