/**
 * The `--help` text, kept apart from the parser so `args.ts` reads as the options' rules.
 * @module
 */
import { FETCH_DEFAULTS } from "../crawler/fetch/fetch.ts";
import { VERSION } from "../crawler/version.ts";

/** The `--help` text. */
export const HELP =
  `greencrawl ${VERSION}: fetch URLs with green workers and report bytes and time per URL.

Usage:
  greencrawl [options] <input>...            (installed with deno install -g)
  deno run --allow-net --allow-read=<file> cli.ts [options] <input>...

Inputs (at least one; any mix, read in order as one list):
  https://example.org/    an argument that is an absolute http(s) URL is fetched as given
  urls.txt                anything else is a file: one URL per line (UTF-8, BOM and CRLF
                          accepted); blank lines and lines starting with # are skipped; each
                          line is one job (duplicates are fetched again). A line that is not
                          an absolute http(s) URL becomes an error record and a warning
  -                       the same kind of list, read from standard input (once)
  Line numbers (the records' "line") run on across the inputs as if they were one file;
  a URL argument is one line: "cli.ts a.txt b.txt" numbers like "cat a.txt b.txt | cli.ts -".

Scheduling:
  -c, --concurrency <n>   green workers (default 16)
  --mode <mode>           concurrent: N workers, I/O yields (default)
                          sequential: one worker, one URL after another
                          blocking:   N workers, but unpatched I/O freezes the event
                                      loop on every request: as slow as sequential
  --compare               run the list sequential, blocking, then concurrent, and print
                          wall time, sum of per-URL times, overlap and speedup
  --sweep <n,n,...>       run the list in concurrent mode at each concurrency (e.g.
                          1,2,4,8,16,32) and print N, wall s, req/s, p50, p90, speedup and
                          efficiency (speedup / N), marking the knee: the smallest N that
                          reaches 90% of the best req/s (replaces -c and --mode)

Requests:
  --timeout <seconds>     deadline per request, headers and body (default ${FETCH_DEFAULTS.timeout})
  --retries <n>           retries on network errors, timeouts, 408, 429, 5xx, with
                          exponential backoff and jitter; Retry-After is honoured
                          (default ${FETCH_DEFAULTS.retries})
  --max-bytes <size>      largest decoded body; bigger downloads are cut and reported
                          (default 10MiB; accepts 500000, 512k, 10MiB, 1G)
  --max-redirects <n>     redirects followed per URL (default ${FETCH_DEFAULTS.maxRedirects})
  -A, --user-agent <ua>   User-Agent header (default greencrawl/${VERSION})
  -H, --header <h>        extra header 'Name: value' (repeatable)

Crawling (with --depth above 0 the listed pages' links are followed):
  --depth <n>             link depth followed; listed URLs are depth 0 (default 0: only the
                          list). Each page is fetched once, however it is linked
  --scope <s>             host: links must stay on the seed's host (default);
                          domain: on its registrable domain (a.example.co.uk ~ b.example.co.uk);
                          any: anywhere public: links to non-public addresses (loopback,
                          private, link-local, metadata, reserved, multicast; names under
                          localhost and internal; names resolving to those) are not followed
  --include <regex>       follow only URLs matching (repeatable; any one must match)
  --exclude <regex>       never follow URLs matching (repeatable)
  --max-pages <n>         stop queueing after n pages, listed URLs included (default 10000)
  --per-host <n>          requests in flight per host (default 8)
  --delay <seconds>       between request starts on one host (default 0; a robots.txt
                          Crawl-delay raises it)
  --ignore-robots         fetch discovered URLs even where robots.txt disallows them
                          (robots.txt is obeyed by default; listed URLs are always fetched)
  --allow-private         follow redirects (and with --scope any, links) to non-public
                          addresses too. Without it, a redirect from a listed URL to another
                          host must reach a public address, or the record stops there

Long runs (a list or a crawl):
  --state <file>          keep the run's state in this SQLite file; rerunning the same command
                          after Ctrl-C, a kill or a crash resumes it: pages done are not
                          fetched again, pages in flight are. Kept: the settings (inputs,
                          --depth, --scope, --include, --exclude, --max-pages, robots.txt and
                          private-address choices: a rerun that differs exits 2), every
                          discovered URL with its depth, parent and state, robots.txt, and
                          how much of -o is written. Commits at most 100 ms or 200 pages
                          apart: a crash repeats at most the pages in flight plus one such
                          window. With -o the file holds each record exactly once across
                          resumes; stdout may repeat those pages. Not with --compare/--sweep

Shared crawl (many processes, one or many machines, one crawl; each page fetched once):
  --frontier <url>        keep the crawl in Redis: redis://[user:password@]host:port[/db].
                          Run the same command anywhere to add workers; each writes its own
                          records (crawler field: hostname:pid)
  --crawl-id <name>       the crawl's name (keys greencrawl:<name>:*); default: derived from
                          the seeds and --depth/--scope/--include/--exclude/--max-pages/
                          --ignore-robots/--allow-private, and printed
  --lease <seconds>       a job taken by a process that dies returns to the queue after
                          this long (default 120)
  --status                print the crawl's counts (queued, leased, done, failed, seen, top
                          hosts) and exit; inputs are needed only without --crawl-id
  Needs --allow-net for Redis's host:port, --allow-env=REDIS_DEBUG_MAINTENANCE,
  REDIS_EMIT_DIAGNOSTICS (read by the Redis client) and --allow-sys=hostname.

Output:
  --format <f>            text (default): "GET: <url>" as a worker takes a URL,
                            "<n> bytes received from <url>. time: <s>" as it ends,
                            then a summary
                          ndjson: one JSON object per input line, nothing else on stdout
                          csv: the same fields as columns, with a header row
  -o, --output <file>     write the records there instead of stdout
  -q, --quiet             no summary, no warnings, no progress (errors still go to stderr)
  --report <file.html>    also write a self-contained HTML waterfall of the run: one bar per
                          URL on a shared time axis, one lane per worker, a summary panel;
                          with --compare the three modes stacked on one time scale, with
                          --sweep the throughput chart. Records are kept in memory until the
                          end to draw it: about 1 KB per URL (per URL and mode/level)
  --no-progress           no live status line. It is drawn on stderr only when stderr is a
                          terminal (done/total, in flight, ok, failed, bytes, rate, elapsed
                          and the oldest in-flight URL with its age)
  -h, --help              this text
  --version               the version

Exit codes: 0 every URL ok (also when stdout is closed by its reader, e.g. | head: the run
stops at once, quietly); 1 some URLs failed (network error, timeout, HTTP >= 400, invalid
line); 2 usage, input or output error (-o unwritable, a full disk); 130 interrupted (Ctrl-C:
finished records are written, in-flight requests aborted, the summary printed; in --mode
blocking and --compare the frozen thread cannot run a handler, so Ctrl-C ends the process
at once, no summary).

Permissions (the least each run needs):
  --allow-net             or --allow-net=host1,host2 to pin the hosts. Redirects to other
                          hosts (and --scope any links) are resolved before they are
                          requested, which needs the nameserver too; a host outside a
                          pinned --allow-net is refused without a lookup
  --allow-read=<file>     for each list file (none for URL arguments or -)
  --allow-write=<file>    for -o <file> and --report <file>
  --allow-read=<dir> --allow-write=<dir>
                          for --state <dir>/<file> (SQLite adds <file>-wal beside it, and
                          greencrawl <file>.lock, which holds the pid of the run using it)

Memory: for long and large runs cap V8's heap, which otherwise sizes itself for speed (a
200,000-page run with --state peaks at about 117 MB instead of 201, for up to ~10% more CPU; an
in-memory frontier of more than a few million URLs then needs --state; README, "Memory"):
  deno run --v8-flags=--max-semi-space-size=4,--max-old-space-size=1024 --allow-net ... cli.ts

Examples:
  deno run --allow-net cli.ts https://example.org/ https://example.com/
  deno run --allow-net --allow-read=urls.txt cli.ts urls.txt
  deno run --allow-net --allow-read=urls.txt cli.ts --compare -c 50 urls.txt
  deno run --allow-net --allow-read=urls.txt cli.ts --format ndjson urls.txt > records.ndjson
  deno run --allow-net --allow-read=urls.txt --allow-write=report.html cli.ts --compare \\
    --report report.html urls.txt
  deno run --allow-net --allow-read=urls.txt cli.ts --sweep 1,2,4,8,16,32 urls.txt
  deno run --allow-net --allow-read=seeds.txt cli.ts --depth 2 --format ndjson seeds.txt
  deno run --allow-net --allow-read=seeds.txt,crawl --allow-write=crawl cli.ts --depth 5 \\
    --state crawl/state.db --format ndjson -o crawl/records.ndjson seeds.txt
  grep wiki urls.txt | deno run --allow-net cli.ts -
`;
