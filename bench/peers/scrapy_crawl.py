"""Scrapy crawl of the test site: a CrawlSpider with one LinkExtractor rule that follows
every same-host link, run with `scrapy runspider`.

Settings are Scrapy's own defaults plus what its "Broad Crawls" guide recommends for speed
(raise CONCURRENT_REQUESTS, quiet logging, cookies off, a bigger reactor thread pool), with
the per-domain limit raised to the same K because the whole crawl is one host.
AutoThrottle, the HTTP cache and DOWNLOAD_DELAY stay off (their defaults). ROBOTSTXT_OBEY is
True because greencrawl obeys robots.txt by default. Nothing is written to disk.

    python3 -m scrapy runspider bench/peers/scrapy_crawl.py -a start=http://127.0.0.1:PORT/ -a k=50
"""
import sys
from urllib.parse import urlsplit

from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


def _k():
    # K arrives as `-a k=...`; spider arguments are not settings, so custom_settings reads argv.
    for i, arg in enumerate(sys.argv):
        if arg == "-a" and i + 1 < len(sys.argv) and sys.argv[i + 1].startswith("k="):
            return int(sys.argv[i + 1][2:])
    return 50


class SiteSpider(CrawlSpider):
    name = "site"
    rules = (Rule(LinkExtractor(), follow=True),)
    custom_settings = {
        "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "REACTOR_THREADPOOL_MAXSIZE": 20,
        "TELNETCONSOLE_ENABLED": False,
        "AUTOTHROTTLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": _k(),
        "CONCURRENT_REQUESTS_PER_DOMAIN": _k(),
    }

    def __init__(self, start, k="50", *args, **kwargs):
        self.start_urls = [start]
        self.allowed_domains = [urlsplit(start).hostname]
        super().__init__(*args, **kwargs)
