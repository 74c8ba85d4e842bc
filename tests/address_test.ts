/**
 * The address rules' building blocks (issue 18): every IANA special-purpose range of the issue,
 * IPv4 and IPv6, IPv4 carried inside IPv6, special names, and the resolving guard with an
 * injected resolver (no DNS query leaves this process).
 * @module
 */
import {
  AddressGuard,
  nonPublicHost,
  nonPublicRange,
  type Resolver,
} from "../crawler/url/address.ts";
import { makeScope } from "../crawler/url/scope.ts";
import { assert, assertEquals, test } from "./assert.ts";

/** One address in each range the issue lists, and the range ipaddr.js names. */
const NON_PUBLIC: [string, string][] = [
  ["0.0.0.0", "unspecified"],
  ["0.255.1.2", "unspecified"], // 0/8
  ["10.0.0.1", "private"],
  ["10.255.255.255", "private"],
  ["100.64.0.1", "carrierGradeNat"],
  ["100.127.255.254", "carrierGradeNat"],
  ["127.0.0.1", "loopback"],
  ["127.255.0.9", "loopback"],
  ["169.254.169.254", "linkLocal"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.0.0.8", "reserved"], // 192.0.0/24
  ["192.168.1.1", "private"],
  ["198.18.0.1", "reserved"], // 198.18/15
  ["198.19.255.255", "reserved"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["240.0.0.1", "reserved"], // 240/4
  ["254.1.2.3", "reserved"],
  ["255.255.255.255", "broadcast"],
  ["::", "unspecified"],
  ["::1", "loopback"],
  ["fc00::1", "uniqueLocal"],
  ["fdff:ffff::1", "uniqueLocal"],
  ["fe80::1", "linkLocal"],
  ["febf::1", "linkLocal"],
  ["ff02::1", "multicast"],
  ["ff0e::1", "multicast"],
  // IPv4-mapped ::ffff:0:0/96
  ["::ffff:127.0.0.1", "ipv4Mapped of loopback"],
  ["::ffff:a9fe:a9fe", "ipv4Mapped of linkLocal"],
  ["::ffff:10.1.2.3", "ipv4Mapped of private"],
  // NAT64 64:ff9b::/96
  ["64:ff9b::10.0.0.1", "rfc6052 of private"],
  ["64:ff9b::a9fe:a9fe", "rfc6052 of linkLocal"],
  ["64:ff9b::7f00:1", "rfc6052 of loopback"],
  // 6to4 2002::/16 wraps the IPv4 address in bits 16-47
  ["2002:7f00:1::", "6to4 of loopback"],
  ["2002:c0a8:101::1", "6to4 of private"],
  ["2002:a9fe:a9fe::", "6to4 of linkLocal"],
  // Teredo 2001::/32: server IPv4 in bits 32-63, client IPv4 inverted in the last 32 bits
  ["2001:0:7f00:1::", "teredo of loopback"], // server 127.0.0.1
  ["2001:0:808:808:0:0:f5ff:fffe", "teredo of private"], // client ~f5ff:fffe = 10.0.0.1
  ["2001:0:808:808:8000:0:5601:5601", "teredo of linkLocal"], // client 169.254.169.254
  // IPv4-compatible (deprecated), local-use NAT64, documentation
  ["::10.0.0.1", "ipv4Compatible"],
  ["::8.8.8.8", "ipv4Compatible"],
  ["64:ff9b:1::8.8.8.8", "rfc8215 local-use NAT64"],
  ["2001:db8::1", "reserved"],
];

const PUBLIC = [
  "8.8.8.8",
  "1.1.1.1",
  "9.255.255.255", // neighbours of 10/8
  "11.0.0.0",
  "100.63.255.255", // of 100.64/10
  "100.128.0.0",
  "126.255.255.255", // of 127/8
  "128.0.0.0",
  "169.253.255.255", // of 169.254/16
  "169.255.0.0",
  "172.15.255.255", // of 172.16/12
  "172.32.0.0",
  "192.0.1.0", // of 192.0.0/24
  "192.167.255.255", // of 192.168/16
  "192.169.0.0",
  "198.17.255.255", // of 198.18/15
  "198.20.0.0",
  "223.255.255.255", // of 224/4
  "2606:4700::1111",
  "2a00:1450:4001::1",
  "::ffff:8.8.8.8",
  "64:ff9b::808:808", // NAT64 of 8.8.8.8
  "2002:808:808::1", // 6to4 of 8.8.8.8
  "2001:0:808:808:0:0:f7f7:f7f7", // Teredo, server and client 8.8.8.8
];

test("nonPublicRange: every listed IPv4 and IPv6 range, IPv4 inside IPv6 included", () => {
  for (const [address, range] of NON_PUBLIC) {
    assertEquals(nonPublicRange(address), range, address);
    assertEquals(nonPublicRange(`[${address}]`) ?? "public", range, `[${address}]`);
  }
  for (const address of PUBLIC) assertEquals(nonPublicRange(address), null, address);
  let threw = false;
  try {
    nonPublicRange("example.com");
  } catch (error) {
    threw = error instanceof TypeError;
  }
  assert(threw, "a name is not an address");
});

test("nonPublicHost: hostnames as URL.hostname gives them; localhost and internal names", () => {
  for (const [address, range] of NON_PUBLIC) {
    const host = new URL(`http://${address.includes(":") ? `[${address}]` : address}/`).hostname;
    assertEquals(nonPublicHost(host), range, host);
  }
  const numeric: [string, string][] = [
    ["http://2130706433/", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["http://0xa9.0xfe.0xa9.0xfe/", "linkLocal"],
    ["http://3323068417/", "reserved"], // 198.18.0.1
    ["http://0xffffffff/", "broadcast"],
  ];
  for (const [url, range] of numeric) assertEquals(nonPublicHost(new URL(url).hostname), range);
  for (const name of ["localhost", "LOCALHOST.", "a.b.localhost", "metadata.google.internal"]) {
    assert(nonPublicHost(name)?.endsWith(" name"), name);
  }
  for (const name of ["example.com", "localhost.example.com", "notlocalhost", "internal.corp"]) {
    assertEquals(nonPublicHost(name), null, name);
  }
});

test("scope any: a link to any listed range or name is out of scope (private-address)", () => {
  const inScope = makeScope("any");
  const seed = new URL("https://public.example/");
  for (const [address] of NON_PUBLIC) {
    const link = new URL(`http://${address.includes(":") ? `[${address}]` : address}:8080/x`);
    assertEquals(inScope(link, seed), { ok: false, reason: "private-address" }, link.href);
  }
  for (const address of PUBLIC) {
    const link = new URL(`http://${address.includes(":") ? `[${address}]` : address}/`);
    assertEquals(inScope(link, seed), { ok: true }, link.href);
  }
});

/** A resolver from a table, counting its calls; unknown names are NXDOMAIN (NotFound). */
function tableResolver(table: Record<string, { A?: string[]; AAAA?: string[] }>) {
  const calls: string[] = [];
  const resolve: Resolver = (name, type) => {
    calls.push(`${name} ${type}`);
    const entry = table[name];
    if (entry?.[type] === undefined) {
      return Promise.reject(new Deno.errors.NotFound(`no records found for ${name} ${type}`));
    }
    return Promise.resolve(entry[type]!);
  };
  return { resolve, calls };
}

test("AddressGuard: a name is judged by every A and AAAA answer, once per host", async () => {
  const { resolve, calls } = tableResolver({
    "public.test": { A: ["93.184.216.34"], AAAA: ["2606:2800:220:1::1"] },
    "v4-private.test": { A: ["10.0.0.7"] },
    "v6-private.test": { A: ["93.184.216.34"], AAAA: ["fd00::7"] },
    "mapped.test": { AAAA: ["::ffff:169.254.169.254"] },
    "sixtofour.test": { AAAA: ["2002:7f00:1::"] },
    "teredo.test": { AAAA: ["2001:0:808:808:0:0:f5ff:fffe"] },
    "loop.test": { A: ["127.0.0.1"] },
  });
  const guard = new AddressGuard({ resolve });
  const check = async (url: string) => await guard.check(new URL(url));
  assertEquals(await check("http://public.test/a"), null);
  for (
    const [host, address] of [
      ["v4-private.test", "10.0.0.7"],
      ["v6-private.test", "fd00::7"],
      ["mapped.test", "::ffff:169.254.169.254"],
      ["sixtofour.test", "2002:7f00:1::"],
      ["teredo.test", "2001:0:808:808:0:0:f5ff:fffe"],
      ["loop.test", "127.0.0.1"],
    ]
  ) {
    const refusal = await check(`https://${host}:8443/x`);
    assertEquals(refusal?.code, "non-public-address", host);
    assert(refusal!.message.startsWith(`${host} resolves to ${address}, `), refusal!.message);
  }
  const missing = await check("http://nothing.test/");
  assertEquals(missing, { code: "dns", message: "nothing.test: no such name" });
  // Remembered per host: asking again (another path, port or case) makes no new query.
  const before = calls.length;
  for (
    const url of ["http://PUBLIC.test/b", "http://v4-private.test:81/", "http://nothing.test/x"]
  ) {
    await check(url);
  }
  assertEquals(calls.length, before);
  assertEquals(calls.filter((c) => c.startsWith("public.test ")).sort(), [
    "public.test A",
    "public.test AAAA",
  ]);
  // IP addresses and special names need no query at all.
  for (
    const url of ["http://8.8.8.8/", "http://[::1]/", "http://x.localhost/", "http://a.invalid/"]
  ) {
    await check(url);
  }
  assertEquals(calls.length, before);
  assertEquals((await check("http://a.invalid/"))?.code, "dns");
  assertEquals(await check("http://8.8.8.8/"), null);
});

test("AddressGuard: lookup failures other than 'no such name' are asked again; memo is bounded", async () => {
  let fail = true;
  let asked = 0;
  const guard = new AddressGuard({
    maxHosts: 2,
    resolve: (_name, type) => {
      asked++;
      if (fail) return Promise.reject(new Error("connection refused by nameserver"));
      return Promise.resolve(type === "A" ? ["93.184.216.34"] : []);
    },
  });
  const first = await guard.check(new URL("http://flaky.test/"));
  assertEquals(first?.code, "dns");
  assert(first!.message.includes("cannot resolve"), first!.message);
  fail = false;
  assertEquals(await guard.check(new URL("http://flaky.test/")), null);
  assertEquals(asked, 4);
  // Two more hosts fill the memo of 2; the next one empties it, so flaky.test is asked again.
  for (const h of ["a.test", "b.test", "c.test"]) await guard.check(new URL(`http://${h}/`));
  asked = 0;
  await guard.check(new URL("http://flaky.test/"));
  assertEquals(asked, 2);
});

test("AddressGuard with Deno.resolveDns: no --allow-net for a host, no query: permission", async () => {
  // This test runs with --allow-net=127.0.0.1: another host may not be reached, or resolved.
  const guard = new AddressGuard();
  const refusal = await guard.check(new URL("https://example.com/"));
  assertEquals(refusal, { code: "permission", message: "no --allow-net for example.com:443" });
  assertEquals(await guard.check(new URL("http://127.0.0.1:8/")), {
    code: "non-public-address",
    message: "127.0.0.1 is a non-public address (loopback)",
  });
});
