/**
 * Escaping for the HTML report: every string that came from the network (URLs, titles, error
 * messages, content types, hosts) goes through here before it reaches the page.
 * @module
 */

import { stripControl } from "../format/sanitize.ts";

/**
 * Makes network text one safe line with `stripControl` (escape sequences, control characters and
 * bidi overrides removed, whitespace collapsed), then cuts it to `max` characters (an ellipsis
 * marks a cut).
 *
 * @example
 * ```ts
 * import { cleanText } from "./escape.ts";
 * cleanText("a\u0000b\nc"); // "ab c"
 * cleanText("abcdef", 4); // "abc…"
 * ```
 */
export function cleanText(text: string, max = Infinity): string {
  const clean = stripControl(text);
  if (clean.length <= max) return clean;
  return clean.slice(0, Math.max(0, max - 1)) + "…";
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML element content and quoted attribute values (control characters are
 * removed too).
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./escape.ts";
 * escapeHtml('<a href="x">'); // "&lt;a href=&quot;x&quot;&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return cleanText(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Serialises a value as JSON that is safe inside `<script type="application/json">`: `<`, `>`
 * and `&` become `\u003c`, `\u003e`, `\u0026`, so no `</script>` or `<!--` can appear, and
 * U+2028/U+2029 are escaped too. `JSON.parse` of the element's text gives the value back.
 *
 * @example
 * ```ts
 * import { jsonForScript } from "./escape.ts";
 * jsonForScript({ url: "</script>" }); // '{"url":"\\u003c/script\\u003e"}'
 * ```
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}
