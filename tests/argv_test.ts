/**
 * `crawler/argv.ts` against `node:util`'s `parseArgs({ strict: true, allowPositionals: true })`,
 * which it replaces: the same results for valid command lines, rejection of the same invalid ones
 * (with a one-line message naming the offending option), exhaustively over every sequence of up
 * to three arguments from an alphabet of tricky ones, and the one documented divergence.
 * @module
 */
import { parseArgs } from "node:util";
import { ArgvError, type ArgvProblem, parseArgv } from "../cli/argv.ts";
import { parseCli } from "../cli/args.ts";
import { assert, assertEquals, test } from "./assert.ts";

/** The shapes `crawler/cli_args.ts` uses, plus a repeatable boolean. */
const SPEC = {
  concurrency: { type: "string", short: "c" },
  mode: { type: "string" },
  "max-bytes": { type: "string" },
  header: { type: "string", short: "H", multiple: true },
  include: { type: "string", multiple: true },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  "no-progress": { type: "boolean" },
  verbose: { type: "boolean", short: "v", multiple: true },
} as const;

type Outcome =
  | { ok: true; values: Record<string, unknown>; positionals: string[] }
  | { ok: false; problem: ArgvProblem | "other"; message: string; error: unknown };

function ours(args: string[]): Outcome {
  try {
    const { values, positionals } = parseArgv(args, SPEC);
    return { ok: true, values, positionals };
  } catch (error) {
    const problem = error instanceof ArgvError ? error.problem : "other";
    return { ok: false, problem, message: String((error as Error).message), error };
  }
}

/** `parseArgs`' outcome, its error classified the way `ArgvError.problem` does. */
function theirs(args: string[]): Outcome {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: SPEC,
      strict: true,
      allowPositionals: true,
    });
    return { ok: true, values, positionals };
  } catch (error) {
    const message = String((error as Error).message);
    const code = (error as { code?: string }).code;
    const problem: ArgvProblem | "other" = code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
      ? "unknown"
      : / argument missing$/.test(message)
      ? "missing-value"
      : / argument is ambiguous\./.test(message)
      ? "ambiguous-value"
      : / does not take an argument$/.test(message)
      ? "unexpected-value"
      : "other";
    return { ok: false, problem, message, error };
  }
}

const show = (args: string[]) => JSON.stringify(args);
const describe = (o: Outcome) =>
  o.ok ? JSON.stringify({ ...o.values, positionals: o.positionals }) : `throws ${o.message}`;

/** Valid command lines: both parsers must return the same values (null prototype included). */
const VALID: string[][] = [
  [],
  ["--concurrency", "4"],
  ["--concurrency=4"],
  ["-c", "4"],
  ["-c4"],
  ["-qh"],
  ["-qc4"],
  ["-qc", "4"],
  ["-hqvc", "8", "-", "x"],
  ["-cq"], // a string option takes the rest of the argument: concurrency "q"
  ["-c=4"], // "=4", as parseArgs has it
  ["-c="],
  ["-c-x"], // an attached value may start with -
  ["--concurrency=-x"],
  ["--concurrency", "-"], // a lone - is a value, not an option
  ["-c", "-"],
  ["-qc", "-"],
  ["-H", "-"],
  ["--concurrency="],
  ["--concurrency", ""],
  ["-c", ""],
  ["--header=a=b"],
  ["-c😀"],
  ["--max-bytes", "10MiB"],
  ["--no-progress"],
  ["--", "-q", "--bogus", "--"],
  ["--"],
  ["--", "--", "-"],
  ["-q", "--", "--"],
  ["-"],
  ["-", "-"],
  [""],
  ["a", "-q", "b"],
  ["urls.txt", "--quiet"],
  ["--quiet", "yes"], // a boolean never takes the next argument
  ["-c", "1", "--concurrency=2", "-c3"], // not multiple: the last one wins
  ["--mode", "fast", "--mode", "slow"],
  ["-q", "-q", "-qq", "--quiet"],
  ["-H", "a", "--header", "b", "-Hc", "--header=d"],
  ["--include", "a", "--include=b"],
  ["-vv", "--verbose", "-qv"],
];

/** Invalid command lines, with the option the message must name. */
const INVALID: [string[], string, ArgvProblem][] = [
  [["--bogus"], "--bogus", "unknown"],
  [["a", "--bogus", "b"], "--bogus", "unknown"],
  [["--help", "--bogus"], "--bogus", "unknown"],
  [["--bogus", "--help"], "--bogus", "unknown"],
  [["--con"], "--con", "unknown"], // no prefix matching
  [["--no-quiet"], "--no-quiet", "unknown"], // no negation
  [["--Quiet"], "--Quiet", "unknown"],
  [["---quiet"], "---quiet", "unknown"],
  [["--=x"], "--=x", "unknown"],
  [["--="], "--=", "unknown"],
  [["--constructor"], "--constructor", "unknown"],
  [["--toString"], "--toString", "unknown"],
  [["--__proto__"], "--__proto__", "unknown"],
  [["-x"], "-x", "unknown"],
  [["-qx"], "-x", "unknown"],
  [["-hqx4"], "-x", "unknown"],
  [["-1"], "-1", "unknown"],
  [["-="], "-=", "unknown"],
  [["-😀"], "-😀", "unknown"],
  [["--concurrency"], "--concurrency", "missing-value"],
  [["-c"], "-c", "missing-value"],
  [["-qc"], "-c", "missing-value"],
  [["-hc"], "-c", "missing-value"],
  [["--header"], "--header", "missing-value"],
  [["-H"], "-H", "missing-value"],
  [["-c", "4", "-c"], "-c", "missing-value"],
  [["--concurrency", "-x"], "--concurrency", "ambiguous-value"],
  [["--concurrency", "--x"], "--concurrency", "ambiguous-value"],
  [["--concurrency", "--"], "--concurrency", "ambiguous-value"],
  [["--concurrency", "--quiet"], "--concurrency", "ambiguous-value"],
  [["--mode", "-q"], "--mode", "ambiguous-value"],
  [["-c", "-1"], "-c", "ambiguous-value"],
  [["-qc", "-x"], "-c", "ambiguous-value"],
  [["-H", "--"], "-H", "ambiguous-value"],
  [["--include", "-x", "urls.txt"], "--include", "ambiguous-value"],
  [["--quiet=yes"], "--quiet", "unexpected-value"],
  [["--quiet="], "--quiet", "unexpected-value"],
  [["--no-progress=1"], "--no-progress", "unexpected-value"],
  [["--verbose=1"], "--verbose", "unexpected-value"],
  // parseArgs calls these an unknown option -= (see the divergences below).
  [["-q=yes"], "-q", "unexpected-value"],
  [["-hq=no"], "-q", "unexpected-value"],
];

test("argv: valid command lines parse as parseArgs parses them", () => {
  for (const args of VALID) {
    const [a, b] = [ours(args), theirs(args)];
    assertEquals(a, b, `${show(args)}: ours ${describe(a)}, parseArgs ${describe(b)}`);
    assert(a.ok && Object.getPrototypeOf(a.values) === null, `${show(args)}: null prototype`);
  }
});

test("argv: invalid command lines are rejected by both, with one line naming the option", () => {
  for (const [args, option, problem] of INVALID) {
    const [a, b] = [ours(args), theirs(args)];
    assert(!b.ok, `${show(args)}: parseArgs accepts it: ${describe(b)}`);
    assert(!a.ok, `${show(args)}: we accept it: ${describe(a)}`);
    assert(a.error instanceof ArgvError, `${show(args)}: ${String(a.error)}`);
    assertEquals(a.error.option, option, `${show(args)}: ${a.message}`);
    assertEquals(a.problem, problem, `${show(args)}: ${a.message}`);
    assert(a.message.includes(option), `${show(args)}: ${JSON.stringify(a.message)}`);
    assert(!a.message.includes("\n"), `${show(args)}: ${JSON.stringify(a.message)}`);
    if (args[0] !== "-q=yes" && args[0] !== "-hq=no") {
      assertEquals(a.problem, b.problem, `${show(args)}: ${a.message} / ${b.message}`);
    }
  }
});

test("argv: every sequence of up to three tricky arguments behaves as with parseArgs", () => {
  const alphabet = [
    "-c",
    "4",
    "--concurrency",
    "--concurrency=-5",
    "-q",
    "-qh",
    "-qc",
    "-cq",
    "-H",
    "--header=x",
    "-v",
    "--quiet=1",
    "-x",
    "--bogus",
    "--",
    "-",
    "",
  ];
  let count = 0;
  const check = (args: string[]) => {
    const [a, b] = [ours(args), theirs(args)];
    if (a.ok || b.ok) {
      assertEquals(a, b, `${show(args)}: ours ${describe(a)}, parseArgs ${describe(b)}`);
    } else {
      assertEquals(a.problem, b.problem, `${show(args)}: ${a.message} / ${b.message}`);
      assert(!a.message.includes("\n"), `${show(args)}: ${JSON.stringify(a.message)}`);
    }
    count++;
  };
  for (const x of alphabet) {
    check([x]);
    for (const y of alphabet) {
      check([x, y]);
      for (const z of alphabet) check([x, y, z]);
    }
  }
  assertEquals(count, 17 + 17 ** 2 + 17 ** 3);
});

test("argv: a - inside a short group is an error, where parseArgs reads it as --", () => {
  // parseArgs expands -q- to -q --, so whatever follows silently becomes positional.
  assertEquals(theirs(["-q-", "-h"]), ours(["-q", "--", "-h"]));
  assertEquals(theirs(["-qh-c"]).ok, true);
  for (const args of [["-q-"], ["-q-", "-h"], ["-qh-c"], ["-q--"]]) {
    const a = ours(args);
    assert(!a.ok && a.error instanceof ArgvError, show(args));
    assertEquals([a.error.option, a.problem], [args[0], "unknown"]);
    assertEquals(a.message, `unknown option ${args[0]}: - is not an option letter`);
  }
});

test("argv: the messages", () => {
  const message = (args: string[]) => {
    const a = ours(args);
    assert(!a.ok, show(args));
    return a.message;
  };
  assertEquals(message(["--bogus"]), "unknown option --bogus");
  assertEquals(message(["-x"]), "unknown option -x");
  assertEquals(message(["-qx"]), "unknown option -x in -qx");
  assertEquals(message(["--concurrency"]), "--concurrency needs a value");
  assertEquals(message(["-c"]), "-c (--concurrency) needs a value");
  assertEquals(message(["-qc"]), "-c (--concurrency) needs a value");
  assertEquals(
    message(["--concurrency", "-5"]),
    "--concurrency needs a value, but the next argument -5 looks like an option; " +
      "if -5 is the value, write --concurrency=-5",
  );
  assertEquals(
    message(["-c", "-5"]),
    "-c (--concurrency) needs a value, but the next argument -5 looks like an option; " +
      "if -5 is the value, write -c-5 or --concurrency=-5",
  );
  assertEquals(message(["--quiet=yes"]), "--quiet does not take a value, got --quiet=yes");
  assertEquals(message(["-q=yes"]), "-q (--quiet) does not take a value, got -q=yes");
});

test("argv: a malformed spec is a TypeError, as with parseArgs", () => {
  const specs = [
    { a: { type: "string", short: "ab" } },
    { a: { type: "string", short: "" } },
    { a: { type: "number" } },
  ] as const;
  for (const spec of specs) {
    for (
      const parse of [
        () => parseArgv([], spec as never),
        () => parseArgs({ options: spec as never }),
      ]
    ) {
      let error: unknown;
      try {
        parse();
      } catch (e) {
        error = e;
      }
      assert(error instanceof TypeError, `${JSON.stringify(spec)}: ${String(error)}`);
    }
  }
  // Stricter than parseArgs, which lets the first of two options with one short name win.
  let error: unknown;
  try {
    parseArgv([], { a: { type: "boolean", short: "x" }, b: { type: "boolean", short: "x" } });
  } catch (e) {
    error = e;
  }
  assert(error instanceof TypeError && /-x is already a/.test(error.message), String(error));
});

test("argv: through parseCli, a usage error of one line; unknown options get a hint", () => {
  const usage = (args: string[]) => {
    const action = parseCli(args);
    assert(action.kind === "usage-error", `${show(args)}: ${action.kind}`);
    assert(!action.message.includes("\n"), JSON.stringify(action.message));
    return action.message;
  };
  assertEquals(
    usage(["--concurency", "50", "urls.txt"]),
    "unknown option --concurency " +
      "(--help lists the options; put a file name that starts with - after --)",
  );
  assertEquals(usage(["--max-pages", "-1", "urls.txt"]).split(",")[0], "--max-pages needs a value");
  assertEquals(usage(["-q=yes", "urls.txt"]), "-q (--quiet) does not take a value, got -q=yes");
  const run = parseCli(["-qc4", "-H", "a: 1", "--header=b: 2", "--", "-urls.txt"]);
  assert(run.kind === "run", run.kind);
  assertEquals(
    [run.options.quiet, run.options.concurrency, run.options.headers, run.options.input],
    [true, 4, [["a", "1"], ["b", "2"]], "-urls.txt"],
  );
});
