/**
 * Character-encoding detection for HTML, in the WHATWG order: BOM, then the HTTP Content-Type
 * `charset`, then a `<meta>` prescan of the first 1024 bytes, then UTF-8 if the bytes are valid
 * UTF-8, else windows-1252. Labels are normalised by `TextDecoder`; an unknown label is ignored and
 * the next source is tried.
 * @module
 */

/** The canonical encoding name for a label (`"GB2312"` → `"gbk"`), or null when it is unknown. */
function encodingOf(label: string): string | null {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return null;
  }
}

function fromBom(b: Uint8Array): string | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return "utf-8";
  if (b[0] === 0xfe && b[1] === 0xff) return "utf-16be";
  if (b[0] === 0xff && b[1] === 0xfe) return "utf-16le";
  return null;
}

/** The `charset` parameter of a Content-Type header, unquoted. */
function headerCharset(contentType: string): string | null {
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

/** The charset in a meta `content` attribute ("extracting a character encoding from a meta"). */
function metaContentCharset(content: string): string | null {
  const m = /charset[\t\n\f\r ]*=[\t\n\f\r ]*(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r ;"']+))/i.exec(
    content,
  );
  return m ? (m[1] ?? m[2] ?? m[3]) : null;
}

// One attribute of a tag, as the prescan's "get an attribute" reads it (simplified).
const ATTR =
  /[\t\n\f\r /]*([^\t\n\f\r />][^\t\n\f\r />=]*)(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r >]*)))?/y;

function readAttributes(s: string, at: number): { attrs: Map<string, string>; end: number } {
  const attrs = new Map<string, string>();
  for (ATTR.lastIndex = at;;) {
    const m = ATTR.exec(s);
    if (!m) break;
    at = ATTR.lastIndex;
    const name = m[1].toLowerCase();
    if (!attrs.has(name)) attrs.set(name, m[2] ?? m[3] ?? m[4] ?? "");
  }
  return { attrs, end: at };
}

/** The WHATWG meta prescan over the first 1024 bytes; null when nothing usable is declared. */
function prescan(bytes: Uint8Array): string | null {
  const s = String.fromCharCode(...bytes.subarray(0, 1024)); // one char per byte
  for (let i = 0; i < s.length;) {
    if (s.startsWith("<!--", i)) {
      const end = s.indexOf("-->", i + 2);
      if (end < 0) return null;
      i = end + 3;
    } else if (/^<meta[\t\n\f\r /]/i.test(s.slice(i, i + 6))) {
      const { attrs, end } = readAttributes(s, i + 5);
      i = end + 1;
      const charset = attrs.get("charset");
      const pragma = attrs.get("http-equiv")?.toLowerCase() === "content-type";
      const fromContent = pragma ? metaContentCharset(attrs.get("content") ?? "") : null;
      const enc = (charset === undefined ? null : encodingOf(charset)) ??
        (fromContent === null ? null : encodingOf(fromContent));
      if (enc === "utf-16le" || enc === "utf-16be") return "utf-8";
      if (enc === "x-user-defined") return "windows-1252";
      if (enc) return enc;
    } else if (/^<\/?[a-z]/i.test(s.slice(i, i + 3))) {
      i = readAttributes(s, s.slice(i).search(/[\t\n\f\r >]|$/) + i).end + 1;
    } else if (/^<[!/?]/.test(s.slice(i, i + 2))) {
      const end = s.indexOf(">", i);
      if (end < 0) return null;
      i = end + 1;
    } else {
      i++;
    }
  }
  return null;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    // stream: a multi-byte sequence cut off by the end of a prefix is not an error.
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The encoding a browser would use for an HTML body (or a prefix of it), as a `TextDecoder` name.
 *
 * @example
 * ```ts
 * detectCharset(new TextEncoder().encode("<p>hi"), "text/html; charset=GB2312"); // "gbk"
 * detectCharset(new Uint8Array([0xe9]), null); // "windows-1252" (not valid UTF-8)
 * ```
 */
export function detectCharset(bytes: Uint8Array, contentType: string | null): string {
  return fromBom(bytes) ??
    (contentType === null ? null : headerEncoding(contentType)) ??
    prescan(bytes) ??
    (isUtf8(bytes) ? "utf-8" : "windows-1252");
}

/**
 * Decodes an HTML body (or a prefix of it) with {@linkcode detectCharset}'s encoding. A BOM is
 * removed; a multi-byte character cut off at the end of a prefix is dropped.
 *
 * @example
 * ```ts
 * decodeHtml(new Uint8Array([0xd6, 0xd0, 0xce, 0xc4]), "text/html; charset=gbk"); // "中文"
 * ```
 */
export function decodeHtml(bytes: Uint8Array, contentType: string | null): string {
  const encoding = detectCharset(bytes, contentType);
  let decoder = decoders.get(encoding);
  if (!decoder) decoders.set(encoding, decoder = new TextDecoder(encoding));
  const text = decoder.decode(bytes, { stream: true });
  decoder.decode(); // drops a cut-off character, and leaves the decoder clean for the next page
  return text;
}

/**
 * Decodes bytes that end on a character boundary (a page's head cut after ASCII markup) with
 * `encoding`, in one shot: several times cheaper than the streaming decode {@linkcode decodeHtml}
 * needs for a cut-off body. A BOM is removed.
 *
 * @example
 * ```ts
 * decodeWhole(new TextEncoder().encode("<title>é</title>"), "utf-8"); // "<title>é</title>"
 * ```
 */
export function decodeWhole(bytes: Uint8Array, encoding: string): string {
  let decoder = decoders.get(encoding);
  if (!decoder) decoders.set(encoding, decoder = new TextDecoder(encoding));
  return decoder.decode(bytes);
}

/**
 * The encoding a Content-Type names, or null. The last answer is kept: a server sends the same
 * type page after page, and normalising a label costs a decoder (1.3 us a list URL).
 */
function headerEncoding(contentType: string): string | null {
  if (contentType !== lastType) {
    const label = headerCharset(contentType);
    lastEncoding = label === null ? null : encodingOf(label);
    lastType = contentType;
  }
  return lastEncoding;
}
let lastType: string | undefined;
let lastEncoding: string | null = null;

/** One decoder per encoding, reused page after page (a BOM is still removed each time). */
const decoders = new Map<string, TextDecoder>();
