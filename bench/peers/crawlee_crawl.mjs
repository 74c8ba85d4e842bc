// Crawlee crawl of the test site: a CheerioCrawler whose handler only calls enqueueLinks with the
// same-hostname strategy (Crawlee's default scope), with storage kept in memory.
//
//   node bench/peers/crawlee_crawl.mjs http://127.0.0.1:PORT/ 50
//
// Speed settings, from Crawlee's "Scaling our crawlers" guide and its v3.18 sources:
// - maxConcurrency K, and minConcurrency K so the autoscaler cannot sit below K;
// - desiredConcurrency K: HttpCrawler's own pool options start it at 10 (and the pool takes
//   min(desired ?? min, max), so minConcurrency alone does not raise it); passing
//   autoscaledPoolOptions replaces those HTTP-tuned options, so their snapshotter and
//   system-status values are repeated here unchanged;
// - maxRequestsPerMinute unset (Infinity), sameDomainDelaySecs 0 (defaults);
// - persistStorage: false: the request queue lives in memory, nothing written to ./storage;
// - respectRobotsTxtFile: true, because greencrawl obeys robots.txt by default;
// - log level WARNING (the periodic INFO statistics are not printed).
import { CheerioCrawler, Configuration, log } from "crawlee";

const [start, k = "50"] = process.argv.slice(2);
const K = Number(k);
log.setLevel(log.LEVELS.WARNING);

const config = new Configuration({ persistStorage: false, purgeOnStart: true });
let ok = 0, failed = 0;
const crawler = new CheerioCrawler({
  minConcurrency: K,
  maxConcurrency: K,
  respectRobotsTxtFile: true,
  autoscaledPoolOptions: {
    desiredConcurrency: K,
    snapshotterOptions: { eventLoopSnapshotIntervalSecs: 2, maxBlockedMillis: 100 },
    systemStatusOptions: { maxEventLoopOverloadedRatio: 0.7 },
  },
  async requestHandler({ enqueueLinks }) {
    ok++;
    await enqueueLinks({ strategy: "same-hostname" });
  },
  failedRequestHandler() {
    failed++;
  },
}, config);

await crawler.run([start]);
console.error(`crawlee: ${ok} ok, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
