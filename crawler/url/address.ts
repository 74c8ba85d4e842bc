/**
 * Public and non-public addresses: the rule that keeps a crawl off the machine's own network.
 *
 * An IP address is public when it is ordinary global unicast: not in an IANA special-purpose
 * range (ipaddr.js's range table: this-network, private, CGNAT, loopback, link-local, reserved,
 * benchmarking, documentation, multicast, broadcast, unique-local, discard…). IPv6 forms that
 * carry an IPv4 address (IPv4-mapped and -translated, IPv4-compatible ::/96, NAT64 64:ff9b::/96
 * and 64:ff9b:1::/48, 6to4 2002::/16, Teredo 2001::/32 with both its server and its client
 * address) are public only when what they carry is. Names under `localhost` and `internal` are
 * non-public without asking DNS; other names are judged by every address they resolve to
 * ({@linkcode AddressGuard}).
 * @module
 */
// deno-lint-ignore no-import-prefix -- pinned inline: mod.ts must work imported by URL
import ipaddr from "npm:ipaddr.js@2.5.0";
import type { FetchError } from "../record.ts";

/** The ipaddr.js ranges that are ordinary, globally reachable unicast (anycast services too). */
const PUBLIC = new Set(["unicast", "as112", "as112v6", "amt"]);

/**
 * The special-purpose range an IP address is in, or null when the address is public. Accepts
 * IPv4 and IPv6 (brackets allowed), as `URL.hostname` and DNS answers spell them.
 *
 * @param address An IP address, e.g. `"10.0.0.1"`, `"::1"` or `"[fe80::1]"`.
 * @returns The ipaddr.js name of its range (`"private"`, `"6to4 of loopback"`…), or null.
 * @throws {TypeError} when `address` is not an IP address.
 * @example
 * ```ts
 * import { nonPublicRange } from "./address.ts";
 * nonPublicRange("8.8.8.8"); // null
 * nonPublicRange("198.18.0.1"); // "reserved"
 * nonPublicRange("[2002:7f00:1::]"); // "6to4 of loopback"
 * ```
 */
export function nonPublicRange(address: string): string | null {
  let text = address.startsWith("[") ? address.slice(1, -1) : address;
  // ipaddr.js 2.5.0 reads IPv4-compatible `::a.b.c.d` as IPv4-mapped; the URL parser's
  // hexadecimal spelling of it (`::a00:1`) is read right.
  if (text.includes(":") && text.includes(".")) {
    text = URL.parse(`http://[${text}]/`)?.hostname.slice(1, -1) ?? text;
  }
  if (!ipaddr.isValid(text)) throw new TypeError(`not an IP address: ${address}`);
  return rangeOf(ipaddr.parse(text));
}

function rangeOf(ip: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  if (ip.kind() === "ipv4") return v4Range(ip as ipaddr.IPv4);
  const v6 = ip as ipaddr.IPv6;
  const range = v6.range();
  const p = v6.parts;
  const carried = (...inner: [number, number][]) => {
    for (const [hi, lo] of inner) {
      const r = v4Range(new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]));
      if (r !== null) return `${range} of ${r}`;
    }
    return null;
  };
  switch (range) {
    case "ipv4Mapped": // ::ffff:0:0/96
    case "rfc6145": // ::ffff:0:0:0/96
      return carried([p[6], p[7]]);
    case "rfc6052": // NAT64 64:ff9b::/96 carries an IPv4 address; 64:ff9b:1::/48 is local use
      return p[2] === 0 ? carried([p[6], p[7]]) : "rfc8215 local-use NAT64";
    case "6to4": // 2002:AABB:CCDD::/48
      return carried([p[1], p[2]]);
    case "teredo": // 2001:0:server:server:flags:port:~client:~client
      return carried([p[2], p[3]], [p[6] ^ 0xffff, p[7] ^ 0xffff]);
  }
  // IPv4-compatible ::a.b.c.d (deprecated since RFC 4291, never routed); :: and ::1 are above.
  if (p.slice(0, 6).every((x) => x === 0)) return range === "unicast" ? "ipv4Compatible" : range;
  return PUBLIC.has(range) ? null : range;
}

function v4Range(ip: ipaddr.IPv4): string | null {
  const range = ip.range();
  return PUBLIC.has(range) ? null : range;
}

/**
 * True when `hostname` (as `URL.hostname` spells it) is an IP address, not a name.
 *
 * @param hostname A URL's hostname.
 * @returns Whether it is an IPv4 address or a bracketed IPv6 one.
 * @example
 * ```ts
 * import { isIpLiteral } from "./address.ts";
 * isIpLiteral("[::1]"); // true
 * ```
 */
export function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith("[") || ipaddr.IPv4.isValidFourPartDecimal(hostname);
}

/**
 * What a hostname (as `URL.hostname` gives it) is known to be without DNS: the special-purpose
 * range of an IP address, `"localhost name"` / `"internal name"` for names under those, or null
 * (a public IP address, or a name that only resolving can judge).
 *
 * @param hostname A URL's hostname (lower case; IPv6 in brackets).
 * @returns Why the host is not public, or null when that cannot be told without DNS.
 * @example
 * ```ts
 * import { nonPublicHost } from "./address.ts";
 * nonPublicHost(new URL("http://0x7f.1/").hostname); // "loopback" (127.0.0.1)
 * nonPublicHost("app.localhost"); // "localhost name"
 * nonPublicHost("example.com"); // null: a name, judged by what it resolves to
 * ```
 */
export function nonPublicHost(hostname: string): string | null {
  const host = bareHost(hostname);
  if (isIpLiteral(host)) {
    const text = host.replace(/^\[|\]$/g, "");
    return ipaddr.isValid(text) ? rangeOf(ipaddr.parse(text)) : "not an IP address";
  }
  for (const zone of NON_PUBLIC_ZONES) {
    if (host === zone || host.endsWith(`.${zone}`)) return `${zone} name`;
  }
  return null;
}

/** Names that never point at a public host: RFC 6761's localhost and ICANN's private `internal`. */
const NON_PUBLIC_ZONES = ["localhost", "internal"];

/**
 * True for names under `invalid` (RFC 6761: never resolve), which fail at once, without DNS.
 *
 * @param hostname A URL's hostname.
 * @returns Whether it is `invalid` or a name under it.
 * @example
 * ```ts
 * import { isInvalidName } from "./address.ts";
 * isInvalidName("nothing.invalid"); // true
 * ```
 */
export function isInvalidName(hostname: string): boolean {
  const host = bareHost(hostname);
  return host === "invalid" || host.endsWith(".invalid");
}

/**
 * Lower case, without the trailing dot of a fully qualified name.
 *
 * @param hostname A URL's hostname.
 * @returns The name as compared by the scope and address rules.
 * @example
 * ```ts
 * import { bareHost } from "./address.ts";
 * bareHost("Example.COM."); // "example.com"
 * ```
 */
export function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.+$/, "");
}

/** Looks up the A or AAAA addresses of a name, as `Deno.resolveDns` does. */
export type Resolver = (
  hostname: string,
  type: "A" | "AAAA",
  signal: AbortSignal,
) => Promise<string[]>;

/** Options of an {@linkcode AddressGuard}. */
export interface AddressGuardOptions {
  /**
   * Resolves names (default `Deno.resolveDns`, which first needs `--allow-net` for the host
   * itself: without it the host is refused as `permission`, with no query). Tests inject one.
   */
  resolve?: Resolver;
  /** Most host verdicts remembered (the memo starts over when full). Default 10,000. */
  maxHosts?: number;
  /** Longest a resolution may take, seconds. Default 5. */
  timeout?: number;
}

/**
 * Refuses URLs whose host is not public: a non-public IP address, a name under `localhost` or
 * `internal`, or a name that resolves (A and AAAA, every answer) to a non-public address. A
 * name that does not resolve is refused too (`dns`), and so is one this process may not reach
 * (`permission`: no `--allow-net` for it, checked before any query, or for the nameserver).
 * Verdicts are remembered per hostname for the run (bounded); failed lookups other than "no such
 * name" are asked again next time.
 *
 * The check and the request resolve separately (fetch has no way to connect to a given
 * address), so a name whose DNS answers change between the two (DNS rebinding) can still pass:
 * the guard stops links, redirects and names that point inward, not a hostile DNS server.
 *
 * @example
 * ```ts
 * import { AddressGuard } from "./address.ts";
 * const guard = new AddressGuard({ resolve: async () => ["10.0.0.7"] });
 * console.log((await guard.check(new URL("http://intranet.example/")))?.code);
 * // "non-public-address"
 * ```
 */
export class AddressGuard {
  #resolve: Resolver;
  #system: boolean;
  #max: number;
  #timeoutMs: number;
  #verdicts = new Map<string, FetchError | null | Promise<FetchError | null>>();

  /** A guard with its own verdict memo. */
  constructor(options: AddressGuardOptions = {}) {
    this.#system = options.resolve === undefined;
    this.#resolve = options.resolve ??
      ((hostname, type, signal) => Deno.resolveDns(hostname, type, { signal }));
    this.#max = options.maxHosts ?? 10_000;
    this.#timeoutMs = (options.timeout ?? 5) * 1000;
  }

  /**
   * Null when `url`'s host may be requested; otherwise why not. At once (no promise) for IP
   * addresses, special names and hosts already judged.
   *
   * @param url The URL about to be requested (only its host and port matter).
   * @param signal Cuts a lookup short (the run's Ctrl-C).
   * @returns null, or the refusal: `non-public-address`, `dns` or `permission`.
   * @example
   * ```ts
   * import { AddressGuard } from "./address.ts";
   * const guard = new AddressGuard({ resolve: async () => ["93.184.215.14"] });
   * console.log(await guard.check(new URL("http://example.com/"))); // null
   * console.log((await guard.check(new URL("http://127.0.0.1:8000/")))?.code);
   * // "non-public-address" (at once: no lookup for an IP address)
   * ```
   */
  check(url: URL, signal?: AbortSignal): FetchError | null | Promise<FetchError | null> {
    const host = bareHost(url.hostname);
    const range = nonPublicHost(host);
    if (range !== null) return refuse(`${host} is a non-public address (${range})`);
    if (isIpLiteral(host)) return null;
    if (isInvalidName(host)) return dnsError(host, "the invalid domain never resolves");
    if (this.#system) {
      // The request would be refused anyway: no DNS query for it (nor a permission prompt).
      const port = url.port || (url.protocol === "https:" ? "443" : "80");
      const net = Deno.permissions.querySync({ name: "net", host: `${host}:${port}` });
      if (net.state !== "granted") {
        return { code: "permission", message: `no --allow-net for ${host}:${port}` };
      }
    }
    const known = this.#verdicts.get(host);
    if (known !== undefined) return known;
    const pending = this.#lookup(host, signal).then((verdict) => {
      if (this.#verdicts.get(host) === pending) {
        if (verdict?.code === "dns" && !verdict.message.endsWith(NO_SUCH_NAME)) {
          this.#verdicts.delete(host); // a timeout or a failing nameserver: ask again next time
        } else this.#verdicts.set(host, verdict);
      }
      return verdict;
    });
    if (this.#verdicts.size >= this.#max) this.#verdicts.clear();
    this.#verdicts.set(host, pending);
    return pending;
  }

  async #lookup(host: string, signal: AbortSignal | undefined): Promise<FetchError | null> {
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    const both = signal ? AbortSignal.any([deadline, signal]) : deadline;
    const answers = await Promise.allSettled([
      this.#resolve(host, "A", both),
      this.#resolve(host, "AAAA", both),
    ]);
    const addresses: string[] = [];
    const failures: Error[] = [];
    for (const a of answers) {
      if (a.status === "fulfilled") addresses.push(...a.value);
      else failures.push(a.reason instanceof Error ? a.reason : new Error(String(a.reason)));
    }
    for (const address of addresses) {
      const range = ipaddr.isValid(address) ? nonPublicRange(address) : "not an IP address";
      if (range !== null) {
        return refuse(`${host} resolves to ${address}, a non-public address (${range})`);
      }
    }
    if (addresses.length > 0) return null;
    const denied = failures.find((e) => e.name === "NotCapable" || e.name === "PermissionDenied");
    if (denied) {
      return { code: "permission", message: `cannot resolve ${host}: ${oneLine(denied.message)}` };
    }
    const real = failures.find((e) => e.name !== "NotFound");
    return dnsError(host, real ? `cannot resolve: ${oneLine(real.message)}` : NO_SUCH_NAME);
  }
}

const NO_SUCH_NAME = "no such name";

function refuse(message: string): FetchError {
  return { code: "non-public-address", message };
}

function dnsError(host: string, why: string): FetchError {
  return { code: "dns", message: `${host}: ${why}` };
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
