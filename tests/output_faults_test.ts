/**
 * Output faults (issue 18), end to end: `cli.ts` as a subprocess against loopback servers of
 * this process, with its output taken away. stdout closed by `| head -3` (a real shell pipeline)
 * stops the run at once and quietly; `-o` on a device that takes nothing (`/dev/full`), on a
 * directory or in a missing one fails before any request with exit 2 and one line; a disk that
 * fills during the run (a 64 KiB tmpfs, mounted when this process may) stops the run with exit
 * 2 and one line; Ctrl-C during a crawl with `-o` leaves whole lines, a summary and exit 130.
 *
 * deno test --allow-net=127.0.0.1 --allow-read --allow-write --allow-run --allow-env
 *   tests/output_faults_test.ts
 * @module
 */
import type { FetchRecord } from "../crawler/record.ts";
import { assert, assertEquals, test } from "./assert.ts";
import { startFaultServer } from "./fixtures/fault_server.ts";
import { ROOT, runCli, spawnCli, withTempDir } from "./subprocess.ts";

const decoder = new TextDecoder();

/** `n` distinct slow URLs on `server` (each answers after `ms`), one per line, in `dir/list`. */
async function slowList(dir: string, base: string, n: number, ms: number): Promise<string> {
  const path = `${dir}/list`;
  const urls = Array.from({ length: n }, (_, i) => `${base}/slow?ms=${ms}&i=${i}`);
  await Deno.writeTextFile(path, urls.join("\n") + "\n");
  return path;
}

test("stdout closed by | head -3: the run stops at once, quietly, with status 0", async () => {
  await using server = await startFaultServer();
  await withTempDir(async (dir) => {
    // 200 URLs of 100 ms at 2 workers: 10 s if nothing stopped the run.
    const list = await slowList(dir, server.url, 200, 100);
    for (const format of ["ndjson", "text"]) {
      const before = server.count("/slow");
      const script = `timeout 30 "$0" run --allow-net=127.0.0.1 --allow-read cli.ts ` +
        `--format ${format} -c 2 "$1" | head -3; echo "status=\${PIPESTATUS[0]}" >&2`;
      const started = performance.now();
      const out = await new Deno.Command("bash", {
        args: ["-c", script, Deno.execPath(), list],
        cwd: ROOT,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        env: { DENO_NO_UPDATE_CHECK: "1" },
      }).output();
      const took = performance.now() - started;
      const stdout = decoder.decode(out.stdout);
      const stderr = decoder.decode(out.stderr);
      assertEquals(stdout.split("\n").length, 4, `${format}: three lines through head\n${stdout}`);
      // Nothing but the shell's status line: no "interrupted", no summary, no stack trace.
      assertEquals(stderr, "status=0\n", format);
      const requests = server.count("/slow") - before;
      assert(requests < 20, `${format}: ${requests} requests after stdout closed (of 200)`);
      assert(took < 8_000, `${format}: took ${took} ms`);
    }
  });
});

test("-o on /dev/full, on a directory or in a missing one: exit 2, one line, no request", async () => {
  await using server = await startFaultServer();
  await withTempDir(async (dir) => {
    const list = await slowList(dir, server.url, 5, 0);
    const net = ["--allow-net=127.0.0.1", "--allow-read"];
    const cases: [string[], string, RegExp][] = [
      // Opening a device needs --allow-all in Deno (the list reaches only 127.0.0.1 anyway).
      [["-A"], "/dev/full", /^greencrawl: cannot write \/dev\/full: No space left on device/],
      [[...net, `--allow-write=${dir}`], dir, /^greencrawl: cannot write .*: Is a directory/],
      [[...net, `--allow-write=${dir}`], `${dir}/missing/x.ndjson`, /No such file or directory/],
      [net, `${dir}/out.ndjson`, /^greencrawl: cannot write .*: Requires write access/],
    ];
    for (const [perms, path, message] of cases) {
      const run = await runCli(perms, ["--format", "ndjson", "-o", path, list]);
      assertEquals(run.code, 2, `${path}: ${run.stderr}`);
      assertEquals(run.stderr.split("\n").length, 2, `one line: ${run.stderr}`);
      assert(message.test(run.stderr), run.stderr);
      assertEquals(run.stdout, "");
    }
    assertEquals(server.count("/slow"), 0, "nothing fetched");
  });
});

test("a disk that fills during the run: exit 2 with one line, fetching stops", async () => {
  await using server = await startFaultServer();
  await withTempDir(async (dir) => {
    const mnt = `${dir}/small`;
    await Deno.mkdir(mnt);
    const mounted = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt],
      stdout: "null",
      stderr: "null",
    }).output().catch(() => ({ success: false }));
    if (!mounted.success) {
      console.warn("skipped: this process may not mount a tmpfs (it needs root)");
      return;
    }
    try {
      // Each record is ~500 bytes of NDJSON: 64 KiB hold about 130 of the 400.
      const list = await slowList(dir, server.url, 400, 20);
      const run = await runCli(
        ["--allow-net=127.0.0.1", "--allow-read", `--allow-write=${mnt}`],
        ["--format", "ndjson", "-c", "4", "-o", `${mnt}/out.ndjson`, list],
      );
      assertEquals(run.code, 2, run.stderr);
      assertEquals(
        run.stderr,
        `greencrawl: cannot write ${mnt}/out.ndjson: No space left on device (os error 28)\n`,
      );
      const requests = server.count("/slow");
      assert(requests < 300, `${requests} of 400 URLs fetched after the disk filled`);
    } finally {
      await new Deno.Command("umount", { args: [mnt] }).output();
    }
  });
});

test("Ctrl-C during a crawl with -o: whole lines in the file, the summary, exit 130", async () => {
  // A site that never ends: every page links to ten more, each answers after 50 ms.
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    requests++;
    const path = new URL(req.url).pathname;
    if (path === "/robots.txt") return new Response("", { status: 404 });
    await new Promise((r) => setTimeout(r, 50));
    const links = Array.from({ length: 10 }, (_, i) => `<a href="${path}${i}/">${i}</a>`);
    const filler = "<p>" + "x".repeat(2000) + "</p>"; // records cross several write blocks
    return new Response(`<title>${path}</title>${links.join("")}${filler}`, {
      headers: { "content-type": "text/html" },
    });
  });
  try {
    await withTempDir(async (dir) => {
      const list = `${dir}/list`;
      await Deno.writeTextFile(list, `http://127.0.0.1:${server.addr.port}/\n`);
      const out = `${dir}/out.ndjson`;
      const { child, clear } = spawnCli(
        ["--allow-net=127.0.0.1", "--allow-read", `--allow-write=${out}`],
        ["--depth", "6", "-c", "8", "--format", "ndjson", "-o", out, list],
      );
      try {
        const deadline = performance.now() + 15_000;
        while (requests < 40 && performance.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        child.kill("SIGINT");
        const result = await child.output();
        const stderr = decoder.decode(result.stderr);
        assertEquals(result.code, 130, stderr);
        const text = await Deno.readTextFile(out);
        assert(text.endsWith("\n"), "the file ends on a complete line");
        const records = text.slice(0, -1).split("\n").map((l) => JSON.parse(l) as FetchRecord);
        assert(records.length >= 20, `${records.length} records`);
        assert(/^URLs: +\d+$/m.test(stderr) && /^wall time: /m.test(stderr), stderr);
        assert(/interrupted/.test(stderr), stderr);
        const urls = /^URLs: +(\d+)$/m.exec(stderr)![1];
        assertEquals(Number(urls), records.length, "the summary counts the records written");
        assertEquals(decoder.decode(result.stdout), "");
      } finally {
        clear();
      }
    });
  } finally {
    await server.shutdown();
  }
});
