/**
 * The fetcher: turns one URL into one {@linkcode FetchRecord}, whatever happens.
 *
 * One code path for every mode: it talks HTTP through green I/O (`openUrl`), which blocks
 * the thread in the unpatched `blocking` mode and yields otherwise. It follows redirects
 * itself (so it can keep the chain, detect loops and cap hops), streams the decoded body
 * while counting bytes (a gzip bomb is cut at `maxBytes`, never buffered), measures time to
 * headers, and retries network errors, timeouts, 408, 429 and 5xx with exponential backoff
 * and jitter, honouring `Retry-After`. It never throws: failures become error records.
 * @module
 */
import { openUrl, pause, type UrlResponse } from "../../green/io/mod.ts";
import { concat } from "../../green/io/url_response.ts";
import { blankRecord, type ErrorCode, type FetchError, type FetchRecord } from "../record.ts";
import { stripControl } from "../format/sanitize.ts";
import { decodeHtml } from "../html/charset.ts";
import { isHtml, titleFromHtml } from "../html/title.ts";

/** The project's version, sent in the default User-Agent. */
export const VERSION = "0.1.0";

/** Options of {@linkcode fetchUrl}. Times are seconds. */
export interface FetchOptions {
  /** Deadline of each HTTP request (headers and body), seconds. Default 30. */
  timeout?: number;
  /** Retries after the first attempt on network errors, timeouts, 408, 429, 5xx. Default 2. */
  retries?: number;
  /** Largest decoded body accepted, bytes; a bigger download is cut. Default 10 MiB. */
  maxBytes?: number;
  /** Most redirects followed. Default 10. */
  maxRedirects?: number;
  /** User-Agent header. Default `greencrawl/<version>`. */
  userAgent?: string;
  /** Extra request headers. */
  headers?: [string, string][];
  /** Use blocking (unpatched) I/O: the thread freezes during each request. Default false. */
  blocking?: boolean;
  /** Aborts the job (for example on Ctrl-C): the record says `aborted`. */
  signal?: AbortSignal;
  /** First backoff delay, seconds (doubles per retry, with jitter). Default 0.5. */
  backoff?: number;
  /** Longest wait before a retry, including `Retry-After`, seconds. Default 30. */
  maxBackoff?: number;
  /** Keep the HTML body (up to `maxBytes`) for link extraction. Default false. */
  keepHtml?: boolean;
  /** Keep the body whatever its type (up to `maxBytes`), e.g. robots.txt. Default false. */
  keepAny?: boolean;
  /**
   * Asked before each redirect is followed, with the target (fragment dropped); false (or a
   * promise of false) stops there and the redirect response is the record's final one. The
   * crawler uses it so a redirect never leads to a page already seen, out of scope or disallowed
   * by robots.txt. Default: follow.
   */
  followRedirect?: (url: string) => boolean | Promise<boolean>;
}

/** A record plus, with `keepHtml`, the HTML body that was read. */
export interface FetchedPage {
  /** The result record. */
  record: FetchRecord;
  /** The decoded page when `keepHtml` was set and the page is HTML; else null. */
  html: string | null;
  /** The raw body when `keepAny` was set; else null. */
  body: Uint8Array | null;
}

const MiB = 1024 * 1024;
const TITLE_PREFIX = 256 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Default fetch options, as documented in `--help`. */
export const FETCH_DEFAULTS: Required<
  Pick<FetchOptions, "timeout" | "retries" | "maxBytes" | "maxRedirects" | "backoff" | "maxBackoff">
> = {
  timeout: 30,
  retries: 2,
  maxBytes: 10 * MiB,
  maxRedirects: 10,
  backoff: 0.5,
  maxBackoff: 30,
};

/**
 * Fetches one URL and reports it. Never throws.
 *
 * @example
 * ```ts ignore
 * import { fetchUrl } from "./fetch.ts";
 * const r = await fetchUrl("http://127.0.0.1:8000/", { timeout: 5, retries: 0 });
 * console.log(r.ok, r.status, r.bytes, r.timeMs);
 * ```
 */
export async function fetchUrl(url: string, options: FetchOptions = {}): Promise<FetchRecord> {
  return (await fetchPage(url, options)).record;
}

/**
 * Like {@linkcode fetchUrl}, also returning the HTML body when `keepHtml` is set (the crawler
 * extracts links from it).
 *
 * @example
 * ```ts ignore
 * import { fetchPage } from "./fetch.ts";
 * const { record, html } = await fetchPage("http://127.0.0.1:8000/", { keepHtml: true });
 * console.log(record.title, html?.length);
 * ```
 */
export async function fetchPage(url: string, options: FetchOptions = {}): Promise<FetchedPage> {
  const o = settingsFor(options);
  const headers = requestHeaders(options);
  const ask = options.followRedirect;
  let approved: Set<string> | undefined; // a retry follows what the first attempt was allowed to
  const follow = ask && (async (u: string) => {
    if (approved?.has(u)) return true;
    if (!(await ask(u))) return false;
    (approved ??= new Set()).add(u);
    return true;
  });
  const started = performance.now();
  const record = blankRecord(url);
  let html: string | null = null;
  let body: Uint8Array | null = null;
  for (let attempt = 1;; attempt++) {
    record.attempts = attempt;
    const outcome = await attemptOnce(url, o, headers, started, follow);
    Object.assign(record, outcome.fields);
    record.error = outcome.error;
    html = outcome.html;
    body = outcome.body;
    const retryable = outcome.retryable && attempt <= o.retries && !o.signal?.aborted;
    if (!retryable) break;
    const delay = outcome.retryAfter ?? backoffDelay(o.backoff, attempt);
    if (!(await pause(Math.min(delay, o.maxBackoff), o.blocking ?? false, o.signal))) {
      record.error = { code: "aborted", message: "interrupted while waiting to retry" };
      break;
    }
  }
  record.ok = record.error === null;
  record.timeMs = round(performance.now() - started);
  return { record, html, body };
}

/** Full-jitter-free "equal jitter": half the exponential step is fixed, half random. */
function backoffDelay(base: number, attempt: number): number {
  const step = base * 2 ** (attempt - 1);
  return step / 2 + Math.random() * step / 2;
}

interface Outcome {
  fields: Partial<FetchRecord>;
  error: FetchError | null;
  retryable: boolean;
  retryAfter: number | null;
  html: string | null;
  body: Uint8Array | null;
}

type Settings = typeof FETCH_DEFAULTS & Omit<FetchOptions, "followRedirect">;

/** One attempt: the request, its redirects and the body. */
async function attemptOnce(
  url: string,
  o: Settings,
  headers: Record<string, string>,
  started: number,
  follow: ((url: string) => Promise<boolean>) | undefined,
): Promise<Outcome> {
  const fields: Partial<FetchRecord> = {
    finalUrl: null,
    status: null,
    bytes: 0,
    ttfbMs: null,
    contentType: null,
    title: null,
    redirects: 0,
    redirectChain: [],
  };
  const fail = (code: ErrorCode, message: string, retryable = false): Outcome => ({
    fields,
    error: { code, message: stripControl(message) },
    retryable,
    retryAfter: null,
    html: null,
    body: null,
  });
  const chain: string[] = [];
  let current = url;
  let response: UrlResponse;
  try {
    while (true) {
      response = await openUrl(current, {
        method: "GET",
        headers,
        redirect: "manual",
        timeout: o.timeout,
        signal: o.signal,
      }, o.blocking ?? false);
      fields.ttfbMs = round(performance.now() - started);
      fields.status = response.status;
      fields.finalUrl = current;
      if (!REDIRECTS.has(response.status)) break;
      await response.cancel();
      const location = response.headers.get("location");
      if (!location) {
        return fail("bad-redirect", `HTTP ${response.status} without a Location header`);
      }
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        return fail("bad-redirect", `unusable Location ${JSON.stringify(location.slice(0, 200))}`);
      }
      if (next.protocol !== "http:" && next.protocol !== "https:") {
        return fail("bad-redirect", `redirect to unsupported scheme ${next.protocol}`);
      }
      next.hash = "";
      if (follow && !(await follow(next.href))) {
        const type = response.headers.get("content-type");
        fields.contentType = type === null ? null : stripControl(type);
        return { fields, error: null, retryable: false, retryAfter: null, html: null, body: null };
      }
      chain.push(current);
      fields.redirects = chain.length;
      fields.redirectChain = [...chain];
      if (chain.includes(next.href) || next.href === url) {
        return fail("redirect-loop", `redirect loop back to ${next.href}`);
      }
      if (chain.length > o.maxRedirects) {
        return fail("too-many-redirects", `more than ${o.maxRedirects} redirects`);
      }
      current = next.href;
    }
  } catch (error) {
    return classify(error, o, fail);
  }
  const contentType = response.headers.get("content-type");
  fields.contentType = contentType === null ? null : stripControl(contentType);
  const body = await readBody(response, o, contentType, fields);
  if (body.error) return classify(body.error, o, fail);
  if (body.tooLarge) {
    return fail("too-large", `body exceeds --max-bytes ${o.maxBytes} (stopped at ${fields.bytes})`);
  }
  // Decode an HTML page once: the title and the link extractor both read the same text.
  const page = body.kept !== null && body.html ? decodeHtml(body.kept, contentType) : null;
  if (page !== null) fields.title = titleFromHtml(page);
  const status = response.status;
  if (status >= 400) {
    const retryable = status === 408 || status === 429 || status >= 500;
    return {
      fields,
      error: { code: "http", message: `HTTP ${status}` },
      retryable,
      retryAfter: retryable ? parseRetryAfter(response.headers.get("retry-after")) : null,
      html: null,
      body: null,
    };
  }
  return {
    fields,
    error: null,
    retryable: false,
    retryAfter: null,
    html: o.keepHtml ? page : null,
    body: o.keepAny ? body.kept : null,
  };
}

/**
 * The options with their defaults filled in: one small object of a fixed shape per call
 * (spreading the defaults and the caller's options, which a run shares across URLs, cost more).
 */
function settingsFor(options: FetchOptions): Settings {
  const d = FETCH_DEFAULTS;
  return {
    timeout: options.timeout ?? d.timeout,
    retries: options.retries ?? d.retries,
    maxBytes: options.maxBytes ?? d.maxBytes,
    maxRedirects: options.maxRedirects ?? d.maxRedirects,
    backoff: options.backoff ?? d.backoff,
    maxBackoff: options.maxBackoff ?? d.maxBackoff,
    blocking: options.blocking ?? false,
    signal: options.signal,
    keepHtml: options.keepHtml ?? false,
    keepAny: options.keepAny ?? false,
  };
}

/**
 * Request headers as one object (lower-case names), built once per run rather than per request:
 * cached on what they are made of (the extra-headers array and the User-Agent), since callers may
 * pass a fresh options object per URL. An object, not name/value pairs: fetch converts a record
 * more cheaply than a sequence of sequences (about 1.1 MB less garbage per 2,000 pages).
 */
const headerCache = new WeakMap<readonly [string, string][], Map<string, Record<string, string>>>();
const NO_HEADERS: readonly [string, string][] = [];

function requestHeaders(options: FetchOptions): Record<string, string> {
  const extra = options.headers ?? NO_HEADERS;
  const agent = options.userAgent ?? `greencrawl/${VERSION}`;
  let byAgent = headerCache.get(extra);
  if (!byAgent) headerCache.set(extra, byAgent = new Map());
  let record = byAgent.get(agent);
  if (!record) {
    const headers = new Headers({ "user-agent": agent });
    for (const [name, value] of extra) headers.set(name, value);
    record = Object.fromEntries(headers);
    byAgent.set(agent, record);
  }
  return record;
}

interface Body {
  kept: Uint8Array | null;
  /** The body is HTML (by Content-Type, or sniffed from its first chunk). */
  html: boolean;
  tooLarge: boolean;
  error: unknown;
}

/**
 * Streams the body, counting decoded bytes; keeps a prefix for the title (or, with
 * `keepHtml`, the whole body up to `maxBytes`). Stops as soon as `maxBytes` is exceeded.
 */
async function readBody(
  response: UrlResponse,
  o: Settings,
  contentType: string | null,
  fields: Partial<FetchRecord>,
): Promise<Body> {
  const limit = o.keepHtml || o.keepAny ? o.maxBytes : TITLE_PREFIX;
  const parts: Uint8Array[] = [];
  let keptBytes = 0;
  let html: boolean | null = null; // decided once, on the first chunk
  let keep = false;
  let bytes = 0;
  try {
    for (let chunk = await response.readChunk(); chunk; chunk = await response.readChunk()) {
      bytes += chunk.length;
      fields.bytes = bytes;
      if (bytes > o.maxBytes) {
        await response.cancel();
        return { kept: null, html: false, tooLarge: true, error: null };
      }
      if (html === null) {
        html = isHtml(contentType, chunk);
        keep = html || o.keepAny === true;
      }
      if (keep && keptBytes < limit) {
        const take = chunk.subarray(0, limit - keptBytes);
        // A chunk kept whole is kept as is; a cut one is copied so it does not pin the rest.
        parts.push(take.length === chunk.length ? chunk : take.slice());
        keptBytes += take.length;
      }
    }
  } catch (error) {
    await response.cancel().catch(() => {});
    return { kept: null, html: false, tooLarge: false, error };
  }
  const kept = keep ? concat(parts, keptBytes) : null;
  return { kept, html: html === true, tooLarge: false, error: null };
}

/** Turns a thrown error into an error record: timeout, aborted or network. */
function classify(
  error: unknown,
  o: Settings,
  fail: (code: ErrorCode, message: string, retryable?: boolean) => Outcome,
): Outcome {
  if (o.signal?.aborted) return fail("aborted", "interrupted");
  const name = (error as Error | undefined)?.name;
  if (name === "TimeoutError") {
    return fail("timeout", `no complete response within ${o.timeout} s`, true);
  }
  if (name === "AbortError") return fail("aborted", "request aborted");
  if (name === "GreenletExit" || name === "Timeout") throw error; // green control flow, not I/O
  return fail("network", networkMessage(error), true);
}

/** Deno's fetch errors nest causes; keep the most specific one-line reason. */
function networkMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof Error && cause.message) message = `${message}: ${cause.message}`;
  message = message.replace(/error sending request .*?\): /, "");
  return message.length > 300 ? `${message.slice(0, 297)}...` : message;
}

/**
 * `Retry-After` as seconds (delta-seconds or an HTTP date); null when absent or unusable.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "./fetch.ts";
 * console.log(parseRetryAfter("2")); // 2
 * ```
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, (date - now) / 1000);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
