/**
 * The documented commands need only the permissions they document: run under a pseudo-terminal
 * (where Deno would stop at an interactive prompt for anything more), each must finish without
 * asking. Blocking mode once asked for env access when its helper thread started.
 */
import { startLatencyServer } from "./fixtures/latency_server.ts";
import { assert, assertEquals, test } from "./assert.ts";

const SCRIPT = "/usr/bin/script"; // util-linux: gives the child a terminal
const hasScript = await Deno.stat(SCRIPT).then(() => true, () => false);
const repo = new URL("..", import.meta.url).pathname;

/** Runs `args` under a pseudo-terminal; resolves the exit code and what it printed. */
async function inTerminal(args: string[]): Promise<{ code: number; output: string }> {
  const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const env = { ...Deno.env.toObject() };
  delete env.DENO_NO_PROMPT;
  const child = new Deno.Command(SCRIPT, {
    args: ["-qfec", `${Deno.execPath()} ${quoted}`, "/dev/null"],
    cwd: repo,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const { code, stdout, stderr } = await child.output();
  clearTimeout(timer);
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  return { code, output: text };
}

for (const mode of ["concurrent", "sequential", "blocking"]) {
  Deno.test({
    name: `cli.ts --mode ${mode} runs with --allow-net --allow-read and asks for nothing more`,
    ignore: !hasScript,
    sanitizeOps: true,
    sanitizeResources: true,
    async fn() {
      await using server = await startLatencyServer({ latencyMs: 10 });
      const list = await Deno.makeTempFile({ suffix: ".txt" });
      try {
        await Deno.writeTextFile(list, `${server.url}/a\n${server.url}/b\n`);
        const { code, output } = await inTerminal([
          "run",
          "--allow-net=127.0.0.1",
          "--allow-read",
          "cli.ts",
          "--mode",
          mode,
          "--no-progress",
          list,
        ]);
        assert(!output.includes("Deno requests"), `asked for a permission:\n${output}`);
        assertEquals(code, 0, output);
        assertEquals(output.match(/bytes received from/g)?.length, 2, output);
      } finally {
        await Deno.remove(list);
      }
    },
  });
}

test("examples/urlopen.ts --unpatched runs with --allow-net=127.0.0.1 alone", async () => {
  if (!hasScript) return;
  const { code, output } = await inTerminal([
    "run",
    "--allow-net=127.0.0.1",
    "examples/urlopen.ts",
    "--unpatched",
  ]);
  assert(!output.includes("Deno requests"), `asked for a permission:\n${output}`);
  assertEquals(code, 0, output);
});
