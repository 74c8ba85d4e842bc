/**
 * Helpers of the tests that run `cli.ts` as a subprocess against servers of the test process:
 * spawning it with given permissions (killed after a deadline, so no test hangs), collecting
 * its output, and a temporary directory.
 * @module
 */
import { fileURLToPath } from "node:url";

/** The repository root, the CLI's working directory. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url));

const decoder = new TextDecoder();

/**
 * Starts `deno run <perms> cli.ts <args>` from the repository root (stdin closed, stdout and
 * stderr piped); it is killed after `deadlineMs`. Call `clear()` once it ended.
 */
export function spawnCli(
  perms: string[],
  args: string[],
  deadlineMs = 30_000,
): { child: Deno.ChildProcess; clear: () => void } {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...perms, "cli.ts", ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
  return { child, clear: () => clearTimeout(killer) };
}

/** Runs the CLI to its end: exit code, stdout and stderr as text. */
export async function runCli(
  perms: string[],
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { child, clear } = spawnCli(perms, args);
  try {
    const out = await child.output();
    return {
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  } finally {
    clear();
  }
}

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "greencrawl_test_" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
