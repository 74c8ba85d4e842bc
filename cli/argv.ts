/**
 * A small strict command-line parser: long and short options, `--`, positionals anywhere.
 *
 * Why it exists: `node:util`'s `parseArgs` was the CLI's only reason to load `node:util`, which
 * costs start-up time on every run, and the project benchmarks whole-process wall time (a
 * 2,000-page crawl takes ~0.4 s). The cost is ~9 ms for a script that imports nothing else, but
 * only ~2 ms in `cli.ts`, because `green/` already loads Deno's Node compatibility for
 * `node:async_hooks`, `node:timers` and `node:worker_threads`. `@std/cli` cannot be installed
 * (JSR is unreachable here), and its minimist-style `parseArgs` accepts unknown flags without a
 * word, so a typo such as `--concurency 50` would run with the default.
 *
 * The semantics are those of `parseArgs({ strict: true, allowPositionals: true })`, for the
 * subset this project uses. `tests/argv_test.ts` checks them against `parseArgs` itself:
 *
 * - `--name value` and `--name=value`; `-c value` and `-cvalue`; `-qh` groups short booleans. A
 *   string option inside a group takes the rest of the group as its value (`-qc4`), or the next
 *   argument when it comes last (`-qc 4`).
 * - `--` ends the options: everything after it is positional. A lone `-` (standard input) is
 *   positional, and so is anything else that does not start with `-`, wherever it stands.
 * - A non-`multiple` option given twice keeps the last value (`-c 1 -c 2` gives `"2"`), as
 *   `parseArgs` does. A `multiple` option collects its values in order.
 * - Errors: an unknown option; a string option without a value; a string option whose separate
 *   value starts with `-` (ambiguous, so `--name -x` is rejected while `--name=-x`, `-c-x` and
 *   `--name -` are accepted); a boolean with a value (`--quiet=yes`).
 *
 * Where it differs, it is stricter or clearer than `parseArgs`:
 *
 * - `-` inside a short group (`-q-`) is an error. `parseArgs` reads it as `--` and silently
 *   turns the rest of the command line into positionals.
 * - `-q=yes` is reported as "`-q` does not take a value" (`parseArgs`: unknown option `-=`).
 * - Error messages are one line, and name the option as it was written (with its long name when
 *   it was written short). Some of `parseArgs`' messages span three lines.
 * - Two options with the same short name are a `TypeError` (`parseArgs` lets the first win).
 *
 * Not supported: defaults, `--no-` negation, tokens, and rejecting positionals.
 * @module
 */

/** One option: its value type, an optional one-character short name, and repeatability. */
export interface OptionSpec {
  /** `"string"` takes a value; `"boolean"` is a flag and takes none. */
  type: "string" | "boolean";
  /** A single character: `"c"` allows `-c`. */
  short?: string;
  /** Collect every occurrence into an array instead of keeping the last one. */
  multiple?: boolean;
}

/** The options a command accepts, by long name (`"max-bytes"` is `--max-bytes`). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The value of one occurrence of an option: a string, or `true` for a flag. */
export type OptionValue<O extends OptionSpec> = O["type"] extends "string" ? string : boolean;

/** The parsed options: absent unless given; arrays for `multiple` ones. */
export type ArgvValues<S extends OptionSpecs> = {
  -readonly [K in keyof S]?: S[K] extends { multiple: true } ? OptionValue<S[K]>[]
    : OptionValue<S[K]>;
};

/** What {@linkcode parseArgv} returns. */
export interface ParsedArgv<S extends OptionSpecs> {
  /** The options given, in a null-prototype object (as `parseArgs` returns them). */
  values: ArgvValues<S>;
  /** The other arguments, in order. */
  positionals: string[];
}

/** Why a command line was rejected. */
export type ArgvProblem = "unknown" | "missing-value" | "ambiguous-value" | "unexpected-value";

/**
 * A command-line argument the spec does not allow. The message is one line and names the option.
 *
 * @example
 * ```ts
 * import { ArgvError, parseArgv } from "./argv.ts";
 * try {
 *   parseArgv(["--bogus"], { quiet: { type: "boolean" } });
 * } catch (error) {
 *   if (error instanceof ArgvError) console.log(error.option, error.problem); // --bogus unknown
 * }
 * ```
 */
export class ArgvError extends Error {
  /** Creates the error. */
  constructor(
    /** The option as written: `--bogus`, `-x`, `-c`; a whole short group when no single letter is to blame. */
    readonly option: string,
    /** What is wrong with it. */
    readonly problem: ArgvProblem,
    message: string,
  ) {
    super(message);
    this.name = "ArgvError";
  }
}

/**
 * Parses `args` strictly against `options`; throws {@linkcode ArgvError} for anything the spec
 * does not allow, and `TypeError` for a malformed spec.
 *
 * @example
 * ```ts
 * import { parseArgv } from "./argv.ts";
 * const { values, positionals } = parseArgv(["-qc4", "-H", "a: 1", "urls.txt", "--header=b: 2"], {
 *   concurrency: { type: "string", short: "c" },
 *   header: { type: "string", short: "H", multiple: true },
 *   quiet: { type: "boolean", short: "q" },
 * });
 * console.log(values.concurrency, values.header, values.quiet); // 4 [ "a: 1", "b: 2" ] true
 * console.log(positionals); // [ "urls.txt" ]
 * ```
 */
export function parseArgv<const S extends OptionSpecs>(
  args: readonly string[],
  options: S,
): ParsedArgv<S> {
  const shorts = shortNames(options);
  const values: Record<string, string | boolean | (string | boolean)[]> = Object.create(null);
  const positionals: string[] = [];
  const store = (name: string, value: string | boolean) => {
    if (!options[name].multiple) values[name] = value;
    else ((values[name] ??= []) as (string | boolean)[]).push(value);
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.length < 2 || arg[0] !== "-") {
      positionals.push(arg);
    } else if (arg[1] === "-") {
      // --name or --name=value. As in parseArgs, "=" right after "--" is part of the name.
      const eq = arg.indexOf("=", 3);
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const written = `--${name}`;
      if (!Object.hasOwn(options, name)) {
        throw new ArgvError(written, "unknown", `unknown option ${written}`);
      }
      if (options[name].type === "boolean") {
        if (eq !== -1) {
          throw new ArgvError(
            written,
            "unexpected-value",
            `${written} does not take a value, got ${arg}`,
          );
        }
        store(name, true);
      } else {
        store(name, eq !== -1 ? arg.slice(eq + 1) : nextValue(args, ++i, written, name));
      }
    } else {
      // -c, -cvalue, or a group such as -qh or -qc4.
      for (let j = 1; j < arg.length;) {
        const letter = String.fromCodePoint(arg.codePointAt(j)!);
        const name = shorts.get(letter);
        if (name === undefined) throw unknownShort(arg, j, letter, shorts);
        const written = `-${letter}`;
        j += letter.length;
        if (options[name].type === "boolean") {
          store(name, true);
        } else {
          store(name, j < arg.length ? arg.slice(j) : nextValue(args, ++i, written, name));
          break;
        }
      }
    }
  }
  return { values: values as ArgvValues<S>, positionals };
}

/** The separate value of a string option at `args[i]`: present and not option-like. */
function nextValue(args: readonly string[], i: number, written: string, name: string): string {
  const label = written === `--${name}` ? written : `${written} (--${name})`;
  if (i >= args.length) {
    throw new ArgvError(written, "missing-value", `${label} needs a value`);
  }
  const value = args[i];
  if (value.length > 1 && value[0] === "-") {
    const spelled = written === `--${name}`
      ? `--${name}=${value}`
      : `${written}${value} or --${name}=${value}`;
    throw new ArgvError(
      written,
      "ambiguous-value",
      `${label} needs a value, but the next argument ${value} looks like an option; ` +
        `if ${value} is the value, write ${spelled}`,
    );
  }
  return value;
}

/** The error for the letter at `arg[j]`, which no option has as its short name. */
function unknownShort(
  arg: string,
  j: number,
  letter: string,
  shorts: ReadonlyMap<string, string>,
): ArgvError {
  const previous = j > 1 ? arg[j - 1] : "";
  const flag = shorts.get(previous);
  if (letter === "=" && flag !== undefined) {
    // -q=yes: the flag -q, followed by what was meant as its value.
    return new ArgvError(
      `-${previous}`,
      "unexpected-value",
      `-${previous} (--${flag}) does not take a value, got ${arg}`,
    );
  }
  if (letter === "-") {
    return new ArgvError(arg, "unknown", `unknown option ${arg}: - is not an option letter`);
  }
  const written = `-${letter}`;
  const where = arg.length > written.length ? ` in ${arg}` : "";
  return new ArgvError(written, "unknown", `unknown option ${written}${where}`);
}

/** Maps each short name to its long name, checking the spec. */
function shortNames(options: OptionSpecs): Map<string, string> {
  const shorts = new Map<string, string>();
  for (const [name, spec] of Object.entries(options)) {
    if (spec.type !== "string" && spec.type !== "boolean") {
      throw new TypeError(`option ${name}: type must be "string" or "boolean"`);
    }
    if (spec.short === undefined) continue;
    if (spec.short.length !== 1 || spec.short === "-") {
      throw new TypeError(`option ${name}: short must be one character other than -`);
    }
    if (shorts.has(spec.short)) {
      throw new TypeError(`option ${name}: -${spec.short} is already ${shorts.get(spec.short)}`);
    }
    shorts.set(spec.short, name);
  }
  return shorts;
}
