import { assert, assertEquals, test } from "./assert.ts";
import { linkAbort } from "../green/io/abort_link.ts";

test("linkAbort: an abort reaches every linked controller with its reason, not unlinked ones", () => {
  const run = new AbortController();
  const requests = Array.from({ length: 100 }, () => new AbortController());
  const unlinks = requests.map((r) => linkAbort(run.signal, r));
  for (let i = 0; i < 100; i += 2) unlinks[i](); // these requests finished before Ctrl-C
  const reason = new Error("interrupted");
  run.abort(reason);
  requests.forEach((r, i) => {
    assertEquals(r.signal.aborted, i % 2 === 1, `request ${i}`);
    if (i % 2 === 1) assert(r.signal.reason === reason, `request ${i} reason`);
  });
  unlinks.forEach((unlink) => unlink()); // harmless after the abort
});

test("linkAbort: an already aborted signal aborts at once, also after an earlier abort", () => {
  const run = new AbortController();
  run.abort("stop");
  const request = new AbortController();
  linkAbort(run.signal, request)();
  assertEquals(request.signal.reason, "stop");
});

test("linkAbort: two signals stay separate; a controller aborted by its own timeout is fine", () => {
  const a = new AbortController();
  const b = new AbortController();
  const onA = new AbortController();
  const onB = new AbortController();
  linkAbort(a.signal, onA);
  linkAbort(b.signal, onB);
  onB.abort("timeout");
  a.abort("a");
  assertEquals([onA.signal.reason, onB.signal.reason], ["a", "timeout"]);
  b.abort("b");
  assertEquals(onB.signal.reason, "timeout");
});
