/**
 * The Lua scripts of the shared frontier: every change to a crawl's state in Redis is one of
 * these, run atomically by the server, so processes never see half a lease or half a page.
 * Times are the server's clock (`TIME`, milliseconds), so politeness holds across machines whose
 * clocks differ.
 *
 * Keys, all under the prefix `greencrawl:<crawl-id>:` (passed as `KEYS[1]`):
 *
 * | key            | type   | holds                                                                 |
 * | -------------- | ------ | --------------------------------------------------------------------- |
 * | `meta`         | hash   | settings (maxDepth, maxPages, perHost, delayMs, obeyRobots) and counts (queued, total, done, failed, robotsSkipped, leaseSeq, created, finished) |
 * | `seen`         | set    | canonical URLs ever queued or landed on (the visited set)            |
 * | `q:<host>`     | list   | the host's queued jobs, oldest first                                  |
 * | `ready`        | zset   | hosts that may start a request, scored by when (ms): those with queued jobs and a free slot |
 * | `active`       | hash   | host → leases held (requests in flight)                               |
 * | `next`         | hash   | host → earliest start of its next request (ms)                        |
 * | `gap`          | hash   | host → ms between request starts (`--delay` raised by Crawl-delay), once its robots.txt is known |
 * | `leases`       | zset   | lease id → expiry (ms)                                                 |
 * | `lease`        | hash   | lease id → the job                                                    |
 * | `hosts`        | set    | every host queued                                                     |
 * | `hostdone`     | hash   | host → pages done                                                     |
 * | `crawlers`     | zset   | `hostname:pid` → last heartbeat (ms)                                   |
 * | `robots:<host>`| string | the host's robots.txt (see `robots.ts`)                               |
 *
 * A job is one string, its fields separated by the unit separator `\x1f` (never in a URL the
 * crawler queues): host, depth, input line (`-` for none), queued-at (server ms, 0 for listed
 * URLs), seed, parent (`-` for none), URL.
 * @module
 */

/** Names and helpers every script starts with. */
const PRELUDE = `
local P = KEYS[1]
local META, SEEN, READY, ACTIVE, NEXT, GAP = P..'meta', P..'seen', P..'ready', P..'active', P..'next', P..'gap'
local LEASES, LEASED, HOSTS, HOSTDONE = P..'leases', P..'lease', P..'hosts', P..'hostdone'
local function Q(host) return P..'q:'..host end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function host_of(job) return string.sub(job, 1, string.find(job, '\\31', 1, true) - 1) end
-- A host is in READY exactly when it has queued jobs and a free slot; its score is NEXT.
local function refresh(host, per_host)
  if redis.call('LLEN', Q(host)) > 0 and tonumber(redis.call('HGET', ACTIVE, host) or '0') < per_host then
    redis.call('ZADD', READY, tonumber(redis.call('HGET', NEXT, host) or '0'), host)
  else
    redis.call('ZREM', READY, host)
  end
end
-- A lease given back (expired, or released unfetched): its job goes to the front of its queue.
local function requeue(id, per_host)
  local job = redis.call('HGET', LEASED, id)
  redis.call('ZREM', LEASES, id)
  redis.call('HDEL', LEASED, id)
  if not job then return end
  local host = host_of(job)
  redis.call('LPUSH', Q(host), job)
  redis.call('HINCRBY', ACTIVE, host, -1)
  redis.call('HINCRBY', META, 'queued', 1)
  refresh(host, per_host)
end
-- Leases the next job (see LEASE).
local function lease(lease_ms)
  local m = redis.call('HMGET', META, 'perHost', 'delayMs')
  if not m[1] then return {'gone'} end
  local per_host, delay = tonumber(m[1]), tonumber(m[2])
  local now = now_ms()
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, 64)) do
    requeue(id, per_host)
  end
  local top = redis.call('ZRANGE', READY, 0, 0, 'WITHSCORES')
  if #top == 0 then
    if tonumber(redis.call('HGET', META, 'queued')) == 0 and redis.call('ZCARD', LEASES) == 0 then
      redis.call('HSETNX', META, 'finished', now)
      return {'finished'}
    end
    local soonest = redis.call('ZRANGE', LEASES, 0, 0, 'WITHSCORES')
    if #soonest == 0 then return {'wait', -1} end
    return {'wait', tonumber(soonest[2]) - now}
  end
  local host, at = top[1], tonumber(top[2])
  if at > now then return {'wait', at - now} end
  local job = redis.call('LPOP', Q(host))
  local gap = redis.call('HGET', GAP, host)
  redis.call('HSET', NEXT, host, now + tonumber(gap or delay))
  redis.call('HINCRBY', ACTIVE, host, 1)
  redis.call('HINCRBY', META, 'queued', -1)
  local id = redis.call('HINCRBY', META, 'leaseSeq', 1)
  redis.call('ZADD', LEASES, now + lease_ms, id)
  redis.call('HSET', LEASED, id, job)
  refresh(host, per_host)
  return {'job', job, id, now, gap and 1 or 0}
end
`;

/**
 * Starts the crawl once: the first process stores the settings and queues the seeds; later ones
 * (and the same command run again) only read the stored settings.
 * ARGV: maxDepth, maxPages, perHost, delayMs, obeyRobots (0/1), then per seed: host, job, key.
 * Returns `{'seeded'|'joined', maxDepth, maxPages, perHost, delayMs, obeyRobots, finished}`.
 */
export const SEED = PRELUDE + `
local now = now_ms()
local fields = {'maxDepth', 'maxPages', 'perHost', 'delayMs', 'obeyRobots', 'finished'}
if redis.call('HSETNX', META, 'created', now) == 0 then
  local m = redis.call('HMGET', META, unpack(fields))
  return {'joined', m[1], m[2], m[3], m[4], m[5], m[6] or ''}
end
redis.call('HSET', META, 'maxDepth', ARGV[1], 'maxPages', ARGV[2], 'perHost', ARGV[3],
  'delayMs', ARGV[4], 'obeyRobots', ARGV[5], 'done', 0, 'failed', 0, 'robotsSkipped', 0,
  'leaseSeq', 0)
local n, hosts = 0, {}
for i = 6, #ARGV, 3 do
  redis.call('SADD', SEEN, ARGV[i + 2])
  redis.call('RPUSH', Q(ARGV[i]), ARGV[i + 1])
  hosts[ARGV[i]] = true
  n = n + 1
end
redis.call('HSET', META, 'queued', n, 'total', n)
for host in pairs(hosts) do
  redis.call('SADD', HOSTS, host)
  refresh(host, tonumber(ARGV[3]))
end
return {'seeded', ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ''}
`;

/**
 * Leases the next job: first gives expired leases back, then takes the head of the host that
 * may start soonest, if it may start now.
 * ARGV: lease ms.
 * Returns `{'job', job, leaseId, now, gapKnown (0/1)}`, `{'wait', ms or -1}`, `{'finished'}`,
 * or `{'gone'}` (the crawl's keys are missing).
 */
export const LEASE = PRELUDE + `
return lease(tonumber(ARGV[1]))
`;

/**
 * A leased job is finished: the lease ends (if still held: a lease that expired was given to
 * another process, which counts the page), the page is counted, where it landed is marked seen,
 * and its new links are queued within the budget. Then, with a lease time, the worker's next
 * job is leased in the same call (one round trip per page).
 * ARGV: leaseId, outcome ('ok', 'failed' or 'robots': skipped unfetched), landed key or '',
 * child depth, seed, parent, lease ms (0: no next job), then per link: URL, host (links
 * already in scope and depth).
 * Returns `{held (0/1), queued, duplicate, overBudget, budgetReached (0/1)}` followed by
 * LEASE's reply (`{'none'}` without a lease time).
 */
export const COMPLETE = PRELUDE + `
local m = redis.call('HMGET', META, 'perHost', 'maxPages', 'total')
if not m[1] then return {0, 0, 0, 0, 0, 'gone'} end
local per_host, max_pages, total = tonumber(m[1]), tonumber(m[2]), tonumber(m[3])
local id = ARGV[1]
local held = 0
local job = redis.call('HGET', LEASED, id)
if job and redis.call('ZREM', LEASES, id) == 1 then
  held = 1
  redis.call('HDEL', LEASED, id)
  local host = host_of(job)
  redis.call('HINCRBY', ACTIVE, host, -1)
  if ARGV[2] == 'robots' then
    redis.call('HINCRBY', META, 'robotsSkipped', 1)
  else
    redis.call('HINCRBY', META, 'done', 1)
    redis.call('HINCRBY', HOSTDONE, host, 1)
    if ARGV[2] == 'failed' then redis.call('HINCRBY', META, 'failed', 1) end
  end
  refresh(host, per_host)
end
if ARGV[3] ~= '' then redis.call('SADD', SEEN, ARGV[3]) end
local prefix = ARGV[4] .. '\\31-\\31' .. now_ms() .. '\\31' .. ARGV[5] .. '\\31' .. ARGV[6] .. '\\31'
local queued, duplicate, over = 0, 0, 0
local hosts = {}
for i = 8, #ARGV, 2 do
  local url, host = ARGV[i], ARGV[i + 1]
  if total >= max_pages then
    if redis.call('SISMEMBER', SEEN, url) == 1 then duplicate = duplicate + 1 else over = over + 1 end
  elseif redis.call('SADD', SEEN, url) == 0 then
    duplicate = duplicate + 1
  else
    redis.call('RPUSH', Q(host), host .. '\\31' .. prefix .. url)
    hosts[host] = true
    total = total + 1
    queued = queued + 1
  end
end
if queued > 0 then
  redis.call('HSET', META, 'total', total)
  redis.call('HINCRBY', META, 'queued', queued)
  for host in pairs(hosts) do
    redis.call('SADD', HOSTS, host)
    refresh(host, per_host)
  end
end
local reply = {held, queued, duplicate, over, total >= max_pages and 1 or 0}
local next_job = tonumber(ARGV[7]) > 0 and lease(tonumber(ARGV[7])) or {'none'}
for _, v in ipairs(next_job) do reply[#reply + 1] = v end
return reply
`;

/**
 * Gives leased jobs back unfetched (an interrupted run, a closing process): each goes to the
 * front of its host's queue at once, not after its lease expires.
 * ARGV: lease ids.
 */
export const RELEASE = PRELUDE + `
local per_host = tonumber(redis.call('HGET', META, 'perHost') or '1')
for i = 1, #ARGV do
  if redis.call('ZSCORE', LEASES, ARGV[i]) then requeue(ARGV[i], per_host) end
end
return #ARGV
`;

/**
 * The host's robots.txt is known: stores its gap between request starts (the larger of
 * `--delay` and Crawl-delay, never lowered). With a gap, the job that was leased while it was
 * unknown goes back to the front of the queue unfetched, and the host waits a gap from now:
 * robots.txt was the request of that job's slot (or the job was spaced by `--delay` only).
 * ARGV: host, gap ms, lease id. Returns 1 when the job was given back.
 */
export const GAP = PRELUDE + `
local host, gap, id = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local per_host = tonumber(redis.call('HGET', META, 'perHost') or '0')
if per_host == 0 then return 0 end
local old = tonumber(redis.call('HGET', GAP, host) or '-1')
if gap > old then redis.call('HSET', GAP, host, gap) end
if gap <= 0 then return 0 end
local start = now_ms() + gap
if gap > old and start > tonumber(redis.call('HGET', NEXT, host) or '0') then
  redis.call('HSET', NEXT, host, start)
end
if redis.call('ZSCORE', LEASES, id) then requeue(id, per_host) end
refresh(host, per_host)
return 1
`;

/**
 * The heartbeat of a process: extends its leases (only those still held) and records that it
 * is alive. ARGV: lease ms, crawler name, lease ids.
 */
export const RENEW = PRELUDE + `
local now = now_ms()
redis.call('ZADD', P..'crawlers', now, ARGV[2])
for i = 3, #ARGV do redis.call('ZADD', LEASES, 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
return now
`;

/**
 * The crawl's counts for `--status`. ARGV: how recent a heartbeat counts as alive (ms).
 * Returns `{meta (flat field/value list), leased, seen, crawlers alive, now,
 * hosts (flat list: host, queued, leased, done)}`.
 */
export const STATUS = PRELUDE + `
local now = now_ms()
local hosts = {}
for _, host in ipairs(redis.call('SMEMBERS', HOSTS)) do
  hosts[#hosts + 1] = host
  hosts[#hosts + 1] = redis.call('LLEN', Q(host))
  hosts[#hosts + 1] = tonumber(redis.call('HGET', ACTIVE, host) or '0')
  hosts[#hosts + 1] = tonumber(redis.call('HGET', HOSTDONE, host) or '0')
end
return {redis.call('HGETALL', META), redis.call('ZCARD', LEASES), redis.call('SCARD', SEEN),
  redis.call('ZCOUNT', P..'crawlers', now - tonumber(ARGV[1]), '+inf'), now, hosts}
`;
