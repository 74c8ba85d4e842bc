/**
 * The command line's parsing (`cli/args.ts`, over `node:util` `parseArgs`): values, several
 * inputs, and every kind of usage error as one line that names the option as it was written.
 *
 * Run: deno test tests/args_test.ts
 */
import { type CliAction, parseCli } from "../cli/args.ts";
import { HELP } from "../cli/help.ts";
import { assert, assertEquals, test } from "./assert.ts";

const HINT = " (--help lists the options; put a file name that starts with - after --)";

function options(action: CliAction) {
  assert(action.kind === "run", `expected a run, got ${JSON.stringify(action)}`);
  return action.options;
}

function usageError(args: string[]): string {
  const action = parseCli(args);
  assert(action.kind === "usage-error", `${JSON.stringify(args)}: ${JSON.stringify(action)}`);
  assert(!action.message.includes("\n"), `not one line: ${JSON.stringify(action.message)}`);
  return action.message;
}

test("parseCli: inputs in order, options anywhere, -- ends the options", () => {
  const o = options(
    parseCli(["https://a.test/", "-qc4", "urls.txt", "-H", "a: 1", "-", "--header=b: 2"]),
  );
  assertEquals(o.inputs, ["https://a.test/", "urls.txt", "-"]);
  assertEquals(o.concurrency, 4);
  assertEquals(o.quiet, true);
  assertEquals(o.headers, [["a", "1"], ["b", "2"]]);
  assertEquals(options(parseCli(["--", "-odd-name.txt", "--depth"])).inputs, [
    "-odd-name.txt",
    "--depth",
  ]);
  // A value may start with - when attached; - alone is a value too.
  assertEquals(options(parseCli(["-A-bot", "-o", "-", "x"])).userAgent, "-bot");
  assertEquals(options(parseCli(["--user-agent=-bot", "x"])).userAgent, "-bot");
  // The last of a repeated option wins, as in parseArgs.
  assertEquals(options(parseCli(["-c", "1", "-c", "2", "x"])).concurrency, 2);
});

test("parseCli: --help and --version print; no input is a usage error", () => {
  assertEquals(parseCli(["--help"]), { kind: "print", text: HELP });
  assertEquals(parseCli(["-h", "urls.txt"]), { kind: "print", text: HELP });
  const version = parseCli(["--version"]);
  assert(version.kind === "print" && /^greencrawl \d+\.\d+\.\d+\n$/.test(version.text));
  assertEquals(
    usageError([]),
    "missing input: give URLs or list files (- for standard input; --help for usage)",
  );
  assertEquals(usageError(["-q"]), usageError([]));
});

test("parseCli: parseArgs' errors become one line naming the option as written", () => {
  const cases: [string[], string][] = [
    [["--bogus", "x"], `unknown option --bogus${HINT}`],
    [["--concurency=4", "x"], `unknown option --concurency${HINT}`],
    [["-x", "f"], `unknown option -x${HINT}`],
    [["-qx", "f"], `unknown option -x in -qx${HINT}`],
    [["-c"], "-c (--concurrency) needs a value"],
    [["x", "--concurrency"], "--concurrency needs a value"],
    [["x", "-qc"], "-c (--concurrency) needs a value"],
    [
      ["-c", "-q", "x"],
      "-c (--concurrency) needs a value, but the next argument -q looks like an option; " +
      "if -q is the value, write -c-q or --concurrency=-q",
    ],
    [
      ["--user-agent", "-bot", "x"],
      "--user-agent needs a value, but the next argument -bot looks like an option; " +
      "if -bot is the value, write --user-agent=-bot",
    ],
    [["--quiet=yes", "x"], "--quiet does not take a value, got --quiet=yes"],
    [["-q=yes", "x"], "-q (--quiet) does not take a value, got -q=yes"],
    // parseArgs reads -q- as "-q --" and would take "-c 3" as two inputs.
    [["-q-", "-c", "3", "x"], `unknown option -q-: - is not an option letter${HINT}`],
  ];
  for (const [args, message] of cases) assertEquals(usageError(args), message, args.join(" "));
});

test("parseCli: values are validated after parsing, naming the option", () => {
  assertEquals(
    usageError(["-c", "0", "x"]),
    '--concurrency must be a whole number from 1 to 100000, got "0"',
  );
  assertEquals(
    usageError(["--concurrency=-5", "x"]),
    '--concurrency must be a whole number from 1 to 100000, got "-5"',
  );
  assertEquals(
    usageError(["--mode", "fast", "x"]),
    "--mode must be one of concurrent, sequential, blocking, got fast",
  );
  assertEquals(
    usageError(["--sweep", "1,2", "-c", "4", "x"]),
    "--sweep runs the URL list in concurrent mode at each N; it cannot go with --concurrency",
  );
});

test("--help: the inputs, the least permissions, and every option it parses", () => {
  for (
    const text of [
      "<input>...",
      "https://example.org/",
      "standard input",
      "--allow-read=<file>",
      "--allow-write=<file>",
      "deno run --allow-net cli.ts https://",
      "--allow-read=urls.txt cli.ts urls.txt",
      "--v8-flags=--max-semi-space-size=4,--max-old-space-size=1024",
      "--depth 5 \\\n    --state", // a continued example keeps its line break
    ]
  ) assert(HELP.includes(text), `--help does not mention ${text}`);
  // Every long option the parser accepts is documented (and every documented one parses);
  // the V8 flags inside `--v8-flags=…` are not ours.
  const documented = new Set(HELP.match(/(?<![\w=,-])--[a-z][a-z-]+/g));
  for (const flag of documented) {
    if (flag.startsWith("--allow-") || flag === "--v8-flags") continue; // Deno's own flags
    const action = parseCli([flag, "1", "x"]);
    const message = action.kind === "usage-error" ? action.message : "";
    assert(!message.startsWith("unknown option"), `--help documents ${flag}: ${message}`);
  }
  for (
    const flag of ["--concurrency", "--max-bytes", "--ignore-robots", "--no-progress", "--sweep"]
  ) assert(documented.has(flag), `--help does not document ${flag}`);
});
