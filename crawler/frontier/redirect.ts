/**
 * A crawl's rule for a redirect, shared by every crawl frontier: a discovered URL's redirect is
 * held to the rules its links are. The target is followed only when it is in scope (for the job's
 * seed, private addresses included), not seen yet (it becomes seen), and allowed by robots.txt;
 * otherwise the reason, counted as a link of that kind would be. A listed URL's redirects are the
 * user's choice: always followed, the target marked seen.
 * @module
 */
import type { RobotsVerdict } from "../robots/cache.ts";
import { tryCanonicalUrl } from "../url/canonical.ts";
import { countOutOfScope } from "./links.ts";
import type { CrawlCounters, CrawlSetup, Job, RedirectVerdict, SeenStore } from "./frontier.ts";

/**
 * Judges `job`'s redirect to `url`; answers at once when the visited set and robots.txt do.
 *
 * @param job The job whose response redirects.
 * @param url The redirect's target (fragment dropped).
 * @param seed The job's seed, parsed (the scope's reference).
 * @param rules The crawl's scope and robots.txt rules.
 * @param seen The crawl's visited set.
 * @param counters The crawl's counters, updated for a target not followed.
 * @returns True to follow, or why not.
 * @example
 * ```ts
 * import { judgeRedirect } from "./redirect.ts";
 * import { MemorySeenStore } from "./seen.ts";
 * import { emptyCounters } from "./frontier.ts";
 * import { makeScope } from "../url/scope.ts";
 * const job = { url: "http://a.test/x", line: null, depth: 1, parent: "http://a.test/", queuedAt: 0, seed: "http://a.test/" };
 * const rules = { inScope: makeScope("host") };
 * const seen = new MemorySeenStore(), counters = emptyCounters();
 * const seed = new URL(job.seed);
 * console.log(judgeRedirect(job, "http://b.test/", seed, rules, seen, counters)); // "redirect-out-of-scope"
 * console.log(judgeRedirect(job, "http://a.test/y", seed, rules, seen, counters)); // true
 * console.log(judgeRedirect(job, "http://a.test/y", seed, rules, seen, counters)); // "redirect-seen"
 * ```
 */
export function judgeRedirect(
  job: Job,
  url: string,
  seed: URL,
  rules: Pick<CrawlSetup, "inScope" | "robots">,
  seen: SeenStore,
  counters: CrawlCounters,
): RedirectVerdict | Promise<RedirectVerdict> {
  const key = tryCanonicalUrl(url);
  if (key === null) return true;
  if (job.depth === 0) {
    const added = seen.add([key]);
    return added instanceof Promise ? added.then(() => true) : true;
  }
  const target = new URL(key);
  const verdict = rules.inScope(target, seed);
  if (!verdict.ok) {
    countOutOfScope(counters, verdict.reason);
    return verdict.reason === "private-address" ? "redirect-non-public" : "redirect-out-of-scope";
  }
  const added = seen.add([key]);
  const then = (fresh: boolean): RedirectVerdict | Promise<RedirectVerdict> => {
    if (!fresh) {
      counters.duplicate++;
      return "redirect-seen";
    }
    if (!rules.robots) return true;
    const asked = rules.robots(target);
    return asked instanceof Promise ? asked.then(allowed) : allowed(asked);
  };
  const allowed = (v: RobotsVerdict): RedirectVerdict => {
    if (v.allowed) return true;
    counters.robots++;
    return "redirect-disallowed";
  };
  return added instanceof Promise ? added.then(([fresh]) => then(fresh)) : then(added[0]);
}
