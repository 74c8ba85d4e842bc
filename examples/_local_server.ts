/**
 * Helper for `urlopen.ts` and `queue_workers.ts` (not an example itself): a tiny HTTP server on
 * 127.0.0.1 (port 0) whose routes answer after a fixed delay with a body of a fixed size.
 *
 * It runs in a Worker, not on the example's own thread: an unpatched `io.urlopen` freezes this
 * thread, so a server whose handlers ran here could not answer it (the request would hang).
 * The worker's source is an inline string, so it needs no `--allow-read`; it inherits
 * `--allow-net=127.0.0.1`.
 */

/** What a route answers: after `delay` seconds, `bytes` bytes of text. */
export interface Route {
  delay: number;
  bytes: number;
}

const WORKER_SOURCE = `
self.onmessage = ({ data: routes }) => {
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => self.postMessage(port),
  }, async (request) => {
    const route = routes[new URL(request.url).pathname];
    if (!route) return new Response("not found\\n", { status: 404 });
    await new Promise((resolve) => setTimeout(resolve, route.delay * 1000));
    return new Response("x".repeat(route.bytes));
  });
};
`;

/** Starts the server; `url` has no trailing slash. `close()` stops it (call it at the end). */
export async function startLocalServer(
  routes: Record<string, Route>,
): Promise<{ url: string; close(): void }> {
  const source = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
  const worker = new Worker(source, { type: "module" });
  const port = await new Promise<number>((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      reject(new Error(`local server failed: ${e.message}`));
    };
    worker.postMessage(routes);
  }).finally(() => URL.revokeObjectURL(source));
  return { url: `http://127.0.0.1:${port}`, close: () => worker.terminate() };
}
