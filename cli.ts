/**
 * `deno run --allow-net --allow-read cli.ts [options] <urls-file | ->`: greencrawl's command
 * line. The work is in `cli/main.ts`; `--help` lists every option.
 * @module
 */
export { main } from "./cli/main.ts";
import { main } from "./cli/main.ts";

if (import.meta.main) Deno.exitCode = await main(Deno.args);
