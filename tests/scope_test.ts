import { deepStrictEqual as eq, throws } from "node:assert/strict";
import { registrableDomain } from "../crawler/url/domain.ts";
import { loadScope, makeScope } from "../crawler/url/scope.ts";
import { nonPublicHost } from "../crawler/url/address.ts";

const u = (s: string) => new URL(s);
const OK = { ok: true };
const no = (reason: string) => ({ ok: false, reason });

Deno.test("scope host: same hostname only; port and scheme may differ", () => {
  const inScope = makeScope("host", {});
  const seed = u("https://www.example.com/start");
  eq(inScope(u("https://www.example.com/a"), seed), OK);
  eq(inScope(u("http://WWW.EXAMPLE.COM:8080/b"), seed), OK);
  eq(inScope(u("https://www.example.com./fqdn"), seed), OK);
  eq(inScope(u("https://example.com/"), seed), no("off-host"));
  eq(inScope(u("https://sub.www.example.com/"), seed), no("off-host"));
});

Deno.test("scope host: a 127.0.0.1 test site is crawlable (the seed decides)", () => {
  const inScope = makeScope("host", {});
  const seed = u("http://127.0.0.1:41234/");
  eq(inScope(u("http://127.0.0.1:41234/page/2"), seed), OK);
  eq(inScope(u("http://localhost:41234/"), seed), no("off-host"));
});

Deno.test("scope domain: same registrable domain (PSL, private section included)", async () => {
  const inScope = await loadScope("domain", {});
  eq(inScope(u("https://b.example.co.uk/"), u("https://a.example.co.uk/")), OK);
  eq(inScope(u("https://example.co.uk/"), u("https://a.example.co.uk/")), OK);
  eq(inScope(u("https://other.co.uk/"), u("https://a.example.co.uk/")), no("off-domain"));
  eq(inScope(u("https://b.github.io/"), u("https://a.github.io/")), no("off-domain"));
  eq(inScope(u("https://x.a.github.io/"), u("https://a.github.io/")), OK);
  eq(inScope(u("https://docs.example.com/"), u("https://www.example.com/")), OK);
  eq(inScope(u("https://example.org/"), u("https://example.com/")), no("off-domain"));
});

Deno.test("scope domain: IP addresses and single labels match only themselves", async () => {
  const inScope = await loadScope("domain", {});
  eq(inScope(u("http://127.0.0.1:9/"), u("http://127.0.0.1:8/")), OK);
  eq(inScope(u("http://127.0.0.2/"), u("http://127.0.0.1/")), no("off-domain"));
  eq(inScope(u("http://localhost/"), u("http://localhost:8000/")), OK);
  eq(inScope(u("http://[::1]/"), u("http://127.0.0.1/")), no("off-domain"));
});

Deno.test("makeScope: mode domain without a registrableDomain is a clear error", () => {
  throws(() => makeScope("domain", {}), /loadScope/);
});

Deno.test("registrableDomain: eTLD+1", () => {
  eq(registrableDomain("a.b.example.co.uk"), "example.co.uk");
  eq(registrableDomain("WWW.Example.COM."), "example.com");
  eq(registrableDomain("user.github.io"), "user.github.io");
  eq(registrableDomain("co.uk"), "co.uk");
  eq(registrableDomain("10.0.0.1"), "10.0.0.1");
  eq(registrableDomain("xn--bcher-kva.de"), "xn--bcher-kva.de");
});

Deno.test("scope any: everything public", () => {
  const inScope = makeScope("any", {});
  eq(inScope(u("https://elsewhere.example.net/"), u("https://example.com/")), OK);
  eq(inScope(u("http://8.8.8.8/"), u("https://example.com/")), OK);
});

Deno.test("scope: only http and https", async () => {
  for (const mode of ["host", "domain", "any"] as const) {
    const inScope = await loadScope(mode, {});
    eq(inScope(u("ftp://example.com/f"), u("https://example.com/")), no("scheme"));
    eq(inScope(u("mailto:a@example.com"), u("https://example.com/")), no("scheme"));
  }
});

Deno.test("scope: exclude wins, include narrows; both see the absolute URL", () => {
  const inScope = makeScope("host", { include: [/\/docs\//, /\/blog\//], exclude: [/\?print=1$/] });
  const seed = u("https://example.com/");
  eq(inScope(u("https://example.com/docs/a"), seed), OK);
  eq(inScope(u("https://example.com/blog/b"), seed), OK);
  eq(inScope(u("https://example.com/shop/c"), seed), no("not-included"));
  eq(inScope(u("https://example.com/docs/a?print=1"), seed), no("excluded"));
  eq(inScope(u("https://other.com/docs/a"), seed), no("off-host"));
  const byHost = makeScope("any", { include: [/^https:\/\/example\.com\//] });
  eq(byHost(u("https://example.com/x"), seed), OK);
  eq(byHost(u("https://example.org/x"), seed), no("not-included"));
});

Deno.test("scope: empty include list means no include filter", () => {
  eq(makeScope("any", { include: [] })(u("https://a.example/"), u("https://b.example/")), OK);
});

Deno.test("scope: global/sticky regexps give the same answer every call", () => {
  const inScope = makeScope("any", { exclude: [/private/g], include: [/example/y] });
  const seed = u("https://example.com/");
  for (let i = 0; i < 3; i++) {
    eq(inScope(u("https://example.com/private"), seed), no("excluded"));
    eq(inScope(u("https://example.com/public"), seed), no("not-included")); // sticky: at index 0
  }
  const sticky = makeScope("any", { include: [/https/y] });
  for (let i = 0; i < 3; i++) eq(sticky(u("https://example.com/"), seed), OK);
});

Deno.test("scope any: private, loopback, link-local and metadata links are skipped", () => {
  const inScope = makeScope("any", {});
  const seed = u("https://public.example/");
  const blocked = [
    "http://127.0.0.1/",
    "http://127.1.2.3:8080/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://app.localhost/",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://0.0.0.0/",
    "http://100.64.0.1/",
    "http://100.127.255.255/",
    "http://[::1]/",
    "http://[::]/",
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[64:ff9b::192.168.0.1]/",
    // numeric spellings that the URL parser rewrites as dotted IPv4
    "http://2130706433/",
    "http://0x7f.1/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://0x7f000001/",
    "http://3232235777/", // 192.168.1.1
    "http://0xa9.0xfe.0xa9.0xfe/", // 169.254.169.254
  ];
  for (const link of blocked) eq(inScope(u(link), seed), no("private-address"), link);
});

Deno.test("scope any: public neighbours of private ranges are not blocked", () => {
  const inScope = makeScope("any", {});
  const seed = u("https://public.example/");
  for (
    const link of [
      "http://172.15.255.255/",
      "http://172.32.0.1/",
      "http://100.63.255.255/",
      "http://100.128.0.1/",
      "http://169.253.1.1/",
      "http://11.0.0.1/",
      "http://[2606:4700::1111]/",
      "http://[2002:808:808::1]/", // 6to4 of 8.8.8.8
      "http://[::ffff:8.8.8.8]/",
      "http://localhost.example.com/",
      "http://notlocalhost/",
    ]
  ) eq(inScope(u(link), seed), OK, link);
});

Deno.test("scope any: allowPrivate lets private links through", () => {
  const inScope = makeScope("any", { allowPrivate: true });
  eq(inScope(u("http://10.0.0.1/"), u("https://public.example/")), OK);
  eq(inScope(u("http://169.254.169.254/"), u("https://public.example/")), OK);
});

Deno.test("scope any: links back to the seed's own private host pass", () => {
  const inScope = makeScope("any", {});
  const seed = u("http://127.0.0.1:8000/");
  eq(inScope(u("http://127.0.0.1:8000/next"), seed), OK);
  eq(inScope(u("http://10.0.0.1/"), seed), no("private-address"));
});

Deno.test("scope host/domain: the private guard does not apply", async () => {
  const seed = u("http://127.0.0.1:8000/");
  eq(makeScope("host", {})(u("http://127.0.0.1:8000/a"), seed), OK);
  const domain = await loadScope("domain", {});
  eq(domain(u("http://127.0.0.1:9000/a"), seed), OK);
  eq(domain(u("http://localhost/"), u("http://localhost:8000/")), OK);
});

Deno.test("nonPublicHost: names are not resolved here; special names and IPs are judged", () => {
  eq(nonPublicHost("example.com"), null);
  eq(nonPublicHost("internal.corp"), null);
  eq(nonPublicHost("localhost"), "localhost name");
  eq(nonPublicHost("metadata.google.internal"), "internal name");
  eq(nonPublicHost("[::ffff:a9fe:a9fe]"), "ipv4Mapped of linkLocal");
  eq(nonPublicHost("[not-an-ip]"), "not an IP address");
});
