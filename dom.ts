/**
 * greencrawl's `./dom` entry: a standard DOM for scraping the pages a crawl hands to `onPage`.
 * It is a separate entry so that only its users download and load the DOM packages (`parse5`
 * builds the tree as the HTML standard says, `linkedom` provides the nodes).
 *
 * ```ts ignore
 * import { crawl } from "./mod.ts";
 * import { parseDocument } from "./dom.ts";
 * for await (const r of crawl(["http://127.0.0.1:8000/"], {
 *   onPage: ({ html }) => console.log(parseDocument(html).querySelector("h1")?.textContent),
 * })) console.log(r.url);
 * ```
 * @module
 */
export { type HtmlDocument, type HtmlElement, parseDocument } from "./crawler/html/document.ts";
export { linksFromDocument } from "./crawler/html/links.ts";
