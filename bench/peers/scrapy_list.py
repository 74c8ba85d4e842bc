"""Scrapy on a URL list: a plain Spider whose start requests are the listed URLs and whose
parse callback does nothing, run with `scrapy runspider`. Settings as in scrapy_crawl.py
(Scrapy defaults plus its "Broad Crawls" speed advice, per-domain limit raised to K).

    python3 -m scrapy runspider bench/peers/scrapy_list.py -a urls=urls.txt -a k=50
"""
import sys

import scrapy


def _k():
    for i, arg in enumerate(sys.argv):
        if arg == "-a" and i + 1 < len(sys.argv) and sys.argv[i + 1].startswith("k="):
            return int(sys.argv[i + 1][2:])
    return 50


class ListSpider(scrapy.Spider):
    name = "list"
    custom_settings = {
        "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": False,  # greencrawl fetches listed URLs whatever robots.txt says
        "COOKIES_ENABLED": False,
        "REACTOR_THREADPOOL_MAXSIZE": 20,
        "TELNETCONSOLE_ENABLED": False,
        "AUTOTHROTTLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": _k(),
        "CONCURRENT_REQUESTS_PER_DOMAIN": _k(),
    }

    def __init__(self, urls, k="50", *args, **kwargs):
        super().__init__(*args, **kwargs)
        with open(urls, encoding="utf-8") as f:
            self.start_urls = [line.strip() for line in f if line.strip()]

    def parse(self, response):
        return None
