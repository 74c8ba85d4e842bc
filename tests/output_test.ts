import { assert, assertEquals, test } from "./assert.ts";

const OUTPUT = new URL("../cli/output.ts", import.meta.url).href;

/** Runs a script that uses `syncWriter` on stdout (a pipe here), collecting what arrives when. */
async function script(code: string, onFirstLine?: (text: string, exited: boolean) => void) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", `import { syncWriter } from "${OUTPUT}";\n${code}`],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));
  let text = "";
  let first = true;
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    text += chunk;
    if (first && text.includes("\n")) {
      first = false;
      onFirstLine?.(text, exited);
    }
  }
  const { code: exitCode } = await status;
  const err = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
  return { text, code: exitCode, err };
}

test("syncWriter gathering: every line, in order, across many blocks", async () => {
  const run = await script(`
    const out = syncWriter(Deno.stdout, undefined, true);
    for (let i = 0; i < 20000; i++) out.line("line " + i);
    out.close();
  `);
  assertEquals(run.code, 0, run.err);
  const lines = run.text.trimEnd().split("\n");
  assertEquals(lines.length, 20000);
  lines.forEach((l, i) => assertEquals(l, `line ${i}`));
});

test("syncWriter gathering: a pipe sees a line while the process still runs", async () => {
  let early = false;
  const run = await script(
    `
    const out = syncWriter(Deno.stdout, undefined, true);
    out.line("first");
    await new Promise((r) => setTimeout(r, 1500)); // the writer must not wait for this
    out.line("last");
    out.close();
  `,
    (text, exited) => early = text === "first\n" && !exited,
  );
  assertEquals(run.code, 0, run.err);
  assert(early, "the first line arrived only when the process ended");
  assertEquals(run.text, "first\nlast\n");
});

test("syncWriter gathering: Deno.exit (a second Ctrl-C) still writes the gathered lines", async () => {
  const run = await script(`
    const out = syncWriter(Deno.stdout, undefined, true);
    out.line("done 1");
    out.line("done 2");
    Deno.exit(130);
  `);
  assertEquals(run.code, 130, run.err);
  assertEquals(run.text, "done 1\ndone 2\n");
});
