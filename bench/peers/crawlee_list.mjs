// Crawlee on a URL list: an HttpCrawler (Crawlee's plain-HTTP crawler: no HTML parsing) whose
// handler does nothing, fed the listed URLs. Concurrency and storage as in crawlee_crawl.mjs.
//
//   node bench/peers/crawlee_list.mjs urls.txt 50
import { readFileSync } from "node:fs";
import { Configuration, HttpCrawler, log } from "crawlee";

const [file, k = "50"] = process.argv.slice(2);
const K = Number(k);
log.setLevel(log.LEVELS.WARNING);
const urls = readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter((l) => l);

const config = new Configuration({ persistStorage: false, purgeOnStart: true });
let ok = 0, failed = 0;
const crawler = new HttpCrawler({
  minConcurrency: K,
  maxConcurrency: K,
  autoscaledPoolOptions: {
    desiredConcurrency: K,
    snapshotterOptions: { eventLoopSnapshotIntervalSecs: 2, maxBlockedMillis: 100 },
    systemStatusOptions: { maxEventLoopOverloadedRatio: 0.7 },
  },
  requestHandler() {
    ok++;
  },
  failedRequestHandler() {
    failed++;
  },
}, config);

await crawler.run(urls);
console.error(`crawlee list: ${ok} ok, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
