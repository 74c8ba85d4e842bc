/**
 * The durable frontier: a crawl's (or a URL list's) state in one SQLite file, so a rerun of the
 * same command resumes where a crash or Ctrl-C stopped it ({@linkcode SqliteState}).
 * @module
 */
export {
  type CommittedOutput,
  SqliteState,
  STATE_SCHEMA,
  StateError,
  type StateSettings,
} from "./state.ts";
export { COMMIT_MS, COMMIT_PAGES, JOB_STATE, SqliteJournal } from "./journal.ts";
