/**
 * Registrable domains (eTLD+1) from the Public Suffix List, for `--scope domain`.
 *
 * Its own module because the list (`tldts`, about 20 MB once loaded, ~25 ms to import) is only
 * needed by that mode: `loadScope` in `scope.ts` imports this file on demand, so host-scoped
 * crawls, the default, never pay for it.
 * @module
 */
// deno-lint-ignore no-import-prefix -- pinned inline: mod.ts must work imported by URL
import { getDomain } from "npm:tldts@7.6.4";
import { bareHost } from "./address.ts";

/**
 * The registrable domain (eTLD+1, Public Suffix List with its private section) of a hostname;
 * the hostname itself for IP addresses, single labels and public suffixes. Case and a trailing
 * dot are ignored.
 *
 * @example
 * ```ts
 * registrableDomain("a.b.example.co.uk"); // "example.co.uk"
 * registrableDomain("user.github.io"); // "user.github.io"
 * registrableDomain("127.0.0.1"); // "127.0.0.1"
 * ```
 */
export function registrableDomain(hostname: string): string {
  const host = bareHost(hostname);
  return getDomain(host, { allowPrivateDomains: true }) ?? host;
}
