/*
 * The Lua scripts behind RedisCounters, each one atomic over all its keys. They do the same arithmetic
 * as MemoryCounters (counters.ts: `refilled`), on Redis's own clock (`TIME`), so replicas whose clocks
 * disagree still agree on every bucket. Levels travel as `%.17g` strings (exact for a double; a number
 * returned from Lua would be truncated to an integer), money as integer strings (HINCRBY, exact).
 *
 * Cluster mode: one charge touches the key's, the tenant's and the budgets' keys, which would hash to
 * different slots; it needs hash tags (e.g. `{tenant}` in every id of one request). Plain Redis (or a
 * primary with replicas) is the target.
 */

/** Shared by the scripts: the time in ms, a bucket's refilled level, and when it may be forgotten. */
const prelude = `
if redis.replicate_commands then redis.replicate_commands() end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local function level_of(key, capacity, period, now)
  local values = redis.call('HMGET', key, 'level', 'at')
  if not values[1] then return capacity end
  local elapsed = math.max(0, now - tonumber(values[2]))
  return math.min(capacity, tonumber(values[1]) + elapsed * capacity / period)
end
-- A missing bucket is a full one: once it has refilled, the key may go (plus a second of slack).
local function store_level(key, level, capacity, period, now)
  redis.call('HSET', key, 'level', string.format('%.17g', level), 'at', string.format('%.17g', now))
  redis.call('PEXPIRE', key, math.ceil(math.max(0, capacity - level) * period / capacity) + 1000)
end
`;

/**
 * KEYS: the n bucket keys, then the budget keys.
 * ARGV: n; per bucket capacity, periodMs, take; per budget limit, reserve, hard (1|0).
 * Reply: {'unseeded', index...} | {'refused', bucketIndex|-1, budgetIndex|-1, level..., spent, reserved...}
 * | {'admitted', level..., spent, reserved...} — indexes 0-based, levels after the charge when admitted.
 */
export const chargeScript = `${prelude}
local n = tonumber(ARGV[1])
local m = #KEYS - n
local base = 1 + 3 * n
local unseeded = {'unseeded'}
local spent, reserved = {}, {}
for j = 1, m do
  local values = redis.call('HMGET', KEYS[n + j], 'spent', 'reserved')
  if not values[1] then
    unseeded[#unseeded + 1] = j - 1
  else
    spent[j] = values[1]
    reserved[j] = values[2] or '0'
  end
end
if #unseeded > 1 then return unseeded end

local now = now_ms()
local levels = {}
local refused_bucket = -1
for i = 1, n do
  local o = 1 + 3 * (i - 1)
  local level = level_of(KEYS[i], tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), now)
  levels[i] = level
  if refused_bucket < 0 and level < tonumber(ARGV[o + 3]) then refused_bucket = i - 1 end
end
local refused_budget = -1
for j = 1, m do
  local o = base + 3 * (j - 1)
  if refused_budget < 0 and ARGV[o + 3] == '1'
    and tonumber(spent[j]) + tonumber(reserved[j]) + tonumber(ARGV[o + 2]) > tonumber(ARGV[o + 1]) then
    refused_budget = j - 1
  end
end

local reply
if refused_bucket >= 0 or refused_budget >= 0 then
  reply = {'refused', refused_bucket, refused_budget}
  for i = 1, n do reply[#reply + 1] = string.format('%.17g', levels[i]) end
else
  reply = {'admitted'}
  for i = 1, n do
    local o = 1 + 3 * (i - 1)
    local level = levels[i] - tonumber(ARGV[o + 3])
    store_level(KEYS[i], level, tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2]), now)
    reply[#reply + 1] = string.format('%.17g', level)
  end
  for j = 1, m do
    redis.call('HINCRBY', KEYS[n + j], 'reserved', ARGV[base + 3 * (j - 1) + 2])
  end
  -- Read back after every reservation: one budget named twice shows both, as in memory.
  for j = 1, m do
    local values = redis.call('HMGET', KEYS[n + j], 'spent', 'reserved')
    spent[j] = values[1]
    reserved[j] = values[2]
  end
end
for j = 1, m do
  reply[#reply + 1] = spent[j]
  reply[#reply + 1] = reserved[j]
end
return reply
`;

/**
 * KEYS: the n bucket keys, then the budget keys.
 * ARGV: n; per bucket capacity, periodMs, give; per budget -release, spend.
 * A budget window with no counter is left without one: Redis lost it (a restart, an eviction) or it
 * expired, and the next charge must seed it from the ledger, which holds this spend too. Creating it
 * here with this one spend would make the seed a no-op and forget everything spent before.
 */
export const settleScript = `${prelude}
local n = tonumber(ARGV[1])
local m = #KEYS - n
local base = 1 + 3 * n
local now = now_ms()
for i = 1, n do
  local o = 1 + 3 * (i - 1)
  local capacity, period = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2])
  local level = math.min(capacity, level_of(KEYS[i], capacity, period, now) + tonumber(ARGV[o + 3]))
  store_level(KEYS[i], level, capacity, period, now)
end
local settled = 0
for j = 1, m do
  local key = KEYS[n + j]
  if redis.call('EXISTS', key) == 1 then
    local o = base + 2 * (j - 1)
    if redis.call('HINCRBY', key, 'reserved', ARGV[o + 1]) < 0 then redis.call('HSET', key, 'reserved', '0') end
    redis.call('HINCRBY', key, 'spent', ARGV[o + 2])
    settled = settled + 1
  end
end
return settled
`;

/** KEYS: the budget key. ARGV: spent, expireAt (epoch ms, 0 for none). Set if absent; 1 when it was set. */
export const seedScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'spent', ARGV[1], 'reserved', '0')
if ARGV[2] ~= '0' then redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
return 1
`;
