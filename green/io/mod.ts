/**
 * Green I/O: `io.sleep` and `io.urlopen`, which block the thread or yield depending on
 * `monkey` — the same user code shows both behaviours for real.
 *
 * Unpatched (the default, as in gevent) they block: a worker does the request while this
 * thread waits in `Atomics.wait` (see `blocking.ts`), so no timer fires and no other greenlet
 * runs. Patched they yield, and a kill or a `Timeout` interrupts them (the request is aborted).
 * @module
 */
import { blockingSleep, openUrlBlocking } from "./blocking.ts";
import { block, waitFor } from "../hub.ts";
import { isPatched } from "../monkey.ts";
import { openUrlAsync } from "./open_async.ts";
import { sleep as greenSleep } from "../sleep.ts";
import { type OpenOptions, readAll, type UrlResponse } from "./url_response.ts";

export type { OpenOptions, UrlResponse };

/**
 * Opens a URL, blocking the thread when `blocking` is true, else as an interruptible green
 * wait. The crawler's fetcher calls this directly so every mode shares one code path.
 *
 * @example
 * ```ts ignore
 * import { openUrl } from "./mod.ts";
 * const res = await openUrl("http://127.0.0.1:8000/", { timeout: 5 }, false);
 * console.log(res.status, (await res.read()).length);
 * ```
 */
export async function openUrl(
  url: string | URL,
  options: OpenOptions,
  blocking: boolean,
): Promise<UrlResponse> {
  if (blocking) return await openUrlBlocking(url, options);
  const controller = new AbortController();
  const response = await waitFor(
    openUrlAsync(url, options, controller),
    () => controller.abort(),
  );
  return new GreenResponse(response);
}

const NO_MORE: Promise<null> = Promise.resolve(null);

/** An async response whose body reads wait as the current greenlet (interruptible). */
class GreenResponse implements UrlResponse {
  readonly status: number;
  readonly headers: Headers;
  #response: UrlResponse;

  constructor(response: UrlResponse) {
    this.status = response.status;
    this.headers = response.headers;
    this.#response = response;
  }

  get url(): string {
    return this.#response.url;
  }

  get ended(): boolean {
    return this.#response.ended ?? false;
  }

  readChunk(): Promise<Uint8Array | null> {
    // After a body read whole, the caller's last readChunk() needs no wait (and no green wait).
    const response = this.#response;
    return response.ended ? NO_MORE : waitFor(response.readChunk(), () => void response.cancel());
  }

  read(): Promise<Uint8Array> {
    return readAll(() => this.readChunk());
  }

  cancel(): Promise<void> {
    return this.#response.cancel();
  }
}

/**
 * Waits `seconds`, blocking the thread when `blocking` is true, else as a green wait that
 * `signal` can cut short. Resolves true when the time passed, false when aborted.
 *
 * @example
 * ```ts
 * import { pause } from "./mod.ts";
 * console.log(await pause(0.001, false)); // true
 * ```
 */
export async function pause(
  seconds: number,
  blocking: boolean,
  signal?: AbortSignal,
): Promise<boolean> {
  if (signal?.aborted) return false;
  if (blocking) {
    blockingSleep(seconds);
    return !signal?.aborted;
  }
  if (!signal) {
    await greenSleep(seconds);
    return true;
  }
  return await block<boolean>((resolve) => {
    const id = setTimeout(() => resolve(true), Math.max(0, seconds * 1000));
    const onAbort = () => resolve(false);
    signal.addEventListener("abort", onAbort, { once: true });
    return () => {
      clearTimeout(id);
      signal.removeEventListener("abort", onAbort);
    };
  });
}

/**
 * Sleeps `seconds`: blocks the thread when unpatched (Python's `time.sleep`), yields when
 * patched (gevent's `sleep`).
 *
 * @example
 * ```ts
 * import { io, monkey } from "../../mod.ts";
 * monkey.patchAll();
 * await io.sleep(0.001); // yields
 * ```
 */
export async function sleep(seconds: number): Promise<void> {
  await pause(seconds, !isPatched());
}

/**
 * Opens a URL like Python's `urllib.request.urlopen`: blocks the thread when unpatched,
 * yields when patched. Resolves to `{ status, url, headers, read() }`.
 *
 * @example
 * ```ts ignore
 * import { io, monkey } from "../../mod.ts";
 * monkey.patchAll();
 * const res = await io.urlopen("http://127.0.0.1:8000/");
 * console.log(`${(await res.read()).length} bytes received from ${res.url}.`);
 * ```
 */
export function urlopen(url: string | URL, options: OpenOptions = {}): Promise<UrlResponse> {
  return openUrl(url, options, !isPatched());
}

/**
 * The green I/O functions as one namespace: `io.sleep`, `io.urlopen`.
 *
 * @example
 * ```ts
 * import { io } from "../../mod.ts";
 * console.log(typeof io.urlopen); // "function"
 * ```
 */
export const io: {
  /** See {@linkcode sleep}. */
  sleep: (seconds: number) => Promise<void>;
  /** See {@linkcode urlopen}. */
  urlopen: (url: string | URL, options?: OpenOptions) => Promise<UrlResponse>;
} = { sleep, urlopen };
