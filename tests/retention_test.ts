import { ok, strictEqual } from "node:assert/strict";

Deno.test("retention: kept titles and links do not keep their 1 MB pages alive", async () => {
  const probe = new URL("./fixtures/retention_probe.ts", import.meta.url);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--v8-flags=--expose-gc", "--allow-read", probe.pathname],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  strictEqual(out.code, 0);
  const { kept, heapMb } = JSON.parse(new TextDecoder().decode(out.stdout));
  strictEqual(kept, 100); // a title and a link per page
  ok(heapMb < 25, `heap after GC ${heapMb.toFixed(1)} MB: the 50 MB of pages are still held`);
});
