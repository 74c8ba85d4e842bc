"""A gevent crawl in the seeds' style: monkey.patch_all() first; K greenlets share one
queue.Queue and a seen set; each page is read with urllib.request.urlopen and its links are
found with html.parser, resolved with urljoin, stripped of the fragment and kept on the
same host. No robots.txt, no retries.

    /usr/bin/python3 bench/peers/gevent_crawl.py http://127.0.0.1:PORT/ 50
"""
from gevent import monkey

monkey.patch_all()

import queue  # noqa: E402  (after patch_all, as gevent's docs require)
import sys  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from urllib import request  # noqa: E402
from urllib.parse import urldefrag, urljoin, urlsplit  # noqa: E402

import gevent  # noqa: E402


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            for name, value in attrs:
                if name == "href" and value:
                    self.hrefs.append(value)


start, k = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50
host = urlsplit(start).netloc.lower()
q = queue.Queue()
q.put(start)
seen = {start}
ok = failed = 0


def worker():
    global ok, failed
    while True:
        url = q.get()
        try:
            with request.urlopen(url, timeout=30) as resp:
                base = resp.geturl()
                html = resp.read().decode("utf-8", "replace")
            ok += 1
            parser = Links()
            parser.feed(html)
            for href in parser.hrefs:
                link = urldefrag(urljoin(base, href.strip()))[0]
                parts = urlsplit(link)
                if parts.scheme in ("http", "https") and parts.netloc.lower() == host:
                    if link not in seen:
                        seen.add(link)
                        q.put(link)
        except Exception:
            failed += 1
        finally:
            q.task_done()


workers = [gevent.spawn(worker) for _ in range(k)]
q.join()  # every queued page fetched and parsed
gevent.killall(workers)
print(f"gevent crawl: {ok} ok, {failed} failed, {len(seen)} seen", file=sys.stderr)
sys.exit(0 if failed == 0 else 1)
