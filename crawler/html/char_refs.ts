/**
 * Character references in attribute values (hrefs) and in text (titles), decoded by the HTML
 * Standard's tokenizer rules (character reference, named character reference and numeric
 * character reference states, with the attribute special case). Output is exactly that of
 * `decodeHTMLAttribute` and `decodeHTML` from `entities` 8.1.0, whose start-up cost this saves:
 * `tests/char_refs_test.ts` compares them.
 * @module
 */
import { ENTITY_TABLE } from "./entity_table.ts";

const HASH = 0x23, SEMI = 0x3b, EQUALS = 0x3d;

/**
 * Text for numeric references to U+0080–U+009F: the Standard's windows-1252 table. The five code
 * points it leaves unmapped (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to themselves.
 */
const C1 = "\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d" +
  "\u017d\x8f\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d" +
  "\u017e\u0178";

/** Name (`amp;`, and `amp` for the legacy names that may omit `;`) → text; built on first use. */
let names: Map<string, string> | undefined;

function nameTable(): Map<string, string> {
  if (names !== undefined) return names;
  names = new Map();
  for (const entry of ENTITY_TABLE.split(" ")) {
    let mark = 1; // entries are name, then `;` or `?`, then the text (see entity_table.ts)
    while (isAlphanumeric(entry.charCodeAt(mark))) mark++;
    const text = entry.slice(mark + 1);
    if (entry.charCodeAt(mark) === SEMI) names.set(entry.slice(0, mark + 1), text);
    else {
      const name = entry.slice(0, mark); // a legacy name: with and without `;`
      names.set(name + ";", text);
      names.set(name, text);
    }
  }
  return names;
}

function isAlphanumeric(c: number): boolean {
  return (c - 0x30) >>> 0 <= 9 || ((c | 0x20) - 0x61) >>> 0 <= 25;
}

/** Value of a hex digit, or -1. */
function hexDigit(c: number): number {
  if ((c - 0x30) >>> 0 <= 9) return c - 0x30;
  const lower = (c | 0x20) - 0x61;
  return lower >>> 0 <= 5 ? lower + 10 : -1;
}

/** The numeric character reference end state: the text for code point `cp`. */
function codePointText(cp: number): string {
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return "\ufffd";
  if (cp >= 0x80 && cp <= 0x9f) return C1[cp - 0x80];
  return String.fromCodePoint(cp);
}

/**
 * `value`, an attribute value as written, with its character references decoded as the HTML
 * Standard does in attributes: `&#NN;` / `&#xHH;` (`;` optional; 0, surrogates and values past
 * U+10FFFF become U+FFFD, 0x80–0x9F are read as windows-1252), and named references by the
 * WHATWG table, where a legacy name without `;` (`&copy`) is left as written when `=` or an
 * ASCII letter or digit follows it. Anything else, a lone `&` included, stays as written. Values
 * without `&` are returned as they are.
 *
 * @example
 * ```ts
 * decodeAttribute("/p?a=1&amp;b=2&copy=3&#x41;"); // "/p?a=1&b=2&copy=3A"
 * decodeAttribute("&copy 2024 &notin;"); // "© 2024 ∉"
 * ```
 */
export function decodeAttribute(value: string): string {
  return decode(value, true);
}

/**
 * `value`, text between tags as written, with its character references decoded as the HTML
 * Standard does in text: as {@linkcode decodeAttribute}, except that a legacy name is decoded
 * whatever follows it (`&copy2024` is "©2024", `&notit;` is "¬it;").
 *
 * @example
 * ```ts
 * decodeText("Tom &amp; Jerry &copy2024 &hellip;"); // "Tom & Jerry ©2024 …"
 * ```
 */
export function decodeText(value: string): string {
  return decode(value, false);
}

function decode(value: string, inAttribute: boolean): string {
  let amp = value.indexOf("&");
  if (amp < 0) return value;
  const length = value.length;
  let out = "";
  let copied = 0; // value[copied, amp) is still to be copied to out
  while (amp >= 0) {
    let text: string | undefined;
    let end = amp + 1; // past the reference, once text is set
    const first = value.charCodeAt(end);
    if (first === HASH) {
      let i = amp + 2;
      const hex = (value.charCodeAt(i) | 0x20) === 0x78; // x or X
      if (hex) i++;
      const digits = i;
      let cp = 0; // stops growing past 0x10FFFF: any larger value gives U+FFFD anyway
      for (; i < length; i++) {
        const c = value.charCodeAt(i);
        const digit = hex ? hexDigit(c) : (c - 0x30) >>> 0 <= 9 ? c - 0x30 : -1;
        if (digit < 0) break;
        if (cp <= 0x10ffff) cp = cp * (hex ? 16 : 10) + digit;
      }
      if (i > digits) {
        text = codePointText(cp);
        end = value.charCodeAt(i) === SEMI ? i + 1 : i;
      }
    } else if (first === 0x61 && value.startsWith("mp;", amp + 2)) {
      text = "&"; // &amp;, the common case, without building the table
      end = amp + 5;
    } else if (((first | 0x20) - 0x61) >>> 0 <= 25) { // names start with an ASCII letter
      // The longest name in the table that the text after `&` starts with. Names are
      // alphanumeric, optionally ending in `;`, so it is the whole alphanumeric run with its `;`
      // or, failing that, the longest legacy name the run starts with.
      let i = amp + 2;
      while (i < length && isAlphanumeric(value.charCodeAt(i))) i++;
      const next = value.charCodeAt(i);
      if (next === SEMI) text = nameTable().get(value.slice(amp + 1, i + 1));
      if (text !== undefined) end = i + 1;
      else if (inAttribute) {
        // A legacy name shorter than the run is followed by a letter or digit and so, in an
        // attribute, not decoded: only the run itself can count, and only if no `=` follows it.
        if (next !== EQUALS && i - amp <= 7) { // legacy names have at most 6 characters
          text = nameTable().get(value.slice(amp + 1, i));
          end = i;
        }
      } else {
        for (end = Math.min(i, amp + 7); end > amp + 1; end--) {
          text = nameTable().get(value.slice(amp + 1, end));
          if (text !== undefined) break;
        }
      }
    }
    if (text !== undefined) {
      out += value.slice(copied, amp) + text;
      copied = end;
      amp = value.indexOf("&", end);
    } else {
      amp = value.indexOf("&", amp + 1);
    }
  }
  return copied === 0 ? value : out + value.slice(copied);
}
