/**
 * Request deadlines on one timer: {@linkcode deadline} calls `onExpire` after `ms` unless it is
 * released first. Deadlines of one length expire in the order they were set, so each length keeps
 * a FIFO lane with a single timer (never keeping the process alive) armed for its oldest live
 * entry. Hand-written, with `abort_link.ts`, because it buys CPU: with `AbortSignal.timeout` and
 * `AbortSignal.any` instead, 20,000 requests take 0.28 s more CPU (median of 14 alternated
 * process pairs), 5% of the 20,000-page crawl's CPU (`docs/decisions.md`).
 * @module
 */

interface Entry {
  at: number;
  onExpire: (() => void) | null; // null once released or expired
}

interface Lane {
  ms: number;
  entries: Entry[];
  head: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const lanes = new Map<number, Lane>();

/**
 * Calls `onExpire` once `ms` milliseconds have passed, unless the returned release function is
 * called first (calling it later, or twice, does nothing).
 *
 * @example
 * ```ts
 * import { deadline } from "./deadlines.ts";
 * const controller = new AbortController();
 * const release = deadline(5_000, () => controller.abort());
 * // ... the request finished in time:
 * release();
 * console.log(controller.signal.aborted); // false
 * ```
 */
export function deadline(ms: number, onExpire: () => void): () => void {
  let lane = lanes.get(ms);
  if (!lane) lanes.set(ms, lane = { ms, entries: [], head: 0, timer: undefined });
  const entry: Entry = { at: performance.now() + ms, onExpire };
  lane.entries.push(entry);
  if (lane.timer === undefined) arm(lane, entry.at);
  const owner = lane;
  return () => {
    if (entry.onExpire === null) return;
    entry.onExpire = null;
    dropDead(owner);
  };
}

/** Drops released entries at the head; an empty lane lets its timer go. */
function dropDead(lane: Lane): void {
  const { entries } = lane;
  while (lane.head < entries.length && entries[lane.head].onExpire === null) lane.head++;
  if (lane.head === entries.length) {
    entries.length = 0;
    lane.head = 0;
    if (lane.timer !== undefined) clearTimeout(lane.timer);
    lane.timer = undefined;
  } else if (lane.head > 1024 && lane.head * 2 > entries.length) {
    lane.entries = entries.slice(lane.head);
    lane.head = 0;
  }
}

function arm(lane: Lane, at: number): void {
  lane.timer = setTimeout(fire, Math.max(0, at - performance.now()), lane);
  Deno.unrefTimer(lane.timer as unknown as number);
}

/** Expires what is due, re-arms for the next live entry, then runs the expired callbacks. */
function fire(lane: Lane): void {
  lane.timer = undefined;
  const now = performance.now();
  const due: (() => void)[] = [];
  while (lane.head < lane.entries.length) {
    const entry = lane.entries[lane.head];
    if (entry.onExpire !== null && entry.at > now) break;
    lane.head++;
    if (entry.onExpire !== null) due.push(entry.onExpire);
    entry.onExpire = null;
  }
  dropDead(lane);
  if (lane.head < lane.entries.length) arm(lane, lane.entries[lane.head].at);
  for (const onExpire of due) onExpire();
}
