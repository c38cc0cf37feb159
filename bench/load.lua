-- wrk script of the load run (bench/load.py writes the workload and reads the log).
-- Run with as many threads as connections (-t N -c N): each thread then has one connection, so
-- its requests and responses alternate and each response is timed from its own request.
-- The workload file has one request a line: label, path, session cookie (tab-separated).
-- BENCH_THINK_MIN_MS / BENCH_THINK_MAX_MS: each user waits a random time in that range between
-- a response and its next request (a person reading the page); 0 and 0 hammer without pause.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  items = {}
  for line in io.lines(os.getenv("BENCH_WORKLOAD")) do
    local label, path, cookie = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
    if label then
      table.insert(items, { label, path, "sessionid=" .. cookie })
    end
  end
  -- Each user walks the shuffled workload from its own starting place.
  position = (id * 7919) % #items
  log = {}
  think_min = tonumber(os.getenv("BENCH_THINK_MIN_MS") or "0")
  think_max = tonumber(os.getenv("BENCH_THINK_MAX_MS") or "0")
  math.randomseed(id * 104729)
end

function delay()
  if think_max <= 0 then
    return 0
  end
  return math.random(think_min, think_max)
end

function request()
  position = position % #items + 1
  current = items[position]
  started = now_us()
  return wrk.format("GET", current[2], { Cookie = current[3] })
end

function response(status, headers, body)
  local elapsed = now_us() - started
  log[#log + 1] = current[1] .. "\t" .. status .. "\t" .. string.format("%d", elapsed)
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_LOAD_OUT"), "w"))
  for _, thread in ipairs(threads) do
    for _, line in ipairs(thread:get("log")) do
      out:write(line, "\n")
    end
  end
  local e = summary.errors
  out:write(string.format("#summary\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", summary.duration,
    summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
  out:close()
end
