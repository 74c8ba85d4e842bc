import { deepStrictEqual as eq } from "node:assert/strict";
import {
  ALLOW_ALL,
  DISALLOW_ALL,
  parseRobots,
  ROBOTS_MAX_BYTES,
  robotsForStatus,
} from "../crawler/robots/parse.ts";

/** Allowed? for each path, one rule set, one user agent. */
function verdicts(robots: string, ua: string, paths: string[]): Record<string, boolean> {
  const r = parseRobots(robots);
  return Object.fromEntries(paths.map((p) => [p, r.isAllowed(`https://example.com${p}`, ua)]));
}

// RFC 9309 §5.1 (simple example), lightly extended with the checks the RFC describes.
const RFC_EXAMPLE = `User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot

EOF
`;

Deno.test("robots RFC 9309 §5.1: the * group", () => {
  eq(
    verdicts(RFC_EXAMPLE, "otherbot", ["/", "/a.gif", "/example/x", "/publications/p", "/b.gif?x"]),
    {
      "/": true,
      "/a.gif": false,
      "/example/x": false,
      "/publications/p": true,
      "/b.gif?x": true, // `$` anchors at the end of path+query
    },
  );
});

Deno.test("robots RFC 9309 §5.1: foobot's group, Allow beats a shorter Disallow", () => {
  eq(
    verdicts(RFC_EXAMPLE, "FooBot/1.0", [
      "/",
      "/example/page.html",
      "/example/allowed.gif",
      "/example/other",
    ]),
    {
      "/": false,
      "/example/page.html": true,
      "/example/allowed.gif": true,
      "/example/other": false,
    },
  );
});

Deno.test("robots RFC 9309 §5.1: consecutive User-agent lines share a group", () => {
  for (const ua of ["barbot", "bazbot"]) {
    eq(verdicts(RFC_EXAMPLE, ua, ["/example/page.html", "/example/x", "/a.gif"]), {
      "/example/page.html": false,
      "/example/x": true, // the * group does not apply to a named bot
      "/a.gif": true,
    });
  }
});

Deno.test("robots RFC 9309 §5.1: an empty group allows everything", () => {
  eq(verdicts(RFC_EXAMPLE, "quxbot", ["/example/x", "/a.gif"]), {
    "/example/x": true,
    "/a.gif": true,
  });
});

Deno.test("robots RFC 9309 §5.2: longest match", () => {
  const txt = "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n";
  eq(verdicts(txt, "foobot", ["/example/page/", "/example/page/disallowed.gif"]), {
    "/example/page/": true,
    "/example/page/disallowed.gif": false,
  });
});

Deno.test("robots RFC 9309 §2.2.2: percent-encoding normalised on both sides", () => {
  const txt =
    "User-agent: *\nDisallow: /foo/bar/ツ\nDisallow: /foo/%62%61%7A\nDisallow: /q?a=%2f\n";
  eq(
    verdicts(txt, "x", [
      "/foo/bar/%E3%83%84",
      "/foo/bar/ツ",
      "/foo/bar/%e3%83%84",
      "/foo/baz",
      "/foo/%62az",
      "/q?a=%2F",
      "/q?a=/",
    ]),
    {
      "/foo/bar/%E3%83%84": false,
      "/foo/bar/ツ": false,
      "/foo/bar/%e3%83%84": false,
      "/foo/baz": false,
      "/foo/%62az": false,
      "/q?a=%2F": false,
      "/q?a=/": true, // %2F is reserved: an escaped slash is not a slash
    },
  );
});

Deno.test("robots: Google's longest-match examples", () => {
  const cases: [string, string, boolean][] = [
    ["allow: /p\ndisallow: /", "/page", true],
    ["allow: /folder\ndisallow: /folder", "/folder/page", true],
    ["allow: /page\ndisallow: /*.htm", "/page.htm", false],
    ["allow: /page\ndisallow: /*.ph", "/page.php5", true],
    ["allow: /$\ndisallow: /", "/", true],
    ["allow: /$\ndisallow: /", "/page.htm", false],
  ];
  for (const [rules, path, allowed] of cases) {
    eq(
      parseRobots(`user-agent: *\n${rules}\n`).isAllowed(path, "g"),
      allowed,
      `${rules} | ${path}`,
    );
  }
});

Deno.test("robots: Google's path-matching examples for * and $", () => {
  const matches = (pattern: string, path: string) =>
    !parseRobots(`User-agent: *\nDisallow: ${pattern}\n`).isAllowed(path, "g");
  const table: [string, string[], string[]][] = [
    ["/", ["/", "/any/thing"], []],
    ["/*", ["/", "/any/thing"], []],
    ["/$", ["/"], ["/page"]],
    [
      "/fish",
      ["/fish", "/fish.html", "/fish/salmon.html", "/fishheads", "/fish.php?id=anything"],
      ["/Fish.asp", "/catfish", "/?id=fish", "/desert/fish"],
    ],
    ["/fish*", ["/fish", "/fishheads/yummy.html", "/fish.php?id=anything"], [
      "/Fish.asp",
      "/catfish",
    ]],
    [
      "/fish/",
      ["/fish/", "/fish/?id=anything", "/fish/salmon.htm"],
      ["/fish", "/fish.html", "/animals/fish/", "/Fish/Salmon.asp"],
    ],
    [
      "/*.php",
      [
        "/index.php",
        "/folder/filename.php?parameters",
        "/folder/any.php.file.html",
        "/filename.php/",
      ],
      ["/", "/windows.PHP"],
    ],
    [
      "/*.php$",
      ["/filename.php", "/folder/filename.php"],
      ["/filename.php?parameters", "/filename.php/", "/filename.php5", "/windows.PHP"],
    ],
    ["/fish*.php", ["/fish.php", "/fishheads/catfish.php?parameters"], ["/Fish.PHP"]],
  ];
  for (const [pattern, yes, no] of table) {
    for (const p of yes) eq(matches(pattern, p), true, `${pattern} should match ${p}`);
    for (const p of no) eq(matches(pattern, p), false, `${pattern} should not match ${p}`);
  }
});

Deno.test("robots: `$` inside a pattern is literal; many `*` stay fast", () => {
  const r = parseRobots("User-agent: *\nDisallow: /a$b\nDisallow: /*x*x*x*x*x*x*x*x*y\n");
  eq(r.isAllowed("/a$b", "g"), false);
  eq(r.isAllowed("/ab", "g"), true);
  const t = performance.now();
  eq(r.isAllowed("/" + "x".repeat(5000), "g"), true);
  eq(performance.now() - t < 1000, true);
});

Deno.test("robots: group selection by product token, case-insensitive, * as fallback", () => {
  const txt = `User-agent: *
Disallow: /all
User-agent: GreenCrawl
Disallow: /green
User-agent: greencrawl-news
Disallow: /news
`;
  const r = parseRobots(txt);
  eq(r.isAllowed("/green", "greencrawl/0.1 (+https://example.org/bot)"), false);
  eq(r.isAllowed("/all", "greencrawl/0.1"), true); // a named group replaces *
  eq(r.isAllowed("/news", "GREENCRAWL"), true);
  eq(r.isAllowed("/news", "greencrawl-news"), false);
  eq(r.isAllowed("/green", "greencrawl-news"), true);
  eq(r.isAllowed("/all", "otherbot/2"), false);
  eq(r.isAllowed("/all", "Mozilla/5.0 (compatible; greencrawl)"), false); // token is "mozilla"
});

Deno.test("robots: groups naming the same agent are combined", () => {
  const r = parseRobots(
    "User-agent: a\nDisallow: /x\n\nUser-agent: b\nDisallow: /y\n\nUser-agent: a\nDisallow: /z\n",
  );
  eq([r.isAllowed("/x", "a"), r.isAllowed("/y", "a"), r.isAllowed("/z", "a")], [
    false,
    true,
    false,
  ]);
});

Deno.test("robots: rules before any User-agent are ignored; user-agent after rules starts a group", () => {
  const r = parseRobots(
    "Disallow: /early\nUser-agent: a\nDisallow: /x\nUser-agent: b\nDisallow: /y\n",
  );
  eq(r.isAllowed("/early", "a"), true);
  eq([r.isAllowed("/x", "a"), r.isAllowed("/y", "a")], [false, true]);
  eq([r.isAllowed("/x", "b"), r.isAllowed("/y", "b")], [true, false]);
});

Deno.test("robots: empty Disallow allows all; no groups allows all", () => {
  eq(parseRobots("User-agent: *\nDisallow:\n").isAllowed("/anything", "x"), true);
  eq(parseRobots("").isAllowed("/anything", "x"), true);
  eq(parseRobots("# only a comment\n").isAllowed("/x", "x"), true);
});

Deno.test("robots: /robots.txt is always allowed", () => {
  eq(parseRobots("User-agent: *\nDisallow: /\n").isAllowed("https://h/robots.txt", "x"), true);
  eq(DISALLOW_ALL.isAllowed("/robots.txt", "x"), true);
  eq(DISALLOW_ALL.isAllowed("/", "x"), false);
  eq(ALLOW_ALL.isAllowed("/anything", "x"), true);
});

Deno.test("robots: BOM, CRLF, CR, comments, spacing, case and misspellings tolerated", () => {
  const txt = "\uFEFFUSER-AGENT : *  # everyone\r\nDISALLOW:/a # comment\r\n" +
    "\tdisalow :  /b\rAllow:/a/ok\r\nfoo: bar\r\nnonsense line\r\n";
  const r = parseRobots(txt);
  eq([r.isAllowed("/a", "x"), r.isAllowed("/b", "x"), r.isAllowed("/a/ok", "x")], [
    false,
    false,
    true,
  ]);
});

Deno.test("robots: query strings take part in matching", () => {
  const r = parseRobots("User-agent: *\nDisallow: /*?sessionid=\nDisallow: /search?\n");
  eq(r.isAllowed("/page?sessionid=1", "x"), false);
  eq(r.isAllowed("/page?x=1", "x"), true);
  eq(r.isAllowed("/search?q=1", "x"), false);
  eq(r.isAllowed("/search", "x"), true);
});

Deno.test("robots: crawl-delay per group, in seconds; invalid values ignored", () => {
  const txt = `User-agent: *
Crawl-delay: 2
User-agent: slow
Crawl-delay: 10.5
Disallow: /x
User-agent: broken
Crawl-delay: soon
User-agent: nodelay
Disallow: /y
`;
  const r = parseRobots(txt);
  eq(r.crawlDelay("anybot"), 2);
  eq(r.crawlDelay("Slow/1.0"), 10.5);
  eq(r.crawlDelay("broken"), null);
  eq(r.crawlDelay("nodelay"), null); // its own group has none; * does not leak in
  eq(parseRobots("User-agent: *\nDisallow: /\n").crawlDelay("x"), null);
  eq(parseRobots("User-agent: *\nCrawl-delay: -1\n").crawlDelay("x"), null);
});

Deno.test("robots: Sitemap lines are collected and do not break a group", () => {
  const r = parseRobots(
    "User-agent: a\nSitemap: https://h/s1.xml\nUser-agent: b\nDisallow: /x\nSitemap: https://h/s2.xml\n",
  );
  eq(r.sitemaps, ["https://h/s1.xml", "https://h/s2.xml"]);
  eq(r.isAllowed("/x", "a"), false);
});

Deno.test("robots: only the first 500 KiB is parsed, without a cut line", () => {
  const filler = "# " + "x".repeat(1000) + "\n";
  let txt = "User-agent: *\nDisallow: /early\n";
  while (txt.length < ROBOTS_MAX_BYTES - 10) txt += filler;
  txt = txt.slice(0, ROBOTS_MAX_BYTES - 12) + "\nDisallow: /late\n";
  const r = parseRobots(txt);
  eq(r.isAllowed("/early", "x"), false);
  eq(r.isAllowed("/late", "x"), true, "the rule past 500 KiB is not read");
  eq(
    r.isAllowed("/other", "x"),
    true,
    "the line cut to `Disallow: /` is dropped, not read as disallow-all",
  );
});

Deno.test("robots: the size cap counts UTF-8 bytes", () => {
  const txt = "User-agent: *\n" + ("# " + "é".repeat(300) + "\n").repeat(900) + "Disallow: /x\n";
  eq(new TextEncoder().encode(txt).length > ROBOTS_MAX_BYTES, true);
  eq(txt.length < ROBOTS_MAX_BYTES, true);
  eq(parseRobots(txt).isAllowed("/x", "a"), true);
});

Deno.test("robots: isAllowed takes URL objects and paths; unparsable input is refused", () => {
  const r = parseRobots("User-agent: *\nDisallow: /p\n");
  eq(r.isAllowed(new URL("http://h/p/q"), "x"), false);
  eq(r.isAllowed("/ok", "x"), true);
  eq(r.isAllowed("http://[bad", "x"), false);
});

Deno.test("robotsForStatus: RFC 9309 §2.3.1 outcomes", () => {
  eq(robotsForStatus(200), "parse");
  eq(robotsForStatus(204), "parse");
  eq(robotsForStatus(301), "allow-all"); // redirects exhausted: unavailable
  eq(robotsForStatus(401), "allow-all");
  eq(robotsForStatus(403), "allow-all");
  eq(robotsForStatus(404), "allow-all");
  eq(robotsForStatus(410), "allow-all");
  eq(robotsForStatus(429), "disallow-all"); // "slow down", as Google treats it
  eq(robotsForStatus(500), "disallow-all");
  eq(robotsForStatus(503), "disallow-all");
  eq(robotsForStatus(null), "disallow-all");
  eq(robotsForStatus(99), "disallow-all");
  eq(robotsForStatus(Number.NaN), "disallow-all");
});
