/**
 * The project's version: sent in the default User-Agent and printed by `--version`.
 * @module
 */

/** greencrawl's version. */
export const VERSION = "0.1.0";
