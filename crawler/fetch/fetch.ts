/**
 * The fetcher: one URL in, one {@linkcode FetchRecord} out, whatever happens. HTTP goes through
 * green I/O (`openUrl`), which blocks the thread in the unpatched `blocking` mode and yields
 * otherwise, so every mode shares this one path. Redirects are followed here, by hand (so the
 * chain is kept, loops caught, hops capped, and the crawler can refuse a target before it is
 * requested); the body is streamed and cut at `maxBytes` (a gzip bomb is stopped, never
 * buffered); failed attempts are retried as `retry.ts` says. It never throws: failures become
 * error records. What a body means (HTML, charset, title) is `crawler/html/`'s business.
 * @module
 */
import { openUrl, pause } from "../../green/io/mod.ts";
import {
  blankRecord,
  type ErrorCode,
  type FetchError,
  type FetchRecord,
  type RedirectStop,
} from "../record.ts";
import { isInvalidName } from "../url/address.ts";
import { VERSION } from "../version.ts";
import { concat } from "../../green/io/url_response.ts";
import type { UrlResponse } from "../../green/io/mod.ts";
import { backoffDelay, parseRetryAfter, retryableStatus } from "./retry.ts";

/** Options of the fetcher. Times are seconds. */
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
  /** How much of the body to keep, decided on its first chunk (default: nothing). */
  keep?: KeepBody;
  /**
   * Asked before each redirect is followed, with the target (fragment dropped): true follows;
   * false or a {@linkcode RedirectStop} (or a promise of one) stops there, and the redirect
   * response is the record's last one, with `location` and `stopped` set (false reads as
   * `redirect-refused`). The crawler uses it so a redirect never leads to a page already seen,
   * out of scope or disallowed by robots.txt. Asked after `checkAddress`. Default: follow.
   */
  followRedirect?: (url: string) => RedirectAnswer | Promise<RedirectAnswer>;
  /**
   * Asked before the first request (`redirect` false) and before each redirect is followed
   * (`redirect` true): a {@linkcode FetchError} refuses the URL. Refused at first, the record
   * carries the error and no request is made (`attempts` 0); refused at a redirect, the record
   * stops there (`non-public-address` as `stopped: "redirect-non-public"`, others as errors).
   * The runner uses it for the address rules (`crawler/url/address.ts`). Default: allow.
   */
  checkAddress?: (
    url: string,
    redirect: boolean,
  ) => FetchError | null | Promise<FetchError | null>;
}

/** A redirect hook's answer: true follows, anything else stops (false: `redirect-refused`). */
export type RedirectAnswer = boolean | RedirectStop;

/** A record plus the body prefix the `keep` option asked for. */
export interface Fetched {
  /** The result record (`title` is not set here: see `crawler/html/page.ts`). */
  record: FetchRecord;
  /** The kept body of the last response; null when nothing was kept. */
  body: Uint8Array | null;
}

const MiB = 1024 * 1024;

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
 * Fetches one URL: follows its redirects, retries what is worth retrying, reads the body. Never
 * throws (but green control flow, a kill or a `Timeout`, passes through).
 *
 * @example
 * ```ts ignore
 * import { fetchBody } from "./fetch.ts";
 * const { record, body } = await fetchBody("http://127.0.0.1:8000/", { keep: () => 1024 });
 * console.log(record.ok, record.status, record.bytes, body?.length);
 * ```
 */
export async function fetchBody(url: string, options: FetchOptions = {}): Promise<Fetched> {
  const o = settingsFor(options);
  const started = performance.now();
  const record = blankRecord(url);
  // Refusals before any request: an unusable URL, a name that never resolves, the address rules.
  const check = options.checkAddress;
  let refused = precheck(url);
  if (refused === null && check) {
    const answer = check(url, false);
    refused = answer instanceof Promise ? await answer : answer;
  }
  if (refused !== null) {
    record.error = refused;
    record.timeMs = round(performance.now() - started);
    return { record, body: null };
  }
  const headers = requestHeaders(options);
  const ask = options.followRedirect;
  let approved: Set<string> | undefined; // a retry follows what the first attempt was allowed to
  const follow: Follow | undefined = (ask || check) && (async (u: string) => {
    if (approved?.has(u)) return null;
    const error = check ? await check(u, true) : null;
    if (error !== null) return error.code === "non-public-address" ? "redirect-non-public" : error;
    const answer = ask ? await ask(u) : true;
    if (answer !== true) return answer === false ? "redirect-refused" : answer;
    (approved ??= new Set()).add(u);
    return null;
  });
  let body: Uint8Array | null = null;
  for (let attempt = 1;; attempt++) {
    record.attempts = attempt;
    const outcome = await attemptOnce(url, o, headers, started, follow, record);
    record.error = outcome.error;
    body = outcome.body;
    if (!outcome.retry || attempt > o.retries || o.signal?.aborted) break;
    const delay = outcome.retryAfter ?? backoffDelay(o.backoff, attempt);
    if (!(await pause(Math.min(delay, o.maxBackoff), o.blocking, o.signal))) {
      record.error = { code: "aborted", message: "interrupted while waiting to retry" };
      break;
    }
  }
  record.ok = record.error === null;
  record.timeMs = round(performance.now() - started);
  return { record, body };
}

/**
 * Asked before a redirect is followed: null follows; a reason stops there (the record stays ok),
 * an error ends the record with it.
 */
type Follow = (url: string) => Promise<RedirectStop | FetchError | null>;

/** Why `url` cannot be requested at all, found without a request; null when it may be. */
function precheck(url: string): FetchError | null {
  const parsed = URL.parse(url);
  if (parsed === null || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    return { code: "invalid-url", message: "not an absolute http(s) URL" };
  }
  if (isInvalidName(parsed.hostname)) {
    return { code: "dns", message: `${parsed.hostname}: the invalid domain never resolves` };
  }
  return null;
}

/** How one attempt ended. */
interface Outcome {
  error: FetchError | null;
  /** Worth another attempt. */
  retry: boolean;
  /** Seconds the server asked us to wait (`Retry-After`), or null. */
  retryAfter: number | null;
  body: Uint8Array | null;
}

type Settings = typeof FETCH_DEFAULTS & {
  blocking: boolean;
  signal: AbortSignal | undefined;
  keep: KeepBody | undefined;
};

/** One attempt: the request, its redirects and the body; fills the record's response fields. */
async function attemptOnce(
  url: string,
  o: Settings,
  headers: Record<string, string>,
  started: number,
  follow: Follow | undefined,
  record: FetchRecord,
): Promise<Outcome> {
  record.finalUrl = null;
  record.status = null;
  record.bytes = 0;
  record.ttfbMs = null;
  record.contentType = null;
  record.redirects = 0;
  record.redirectChain = [];
  record.location = null;
  record.stopped = null;
  const chain: string[] = []; // the hops so far, kept when a later request throws
  let hop: Redirected;
  try {
    hop = await followRedirects(
      url,
      (u) =>
        openUrl(
          u,
          { method: "GET", headers, redirect: "manual", timeout: o.timeout, signal: o.signal },
          o.blocking,
        ),
      {
        maxRedirects: o.maxRedirects,
        follow,
        onResponse: (response, at) => {
          record.ttfbMs = round(performance.now() - started);
          record.status = response.status;
          record.finalUrl = at;
        },
      },
      chain,
    );
  } catch (error) {
    record.redirects = chain.length;
    record.redirectChain = chain;
    return classify(error, o);
  }
  record.redirects = hop.chain.length;
  record.redirectChain = hop.chain;
  record.location = hop.location;
  if (hop.error) return failed(hop.error.code, hop.error.message);
  record.contentType = hop.response.headers.get("content-type");
  if (hop.stopped) {
    record.stopped = hop.stopped;
    return { error: null, retry: false, retryAfter: null, body: null };
  }
  const body = await readBody(hop.response, o.maxBytes, o.keep);
  record.bytes = body.bytes;
  if (body.error) return classify(body.error, o);
  if (body.tooLarge) {
    return failed("too-large", `body exceeds --max-bytes ${o.maxBytes} (stopped at ${body.bytes})`);
  }
  const status = hop.response.status;
  if (status < 400) return { error: null, retry: false, retryAfter: null, body: body.kept };
  const retry = retryableStatus(status);
  return {
    error: { code: "http", message: `HTTP ${status}` },
    retry,
    retryAfter: retry ? parseRetryAfter(hop.response.headers.get("retry-after")) : null,
    body: body.kept, // an error page still has a title
  };
}

function failed(code: ErrorCode, message: string, retry = false): Outcome {
  return { error: { code, message }, retry, retryAfter: null, body: null };
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
    keep: options.keep,
  };
}

/**
 * Request headers as one object with lower-case names (fetch converts a record more cheaply than
 * a `Headers` or name/value pairs): the User-Agent, then the extra headers, a later name
 * replacing an earlier one.
 */
function requestHeaders(options: FetchOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "user-agent": options.userAgent ?? `greencrawl/${VERSION}`,
  };
  for (const [name, value] of options.headers ?? []) headers[name.toLowerCase()] = value;
  return headers;
}

/**
 * Turns a thrown error into an outcome (green control flow is rethrown). Timeouts, resets,
 * refused connections and other network failures are retried; what another attempt cannot
 * change is not: a permission refused, a URL fetch rejects, a blocked port, a name that does
 * not resolve, a certificate that is not valid.
 */
function classify(error: unknown, o: Settings): Outcome {
  if (o.signal?.aborted) return failed("aborted", "interrupted");
  const name = (error as Error | undefined)?.name;
  if (name === "TimeoutError") {
    return failed("timeout", `no complete response within ${o.timeout} s`, true);
  }
  if (name === "AbortError") return failed("aborted", "request aborted");
  if (name === "GreenletExit" || name === "Timeout") throw error; // green control flow, not I/O
  const message = networkMessage(error);
  if (name === "NotCapable" || name === "PermissionDenied") return failed("permission", message);
  for (const [pattern, code] of PERMANENT) {
    if (pattern.test(message)) return failed(code, message);
  }
  if (/\bdns error\b/i.test(message)) return failed("dns", message, true); // a temporary failure
  return failed("network", message, true);
}

/** Network failures that another attempt cannot change, by the text Deno's fetch gives them. */
const PERMANENT: [RegExp, ErrorCode][] = [
  [/^Invalid URL\b/, "invalid-url"],
  [/\bRequests to port \d+ are blocked\b/, "blocked-port"],
  [/\binvalid peer certificate\b|\bcertificate (?:verify failed|has expired|is not valid)/i, "tls"],
  [/\bdns error\b.*(?:not known|no address|NXDOMAIN|no record)/i, "dns"],
];

/** Deno's fetch errors nest causes; keep the most specific one-line reason. */
function networkMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof Error && cause.message) message = `${message}: ${cause.message}`;
  message = message.replace(/^fetch failed: /, "").replace(/^Fetch failed: /, "");
  message = message.replace(/error sending request .*?\): /, "");
  return message.length > 300 ? `${message.slice(0, 297)}...` : message;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

// Redirects: followed by hand, so the chain is kept, loops caught and hops capped.

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** How {@linkcode followRedirects} ended. */
type Redirected =
  /** The last response: not a redirect, or a redirect that `follow` stopped (`stopped`). */
  | {
    response: UrlResponse;
    url: string;
    chain: string[];
    stopped: RedirectStop | null;
    location: string | null;
    error?: undefined;
  }
  /** The chain failed: a loop, too many hops, a refused target or an unusable Location. */
  | { error: FetchError; chain: string[]; location: string | null };

/** Options of {@linkcode followRedirects}. */
interface RedirectOptions {
  /** Most redirects followed. */
  maxRedirects: number;
  /** Asked before each hop with its target; a reason stops there. Default: follow. */
  follow?: Follow;
  /** Hears each response as it arrives (the record's status, final URL and time to headers). */
  onResponse?: (response: UrlResponse, url: string) => void;
}

/**
 * Requests `url` with `open` and follows its redirects. The bodies of redirect responses are
 * cancelled; the last response's body is left to the caller. A loop or one hop too many is an
 * error found before `follow` is asked, so a frontier never marks as seen a target that is not
 * requested. Throws what `open` throws; `chain` (filled as hops are followed) then tells how far
 * it got.
 */
async function followRedirects(
  url: string,
  open: (url: string) => Promise<UrlResponse>,
  { maxRedirects, follow, onResponse }: RedirectOptions,
  chain: string[] = [],
): Promise<Redirected> {
  let current = url;
  while (true) {
    const response = await open(current);
    onResponse?.(response, current);
    if (!REDIRECTS.has(response.status)) {
      return { response, url: current, chain, stopped: null, location: null };
    }
    await response.cancel();
    const target = redirectTarget(response);
    if (typeof target !== "string") return { error: target, chain, location: null };
    const location = target.slice(0, 2000);
    const next = URL.parse(target, current);
    if (next === null) {
      const message = `unusable Location ${JSON.stringify(target.slice(0, 200))}`;
      return { error: badRedirect(message), chain, location };
    }
    next.hash = "";
    const to = next.href;
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      const message = `redirect to unsupported scheme ${next.protocol}`;
      return { error: badRedirect(message), chain, location: to };
    }
    if (to === current || to === url || chain.includes(to)) {
      const message = `redirect loop back to ${to}`;
      return {
        error: { code: "redirect-loop", message },
        chain: [...chain, current],
        location: to,
      };
    }
    if (chain.length + 1 > maxRedirects) {
      const message = `more than ${maxRedirects} redirects`;
      return {
        error: { code: "too-many-redirects", message },
        chain: [...chain, current],
        location: to,
      };
    }
    const refused = precheck(to) ?? (follow ? await follow(to) : null);
    if (typeof refused === "string") {
      return { response, url: current, chain, stopped: refused, location: to };
    }
    if (refused !== null) return { error: refused, chain, location: to };
    chain.push(current);
    current = to;
  }
}

/** The Location of a redirect response, or the error for a 3xx without one. */
function redirectTarget(response: UrlResponse): string | FetchError {
  const location = response.headers.get("location");
  return location ? location : badRedirect(`HTTP ${response.status} without a Location header`);
}

function badRedirect(message: string): FetchError {
  return { code: "bad-redirect", message };
}

// The body: streamed, counted and cut at the limit, with a prefix kept on request.

/**
 * How much of a body to keep, decided on its first chunk: 0 keeps nothing. The HTML reader
 * keeps pages (or a prefix for the title), robots.txt keeps its file.
 */
export type KeepBody = (contentType: string | null, head: Uint8Array) => number;

/** What {@linkcode readBody} read. */
interface Body {
  /** Decoded bytes received (up to the first byte past the limit). */
  bytes: number;
  /** The kept prefix; null when nothing was kept or no chunk arrived. */
  kept: Uint8Array | null;
  /** The body passed `maxBytes` and was cancelled. */
  tooLarge: boolean;
  /** Why the read failed (the stream's error), or null. */
  error: unknown;
}

/**
 * Streams `response`'s body, counting decoded bytes; keeps the prefix `keep` asks for. Never
 * throws: a failed read comes back as `error`, with the body cancelled.
 */
async function readBody(
  response: UrlResponse,
  maxBytes: number,
  keep?: KeepBody,
): Promise<Body> {
  const contentType = response.headers.get("content-type");
  const parts: Uint8Array[] = [];
  let limit = -1; // decided on the first chunk
  let kept = 0;
  let bytes = 0;
  try {
    for (let chunk = await response.readChunk(); chunk; chunk = await response.readChunk()) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        await response.cancel();
        return { bytes, kept: null, tooLarge: true, error: null };
      }
      if (limit < 0) limit = Math.min(keep?.(contentType, chunk) ?? 0, maxBytes);
      if (kept < limit) {
        const take = chunk.subarray(0, limit - kept);
        // A chunk kept whole is kept as is; a cut one is copied so it does not pin the rest.
        parts.push(take.length === chunk.length ? chunk : take.slice());
        kept += take.length;
      }
    }
  } catch (error) {
    await response.cancel().catch(() => {});
    return { bytes, kept: null, tooLarge: false, error };
  }
  return { bytes, kept: limit > 0 ? concat(parts, kept) : null, tooLarge: false, error: null };
}
