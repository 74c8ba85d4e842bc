/**
 * Property tests of URL canonicalisation (`crawler/url/canonical.ts`) on random http(s) URLs with
 * odd percent-escapes (either case, of unreserved, reserved and other characters, malformed),
 * dot segments, IDN and numeric hosts, default ports, userinfo, empty queries and fragments:
 *
 * - idempotent: `canon(canon(u)) === canon(u)`;
 * - it never changes what the URL refers to. Precisely, against `new URL(u)` (the request a
 *   browser makes for `u`): the same scheme, host and port, the same userinfo, and a path and a
 *   query that read the same, token for token, where a token is either a reserved character
 *   written literally (RFC 3986 `gen-delims` and `sub-delims`: a delimiter a server may split on)
 *   or one data octet (a percent-escape of any octet, or the UTF-8 octets of any other character);
 *   an empty query is no query; the fragment is dropped (it is never sent).
 *
 * Seeded. Run: `deno test tests/fuzz_canonical_test.ts`
 * @module
 */
// deno-lint-ignore no-import-prefix
import fc from "npm:fast-check@4.10.2";
import { assert, assertEquals } from "./assert.ts";
import { canonicalUrl } from "../crawler/url/canonical.ts";

const SEED = 18;
const RESERVED = new Set(":/?#[]@!$&'()*+,;=");
const utf8 = new TextEncoder();

/** The tokens of a path or query as the module doc defines them: `D:c` delimiter, `O:n` octet. */
function tokens(component: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < component.length;) {
    const c = component[i];
    const escape = /^%[0-9A-Fa-f]{2}/.exec(component.slice(i, i + 3));
    if (escape) {
      out.push(`O:${parseInt(escape[0].slice(1), 16)}`);
      i += 3;
    } else if (RESERVED.has(c)) {
      out.push(`D:${c}`);
      i++;
    } else {
      const cp = component.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      for (const b of utf8.encode(ch)) out.push(`O:${b}`);
      i += ch.length;
    }
  }
  return out;
}

const hex = (n: number, upper: boolean) => {
  const h = n.toString(16).padStart(2, "0");
  return upper ? h.toUpperCase() : h;
};

/** Path and query pieces: escapes of every class, in either case, and literal characters. */
const piece = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([n, up]) => `%${hex(n, up)}`),
  fc.constantFrom(
    ...["a", "Z", "0", "-", ".", "_", "~", "/", "?", "&", "=", "+", ";", ",", ":", "@", "!"],
    ...["$", "'", "(", ")", "*", "[", "]", "%", "%2", "%zz", "%%", " ", '"', "<", ">", "`", "{"],
    ...["|", "\\", "^", "é", "中", "\u{1F600}", "..", ".", "%2e", "%2E%2e", "./", "../", "//"],
    ...["%7e", "%7E", "%2f", "%2F", "%3f", "%23", "%25", "%26", "%3D", "%20", "%c3%a9", "\t"],
  ),
);
const component = fc.array(piece, { maxLength: 12 }).map((p) => p.join(""));

const host = fc.constantFrom(
  ...["h.example", "H.EXAMPLE", "xn--bcher-kva.example", "bücher.example", "127.0.0.1"],
  ...["0x7f.1", "2130706433", "[::1]", "[0:0::1]", "a-b.c_d.example", "%41.example"],
);

const url = fc.tuple(
  fc.constantFrom("http", "https", "HTTP", "hTtPs"),
  fc.constantFrom("", "user@", "user:pass@", "%75ser@"),
  host,
  fc.constantFrom("", ":80", ":443", ":8080", ":"),
  component,
  fc.option(component),
  fc.option(component),
).map(([scheme, userinfo, h, port, path, query, fragment]) =>
  `${scheme}://${userinfo}${h}${port}/${path}${query === null ? "" : `?${query}`}` +
  (fragment === null ? "" : `#${fragment}`)
).filter((u) => URL.canParse(u));

Deno.test("fuzz canonicalUrl: idempotent and the same resource (5,000 URLs)", () => {
  fc.assert(
    fc.property(url, (input) => {
      const canon = canonicalUrl(input);
      assertEquals(canonicalUrl(canon), canon, "idempotent");
      const was = new URL(input);
      const now = new URL(canon);
      assertEquals(now.origin, was.origin, "origin");
      assertEquals([now.username, now.password], [was.username, was.password], "userinfo");
      assertEquals(tokens(now.pathname), tokens(was.pathname), "path");
      const query = (u: URL) => tokens(u.search.slice(1));
      assertEquals(query(now), query(was), "query");
      assert(!canon.includes("#"), "no fragment");
      assert(canon.indexOf("?") !== canon.length - 1, "no empty query");
    }),
    { seed: SEED, numRuns: 5_000 },
  );
});

Deno.test("fuzz canonicalUrl: escapes of unreserved characters decoded, hex in upper case", () => {
  fc.assert(
    fc.property(url, (input) => {
      const canon = canonicalUrl(input);
      const { pathname, search } = new URL(canon);
      for (const escape of (pathname + search).matchAll(/%([0-9A-Fa-f]{2})/g)) {
        assertEquals(escape[1], escape[1].toUpperCase(), `hex case in ${canon}`);
        const ch = String.fromCharCode(parseInt(escape[1], 16));
        // Hex digits stay escaped in a component with a malformed `%` (see the module doc).
        const malformed = /%(?![0-9A-Fa-f]{2})/.test(escape.input!);
        const kept = malformed ? /[G-Zg-z\-._~]/ : /[A-Za-z0-9\-._~]/;
        assert(!kept.test(ch), `escaped unreserved ${escape[0]} in ${canon}`);
      }
    }),
    { seed: SEED, numRuns: 2_000 },
  );
});

Deno.test("found by the fuzz: a decoded hex digit never completes a malformed escape", () => {
  // Decoding %30 ("0") after "%2" made "%20", a space, and %61 ("a") after "%2" made "%2a",
  // which a second pass changed again ("%2A"): a different resource, and not idempotent.
  assertEquals(canonicalUrl("http://h.example/%2%30?%2%61"), "http://h.example/%2%30?%2%61");
  assertEquals(canonicalUrl("http://h.example/%%7e%41"), "http://h.example/%~%41");
  assertEquals(canonicalUrl("http://h.example/%7e%41"), "http://h.example/~A");
});
