/**
 * Making network-derived text safe for a terminal or a one-line report field.
 * @module
 */

import type { FetchRecord } from "../record.ts";

// Whole escape sequences, so their parameters do not leak out as visible junk.
const ESCAPES = new RegExp(
  [
    // CSI (ESC [ or 8-bit U+009B): parameter bytes, intermediate bytes, final byte.
    String.raw`(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]`,
    // OSC, DCS, SOS, PM, APC strings up to BEL or ST — or to the end, as a terminal would swallow it.
    String.raw`\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|\x9c|$)`,
    // Their 8-bit forms only when terminated: a stray U+0090/U+009D also comes from windows-1252
    // text (undefined bytes), and must not eat the rest of a title. Unterminated, it is just removed.
    // (Stopping at another introducer keeps a long run of them linear.)
    String.raw`[\x90\x98\x9d-\x9f][^\x07\x9c\x1b\x90\x98\x9d-\x9f]*(?:\x07|\x1b\\|\x9c)`,
    // Any other ESC sequence (ESC c, ESC ( B, ESC 7…), or a lone ESC.
    String.raw`\x1b[ -/]*[0-~]?`,
  ].join("|"),
  "g",
);
// C0 controls, DEL and C1 controls; the whitespace-like ones are handled first.
// deno-lint-ignore no-control-regex
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;
const CONTROL_SPACES = /[\t\n\v\f\r\x85]/g;
// Bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
// What the steps below would change: controls, bidi, whitespace other than single inner spaces.
// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|[^\S ]| {2}|^ | $/;

/** True when {@linkcode stripControl} would return `text` unchanged (most URLs, titles, types). */
function safe(text: string): boolean {
  return !UNSAFE.test(text) && text.isWellFormed();
}

/**
 * Turns untrusted text into one safe line: removes ANSI/OSC escape sequences as whole sequences,
 * C0/C1 controls and DEL (tab, CR, LF, VT, FF and NEL become spaces), bidi overrides and isolates,
 * and lone surrogates (replaced by U+FFFD); then collapses whitespace runs to one space and trims.
 *
 * @param text Untrusted text (from the network or the input).
 * @returns One line that is safe to print.
 *
 * @example
 * ```ts
 * stripControl("\x1b[31mred\x1b[0m\r\n title\u202e"); // "red title"
 * ```
 */
export function stripControl(text: string): string {
  if (safe(text)) return text;
  return text
    .toWellFormed()
    .replace(ESCAPES, "")
    .replace(CONTROL_SPACES, " ")
    .replace(CONTROLS, "")
    .replace(BIDI, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The record with every string (URLs, content type, title, error message, redirect chain,
 * location, crawler) passed through {@linkcode stripControl}: `r` itself when they are all safe
 * already (most records), else a copy, keys in {@linkcode FetchRecord} order. Outputs use it so that no
 * network-derived text reaches a terminal or a file unsanitised.
 *
 * @param r A record as the run produced it.
 * @returns A record whose every string is what `stripControl` makes of it.
 *
 * @example
 * ```ts
 * import { blankRecord } from "../record.ts";
 * const r = { ...blankRecord("http://example.com/"), title: "\x1b[31mHello\x1b[0m" };
 * sanitizeRecord(r).title; // "Hello"
 * ```
 */
export function sanitizeRecord(r: FetchRecord): FetchRecord {
  if (safeRecord(r)) return r;
  const clean: FetchRecord = {
    ...r,
    redirectChain: r.redirectChain.map(stripControl),
    error: r.error && { code: r.error.code, message: stripControl(r.error.message) },
  };
  for (const field of TEXT_FIELDS) {
    const value = r[field];
    if (value !== null) clean[field] = stripControl(value);
  }
  return clean;
}

/** The record's text fields besides `redirectChain` and `error.message`: one list for both checks. */
const TEXT_FIELDS = [
  "url",
  "finalUrl",
  "parent",
  "contentType",
  "title",
  "location",
  "crawler",
] as const satisfies readonly (keyof FetchRecord)[];

/** True when every string of `r` is {@linkcode safe}. */
function safeRecord(r: FetchRecord): boolean {
  for (const field of TEXT_FIELDS) {
    const value = r[field];
    if (value !== null && !safe(value)) return false;
  }
  return r.redirectChain.every(safe) && (r.error === null || safe(r.error.message));
}
