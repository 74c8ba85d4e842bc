/**
 * The report's browser script (crawler/report/client.ts) is type-checked by `deno task check`
 * against its own declaration of the browser surface it uses (`ClientWindow`), so that the `dom`
 * lib never enters the Deno program. This test keeps that declaration honest: it runs
 * `deno check` with TypeScript's real `dom` lib and asserts that the browser's `window` is a
 * `ClientWindow` (so every member the client relies on exists with a compatible type), and, as a
 * control, that a member the DOM lacks is rejected.
 *
 * Run: deno test --allow-read --allow-write --allow-run --allow-env tests/report_client_dom_test.ts
 */

import { ok, strictEqual } from "node:assert/strict";

const CLIENT = new URL("../crawler/report/client.ts", import.meta.url).href;

async function checkWithDom(source: string): Promise<{ code: number; stderr: string }> {
  const dir = await Deno.makeTempDir({ prefix: "greencrawl-dom-" });
  try {
    await Deno.writeTextFile(
      `${dir}/deno.json`,
      JSON.stringify({
        compilerOptions: { lib: ["dom", "dom.iterable", "dom.asynciterable", "deno.ns"] },
      }),
    );
    await Deno.writeTextFile(`${dir}/check.ts`, source);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "-q", "--config", `${dir}/deno.json`, `${dir}/check.ts`],
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("report client: the declared browser surface matches TypeScript's lib.dom", async () => {
  const good = await checkWithDom(
    `import type { ClientWindow } from ${JSON.stringify(CLIENT)};\n` +
      `export const win: ClientWindow = window;\n`,
  );
  strictEqual(good.code, 0, good.stderr);

  // control: the same check rejects a member the DOM does not have
  const bad = await checkWithDom(
    `import type { ClientWindow } from ${JSON.stringify(CLIENT)};\n` +
      `export const win: ClientWindow & { document: { notInTheDom(): void } } = window;\n`,
  );
  strictEqual(bad.code, 1, bad.stderr);
  ok(bad.stderr.includes("notInTheDom"), bad.stderr);
});
