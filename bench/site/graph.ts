/**
 * The synthetic link graph of the test site, computed without any HTTP: which pages exist, what
 * each links to (and in which href form), how long each answer is delayed, and the HTML bytes.
 *
 * Everything is a pure function of the options, so a test can compute the expected crawl
 * (`reachable()`) and compare it with what a crawler fetched from the running site.
 * @module
 */

import { parseRobots } from "../../crawler/robots/parse.ts";

/** The robots.txt served when no other is given: only `/private/` is off limits. */
export const DEFAULT_ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n";

/** First page of the calendar trap (`trap: true`); every month links to the next and previous. */
export const TRAP_START = "/calendar/2026/11";

/** The shape of the synthetic site. Every field is optional; defaults are in {@linkcode SITE_DEFAULTS}. */
export interface SiteOptions {
  /** Number of pages `/p/0` … `/p/N-1` (`/` is page 0). */
  pages?: number;
  /** Internal links on each page (M). */
  links?: number;
  /** Approximate size of each HTML body in bytes (padded with filler text). */
  pageBytes?: number;
  /** Fixed delay before every response, in ms. */
  latencyMs?: number;
  /** Extra per-path delay, 0 … J ms, chosen by a seeded hash of the path (repeatable). */
  jitterMs?: number;
  /** Seed of every pseudo-random choice (links, forms, filler, jitter). */
  seed?: number;
  /** robots.txt content; it also decides which paths `reachable()` leaves out. */
  robotsTxt?: string;
  /** Add the calendar trap: an endless chain of unique month pages from {@linkcode TRAP_START}. */
  trap?: boolean;
  /** Add links to other hosts and non-HTTP links (mailto:, javascript:, tel:, …). */
  offsite?: boolean;
  /** Number of pages under `/private/`, linked from some pages and disallowed by robots.txt. */
  private?: number;
}

/** Defaults of {@linkcode SiteOptions}. */
export const SITE_DEFAULTS: Readonly<Required<SiteOptions>> = Object.freeze({
  pages: 2000,
  links: 10,
  pageBytes: 10240,
  latencyMs: 0,
  jitterMs: 0,
  seed: 1,
  robotsTxt: DEFAULT_ROBOTS_TXT,
  trap: false,
  offsite: false,
  private: 0,
});

/**
 * One `<a href>` on a page: the href exactly as written in the HTML, and the canonical path it
 * resolves to on this site, or null for a link that leaves the site (other host, mailto:, …).
 */
export interface Anchor {
  /** The attribute value as written (may have spaces, `#fragment`, `../`, `HTTP://`…). */
  href: string;
  /** Canonical path on this site (`/`, `/p/7`, `/private/0`, `/calendar/2026/12`), or null. */
  target: string | null;
}

/** The synthetic site: its pages, links, delays and bodies. Built by {@linkcode buildSite}. */
export interface Site {
  /** Number of synthetic pages N. */
  readonly pages: number;
  /** The options in force, defaults filled in. */
  readonly options: Readonly<Required<SiteOptions>>;
  /** The robots.txt the site serves. */
  readonly robotsTxt: string;
  /** Canonical path of page i: `/` for 0, `/p/i` otherwise. */
  pathOf(i: number): string;
  /** Canonical paths of the internal links on page i, in page order (may repeat). */
  linksOf(i: number): string[];
  /** Canonical internal link targets of any page of the site by path, or null if no such page. */
  linksOfPath(path: string): string[] | null;
  /** Every anchor of the page at `path` with hrefs written for `origin`, or null if no such page. */
  anchorsOf(path: string, origin: string): Anchor[] | null;
  /** True when `path` is a canonical page of the site (page, private page or calendar month). */
  has(path: string): boolean;
  /** True when robots.txt lets any crawler (its `*` groups) fetch `path`. */
  isAllowed(path: string): boolean;
  /** Delay before answering `path`, in ms: latencyMs plus the path's deterministic jitter. */
  delayOf(path: string): number;
  /** The `<title>` text of the page at `path`, or null if no such page. */
  titleOf(path: string): string | null;
  /** The HTML body of the page at `path` for a server at `origin`, or null if no such page. */
  render(path: string, origin: string): Uint8Array<ArrayBuffer> | null;
  /**
   * Canonical paths reachable from `/` by following links at most `maxDepth` times (`/` is depth
   * 0), leaving out paths robots.txt disallows (and not following their links).
   * Throws a RangeError when the trap is on and no maxDepth is given: the site is infinite.
   */
  reachable(maxDepth?: number): Set<string>;
}

// ---------------------------------------------------------------------------------------------
// Seeded pseudo-randomness

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash a few integers to 32 bits. */
function hash(a: number, b = 0, c = 0): number {
  let h = fmix32((a ^ 0x9e3779b9) >>> 0);
  h = fmix32((h + Math.imul(b | 0, 0x85ebca77)) >>> 0);
  h = fmix32((h + Math.imul(c | 0, 0xc2b2ae3d)) >>> 0);
  return h;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * mulberry32: a small fast PRNG, uniform in [0, 1), the same sequence for the same seed on every
 * run (the site's graph, and the tests' generated inputs).
 *
 * @example
 * ```ts
 * const next = prng(42);
 * console.log(next() === prng(42)()); // true
 * ```
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Salts keep every feature's choices independent: turning --offsite on does not move a link.
const SALT_ORDER = 1, SALT_LINKS = 2, SALT_FILLER = 3, SALT_POOL = 4, SALT_JITTER = 5;
const SALT_TRAP = 6, SALT_OFFSITE = 7;

// ---------------------------------------------------------------------------------------------
// Href forms: many spellings of one URL that a crawler must canonicalise to the same thing

type Form =
  | "abs"
  | "root"
  | "rel"
  | "climb"
  | "overclimb"
  | "fragment"
  | "upper"
  | "protocol"
  | "dots"
  | "space";

const FORMS: readonly Form[] = [
  "abs",
  "abs",
  "root",
  "root",
  "rel",
  "rel",
  "climb",
  "overclimb",
  "fragment",
  "upper",
  "protocol",
  "dots",
  "space",
];

function dirSegments(path: string): string[] {
  return path.slice(1, path.lastIndexOf("/") + 1).split("/").filter((s) => s !== "");
}

/** The shortest relative reference from the page at `from` to the path `to`. */
function relative(from: string, to: string): string {
  const fromDir = dirSegments(from);
  const toSegs = to.slice(1).split("/"); // "/" gives [""]
  let common = 0;
  while (
    common < fromDir.length && common < toSegs.length - 1 && fromDir[common] === toSegs[common]
  ) common++;
  const rel = "../".repeat(fromDir.length - common) + toSegs.slice(common).join("/");
  return rel === "" ? "./" : rel;
}

function hrefFor(form: Form, from: string, to: string, origin: string, n: number): string {
  const host = origin.slice(origin.indexOf("//") + 2);
  const up = dirSegments(from).length;
  switch (form) {
    case "abs":
      return origin + to;
    case "root":
      return to;
    case "rel":
      return relative(from, to);
    case "climb":
      return (up === 0 ? "./" : "../".repeat(up)) + to.slice(1);
    case "overclimb": // more ../ than there are directories: clamps at the root
      return "../".repeat(up + 1) + to.slice(1);
    case "fragment":
      return to + "#s" + (n % 7);
    case "upper": // on port 80 also spell out the default port
      return "HTTP://" + host.toUpperCase() + (host.includes(":") ? "" : ":80") + to;
    case "protocol":
      return "//" + host + to;
    case "dots": {
      const slash = to.lastIndexOf("/");
      return to.slice(0, slash + 1) + "./" + to.slice(slash + 1);
    }
    case "space":
      return "  " + to + "\n";
  }
}

const OFFSITE: readonly string[] = [
  "http://offsite.invalid/p/",
  "https://www.offsite.invalid/",
  "//cdn.offsite.invalid/asset/",
  "HTTP://OFFSITE.INVALID/about",
  "mailto:webmaster@offsite.invalid",
  "javascript:void(0)",
  "tel:+15550100",
  "ftp://offsite.invalid/pub/",
  "data:text/plain,hello",
];

// ---------------------------------------------------------------------------------------------
// Filler text: one seeded pool of <p> lines; each page takes a run of whole lines from it

const WORDS = (
  "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut " +
  "labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris " +
  "nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse " +
  "cillum fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui " +
  "officia deserunt mollit anim id est laborum crawler green thread fetch queue"
).split(" ");

interface Pool {
  bytes: Uint8Array;
  starts: Uint32Array; // byte offset of each line; starts[lines] === bytes.length
}

function makePool(seed: number, minBytes: number): Pool {
  const rand = prng(hash(seed, SALT_POOL));
  const lines: string[] = [];
  let size = 0;
  while (size < minBytes) {
    const words: string[] = [];
    const count = 8 + Math.floor(rand() * 24);
    for (let w = 0; w < count; w++) words.push(WORDS[Math.floor(rand() * WORDS.length)]);
    const line = "<p>" + words.join(" ") + ".</p>\n";
    lines.push(line);
    size += line.length;
  }
  const bytes = new TextEncoder().encode(lines.join(""));
  const starts = new Uint32Array(lines.length + 1);
  for (let i = 0, off = 0; i < lines.length; i++) {
    starts[i] = off;
    off += lines[i].length;
  }
  starts[lines.length] = bytes.length;
  return { bytes, starts };
}

// ---------------------------------------------------------------------------------------------

function integer(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

type Route =
  | { kind: "page"; i: number }
  | { kind: "private"; k: number }
  | { kind: "calendar"; year: number; month: number };

interface Planned {
  target: string | null;
  form: Form | null; // null: `href` is literal (offsite)
  href: string;
  text: string;
}

const MAX_YEAR = 9999;

/**
 * Build the synthetic site for `opts` (see {@linkcode SiteOptions}). Cheap: O(pages) time and
 * 4 bytes per page; link lists and bodies are computed on demand.
 *
 * Page i links first to its successor on a seeded random cycle through all pages (so every
 * page is reachable from `/`), then to M-1 seeded random pages; each link uses a seeded
 * choice of href form (absolute, root-relative, relative, `../`, `#fragment`, `HTTP://`,
 * protocol-relative, `/./`, padded with spaces).
 *
 * @example
 * ```ts
 * const site = buildSite({ pages: 100, links: 5, seed: 7 });
 * site.linksOf(0); // e.g. ["/p/42", "/p/3", …] — same list for the same seed
 * site.reachable().size; // 100: every page is reachable from "/"
 * site.reachable(1).size; // "/" and the pages it links to
 * ```
 */
export function buildSite(opts: SiteOptions = {}): Site {
  const o: Required<SiteOptions> = { ...SITE_DEFAULTS };
  for (const [key, value] of Object.entries(opts)) {
    if (value !== undefined) (o as Record<string, unknown>)[key] = value;
  }
  const N = integer("pages", o.pages, 1, 50_000_000);
  const M = integer("links", o.links, N > 1 ? 1 : 0, 10_000);
  integer("pageBytes", o.pageBytes, 0, 64 * 1024 * 1024);
  integer("latencyMs", o.latencyMs, 0, 3_600_000);
  integer("jitterMs", o.jitterMs, 0, 3_600_000);
  integer("seed", o.seed, Number.MIN_SAFE_INTEGER);
  const K = integer("private", o.private, 0, 50_000_000);
  const seed = hash(o.seed >>> 0, Math.floor(o.seed / 4294967296));
  const robots = parseRobots(o.robotsTxt);
  // The `*` groups: what robots.txt allows any crawler, whatever its name.
  const allowed = (path: string) => robots.isAllowed(path, "*");

  // A seeded random cycle through every page, starting at 0: next[i] is i's successor.
  const next = new Uint32Array(N);
  {
    const order = new Uint32Array(N);
    for (let i = 0; i < N; i++) order[i] = i;
    const rand = prng(hash(seed, SALT_ORDER));
    for (let i = N - 1; i > 1; i--) {
      const j = 1 + Math.floor(rand() * i); // shuffle order[1..N-1], page 0 stays first
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (let i = 0; i < N; i++) next[order[i]] = order[(i + 1) % N];
  }

  const pool = makePool(seed, Math.max(64 * 1024, 2 * o.pageBytes + 4096));
  const encoder = new TextEncoder();

  const pathOf = (i: number): string => (i === 0 ? "/" : "/p/" + i);

  function route(path: string): Route | null {
    if (path === "/") return { kind: "page", i: 0 };
    let m = /^\/p\/([1-9][0-9]{0,8})$/.exec(path);
    if (m) {
      const i = Number(m[1]);
      return i < N ? { kind: "page", i } : null;
    }
    m = /^\/private\/(0|[1-9][0-9]{0,8})$/.exec(path);
    if (m) {
      const k = Number(m[1]);
      return k < K ? { kind: "private", k } : null;
    }
    if (o.trap) {
      m = /^\/calendar\/([1-9][0-9]{0,3})\/([1-9]|1[0-2])$/.exec(path);
      if (m) return { kind: "calendar", year: Number(m[1]), month: Number(m[2]) };
    }
    return null;
  }

  function titleOfRoute(r: Route): string {
    if (r.kind === "page") return "Page " + r.i;
    if (r.kind === "private") return "Private " + r.k;
    return `Calendar ${r.year}-${String(r.month).padStart(2, "0")}`;
  }

  function pageLink(t: number, form: Form): Planned {
    return { target: pathOf(t), form, href: "", text: "Page " + t };
  }

  /** Targets and href forms of the M internal links of page i. */
  function pageLinks(i: number): { targets: Uint32Array; forms: Uint8Array } {
    const targets = new Uint32Array(M), forms = new Uint8Array(M);
    const rand = prng(hash(seed, SALT_LINKS, i));
    const succAt = Math.floor(rand() * M);
    for (let slot = 0; slot < M; slot++) {
      targets[slot] = slot === succAt
        ? next[i]
        : N > 1
        ? (i + 1 + Math.floor(rand() * (N - 1))) % N
        : 0;
      forms[slot] = Math.floor(rand() * FORMS.length);
    }
    return { targets, forms };
  }

  /** The links of one page, without the origin-dependent hrefs. */
  function plan(r: Route): Planned[] {
    const out: Planned[] = [];
    if (r.kind === "page") {
      const i = r.i;
      const { targets, forms } = pageLinks(i);
      for (let slot = 0; slot < M; slot++) out.push(pageLink(targets[slot], FORMS[forms[slot]]));
      if (K > 0) {
        // private pages k with floor(k * N / K) === i: each is linked from exactly one page
        const first = Math.ceil((i * K) / N), end = Math.ceil(((i + 1) * K) / N);
        for (let k = first; k < end; k++) {
          out.push({
            target: "/private/" + k,
            form: k % 2 ? "root" : "rel",
            href: "",
            text: "Private " + k,
          });
        }
      }
      if (o.trap && (i === 0 || hash(seed, SALT_TRAP, i) % 100 === 0)) {
        out.push({ target: TRAP_START, form: "root", href: "", text: "Calendar" });
      }
      if (o.offsite) {
        const rnd = prng(hash(seed, SALT_OFFSITE, i));
        const picked = new Set<number>();
        while (picked.size < 3) picked.add(Math.floor(rnd() * OFFSITE.length));
        for (const n of picked) {
          let href = OFFSITE[n];
          if (href.endsWith("/")) href += i;
          out.push({ target: null, form: null, href, text: "Elsewhere" });
        }
      }
    } else if (r.kind === "private") {
      const k = r.k;
      if (K > 1) {
        out.push({
          target: "/private/" + ((k + 1) % K),
          form: "rel",
          href: "",
          text: "Private " + ((k + 1) % K),
        });
      }
      out.push(pageLink(k % N, "root"));
    } else {
      const { year, month } = r;
      const prev = month === 1 ? [year - 1, 12] : [year, month - 1];
      const nxt = month === 12 ? [year + 1, 1] : [year, month + 1];
      for (const [y, m] of [prev, nxt]) {
        if (y < 1 || y > MAX_YEAR) continue;
        const target = `/calendar/${y}/${m}`;
        out.push({ target, form: (y + m) % 2 ? "rel" : "root", href: "", text: `${y}-${m}` });
      }
      out.push({ target: "/", form: "root", href: "", text: "Home" });
      out.push(pageLink(hash(seed, year, month) % N, "abs"));
    }
    return out;
  }

  function linksOfRoute(r: Route): string[] {
    const out: string[] = [];
    for (const p of plan(r)) if (p.target !== null) out.push(p.target);
    return out;
  }

  function anchorsOfRoute(r: Route, from: string, origin: string): Planned[] {
    const planned = plan(r);
    let n = 0;
    for (const p of planned) {
      if (p.form !== null && p.target !== null) {
        p.href = hrefFor(p.form, from, p.target, origin, n++);
      }
    }
    return planned;
  }

  const head = (title: string) =>
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n` +
    `</head>\n<body>\n<h1>${title}</h1>\n<ul class="links">\n`;
  const TAIL = encoder.encode("</div>\n</body>\n</html>\n");

  function renderRoute(r: Route, from: string, origin: string): Uint8Array<ArrayBuffer> {
    let html = head(titleOfRoute(r));
    for (const a of anchorsOfRoute(r, from, origin)) {
      html += `<li><a href="${a.href}">${a.text}</a></li>\n`;
    }
    html += `</ul>\n<div class="text">\n`;
    const top = encoder.encode(html);
    const need = Math.max(0, o.pageBytes - top.length - TAIL.length);
    let start = 0, end = 0;
    if (need > 0) {
      // choose a run of whole lines of at least `need` bytes, starting at a seeded line
      const { starts, bytes } = pool;
      const lines = starts.length - 1;
      let lastStart = lines - 1;
      while (lastStart > 0 && starts[lastStart] + need > bytes.length) lastStart--;
      const key = r.kind === "page" ? hash(seed, SALT_FILLER, r.i) : hash(seed, hashString(from));
      start = starts[key % (lastStart + 1)];
      let lo = 0, hi = lines; // first line boundary >= start + need
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (starts[mid] < start + need) lo = mid + 1;
        else hi = mid;
      }
      end = starts[lo];
    }
    const body = new Uint8Array(top.length + (end - start) + TAIL.length);
    body.set(top, 0);
    body.set(pool.bytes.subarray(start, end), top.length);
    body.set(TAIL, top.length + (end - start));
    return body;
  }

  const site: Site = {
    pages: N,
    options: Object.freeze(o),
    robotsTxt: o.robotsTxt,
    pathOf(i: number): string {
      integer("page", i, 0, N - 1);
      return pathOf(i);
    },
    linksOf(i: number): string[] {
      integer("page", i, 0, N - 1);
      return linksOfRoute({ kind: "page", i });
    },
    linksOfPath(path: string): string[] | null {
      const r = route(path);
      return r && linksOfRoute(r);
    },
    anchorsOf(path: string, origin: string): Anchor[] | null {
      const r = route(path);
      if (!r) return null;
      return anchorsOfRoute(r, path, origin).map(({ href, target }) => ({ href, target }));
    },
    has(path: string): boolean {
      return route(path) !== null;
    },
    isAllowed(path: string): boolean {
      return allowed(path);
    },
    delayOf(path: string): number {
      if (o.jitterMs === 0) return o.latencyMs;
      return o.latencyMs + (hash(seed, SALT_JITTER, hashString(path)) % (o.jitterMs + 1));
    },
    titleOf(path: string): string | null {
      const r = route(path);
      return r && titleOfRoute(r);
    },
    render(path: string, origin: string): Uint8Array<ArrayBuffer> | null {
      const r = route(path);
      return r && renderRoute(r, path, origin);
    },
    reachable(maxDepth?: number): Set<string> {
      if (maxDepth === undefined) {
        if (o.trap) {
          throw new RangeError("the calendar trap makes the site infinite: pass maxDepth");
        }
        maxDepth = Infinity;
      } else if (maxDepth !== Infinity) integer("maxDepth", maxDepth, 0);
      const seen = new Set<string>();
      const blocked = new Set<string>();
      const pageState = new Uint8Array(N); // 0 unseen, 1 seen, 2 disallowed
      const extras = K > 0 || o.trap;
      if (!allowed("/")) return seen;
      seen.add("/");
      pageState[0] = 1;
      let frontier = ["/"];
      for (let depth = 0; depth < maxDepth && frontier.length > 0; depth++) {
        const nextFrontier: string[] = [];
        const visit = (target: string) => {
          if (seen.has(target) || blocked.has(target)) return;
          if (!allowed(target)) blocked.add(target);
          else {
            seen.add(target);
            nextFrontier.push(target);
          }
        };
        for (const path of frontier) {
          const r = route(path)!;
          if (r.kind !== "page") {
            for (const target of linksOfRoute(r)) visit(target);
            continue;
          }
          for (const t of pageLinks(r.i).targets) {
            if (pageState[t] !== 0) continue;
            const target = pathOf(t);
            pageState[t] = allowed(target) ? 1 : 2;
            if (pageState[t] === 1) {
              seen.add(target);
              nextFrontier.push(target);
            }
          }
          if (extras) { for (const target of linksOfRoute(r).slice(M)) visit(target); }
        }
        frontier = nextFrontier;
      }
      return seen;
    },
  };
  return site;
}
