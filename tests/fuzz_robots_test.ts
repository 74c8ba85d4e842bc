/**
 * Property tests of robots.txt rules (`crawler/robots/parse.ts`) against the npm `robots-parser`
 * package: on random robots.txt files (groups of one or more `User-agent` lines, `Allow` and
 * `Disallow` rules with `*` and `$`, comments, blank lines, `Sitemap` and `Crawl-delay`, CR and
 * CRLF line ends, letters in either case, escapes of reserved and other characters) and random
 * URLs and user agents, `isAllowed` answers as robots-parser does, except where RFC 9309 says
 * otherwise. Those cases are left out of the generator and each is pinned by an example below
 * (and listed in `docs/decisions.md`, "robots.txt: where we differ from robots-parser"). On any
 * text at all, `parseRobots` and `isAllowed` never throw. Seeded.
 *
 * Run: `deno test tests/fuzz_robots_test.ts`
 * @module
 */
// deno-lint-ignore no-import-prefix
import fc from "npm:fast-check@4.10.2";
// deno-lint-ignore no-import-prefix
import robotsParserModule, { type Robot } from "npm:robots-parser@3.0.1";
import { assert, assertEquals } from "./assert.ts";
import { parseRobots } from "../crawler/robots/parse.ts";

const SEED = 18;
/** Any UTF-16 text, lone surrogates and controls included (faster than fast-check's binary unit). */
const anyText = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 }).map((codes) =>
  String.fromCharCode(...codes)
);
// A CommonJS module whose typings declare an ES default export: the default import is the function.
const robotsParser = robotsParserModule as unknown as (url: string, text: string) => Robot;
const ORIGIN = "http://h.example";

/** What robots-parser says (it reads the file as belonging to ORIGIN). */
function theirs(text: string, url: string, agent: string): boolean {
  return robotsParser(`${ORIGIN}/robots.txt`, text).isAllowed(url, agent) ?? true;
}

function ours(text: string, url: string, agent: string): boolean {
  return parseRobots(text).isAllowed(url, agent);
}

// Product tokens only (RFC 9309: letters, "_" and "-"), as crawlers send them: see the pinned
// differences for what else a `User-agent` line may hold.
const AGENTS = ["greencrawl", "GreenCrawl", "googlebot", "other-bot", "bot_x", "*"];

const pathPiece = fc.constantFrom(
  ...["a", "b", "A", "dir", "x-y", "file.html", ".", "~", "_", "0"],
  ...["%2F", "%2f", "%3F", "%26", "%3D", "%20", "%C3%A9", "%c3%a9", "é", "中", " ", "?", "=", "&"],
);
const path = fc.array(fc.oneof(pathPiece, fc.constant("/")), { maxLength: 6 }).map((p) =>
  "/" + p.join("")
);

/** A rule's pattern: a path, maybe with `*` inside and `$` at the end. */
const pattern = fc.tuple(
  path,
  fc.array(fc.tuple(fc.nat(), fc.constant("*")), { maxLength: 2 }),
  fc.boolean(),
).map(([p, stars, anchored]) => {
  let out = p;
  for (const [at, star] of stars) {
    const i = 1 + at % out.length;
    out = out.slice(0, i) + star + out.slice(i);
  }
  return anchored ? out + "$" : out;
});

const directive = (name: string) =>
  fc.constantFrom(name, name.toUpperCase(), name[0].toUpperCase() + name.slice(1));

const rule = fc.oneof(
  {
    arbitrary: fc.tuple(fc.oneof(directive("allow"), directive("disallow")), pattern),
    weight: 6,
  },
  { arbitrary: fc.tuple(directive("disallow"), fc.constant("")), weight: 1 },
  { arbitrary: fc.tuple(directive("crawl-delay"), fc.constantFrom("1", "0.5", "x")), weight: 1 },
).map(([name, value]) => `${name}:${value === "" ? "" : " "}${value}`);

const other = fc.constantFrom("", "# comment", "   ", "Disallow: /x # trailing comment");

/**
 * A group: one or more `User-agent` lines, then at least one rule (a group without rules is one
 * of the differences below), with blank and comment lines between.
 */
const group = fc.tuple(
  fc.array(fc.tuple(directive("user-agent"), fc.constantFrom(...AGENTS)), {
    minLength: 1,
    maxLength: 3,
  }),
  fc.array(fc.oneof({ arbitrary: rule, weight: 4 }, { arbitrary: other, weight: 1 }), {
    minLength: 1,
    maxLength: 5,
  }),
).map(([agents, lines]) => [
  ...agents.map(([name, value]) => `${name}: ${value}`),
  ...(lines.some((l) => /^(allow|disallow|crawl-delay):/i.test(l))
    ? lines
    : [...lines, "Allow: /"]),
]);

const robotsTxt = fc.tuple(
  fc.array(rule, { maxLength: 2 }), // rules before any group: ignored
  fc.array(group, { maxLength: 4 }),
  fc.constantFrom("\n", "\r\n", "\r"),
).map(([stray, groups, eol]) => [...stray, ...groups.flat()].join(eol));

const url = fc.tuple(path, fc.option(fc.array(pathPiece, { maxLength: 4 }).map((q) => q.join(""))))
  .map(([p, q]) => `${ORIGIN}${p}${q === null ? "" : `?${q}`}`)
  // RFC 9309 §2.2.2: /robots.txt is always allowed (robots-parser applies the rules to it).
  .filter((u) => new URL(u).pathname !== "/robots.txt");

const agent = fc.constantFrom(
  "greencrawl/0.1.0",
  "GreenCrawl/2",
  "googlebot/2.1",
  "other-bot",
  "bot_x/1",
  "unknown/1",
);

Deno.test("fuzz robots.txt: isAllowed agrees with robots-parser (3,000 files)", () => {
  fc.assert(
    fc.property(robotsTxt, url, agent, (text, u, a) => {
      assertEquals(ours(text, u, a), theirs(text, u, a), `${JSON.stringify(text)} ${u} ${a}`);
    }),
    { seed: SEED, numRuns: 3_000 },
  );
});

Deno.test("fuzz robots.txt: any text and URL, never a throw (3,000)", () => {
  fc.assert(
    fc.property(
      fc.oneof(robotsTxt, anyText),
      fc.oneof(url, fc.string({ maxLength: 30 })),
      fc.string({ maxLength: 20 }),
      (text, u, a) => {
        const robots = parseRobots(text);
        assert(typeof robots.isAllowed(u, a) === "boolean");
        const delay = robots.crawlDelay(a);
        assert(delay === null || (Number.isFinite(delay) && delay >= 0), `${delay}`);
      },
    ),
    { seed: SEED, numRuns: 3_000 },
  );
});

Deno.test("robots.txt: where we differ from robots-parser, by RFC 9309", () => {
  const cases: { what: string; text: string; path: string; agent: string; ours: boolean }[] = [{
    what: "§2.2.2: /robots.txt itself is always allowed",
    text: "User-agent: *\nDisallow: /",
    path: "/robots.txt",
    agent: "greencrawl/0.1",
    ours: true,
  }, {
    what: "§2.2.1: a group is matched by the product token (letters, _ and -) of its line",
    text: "User-agent: greencrawl (+https://example.com/bot)\nDisallow: /\n",
    path: "/a",
    agent: "greencrawl/0.1",
    ours: false,
  }, {
    what: "§2.2.2: escapes of unreserved characters are decoded before matching",
    text: "User-agent: *\nDisallow: /%61\n",
    path: "/a",
    agent: "x",
    ours: false,
  }, {
    what: "§2.2.1: a group without rules still matches its agent (robots-parser falls back to *)",
    text: "User-agent: *\nDisallow: /\nUser-agent: greencrawl\n",
    path: "/a",
    agent: "greencrawl/0.1",
    ours: true,
  }, {
    what: "§2.2: records other than rules (Sitemap) do not end a run of User-agent lines",
    text: "User-agent: *\nDisallow: /\nUser-agent: greencrawl\nSitemap: http://h.example/s.xml\n" +
      "User-agent: other\nDisallow: /private\n",
    path: "/a",
    agent: "greencrawl/0.1",
    ours: true,
  }, {
    what: "a pattern without a leading / is read as starting with / (as Google does)",
    text: "User-agent: *\nDisallow: private\n",
    path: "/private",
    agent: "x",
    ours: false,
  }, {
    what: "common misspellings are read (disalow, user agent), as Google does",
    text: "useragent: *\ndisalow: /\n",
    path: "/a",
    agent: "x",
    ours: false,
  }];
  for (const c of cases) {
    const url = `${ORIGIN}${c.path}`;
    assertEquals(ours(c.text, url, c.agent), c.ours, `${c.what}: ours`);
    assertEquals(theirs(c.text, url, c.agent), !c.ours, `${c.what}: robots-parser`);
  }
});
