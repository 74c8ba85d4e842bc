/**
 * The result record: exactly one per input URL (and one per crawled page).
 *
 * Every reporter (text, ndjson, csv, the HTML waterfall) reads these fields and nothing else.
 * @module
 */

/** Short machine-readable error codes carried by {@linkcode FetchError}. */
export type ErrorCode =
  | "invalid-url" // not an absolute http(s) URL (an input line, or a URL fetch rejects)
  | "timeout" // no complete response within --timeout
  | "network" // connection refused or reset, a TLS handshake or DNS lookup that may work later…
  | "dns" // the host name does not resolve (names under .invalid fail without a lookup)
  | "tls" // the server's certificate is not valid for it (untrusted, expired, wrong name)
  | "permission" // Deno's permissions do not allow the request (--allow-net)
  | "blocked-port" // fetch never connects to this port (the Fetch standard's bad ports)
  | "non-public-address" // the host is not public and the address rules refuse it
  | "http" // the server answered with a status >= 400
  | "too-large" // the decoded body exceeded --max-bytes
  | "too-many-redirects" // more than --max-redirects hops
  | "redirect-loop" // a redirect chain came back to a URL it had visited
  | "bad-redirect" // a 3xx without a usable Location
  | "aborted" // the run was interrupted (Ctrl-C) or the caller aborted
  | "robots"; // robots.txt disallows the URL (crawling only)

/**
 * Why a redirect was not followed although nothing failed (the record stays ok, with the redirect
 * response as its last one): its target is out of the crawl's scope, disallowed by robots.txt,
 * already seen (queued, fetched or reached by another redirect), or on a non-public address; or
 * the frontier declined without a reason (`redirect-refused`).
 */
export type RedirectStop =
  | "redirect-out-of-scope"
  | "redirect-disallowed"
  | "redirect-seen"
  | "redirect-non-public"
  | "redirect-refused";

/** Why a record is not ok: a short code and a one-line human message. */
export interface FetchError {
  /** Machine-readable code, e.g. `"timeout"`. */
  code: ErrorCode;
  /** One line, no control characters, e.g. `"no response headers within 2 s"`. */
  message: string;
}

/** What greencrawl reports for one URL. Times are milliseconds. */
export interface FetchRecord {
  /** The URL as given (the trimmed input line, or the discovered link). */
  url: string;
  /** The URL of the last response after redirects; null when no response arrived. */
  finalUrl: string | null;
  /** HTTP status of the last response; null when no response arrived. */
  status: number | null;
  /** True when a final response with status < 400 was read completely. */
  ok: boolean;
  /** Decoded body bytes received (after Content-Encoding is undone). */
  bytes: number;
  /** Wall time of the whole job: all attempts, redirects and backoff sleeps. */
  timeMs: number;
  /** Time from the last attempt's request to its response headers; null when none arrived. */
  ttfbMs: number | null;
  /** When a worker took the URL, measured from the start of the run. */
  startMs: number;
  /** How long the URL waited in the queue before a worker took it. */
  queueMs: number;
  /** 0 for listed URLs; d+1 for a link found on a page of depth d. */
  depth: number;
  /** The page this URL was discovered on; null for listed URLs. */
  parent: string | null;
  /** Content-Type of the final response (as sent, control characters removed). */
  contentType: string | null;
  /** The HTML `<title>`, decoded with the page's charset, trimmed; null for non-HTML. */
  title: string | null;
  /** Number of redirects followed. */
  redirects: number;
  /** The URLs that answered with a redirect, in order (empty when none). */
  redirectChain: string[];
  /**
   * Where the last response redirected to, when that redirect was not followed (see `stopped`,
   * and the errors `redirect-loop`, `too-many-redirects`, `bad-redirect`, and a refused target's
   * `dns`, `permission`); null when every redirect was followed.
   */
  location: string | null;
  /** Why the redirect to `location` was not followed, when that was a rule, not a failure. */
  stopped: RedirectStop | null;
  /** Null when ok, otherwise why not. */
  error: FetchError | null;
  /** HTTP attempts made (1 + retries used); 0 when the URL was refused before any request. */
  attempts: number;
  /** Index of the green worker that fetched the URL; null when no worker ran it. */
  worker: number | null;
  /** 1-based line in the input file; null for discovered URLs. */
  line: number | null;
  /** Links found on the page (crawling only; 0 otherwise). */
  links: number;
}

/**
 * A record for `url` before anything happened: no response, no error, nothing counted.
 * Every record starts here, so a new field gets its default in one place.
 *
 * @example
 * ```ts
 * import { blankRecord } from "./record.ts";
 * const r = { ...blankRecord("http://127.0.0.1/"), ok: true, status: 200 };
 * console.log(r.bytes); // 0
 * ```
 */
export function blankRecord(url: string): FetchRecord {
  return {
    url,
    finalUrl: null,
    status: null,
    ok: false,
    bytes: 0,
    timeMs: 0,
    ttfbMs: null,
    startMs: 0,
    queueMs: 0,
    depth: 0,
    parent: null,
    contentType: null,
    title: null,
    redirects: 0,
    redirectChain: [],
    location: null,
    stopped: null,
    error: null,
    attempts: 0,
    worker: null,
    line: null,
    links: 0,
  };
}
