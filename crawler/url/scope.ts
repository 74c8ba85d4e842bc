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
 * 5. `private-address`, with mode `any` only and unless `allowPrivate`: links to loopback
 *    (127/8, ::1, `localhost`, `*.localhost`), private (10/8, 172.16/12, 192.168/16, fc00::/7),
 *    link-local (169.254/16 with the 169.254.169.254 metadata service, fe80::/10), 0.0.0.0/8 and
 *    `::`, CGNAT (100.64/10), those inside IPv4-mapped, -compatible or NAT64 IPv6 addresses, and
 *    `metadata.google.internal` are skipped, so a public page cannot steer the crawler into the
 *    machine's network. Numeric spellings (`http://2130706433/`, `http://0x7f.1/`) are caught
 *    because the URL parser rewrites them as `127.0.0.1`. Host *names* are not resolved: a public
 *    name whose DNS points at 10.0.0.1 passes (resolving here would race the fetch's own lookup
 *    anyway). A link to the seed's own hostname passes too: the user chose that host. With modes
 *    `host` and `domain` the seed decides alone, so crawling `http://127.0.0.1:8000/` just works.
 * @module
 */

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
    if (guard && host !== seedHost && isPrivateHost(host)) return no("private-address");
    return { ok: true };
  };
}

/**
 * Is `hostname` (as `URL.hostname` gives it: lower case, IPv4 dotted, IPv6 in brackets) a
 * loopback, private, link-local, CGNAT, unspecified or cloud-metadata address? Names other than
 * `localhost`, `*.localhost` and `metadata.google.internal` are not resolved and return false.
 *
 * @example
 * ```ts
 * isPrivateHost(new URL("http://0x7f.1/").hostname); // true (127.0.0.1)
 * isPrivateHost("[::ffff:a9fe:a9fe]"); // true (169.254.169.254, IPv4-mapped)
 * isPrivateHost("example.com"); // false
 * ```
 */
export function isPrivateHost(hostname: string): boolean {
  const host = bareHost(hostname);
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "metadata.google.internal") return true;
  const v4 = parseIPv4(host);
  if (v4 !== null) return isPrivateIPv4(v4);
  if (host.startsWith("[") && host.endsWith("]")) {
    const v6 = parseIPv6(host.slice(1, -1));
    return v6 !== null && isPrivateIPv6(v6);
  }
  return false;
}

function no(reason: ScopeReason): ScopeVerdict {
  return { ok: false, reason };
}

/** A global or sticky RegExp keeps `lastIndex` between calls; always test from the start. */
function test(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  return re.test(text);
}

/** Lower case, without the trailing dot of a fully qualified name. */
function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.+$/, "");
}

function parseIPv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (m === null) return null;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

function isPrivateIPv4([a, b]: number[]): boolean {
  return a === 0 || a === 10 || a === 127 || // this network, private, loopback
    (a === 100 && b >= 64 && b <= 127) || // CGNAT 100.64/10
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** Eight 16-bit groups, or null. Accepts `::` compression and a trailing dotted IPv4. */
function parseIPv6(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const part = (s: string): number[] | null => {
    const out: number[] = [];
    for (const g of s === "" ? [] : s.split(":")) {
      const v4 = g.includes(".") ? parseIPv4(g) : null;
      if (v4 !== null) out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      else if (/^[0-9a-f]{1,4}$/i.test(g)) out.push(parseInt(g, 16));
      else return null;
    }
    return out;
  };
  const head = part(halves[0]);
  const tail = halves.length === 2 ? part(halves[1]) : [];
  if (head === null || tail === null) return null;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  return [...head, ...Array(fill).fill(0), ...tail];
}

function isPrivateIPv6(g: number[]): boolean {
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(7) && g[7] <= 1) return true; // :: and ::1
  if ((g[0] & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((g[0] & 0xffc0) === 0xfe80 || (g[0] & 0xffc0) === 0xfec0) return true; // link/site-local
  const embedded = [g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff];
  if (zeros(5) && (g[5] === 0xffff || g[5] === 0)) return isPrivateIPv4(embedded); // mapped, compat
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return isPrivateIPv4(embedded); // NAT64 64:ff9b::/96
  }
  return false;
}
