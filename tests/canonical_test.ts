import { deepStrictEqual as eq, throws } from "node:assert/strict";
import {
  canonicalUrl,
  normalizePercentEncoding,
  tryCanonicalUrl,
} from "../crawler/url/canonical.ts";

Deno.test("canonicalUrl: scheme and host lower-cased, path case kept", () => {
  eq(canonicalUrl("HTTP://Example.COM/Path/File.HTML"), "http://example.com/Path/File.HTML");
});

Deno.test("canonicalUrl: default ports removed, others kept", () => {
  eq(canonicalUrl("http://example.com:80/a"), "http://example.com/a");
  eq(canonicalUrl("https://example.com:443/a"), "https://example.com/a");
  eq(canonicalUrl("http://example.com:443/a"), "http://example.com:443/a");
  eq(canonicalUrl("http://127.0.0.1:8080/"), "http://127.0.0.1:8080/");
});

Deno.test("canonicalUrl: dot segments resolved, also percent-encoded ones", () => {
  eq(canonicalUrl("http://h/a/./b/../c/"), "http://h/a/c/");
  eq(canonicalUrl("http://h/../../x"), "http://h/x");
  eq(canonicalUrl("http://h/a/%2e%2E/b"), "http://h/b");
});

Deno.test("canonicalUrl: fragment and empty query dropped; query order kept", () => {
  eq(canonicalUrl("http://h/a#top"), "http://h/a");
  eq(canonicalUrl("http://h/a?"), "http://h/a");
  eq(canonicalUrl("http://h/a?#x"), "http://h/a");
  eq(canonicalUrl("http://h/a?b=1&a=2#x"), "http://h/a?b=1&a=2");
  eq(canonicalUrl("http://h/?a=1&a=2"), "http://h/?a=1&a=2");
});

Deno.test("canonicalUrl: empty path becomes /", () => {
  eq(canonicalUrl("http://example.com"), "http://example.com/");
  eq(canonicalUrl("http://example.com?q"), "http://example.com/?q");
});

Deno.test("canonicalUrl: escapes upper-cased, unreserved decoded, reserved kept", () => {
  eq(canonicalUrl("http://h/%7euser/%41b%2d%5F"), "http://h/~user/Ab-_");
  eq(
    canonicalUrl("http://h/a%2fb?x=%2f%3d%26&y=%e2%82%ac"),
    "http://h/a%2Fb?x=%2F%3D%26&y=%E2%82%AC",
  );
  eq(canonicalUrl("http://h/%zz%4"), "http://h/%zz%4");
});

Deno.test("canonicalUrl: spaces and non-ASCII percent-encoded as UTF-8", () => {
  eq(canonicalUrl("http://h/a b/ü?q=ü x"), "http://h/a%20b/%C3%BC?q=%C3%BC%20x");
});

Deno.test("canonicalUrl: IDN hosts to punycode, numeric IPv4 forms normalised", () => {
  eq(canonicalUrl("http://Bücher.DE/"), "http://xn--bcher-kva.de/");
  eq(canonicalUrl("http://2130706433/"), "http://127.0.0.1/");
  eq(canonicalUrl("http://0x7f.1/"), "http://127.0.0.1/");
  eq(canonicalUrl("http://[0:0::1]:80/"), "http://[::1]/");
});

Deno.test("canonicalUrl: user info kept, URL objects not modified", () => {
  const url = new URL("http://u:p@H/x#f");
  eq(canonicalUrl(url), "http://u:p@h/x");
  eq(url.hash, "#f");
});

Deno.test("canonicalUrl: equivalent spellings share one key", () => {
  const keys = new Set(
    [
      "http://example.com/a/b",
      "HTTP://EXAMPLE.com:80/a/./b",
      "http://example.com/a/c/../b#frag",
      "http://example.com/%61/b?",
    ].map((u) => canonicalUrl(u)),
  );
  eq([...keys], ["http://example.com/a/b"]);
});

Deno.test("canonicalUrl: relative or invalid input throws; tryCanonicalUrl returns null", () => {
  throws(() => canonicalUrl("/relative"), TypeError);
  throws(() => canonicalUrl("http://[bad/"), TypeError);
  eq(tryCanonicalUrl("/relative"), null);
  eq(tryCanonicalUrl("http://exa mple.com/"), null);
  eq(tryCanonicalUrl("../x#y", "http://h/a/b/"), "http://h/a/x");
});

Deno.test("normalizePercentEncoding: only well-formed escapes change", () => {
  eq(normalizePercentEncoding("/a%7eb/%2f?q=%e2%82%ac"), "/a~b/%2F?q=%E2%82%AC");
  eq(normalizePercentEncoding("100% %g1 %"), "100% %g1 %");
  eq(normalizePercentEncoding("plain"), "plain");
});

Deno.test("canonicalUrl: only an empty query is dropped; '?' and '#' inside query or fragment stay", () => {
  eq(canonicalUrl("http://h/a??"), "http://h/a??");
  eq(canonicalUrl("http://h/a?#x?"), "http://h/a");
  eq(canonicalUrl("http://h/a?b?#"), "http://h/a?b?");
  eq(canonicalUrl("http://h/a#x?y%2f"), "http://h/a");
  eq(canonicalUrl("http://h/%7e?q=%2f#%41"), "http://h/~?q=%2F");
  eq(canonicalUrl(new URL("http://h/x?#y")), "http://h/x");
});
