/**
 * Measuring what green threads buy: the same list run in each mode ({@linkcode compare}), and at
 * several concurrencies ({@linkcode sweep}).
 * @module
 */
export {
  compare,
  type CompareOptions,
  formatCompare,
  measure,
  type ModeResult,
} from "./compare.ts";
export {
  formatSweep,
  sweep,
  type SweepOptions,
  sweepPoints,
  type SweepResult,
  sweepRuns,
} from "./sweep.ts";
