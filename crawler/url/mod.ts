/**
 * URLs: the canonical form (the crawl's seen-set key), scope rules, and the URL list format.
 * @module
 */
export { canonicalUrl, tryCanonicalUrl } from "./canonical.ts";
export {
  type InScope,
  loadScope,
  makeScope,
  type ScopeMode,
  type ScopeReason,
  type ScopeVerdict,
} from "./scope.ts";
export { decodeInput, type ListEntry, parseUrlList } from "./list.ts";
export {
  AddressGuard,
  type AddressGuardOptions,
  nonPublicHost,
  nonPublicRange,
  type Resolver,
} from "./address.ts";
