/**
 * Static-directory mode of the test site: serve real files from one directory, with the
 * Content-Type their extension calls for, and nothing from outside it.
 * @module
 */

import { extname, join, resolve, sep } from "node:path";

/** Content-Type by lower-case file extension; anything else is `application/octet-stream`. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".xhtml": "application/xhtml+xml; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".pdf": "application/pdf",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".gz": "application/gzip",
  ".zip": "application/zip",
});

/**
 * The Content-Type for a file name, from its extension.
 *
 * @example
 * ```ts
 * contentTypeOf("index.HTML"); // "text/html; charset=utf-8"
 * contentTypeOf("blob.bin"); // "application/octet-stream"
 * ```
 */
export function contentTypeOf(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";
}

/** What the static handler decided for one request path. */
export type StaticResult =
  | { status: 200; body: Uint8Array<ArrayBuffer>; contentType: string }
  | { status: 301; location: string }
  | { status: 400 | 403 | 404 };

/** Files up to this size stay cached in memory after their first read. */
const CACHE_FILE_BYTES = 1024 * 1024;

/**
 * Make a resolver for files under `root`. `lookup(pathname)` takes the raw, still
 * percent-encoded URL path and answers:
 * - 200 with the bytes of the file (`/dir/` serves `dir/index.html`);
 * - 301 to `path/` for a directory asked for without its trailing slash;
 * - 400 for a path whose decoded segments contain `..`, `.`, `/`, `\` or NUL (traversal);
 * - 403 for a file that resolves (through a symlink) outside `root`;
 * - 404 for anything missing.
 *
 * Files are assumed not to change while serving: small ones are cached after the first read.
 *
 * @example
 * ```ts
 * const lookup = staticFiles("bench/site/fixture");
 * const r = await lookup("/");
 * if (r.status === 200) console.log(r.contentType, r.body.length);
 * (await lookup("/..%2fgraph.ts")).status; // 400
 * ```
 */
export function staticFiles(root: string): (pathname: string) => Promise<StaticResult> {
  const realRoot = Deno.realPathSync(resolve(root));
  if (!Deno.statSync(realRoot).isDirectory) throw new Error(`not a directory: ${root}`);
  const cache = new Map<string, StaticResult>();

  async function find(pathname: string): Promise<StaticResult> {
    const segments: string[] = [];
    for (const raw of pathname.split("/").slice(1)) {
      let seg: string;
      try {
        seg = decodeURIComponent(raw);
      } catch {
        return { status: 400 };
      }
      if (seg === "." || seg === ".." || /[/\\\0]/.test(seg)) return { status: 400 };
      segments.push(seg);
    }
    const wantsDir = segments.length === 0 || segments[segments.length - 1] === "";
    const parts = segments.filter((s) => s !== "");
    let file = join(realRoot, ...parts);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(file);
      if (info.isDirectory) {
        if (!wantsDir) return { status: 301, location: pathname + "/" };
        file = join(file, "index.html");
        info = await Deno.stat(file);
      } else if (wantsDir) return { status: 404 };
      if (!info.isFile) return { status: 404 };
      const real = await Deno.realPath(file);
      if (!real.startsWith(realRoot + sep)) return { status: 403 };
      return { status: 200, body: await Deno.readFile(real), contentType: contentTypeOf(real) };
    } catch (err) {
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
        return { status: 404 };
      }
      throw err;
    }
  }

  return async (pathname: string): Promise<StaticResult> => {
    const hit = cache.get(pathname);
    if (hit) return hit;
    const result = await find(pathname);
    if (result.status !== 200 || result.body.length <= CACHE_FILE_BYTES) {
      if (cache.size < 100_000) cache.set(pathname, result);
    }
    return result;
  };
}
