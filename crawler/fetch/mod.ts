/**
 * Fetching one URL: HTTP through green I/O, redirects, retries and the body limit, into one
 * record ({@linkcode fetchBody}).
 * @module
 */
export {
  FETCH_DEFAULTS,
  fetchBody,
  type Fetched,
  type FetchOptions,
  type KeepBody,
  type RedirectAnswer,
} from "./fetch.ts";
export { backoffDelay, parseRetryAfter, retryableStatus } from "./retry.ts";
