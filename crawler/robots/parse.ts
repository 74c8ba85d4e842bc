/**
 * robots.txt (RFC 9309): parse once per host, then ask whether a URL may be fetched.
 *
 * - Groups start at `User-agent` lines; consecutive `User-agent` lines share one group. A crawler
 *   obeys the groups naming its product token (case-insensitive; `greencrawl/0.1 (+url)` →
 *   `greencrawl`), all such groups combined; if none names it, the `*` groups; if there are none,
 *   everything is allowed.
 * - The rule with the longest pattern matching the URL's path and query wins; `Allow` wins a tie.
 *   `*` matches any run of characters, `$` at the end anchors. Percent-escapes in both pattern and
 *   URL are normalised before comparing (`%62` = `b`, `ツ` = `%E3%83%84`). An empty `Disallow`
 *   allows everything. `/robots.txt` itself is always allowed.
 * - A UTF-8 BOM, CRLF or CR line ends, `#` comments, unknown lines and common misspellings
 *   (`useragent`, `disalow` …) are tolerated. Only the first 500 KiB is parsed (RFC 9309 §2.5);
 *   a line cut by that limit is dropped.
 * - `Crawl-delay` (not in the RFC, widely used) is read per group, in seconds.
 *
 * What to do when robots.txt cannot be had is {@linkcode robotsForStatus}. This module is pure:
 * fetching and the per-host cache live elsewhere.
 * @module
 */
import { normalizePercentEncoding } from "../url/canonical.ts";

/** The most robots.txt that is parsed: 500 KiB (RFC 9309 §2.5). */
export const ROBOTS_MAX_BYTES = 500 * 1024;

/** Parsed robots.txt: the questions a crawler asks of it. */
export interface Robots {
  /** May `userAgent` fetch `url`? `url` is absolute or a path (`/a?b`); an unparsable one is not. */
  isAllowed(url: string | URL, userAgent: string): boolean;
  /** Seconds to wait between requests for `userAgent`, or null when no group sets one. */
  crawlDelay(userAgent: string): number | null;
  /** `Sitemap:` URLs, in file order (they belong to no group). */
  readonly sitemaps: readonly string[];
}

/** What to do with a robots.txt fetch outcome; see {@linkcode robotsForStatus}. */
export type RobotsPolicy = "parse" | "allow-all" | "disallow-all";

/**
 * The RFC 9309 §2.3.1 policy for a robots.txt response status (after redirects, of which RFC
 * asks to follow at least five), or `null` when no response arrived:
 * - 2xx: `"parse"` the body;
 * - 3xx left over (too many redirects), 4xx: `"allow-all"` (robots.txt "unavailable");
 * - 429: `"disallow-all"`: unlike other 4xx it means "slow down", not "no file" (Google
 *   treats it as a server error too), and reading it as allow-all would crawl a site faster the
 *   more it pushes back;
 * - 5xx, unreachable (`null`) or a nonsense status: `"disallow-all"` for the run.
 *
 * @example
 * ```ts
 * robotsForStatus(200); // "parse"
 * robotsForStatus(404); // "allow-all"
 * robotsForStatus(503); // "disallow-all"
 * robotsForStatus(null); // "disallow-all"
 * ```
 */
export function robotsForStatus(status: number | null): RobotsPolicy {
  if (status === null || !Number.isInteger(status)) return "disallow-all";
  if (status >= 200 && status < 300) return "parse";
  if (status === 429) return "disallow-all";
  if (status >= 300 && status < 500) return "allow-all";
  return "disallow-all";
}

/**
 * Parse robots.txt text. Never throws.
 *
 * @example
 * ```ts
 * const robots = parseRobots("User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n");
 * robots.isAllowed("https://example.com/private/x", "greencrawl/0.1"); // false
 * robots.isAllowed("/public", "greencrawl/0.1"); // true
 * robots.crawlDelay("greencrawl"); // 2
 * ```
 */
export function parseRobots(text: string): Robots {
  const groups: Group[] = [];
  const sitemaps: string[] = [];
  let group: Group | null = null;
  let inAgents = false; // the previous record was a User-agent line
  for (const raw of capped(text).split(/\r\n|\r|\n/)) {
    const hash = raw.indexOf("#");
    const line = (hash < 0 ? raw : raw.slice(0, hash)).trim();
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (AGENT_KEYS.has(key)) {
      if (!inAgents || group === null) groups.push(group = { agents: [], rules: [], delay: null });
      const token = productToken(value);
      if (token !== "") group.agents.push(token);
      inAgents = true;
    } else if (key === "sitemap") {
      if (value !== "") sitemaps.push(value);
    } else if (ALLOW_KEYS.has(key) || DISALLOW_KEYS.has(key)) {
      inAgents = false;
      if (group !== null && value !== "") group.rules.push(rule(ALLOW_KEYS.has(key), value));
    } else if (DELAY_KEYS.has(key)) {
      inAgents = false;
      const seconds = /^\d+(\.\d*)?$|^\.\d+$/.test(value) ? Number(value) : NaN;
      if (group !== null && group.delay === null && Number.isFinite(seconds)) group.delay = seconds;
    }
  }
  return new ParsedRobots(groups, sitemaps);
}

interface Rule {
  allow: boolean;
  /** Normalised pattern, `*` and a final `$` still special. */
  pattern: string;
  /** No `*` and no final `$`: a plain prefix (most rules), matched with `startsWith`. */
  prefix: boolean;
}

interface Group {
  /** Lower-cased product tokens, `*` for any. */
  agents: string[];
  rules: Rule[];
  /** Seconds, from the group's first valid `Crawl-delay`. */
  delay: number | null;
}

const AGENT_KEYS = new Set(["user-agent", "useragent", "user agent"]);
const ALLOW_KEYS = new Set(["allow"]);
const DISALLOW_KEYS = new Set(["disallow", "dissallow", "dissalow", "disalow", "diasllow"]);
const DELAY_KEYS = new Set(["crawl-delay", "crawldelay", "crawl delay"]);

class ParsedRobots implements Robots {
  #groups: Group[];
  #chosen = new Map<string, { rules: Rule[]; delay: number | null }>();
  readonly sitemaps: readonly string[];

  constructor(groups: Group[], sitemaps: string[]) {
    this.#groups = groups;
    this.sitemaps = sitemaps;
  }

  isAllowed(url: string | URL, userAgent: string): boolean {
    let parsed: URL;
    try {
      parsed = url instanceof URL ? url : new URL(url, "http://robots.invalid/");
    } catch {
      return false;
    }
    if (parsed.pathname === "/robots.txt") return true;
    const path = normalizeForMatch(parsed.pathname + parsed.search);
    let best: Rule | null = null;
    for (const r of this.#select(userAgent).rules) {
      if (best !== null && r.pattern.length < best.pattern.length) continue;
      if (!(r.prefix ? path.startsWith(r.pattern) : matches(path, r.pattern))) continue;
      if (best === null || r.pattern.length > best.pattern.length || r.allow) best = r;
    }
    return best === null || best.allow;
  }

  crawlDelay(userAgent: string): number | null {
    return this.#select(userAgent).delay;
  }

  /** The combined rules of the groups that apply to `userAgent` (memoised per agent string). */
  #select(userAgent: string): { rules: Rule[]; delay: number | null } {
    let chosen = this.#chosen.get(userAgent);
    if (chosen === undefined) {
      const token = productToken(userAgent);
      let groups = this.#groups.filter((g) => token !== "*" && g.agents.includes(token));
      if (groups.length === 0) groups = this.#groups.filter((g) => g.agents.includes("*"));
      chosen = {
        rules: groups.flatMap((g) => g.rules),
        delay: groups.find((g) => g.delay !== null)?.delay ?? null,
      };
      this.#chosen.set(userAgent, chosen);
    }
    return chosen;
  }
}

/** `Googlebot/2.1 (+http://…)` → `googlebot`; `*` stays `*`; `""` when there is no token. */
function productToken(value: string): string {
  if (value.startsWith("*")) return "*";
  return (/^[A-Za-z_-]+/.exec(value)?.[0] ?? "").toLowerCase();
}

function rule(allow: boolean, value: string): Rule {
  let pattern = normalizeForMatch(value);
  if (!pattern.startsWith("/") && !pattern.startsWith("*")) pattern = "/" + pattern;
  return { allow, pattern, prefix: !pattern.includes("*") && !pattern.endsWith("$") };
}

/** Not unreserved, reserved (RFC 3986) or `%`: escaped on both sides before comparing. */
const UNSAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]%]+/g;
const utf8 = new TextEncoder();

/**
 * One spelling for pattern and URL alike: anything outside unreserved and reserved characters
 * (non-ASCII, space, `{`, `|` …) as upper-case UTF-8 escapes, then unreserved escapes decoded.
 */
function normalizeForMatch(text: string): string {
  const escaped = text.replace(
    UNSAFE,
    (run) =>
      [...utf8.encode(run)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(
        "",
      ),
  );
  return normalizePercentEncoding(escaped);
}

/** Does `pattern` (with `*` wildcards and an optional final `$`) match a prefix of `path`? */
function matches(path: string, pattern: string): boolean {
  const anchored = pattern.endsWith("$");
  const end = anchored ? pattern.length - 1 : pattern.length;
  // Positions in `path` reachable after matching pattern[0..i); sorted ascending, no repeats.
  let positions = [0];
  for (let i = 0; i < end; i++) {
    const c = pattern[i];
    if (c === "*") {
      const from = positions[0];
      positions = Array.from({ length: path.length - from + 1 }, (_, k) => from + k);
    } else {
      positions = positions.filter((p) => path[p] === c).map((p) => p + 1);
      if (positions.length === 0) return false;
    }
  }
  return anchored ? positions[positions.length - 1] === path.length : true;
}

/** The first {@linkcode ROBOTS_MAX_BYTES} of UTF-8, minus a BOM and a line cut by the limit. */
function capped(text: string): string {
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  if (text.length * 3 <= ROBOTS_MAX_BYTES) return text;
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= ROBOTS_MAX_BYTES) return text;
  const head = new TextDecoder().decode(bytes.subarray(0, ROBOTS_MAX_BYTES));
  return head.slice(0, Math.max(head.lastIndexOf("\n"), head.lastIndexOf("\r")) + 1);
}

// Last: they run parseRobots, which needs every declaration above.
/** Allows everything (robots.txt missing: {@linkcode robotsForStatus} said `"allow-all"`). */
export const ALLOW_ALL: Robots = parseRobots("");

/** Allows only `/robots.txt` ({@linkcode robotsForStatus} said `"disallow-all"`). */
export const DISALLOW_ALL: Robots = parseRobots("User-agent: *\nDisallow: /\n");
