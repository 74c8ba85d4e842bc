/**
 * The standard DOM for scraping hooks: {@linkcode parseDocument} builds it with `parse5` (the
 * spec's tree construction) writing `linkedom` nodes. Why this pair, with measurements, is in
 * `html.ts`, next to the link scanner that crawling uses instead. `crawl()` imports this module
 * only when an `onPage` hook is given.
 * @module
 */
// Inline pinned specifiers: mod.ts must work when imported by URL, without an import map.
// deno-lint-ignore no-import-prefix
import { DOMParser } from "npm:linkedom@0.18.15";
// deno-lint-ignore no-import-prefix
import { parse, type TreeAdapter, type TreeAdapterTypeMap } from "npm:parse5@8.1.1";

/** An element of the document from {@linkcode parseDocument} (a subset of the DOM `Element`). */
export interface HtmlElement {
  /** Upper-case tag name for HTML elements, e.g. `"A"`. */
  readonly tagName: string;
  /** Lower-case tag name, e.g. `"a"`. */
  readonly localName: string;
  /** The text of the element and its descendants. */
  readonly textContent: string | null;
  /** The element's markup, without itself. */
  readonly innerHTML: string;
  /** The element's markup. */
  readonly outerHTML: string;
  /** Child elements. */
  readonly children: ArrayLike<HtmlElement> & Iterable<HtmlElement>;
  /** The parent element, or null. */
  readonly parentElement: HtmlElement | null;
  /** The attribute's value, or null when absent. */
  getAttribute(name: string): string | null;
  /** Whether the attribute is present. */
  hasAttribute(name: string): boolean;
  /** The first descendant matching a CSS selector. */
  querySelector(selectors: string): HtmlElement | null;
  /** All descendants matching a CSS selector, in document order. */
  querySelectorAll(selectors: string): ArrayLike<HtmlElement> & Iterable<HtmlElement>;
  /** Whether the element matches a CSS selector. */
  matches(selectors: string): boolean;
  /** The nearest inclusive ancestor matching a CSS selector. */
  closest(selectors: string): HtmlElement | null;
}

/** A parsed HTML document (a subset of the DOM `Document`; linkedom underneath). */
export interface HtmlDocument {
  /** The text of the first `<title>`, as written (browsers also collapse whitespace). */
  readonly title: string;
  /** The `<html>` element (always present: the parser adds omitted html/head/body). */
  readonly documentElement: HtmlElement;
  /** The `<head>` element. */
  readonly head: HtmlElement;
  /** The `<body>` element. */
  readonly body: HtmlElement;
  /** The first element matching a CSS selector. */
  querySelector(selectors: string): HtmlElement | null;
  /** All elements matching a CSS selector, in document order. */
  querySelectorAll(selectors: string): ArrayLike<HtmlElement> & Iterable<HtmlElement>;
  /** The element with this id. */
  getElementById(id: string): HtmlElement | null;
  /** All elements with this tag name. */
  getElementsByTagName(name: string): ArrayLike<HtmlElement> & Iterable<HtmlElement>;
}

/**
 * Parse HTML into a standard DOM document, as a browser with scripting off would build it (for
 * scraping hooks; crawling uses `scanLinks` from `html.ts`). Never throws.
 *
 * @param html The page's markup, decoded (as `onPage` hands it over).
 * @returns The document, with the html, head and body elements the parser adds when omitted.
 * @example
 * ```ts
 * const doc = parseDocument("<title>Hi</title><ul><li><A HREF='/a'>A</A></ul>");
 * doc.title; // "Hi"
 * [...doc.querySelectorAll("li a")].map((a) => a.getAttribute("href")); // ["/a"]
 * doc.body.textContent; // "A"
 * ```
 */
export function parseDocument(html: string): HtmlDocument {
  const doc = new DOMParser().parseFromString("", "text/html") as unknown as Dom;
  while (doc.firstChild) doc.removeChild(doc.firstChild);
  try {
    parse(html, { treeAdapter: linkedomAdapter(doc), scriptingEnabled: false });
  } catch {
    // parse5 does not throw on bad markup; if a DOM call did, keep the tree built so far
  }
  return doc as unknown as HtmlDocument;
}

/** The linkedom node members the tree builder uses (its typings assume lib.dom, absent in Deno). */
interface Dom {
  nodeType: number;
  nodeValue: string;
  localName: string;
  name: string;
  parentNode: Dom | null;
  firstChild: Dom | null;
  lastChild: Dom | null;
  previousSibling: Dom | null;
  childNodes: Dom[];
  attributes: Iterable<{ name: string; value: string }>;
  doctype: string | null;
  appendChild(node: Dom): void;
  insertBefore(node: Dom, ref: Dom): void;
  removeChild(node: Dom): void;
  hasAttribute(name: string): boolean;
  setAttribute(name: string, value: string): void;
  createElement(name: string): Dom;
  createElementNS(ns: string, name: string): Dom;
  createTextNode(text: string): Dom;
  createComment(text: string): Dom;
  createDocumentFragment(): Dom;
}

type DomMap = TreeAdapterTypeMap<Dom, Dom, Dom, Dom, Dom, Dom, Dom, Dom, Dom, Dom>;
type Attr = { name: string; value: string; prefix?: string };
const HTML_NS = "http://www.w3.org/1999/xhtml";

/** parse5's tree construction, writing into a linkedom document. */
function linkedomAdapter(doc: Dom): TreeAdapter<DomMap> {
  const namespaces = new WeakMap<Dom, string>(); // linkedom reports XHTML for every element
  let mode = "no-quirks";
  const text = (p: Dom, value: string, ref: Dom | null) => {
    const prev = ref === null ? p.lastChild : ref.previousSibling;
    if (prev !== null && prev.nodeType === 3) prev.nodeValue += value;
    else if (ref === null) p.appendChild(doc.createTextNode(value));
    else p.insertBefore(doc.createTextNode(value), ref);
  };
  return {
    createDocument: () => doc,
    createDocumentFragment: () => doc.createDocumentFragment(),
    createElement(tag: string, ns: string, attrs: Attr[]) {
      const el = ns === HTML_NS ? doc.createElement(tag) : doc.createElementNS(ns, tag);
      namespaces.set(el, ns);
      for (const a of attrs) el.setAttribute(a.prefix ? `${a.prefix}:${a.name}` : a.name, a.value);
      return el;
    },
    createCommentNode: (data) => doc.createComment(data),
    createTextNode: (value) => doc.createTextNode(value),
    appendChild: (parent, node) => parent.appendChild(node),
    insertBefore: (parent, node, ref) => parent.insertBefore(node, ref),
    // linkedom keeps template contents as the template's children (and hides them from queries).
    setTemplateContent: () => {},
    getTemplateContent: (template) => template,
    setDocumentType: (d, name) => void (d.doctype = name),
    setDocumentMode: (_, m) => void (mode = m),
    getDocumentMode: () => mode as ReturnType<TreeAdapter<DomMap>["getDocumentMode"]>,
    detachNode: (node) => node.parentNode?.removeChild(node),
    insertText: (parent, value) => text(parent, value, null),
    insertTextBefore: (parent, value, ref) => text(parent, value, ref),
    adoptAttributes(el, attrs) {
      for (const a of attrs) if (!el.hasAttribute(a.name)) el.setAttribute(a.name, a.value);
    },
    getFirstChild: (node) => node.firstChild,
    getChildNodes: (node) => node.childNodes,
    getParentNode: (node) => node.parentNode,
    getAttrList: (el) => [...el.attributes].map(({ name, value }) => ({ name, value })),
    getTagName: (el) => el.localName,
    getNamespaceURI: (el) =>
      (namespaces.get(el) ?? HTML_NS) as ReturnType<TreeAdapter<DomMap>["getNamespaceURI"]>,
    getTextNodeContent: (node) => node.nodeValue,
    getCommentNodeContent: (node) => node.nodeValue,
    getDocumentTypeNodeName: (node) => node.name,
    getDocumentTypeNodePublicId: () => "",
    getDocumentTypeNodeSystemId: () => "",
    isTextNode: (node): node is Dom => node.nodeType === 3,
    isCommentNode: (node): node is Dom => node.nodeType === 8,
    isDocumentTypeNode: (node): node is Dom => node.nodeType === 10,
    isElementNode: (node): node is Dom => node.nodeType === 1,
    setNodeSourceCodeLocation: () => {},
    getNodeSourceCodeLocation: () => undefined,
    updateNodeSourceCodeLocation: () => {},
  };
}
