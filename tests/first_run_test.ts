/**
 * The first five minutes, as a newcomer lives them: a fresh `git clone` of this repository (its
 * last commit) with an empty `DENO_DIR`, running what the README says to run first.
 *
 * 1. `cli.ts --version`: what a first run downloads (Deno's npm cache: packages and their
 *    metadata) stays under {@linkcode BUDGET}. This step reaches the npm registry, as any fresh
 *    clone must; it is skipped, with a message, when the registry cannot be reached (or when
 *    `GREENCRAWL_OFFLINE` is set).
 * 2. `deno task demo`: exit 0, the seed's lines and the `--compare` table.
 * 3. The README's first real command, with `examples/urls.txt` replaced by a list of URLs of a
 *    server started here.
 * 4. The README's `deno install -g` line into a temporary `--root`: `greencrawl --version` works.
 * 5. `deno publish --dry-run` (on the usual Deno cache, which the test run has filled): it passes
 *    and ships no tests, benchmarks, docs, CI or Python files.
 *
 * From step 2 on every child's HTTP(S) proxy is a closed port on 127.0.0.1: a step that tried to
 * download anything more would fail instead. Crawler traffic goes only to 127.0.0.1.
 *
 * Run: deno test --config tests/deno.json --allow-net=127.0.0.1 --allow-read --allow-write
 *      --allow-run --allow-env tests/first_run_test.ts
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { VERSION } from "../crawler/version.ts";
import { assert, assertEquals, test } from "./assert.ts";
import { startLatencyServer } from "./fixtures/latency_server.ts";

/** The most a fresh clone's first `cli.ts --version` may download: 5 MB. */
const BUDGET = 5_000_000;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DENO = Deno.execPath();
/** Every child's proxy after the first download: nothing more may leave 127.0.0.1. */
const NO_DOWNLOADS = {
  HTTP_PROXY: "http://127.0.0.1:9",
  HTTPS_PROXY: "http://127.0.0.1:9",
  NO_PROXY: "127.0.0.1",
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

/**
 * Runs `cmd args` in `cwd` with this process's environment plus `env` (a newcomer's shell: its
 * TLS settings, such as `NODE_EXTRA_CA_CERTS`, matter for the first download); killed after
 * `limitS` seconds.
 */
async function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  limitS: number,
): Promise<Run> {
  const started = performance.now();
  const child = new Deno.Command(cmd, {
    args,
    cwd,
    env: {
      PATH: `${join(DENO, "..")}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
      NO_COLOR: "1",
      DENO_NO_UPDATE_CHECK: "1",
      DENO_NO_PROMPT: "1",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), limitS * 1000);
  const out = await child.output().finally(() => clearTimeout(killer));
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Bytes in the files under `dir` (0 when it does not exist), and the top-level entries' sizes. */
async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) total += await sizeOf(path);
      else total += (await Deno.lstat(path)).size;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return total;
}

/** What a run downloaded into `denoDir`: npm packages (with their metadata) and remote modules. */
async function downloaded(denoDir: string): Promise<{ bytes: number; packages: string[] }> {
  const registry = join(denoDir, "npm", "registry.npmjs.org");
  const packages: string[] = [];
  try {
    for await (const scope of Deno.readDir(registry)) {
      if (!scope.name.startsWith("@")) packages.push(scope.name);
      else {
        for await (const name of Deno.readDir(join(registry, scope.name))) {
          packages.push(`${scope.name}/${name.name}`);
        }
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const bytes = await sizeOf(join(denoDir, "npm")) + await sizeOf(join(denoDir, "remote"));
  return { bytes, packages: packages.sort() };
}

/** The first README command (`\` continuations joined) matching `pattern`, split into words. */
function readmeCommand(readme: string, pattern: RegExp): string[] {
  const commands = readme.replaceAll(/\\\n\s*/g, " ").split("\n"); // join `\` continuations
  const line = commands.find((l) => pattern.test(l));
  assert(line, `the README has no line matching ${pattern}`);
  return line.trim().split(/\s+/);
}

const offline = Deno.env.get("GREENCRAWL_OFFLINE") !== undefined;

test("a fresh clone: small first download, the demo, the first command, install, publish", async () => {
  if (offline) {
    console.log("skipped: GREENCRAWL_OFFLINE is set (a fresh clone must download from npm)");
    return;
  }
  const temp = await Deno.makeTempDir({ prefix: "greencrawl_first_run_" });
  try {
    const clone = join(temp, "greencrawl");
    const denoDir = join(temp, "deno_dir");
    await Deno.mkdir(denoDir);
    const head = (await run("git", ["rev-parse", "HEAD"], ROOT, {}, 30)).stdout.trim();
    for (
      const args of [
        ["clone", "--quiet", "--no-checkout", ROOT, clone],
        ["-C", clone, "checkout", "--quiet", head],
      ]
    ) {
      const git = await run("git", args, temp, {}, 60);
      assertEquals(git.code, 0, `git ${args.join(" ")}:\n${git.stderr}`);
    }
    const fresh = { DENO_DIR: denoDir };

    // 1. The first run downloads only what the command line uses.
    const version = await run(DENO, ["run", "cli.ts", "--version"], clone, fresh, 180);
    const unreachable = /registry\.npmjs\.org/.test(version.stderr) &&
      /sending request|dns|lookup|refused|timed out|unreachable/i.test(version.stderr);
    if (version.code !== 0 && unreachable) {
      console.log(`skipped: the npm registry cannot be reached:\n${version.stderr}`);
      return;
    }
    assertEquals(version.code, 0, version.stderr);
    assertEquals(version.stdout, `greencrawl ${VERSION}\n`);
    const first = await downloaded(denoDir);
    // Deno carries on when it cannot install a package the program does not load (TLS to the
    // registry failing, say): then nothing was measured.
    assert(first.packages.includes("tldts"), `tldts was not downloaded:\n${version.stderr}`);
    console.log(
      `fresh clone, cli.ts --version: ${first.bytes} bytes downloaded in ${
        version.seconds.toFixed(2)
      } s (${first.packages.length} packages: ${
        first.packages.join(", ")
      }); DENO_DIR holds ${await sizeOf(
        denoDir,
      )} bytes`,
    );
    assert(
      first.bytes <= BUDGET,
      `a first cli.ts --version downloaded ${first.bytes} bytes, over the ${BUDGET} budget: ` +
        `${
          first.packages.join(", ")
        }. Deno installs every package of the root deno.lock: keep in it ` +
        "only what cli.ts runs (rm deno.lock && deno run cli.ts --version rebuilds it)",
    );

    const local = { ...fresh, ...NO_DOWNLOADS };

    // 2. deno task demo: the seed's lines, then the comparison table.
    const demo = await run(DENO, ["task", "demo"], clone, local, 120);
    assertEquals(demo.code, 0, `deno task demo:\n${demo.stdout}\n${demo.stderr}`);
    const gets = demo.stdout.match(/^GET: http:\/\/127\.0\.0\.1:\d+\/\S+$/gm) ?? [];
    const received = demo.stdout.match(
      /^\d+ bytes received from http:\/\/127\.0\.0\.1:\d+\/\S+\. time: \d+\.\d{3}$/gm,
    ) ?? [];
    assert(gets.length >= 5, `too few GET lines:\n${demo.stdout}`);
    assertEquals(
      received.length,
      gets.length - 1,
      `one page fails, the others arrive:\n${demo.stdout}`,
    );
    const table = demo.stdout.slice(demo.stdout.search(/^mode\s+workers/m));
    assert(/^mode\s+workers\s+wall s.*speedup/m.test(table), `no --compare table:\n${demo.stdout}`);
    for (const mode of ["sequential", "blocking", "concurrent"]) {
      assert(new RegExp(`^${mode}\\s+\\d+\\s+\\d+\\.\\d{3}`, "m").test(table), `no ${mode} row`);
    }

    // 3. The README's first real command, on a local list in place of the public one.
    const readme = await Deno.readTextFile(join(clone, "README.md"));
    const [deno, ...firstArgs] = readmeCommand(readme, /^deno run .*cli\.ts examples\/urls\.txt$/);
    assertEquals(deno, "deno");
    await using server = await startLatencyServer({ latencyMs: 20, bodyBytes: 2048 });
    const urls = Array.from({ length: 12 }, (_, i) => `${server.url}/page/${i}`);
    await Deno.writeTextFile(
      join(clone, "examples", "urls.txt"),
      `# a local stand-in for the public list\n${urls.join("\n")}\n`,
    );
    const list = await run(DENO, firstArgs, clone, local, 60);
    assertEquals(list.code, 0, `${firstArgs.join(" ")}:\n${list.stderr}`);
    for (const url of urls) {
      assert(
        new RegExp(`^2048 bytes received from ${url.replaceAll(".", "\\.")}\\. time: `, "m")
          .test(list.stdout),
        `no line for ${url}:\n${list.stdout}`,
      );
    }
    assertEquals(server.log.length, urls.length);

    // 4. deno install -g, as the README says, into a temporary root.
    const [, ...installArgs] = readmeCommand(readme, /^deno install -g .*cli\.ts$/);
    const root = join(temp, "install_root");
    const install = await run(
      DENO,
      [...installArgs.slice(0, 2), "--root", root, ...installArgs.slice(2)],
      clone,
      local,
      120,
    );
    assertEquals(install.code, 0, `deno ${installArgs.join(" ")}:\n${install.stderr}`);
    const bin = join(root, "bin", "greencrawl");
    const installed = await run(bin, ["--version"], temp, local, 60);
    assertEquals(installed.code, 0, installed.stderr);
    assertEquals(installed.stdout, `greencrawl ${VERSION}\n`);
    const fetched = await run(bin, [urls[0]], temp, local, 60);
    assertEquals(fetched.code, 0, fetched.stderr);
    assert(fetched.stdout.includes(`2048 bytes received from ${urls[0]}.`), fetched.stdout);

    // Nothing after the first run downloaded anything more.
    assertEquals((await downloaded(denoDir)).packages, first.packages);

    // 5. The package: publish's dry run needs no network (on the test run's own Deno cache).
    const restore = await run("git", ["checkout", "--", "examples/urls.txt"], clone, {}, 30);
    assertEquals(restore.code, 0, restore.stderr);
    const publish = await run(DENO, ["publish", "--dry-run"], clone, NO_DOWNLOADS, 120);
    const output = publish.stdout + publish.stderr;
    assertEquals(publish.code, 0, output);
    assert(/Dry run complete/.test(output), output);
    const files = output.match(/file:\/\/\S+/g) ?? [];
    assert(files.some((f) => f.endsWith("/mod.ts")) && files.some((f) => f.endsWith("/LICENSE")));
    const shipped = files.map((f) => f.slice(`file://${clone}/`.length));
    const unwanted = shipped.filter((f) =>
      /^(tests|bench|docs|\.ci)\//.test(f) || /\.(py|png)$/.test(f) || f.startsWith("examples/demo")
    );
    assertEquals(unwanted, [], `published files that should be excluded: ${unwanted.join(", ")}`);
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
});
