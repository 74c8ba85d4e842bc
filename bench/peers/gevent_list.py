"""The seeds' gevent pattern on a URL list: monkey.patch_all() first, then K greenlets that
take URLs from one shared queue.Queue and read each with urllib.request.urlopen.

    /usr/bin/python3 bench/peers/gevent_list.py urls.txt 50
"""
from gevent import monkey

monkey.patch_all()

import queue  # noqa: E402  (after patch_all, as gevent's docs require)
import sys  # noqa: E402
from urllib import request  # noqa: E402

import gevent  # noqa: E402

path, k = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50
q = queue.Queue()
with open(path, encoding="utf-8") as f:
    for line in f:
        if line.strip():
            q.put(line.strip())
ok = failed = 0


def worker():
    global ok, failed
    while True:
        try:
            url = q.get_nowait()
        except queue.Empty:
            return
        try:
            with request.urlopen(url, timeout=30) as resp:
                resp.read()
            ok += 1
        except Exception:
            failed += 1


gevent.joinall([gevent.spawn(worker) for _ in range(k)])
print(f"gevent: {ok} ok, {failed} failed", file=sys.stderr)
sys.exit(0 if failed == 0 else 1)
