/**
 * A crawl's rule for a page's links, shared by every crawl frontier: a link already known is a
 * duplicate, one out of scope (for the job's seed) is counted by its reason, and the rest are
 * offered to the frontier's budget and visited set with their hosts.
 * @module
 */
import type { InScope, ScopeReason } from "../url/scope.ts";
import type { CrawlCounters } from "./frontier.ts";

/**
 * Screens a page's links: counts the known ones as `duplicate` and the out-of-scope ones by
 * reason in `counters`, and returns the others with their hosts (`host:port`), in page order.
 *
 * @param links The page's links, canonical.
 * @param known Whether the link at index `i` is known already (seen, or remembered as seen).
 * @param seed The job's seed, parsed (the scope's reference).
 * @param inScope The crawl's scope rule.
 * @param counters The crawl's counters, updated for the links left out.
 * @returns The links to offer and their hosts, index by index.
 * @example
 * ```ts
 * import { screenLinks } from "./links.ts";
 * import { emptyCounters } from "./frontier.ts";
 * import { makeScope } from "../url/scope.ts";
 * const counters = emptyCounters();
 * const links = ["http://a.test/1", "http://b.test/", "http://a.test:81/2"];
 * const kept = screenLinks(links, (i) => i === 0, new URL("http://a.test/"), makeScope("host"), counters);
 * console.log(kept.hosts, counters.duplicate); // [ "a.test:81" ] 1
 * ```
 */
export function screenLinks(
  links: readonly string[],
  known: (i: number) => boolean,
  seed: URL,
  inScope: InScope,
  counters: CrawlCounters,
): { links: string[]; hosts: string[] } {
  const kept: string[] = [];
  const hosts: string[] = [];
  for (let i = 0; i < links.length; i++) {
    if (known(i)) {
      counters.duplicate++;
      continue;
    }
    const url = new URL(links[i]);
    const verdict = inScope(url, seed);
    if (verdict.ok) {
      kept.push(links[i]);
      hosts.push(url.host);
    } else countOutOfScope(counters, verdict.reason);
  }
  return { links: kept, hosts };
}

/**
 * Counts one URL left out of the crawl by the scope rule, under its reason.
 *
 * @param counters The crawl's counters.
 * @param reason Why the scope rule left it out.
 * @example
 * ```ts
 * import { countOutOfScope } from "./links.ts";
 * import { emptyCounters } from "./frontier.ts";
 * const counters = emptyCounters();
 * countOutOfScope(counters, "off-host");
 * console.log(counters.outOfScope); // { "off-host": 1 }
 * ```
 */
export function countOutOfScope(counters: CrawlCounters, reason: ScopeReason): void {
  counters.outOfScope[reason] = (counters.outOfScope[reason] ?? 0) + 1;
}
