/**
 * Crawl scope: which discovered links are followed, judged against the seed they descend from.
 *
 * Checks, in order (the first failure is the reason):
 * 1. `scheme`: only http and https are followed.
 * 2. the mode: `host` keeps the seed's hostname (any port or scheme); `domain` keeps its
 *    registrable domain, eTLD+1 from the Public Suffix List including its private section
 *    (`a.example.co.uk` ~ `b.example.co.uk`, but `a.github.io` ≠ `b.github.io`; IP addresses and
 *    bare suffixes only match themselves); `any` keeps everything.
 * 3. `exclude`: no pattern may match the absolute URL (`link.href`).
 * 4. `include`: when given, at least one pattern must match it.
 * 5. `private-address`, with mode `any` only and unless `allowPrivate`: links to non-public
 *    IP addresses and to names under `localhost` or `internal` (`address.ts`: every IANA
 *    special-purpose range, IPv4 carried in IPv6 included) are skipped, so a public page cannot
 *    steer the crawler into the machine's network. Numeric spellings (`http://2130706433/`,
 *    `http://0x7f.1/`) are caught because the URL parser rewrites them as `127.0.0.1`. Names are
 *    not resolved here (this runs for every link): the fetcher's address guard resolves the
 *    hosts it is about to request. A link to the seed's own hostname passes: the user chose that
 *    host. With modes `host` and `domain` the seed decides alone, so crawling
 *    `http://127.0.0.1:8000/` just works.
 * @module
 */
import { bareHost, nonPublicHost } from "./address.ts";

/** How far a crawl may wander from its seed. */
export type ScopeMode = "host" | "domain" | "any";

/** Filters on top of the mode. */
export interface ScopeOptions {
  /** When non-empty, a link must match at least one (tested against the absolute URL). */
  include?: RegExp[];
  /** A link matching any of these is skipped. */
  exclude?: RegExp[];
  /** With mode `any`, also follow links to private, loopback and metadata addresses. */
  allowPrivate?: boolean;
  /**
   * The registrable domain of a hostname, for mode `domain` (required there):
   * {@linkcode loadScope} supplies the Public Suffix List's (`domain.ts`).
   */
  registrableDomain?: (hostname: string) => string;
}

/** Why a link is out of scope (see the module doc for each check). */
export type ScopeReason =
  | "scheme"
  | "off-host"
  | "off-domain"
  | "excluded"
  | "not-included"
  | "private-address";

/** The answer of an {@linkcode InScope} check. */
export type ScopeVerdict = { ok: true } | { ok: false; reason: ScopeReason };

/** Is `link` (found while crawling from `seed`) in scope? */
export type InScope = (link: URL, seed: URL) => ScopeVerdict;

/**
 * Build the scope check for a crawl, loading the Public Suffix List only for mode `domain`.
 *
 * @example
 * ```ts
 * const inScope = await loadScope("domain", { exclude: [/\/logout/] });
 * const seed = new URL("https://www.example.co.uk/");
 * inScope(new URL("https://shop.example.co.uk/a"), seed); // { ok: true }
 * inScope(new URL("https://www.example.co.uk/logout"), seed); // { ok: false, reason: "excluded" }
 * inScope(new URL("https://other.co.uk/"), seed); // { ok: false, reason: "off-domain" }
 * ```
 */
export async function loadScope(mode: ScopeMode, opts: ScopeOptions = {}): Promise<InScope> {
  if (mode !== "domain" || opts.registrableDomain) return makeScope(mode, opts);
  const { registrableDomain } = await import("./domain.ts");
  return makeScope(mode, { ...opts, registrableDomain });
}

/**
 * Build the scope check for a crawl, synchronously. Mode `domain` needs
 * `opts.registrableDomain` (use {@linkcode loadScope} to have it loaded).
 *
 * @throws {TypeError} for mode `domain` without `opts.registrableDomain`.
 * @example
 * ```ts
 * const inScope = makeScope("host", { include: [/\/docs\//] });
 * const seed = new URL("https://example.com/");
 * inScope(new URL("https://example.com/docs/a"), seed); // { ok: true }
 * inScope(new URL("https://www.example.com/docs/a"), seed); // { ok: false, reason: "off-host" }
 * ```
 */
export function makeScope(mode: ScopeMode, opts: ScopeOptions = {}): InScope {
  const domainOf = opts.registrableDomain;
  if (mode === "domain" && !domainOf) {
    throw new TypeError('scope "domain" needs registrableDomain (use loadScope)');
  }
  const include = opts.include ?? [];
  const exclude = opts.exclude ?? [];
  const guard = mode === "any" && !opts.allowPrivate;
  return (link, seed) => {
    if (link.protocol !== "http:" && link.protocol !== "https:") return no("scheme");
    const host = bareHost(link.hostname);
    const seedHost = bareHost(seed.hostname);
    if (mode === "host" && host !== seedHost) return no("off-host");
    if (mode === "domain" && domainOf!(host) !== domainOf!(seedHost)) {
      return no("off-domain");
    }
    if (exclude.some((re) => test(re, link.href))) return no("excluded");
    if (include.length > 0 && !include.some((re) => test(re, link.href))) return no("not-included");
    if (guard && host !== seedHost && nonPublicHost(host) !== null) return no("private-address");
    return { ok: true };
  };
}

function no(reason: ScopeReason): ScopeVerdict {
  return { ok: false, reason };
}

/** A global or sticky RegExp keeps `lastIndex` between calls; always test from the start. */
function test(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  return re.test(text);
}
