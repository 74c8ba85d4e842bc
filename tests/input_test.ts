/**
 * The CLI's inputs (`cli/input.ts`): URL arguments, list files, `-`, a mix numbered as one list,
 * the hint for a URL written without its scheme, and (as a subprocess) URL arguments fetched
 * with no read permission at all.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run tests/input_test.ts
 */
import { fileURLToPath } from "node:url";
import { classifyInput, InputError, readInputs } from "../cli/input.ts";
import { parseUrlList } from "../crawler/url/list.ts";
import { assert, assertEquals, assertRejects, test } from "./assert.ts";
import { startFaultServer } from "./fixtures/fault_server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const encoder = new TextEncoder();

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "greencrawl_input_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A standard input that yields `text` (in two chunks, as a pipe may). */
function stdinOf(text: string): () => ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  const half = bytes.length >> 1;
  return () => ReadableStream.from([bytes.subarray(0, half), bytes.subarray(half)]);
}

/** The message of the InputError that `readInputs(inputs)` rejects with. */
async function inputError(inputs: string[]): Promise<string> {
  const error = await assertRejects(() => readInputs(inputs), InputError);
  const message = (error as InputError).message;
  assert(!message.includes("\n"), `not one line: ${JSON.stringify(message)}`);
  return message;
}

test("classifyInput: absolute http(s) URLs, -, and everything else a file", () => {
  const kinds = (args: string[]) => args.map((a) => classifyInput(a).kind);
  assertEquals(
    kinds(["https://example.org/", "HTTP://EXAMPLE.ORG/a?b#c", "http://127.0.0.1:8080/x"]),
    ["url", "url", "url"],
  );
  assertEquals(kinds(["-"]), ["stdin"]);
  assertEquals(
    kinds([
      "urls.txt",
      "./-",
      "--",
      "example.org/page", // no scheme: a file name (with a hint if it is missing)
      "localhost:8080/x", // the URL parser reads "localhost:" as the scheme
      "ftp://example.org/", // not http(s)
      "http://a b/", // whitespace in the host
      "http://", // no host
      "https://a.test/\nhttps://b.test/", // two lines are not one URL
      "# https://a.test/",
      "",
    ]),
    Array(11).fill("file"),
  );
  // Surrounding whitespace is dropped as in a list line; the URL is otherwise kept as given.
  assertEquals(classifyInput("  https://Example.org/A  "), {
    kind: "url",
    url: "https://Example.org/A",
  });
});

test("readInputs: URL arguments are one line each, numbered by position", async () => {
  assertEquals(await readInputs(["https://a.test/", "http://b.test/x?y=1"]), [
    { line: 1, url: "https://a.test/" },
    { line: 2, url: "http://b.test/x?y=1" },
  ]);
});

test("readInputs: a list file keeps its own line numbers and its invalid lines", async () => {
  await withTempDir(async (dir) => {
    const text = "\ufeff# list\r\nhttp://a.test/\r\n\r\nnot a url\r\nftp://b.test/\r\n";
    await Deno.writeTextFile(`${dir}/list.txt`, text);
    const entries = await readInputs([`${dir}/list.txt`]);
    assertEquals(entries, parseUrlList(text));
    assertEquals(entries.map((e) => e.line), [2, 4, 5]);
  });
});

test("readInputs: - reads standard input, once", async () => {
  const entries = await readInputs(["-"], { stdin: stdinOf("http://a.test/\n\nhttp://b.test/\n") });
  assertEquals(entries, [{ line: 1, url: "http://a.test/" }, { line: 3, url: "http://b.test/" }]);
  assertEquals(await inputError(["-", "-"]), "- (standard input) can be read only once");
});

test("readInputs: a mix is numbered like the inputs concatenated (cat a b | cli.ts -)", async () => {
  await withTempDir(async (dir) => {
    // No newline at the end of a.txt: the next input still starts on a line of its own.
    const a = "# a\nhttp://a.test/1\nnope\nhttp://a.test/2";
    const b = "\n\nhttp://b.test/1\r\n# end\r\n";
    const piped = "http://stdin.test/\n";
    await Deno.writeTextFile(`${dir}/a.txt`, a);
    await Deno.writeTextFile(`${dir}/b.txt`, b);
    const inputs = [
      "https://first.test/",
      `${dir}/a.txt`,
      "https://middle.test/",
      "-",
      `${dir}/b.txt`,
      "https://last.test/",
    ];
    const entries = await readInputs(inputs, { stdin: stdinOf(piped) });
    const concatenated = ["https://first.test/", a, "https://middle.test/", piped, b]
      .map((text) => text.replace(/\r?\n$/, ""))
      .join("\n") + "\nhttps://last.test/\n";
    assertEquals(entries, parseUrlList(concatenated));
    assertEquals(
      entries.map((e) => [e.line, "url" in e ? e.url : `error: ${e.input}`]),
      [
        [1, "https://first.test/"],
        [3, "http://a.test/1"],
        [4, "error: nope"],
        [5, "http://a.test/2"],
        [6, "https://middle.test/"],
        [7, "http://stdin.test/"],
        [10, "http://b.test/1"],
        [12, "https://last.test/"],
      ],
    );
  });
});

test("readInputs: a missing file named like a URL without its scheme gets a hint", async () => {
  await withTempDir(async (dir) => {
    const hinted: [string, string][] = [
      ["example.org/page", "did you mean http://example.org/page?"],
      ["localhost:8080/x", "did you mean http://localhost:8080/x?"],
      ["www.example.org", "did you mean http://www.example.org?"],
      ["127.0.0.1:9/a?b=1", "did you mean http://127.0.0.1:9/a?b=1?"],
      ["ftp://example.org/", 'nor a URL to fetch: unsupported scheme "ftp:"'],
    ];
    for (const [arg, hint] of hinted) {
      assertEquals(await inputError([arg]), `cannot read ${arg}: no such file; ${hint}`);
    }
    // Names that look like list files get no URL hint.
    for (const arg of ["urls.txt", `${dir}/seeds.txt`, "lists/a.csv", "urls"]) {
      assertEquals(await inputError([arg]), `cannot read ${arg}: no such file`);
    }
    // Other read errors say what the system said.
    assert(/^cannot read .+: .*directory/i.test(await inputError([dir])), "a directory");
  });
});

test("readInputs: a bad input fails the run even when other inputs are fine", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/comments.txt`, "# only\n\n# comments\n");
    assertEquals(
      await inputError(["https://a.test/", "example.org/x"]),
      "cannot read example.org/x: no such file; did you mean http://example.org/x?",
    );
    assertEquals(
      await inputError([`${dir}/comments.txt`]),
      `no URLs in ${dir}/comments.txt`,
    );
    // An empty list next to a URL is fine: there is something to fetch.
    assertEquals(await readInputs([`${dir}/comments.txt`, "https://a.test/"]), [
      { line: 4, url: "https://a.test/" },
    ]);
  });
});

test("cli.ts URL URL: fetched with --allow-net alone (no read permission), numbered 1, 2", async () => {
  await using server = await startFaultServer();
  const urls = [`${server.url}/ok`, `${server.url}/redirect/2`, `${server.url}/status/404`];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "cli.ts", "--format", "ndjson", ...urls],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_PROMPT: "1" },
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const out = await child.output().finally(() => clearTimeout(killer));
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 1, stderr); // the 404 fails
  const records = new TextDecoder().decode(out.stdout).trimEnd().split("\n").map((l) =>
    JSON.parse(l)
  );
  assertEquals(
    records.map((r) => [r.line, r.url, r.status]).sort(),
    [[1, urls[0], 200], [2, urls[1], 200], [3, urls[2], 404]],
  );
  assertEquals(server.count("/ok"), 2); // once listed, once at the end of the redirects
});

test("cli.ts example.org/page without read permission: exit 2, and the URL hint still shows", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read=/dev/null", "cli.ts", "example.org/page"],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", DENO_NO_PROMPT: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 2, stderr);
  assert(stderr.includes("did you mean http://example.org/page?"), stderr);
  assertEquals(stderr.trimEnd().split("\n").length, 1, "one line");
});
