/**
 * `decodeAttribute` and `decodeText` (`crawler/char_refs.ts`) must return exactly what
 * `decodeHTMLAttribute` and `decodeHTML` of `entities` 8.1.0 return (the first is the decoder
 * `crawler/html.ts` used before): for every name of the table with and without `;` and the
 * characters that decide the attribute rule after it, for numeric references to every code point
 * and to the edge values, and for 200,000 seeded random strings.
 *
 * Run: `deno test --allow-read tests/char_refs_test.ts`
 * @module
 */
// deno-lint-ignore no-import-prefix -- the reference decoder, pinned as crawler/html.ts had it
import { decodeHTML, decodeHTMLAttribute } from "npm:entities@8.1.0/decode";
import { decodeAttribute, decodeText } from "../crawler/html/char_refs.ts";
import { ENTITY_TABLE } from "../crawler/html/entity_table.ts";
import { prng } from "../bench/site/graph.ts";
import { assert, assertEquals } from "./assert.ts";

const RANDOM_STRINGS = 200_000;

/** Every name of the table without `;`, and whether it may be written without `;`. */
const NAMES = [...ENTITY_TABLE.matchAll(/([A-Za-z0-9]+)([;?])[^ ]+/g)].map(([, name, mark]) => ({
  name,
  legacy: mark === "?",
}));

type Decode = (value: string) => string;

/** Each decoder with the `entities` function it must agree with. */
const DECODERS: { label: string; decode: Decode; reference: Decode }[] = [
  { label: "decodeAttribute", decode: decodeAttribute, reference: decodeHTMLAttribute },
  { label: "decodeText", decode: decodeText, reference: (s) => decodeHTML(s) },
];

/** Asserts both decoders agree on `input`. */
function same(decode: Decode, reference: Decode, input: string): void {
  assertEquals(decode(input), reference(input), `input ${JSON.stringify(input)}`);
}

/** Asserts agreement on all of `inputs`, compared joined in chunks (fast), one by one on a miss. */
function allSame(decode: Decode, reference: Decode, inputs: string[], separator = " "): void {
  for (let i = 0; i < inputs.length; i += 1000) {
    const chunk = inputs.slice(i, i + 1000).join(separator);
    if (decode(chunk) !== reference(chunk)) {
      inputs.slice(i, i + 1000).forEach((input) => same(decode, reference, input));
    }
    same(decode, reference, chunk); // a difference only in how references run into each other
  }
}

Deno.test("decodeAttribute: documented behaviour", () => {
  assertEquals(decodeAttribute("x?a=1&amp;b=2"), "x?a=1&b=2");
  assertEquals(decodeAttribute("?a=1&copy=2"), "?a=1&copy=2"); // legacy name, then `=`
  assertEquals(decodeAttribute("&copy 2024"), "\u00a9 2024");
  // In an attribute the legacy `not` followed by a letter stays as written (in text: "¬it;").
  assertEquals(decodeAttribute("&notit;"), "&notit;");
  assertEquals(decodeAttribute("&notin;"), "\u2209");
  assertEquals(decodeAttribute("&#x41"), "A");
  assertEquals(decodeAttribute("&#0;"), "\ufffd");
  assertEquals(decodeAttribute("&#128;"), "\u20ac");
  assertEquals(decodeAttribute("&#x110000;&#xD800;&#129;"), "\ufffd\ufffd\x81");
  assertEquals(decodeAttribute("a & b &# &#x; &unknown;"), "a & b &# &#x; &unknown;");
  const plain = "/no/references/here?a=1";
  assertEquals(decodeAttribute(plain), plain);
});

Deno.test("decodeText: documented behaviour", () => {
  assertEquals(decodeText("Tom &amp; Jerry &lt;3"), "Tom & Jerry <3");
  // In text a legacy name counts whatever follows it; other names need their `;`.
  assertEquals(decodeText("&copy2024 &notit; &copy=2"), "\u00a92024 \u00acit; \u00a9=2");
  assertEquals(decodeText("&hellip &hellip; &bogus;"), "&hellip \u2026 &bogus;");
  assertEquals(decodeText("&#x41&#128;&#0;"), "A\u20ac\ufffd");
});

Deno.test("decodeAttribute: the table is the WHATWG one (2,231 names, 106 without `;`)", () => {
  assertEquals(NAMES.length + NAMES.filter((n) => n.legacy).length, 2231);
  assertEquals(NAMES.filter((n) => n.legacy).length, 106);
  assertEquals(new Set(NAMES.map((n) => n.name)).size, NAMES.length);
});

for (const { label, decode, reference } of DECODERS) {
  Deno.test(`${label} = entities: every name, with and without \`;\`, in context`, () => {
    const inputs: string[] = [];
    for (const { name } of NAMES) {
      for (const ref of [`&${name}`, `&${name};`]) {
        for (const after of ["", "=", "x", "1", ";", " ", "&", "é"]) {
          inputs.push(ref + after, "text" + ref + after, `&amp;${ref}${after}&${ref}`);
        }
        // Every prefix too, and names run into each other.
        for (let i = 1; i < ref.length; i++) inputs.push(ref.slice(0, i));
        inputs.push(ref + ref, ref.toUpperCase(), ref.toLowerCase());
      }
    }
    for (const input of inputs) same(decode, reference, input);
    allSame(decode, reference, inputs, "");
  });

  Deno.test(`${label} = entities: numeric references to every code point`, () => {
    const all = (form: (cp: number) => string) =>
      allSame(decode, reference, Array.from({ length: 0x110001 }, (_, cp) => form(cp)));
    all((cp) => `&#${cp};`);
    all((cp) => `&#x${cp.toString(16)};`);
    all((cp) => `&#X${cp.toString(16).toUpperCase()}`);
  });

  Deno.test(`${label} = entities: numeric edge cases`, () => {
    const values = [0, 1, 9, 10, 0x1f, 0x20, 0x7e, 0xd7fe, 0xfdd0, 0xfffd, 0x10000, 0x10fffe];
    for (let cp = 0x7f; cp <= 0xa0; cp++) values.push(cp);
    for (let cp = 0xd7ff; cp <= 0xe000; cp += 0x100) values.push(cp, cp + 0xff);
    values.push(0xdbff, 0xdc00, 0xfffe, 0xffff, 0x10ffff, 0x110000, 0x110001, 0x7fffffff);
    values.push(2 ** 31, 2 ** 32, 2 ** 32 + 65, 2 ** 53, 2 ** 53 + 65);
    const digits: string[] = [];
    for (const v of values) {
      const dec = BigInt(v).toString(), hex = BigInt(v).toString(16);
      digits.push(`#${dec}`, `#0000${dec}`, `#x${hex}`, `#X${hex.toUpperCase()}`, `#x000${hex}`);
    }
    for (const n of [20, 400, 2100, 5000]) {
      digits.push(`#${"9".repeat(n)}`, `#${"1".repeat(n)}`, `#${"0".repeat(n)}65`);
      digits.push(`#x${"f".repeat(n)}`, `#X${"0".repeat(n)}41`, `#x10${"0".repeat(n)}`);
    }
    digits.push("#", "#x", "#X", "#;", "#x;", "#-1;", "#+1;", "#xg;", "# 1;", "#\u0661;");
    for (const d of digits) {
      for (const semi of ["", ";"]) {
        for (const after of ["", ";", "=", "x", "a", "g", "Z", "1", " ", "&", "&#65;", "é"]) {
          same(decode, reference, `&${d}${semi}${after}`);
          same(decode, reference, `a&${d}${semi}${after}b`);
        }
      }
    }
  });

  Deno.test(`${label} = entities: ${RANDOM_STRINGS.toLocaleString("en")} random strings`, () => {
    const random = prng(0xc4a2);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const names = NAMES.map((n) => n.name);
    const pieces: (() => string)[] = [
      () => "&",
      () => "&",
      () => "&",
      () => "#",
      () => pick(["x", "X", ";", ";", "=", " ", "/", "?", "&amp;", "&#", "&#x"]),
      () => String(Math.floor(random() * (random() < 0.5 ? 10 : 2 ** (random() * 40)))),
      () => pick([..."0123456789abcdefABCDEFghxyzGHXYZ"]),
      () => pick(["é", "\u00a0", "\u20ac", "\u{1F600}", "\ud800", "\u0338", "ß", "\u0661"]),
      () => {
        const name = pick(names); // a real name, or a prefix of one
        return random() < 0.5 ? name : name.slice(0, 1 + Math.floor(random() * name.length));
      },
      () => pick(names) + ";",
      () => "&" + pick(names),
    ];
    const inputs: string[] = [];
    for (let n = 0; n < RANDOM_STRINGS; n++) {
      let input = "";
      for (let k = Math.floor(random() * 12); k >= 0; k--) input += pick(pieces)();
      inputs.push(input);
    }
    let decoded = 0;
    for (const input of inputs) {
      same(decode, reference, input);
      if (decode(input) !== input) decoded++;
    }
    // Not vacuous: about a fifth of the strings hold a reference that decodes (44,291 of 200,000).
    assert(decoded > RANDOM_STRINGS / 10, `only ${decoded} strings decode`);
  });
}
