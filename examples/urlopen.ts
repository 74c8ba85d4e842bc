/**
 * Three downloads at once with `monkey.patchAll()`, then the same three one by one. Ports the
 * end of seed 001 ("gevent自动切换"):
 *
 *   from gevent import monkey; monkey.patch_all()
 *   def f(url):
 *       print('GET: %s' % url)
 *       start_time = time.time()
 *       data = request.urlopen(url).read()
 *       print('%d bytes received from %s. time: %s' % (len(data), url, time.time() - start_time))
 *   start = time.time()
 *   gevent.joinall([gevent.spawn(f, 'https://itk.org/'), gevent.spawn(f, 'https://www.baidu.com/'),
 *                   gevent.spawn(f, 'https://zhihu.com/')])
 *   print('-----')
 *   f('https://itk.org/'); f('https://www.baidu.com/'); f('https://zhihu.com/')
 *   print(time.time() - start)
 *
 * Run:    deno run --allow-net=127.0.0.1 examples/urlopen.ts [--unpatched] [URL...]
 *         (for other hosts widen the permission, e.g. --allow-net=127.0.0.1,itk.org)
 * Expect: with no URL, a local server (stopped at the end) serves /slow (0.3 s, 3000 bytes),
 *         /fast (0 s, 1000 bytes) and /mid (0.15 s, 2000 bytes). Patched: the three `GET:` lines,
 *         then `N bytes received from URL. time: S` in completion order (fast, mid, slow) after
 *         about 0.3 s in all; `-----`; the same three one by one (GET, received, GET, ...);
 *         then the total time (about 0.3 + 0.45 s).
 *         With --unpatched, io.urlopen blocks the thread, so the "concurrent" part also runs one
 *         download after the other in spawn order (slow, fast, mid), GET/received pairs as
 *         in gevent, and takes about 0.45 s.
 */
import { parseArgs } from "node:util";
import { io, joinall, monkey, spawn } from "../mod.ts";
import { startLocalServer } from "./_local_server.ts";

const { values, positionals } = parseArgs({
  options: { unpatched: { type: "boolean", default: false } },
  allowPositionals: true,
});
if (!values.unpatched) monkey.patchAll();

const server = positionals.length > 0 ? undefined : await startLocalServer({
  "/slow": { delay: 0.3, bytes: 3000 },
  "/fast": { delay: 0, bytes: 1000 },
  "/mid": { delay: 0.15, bytes: 2000 },
});
const urls = server ? ["/slow", "/fast", "/mid"].map((path) => server.url + path) : positionals;

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(3);

async function f(url: string) {
  console.log(`GET: ${url}`);
  const startTime = performance.now();
  const data = await (await io.urlopen(url)).read();
  console.log(`${data.length} bytes received from ${url}. time: ${seconds(startTime)}`);
}

try {
  const start = performance.now();
  await joinall(urls.map((url) => spawn(f, url)));
  console.log("-----");
  for (const url of urls) await f(url);
  console.log(seconds(start));
} finally {
  server?.close();
}
