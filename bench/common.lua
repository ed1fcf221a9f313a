-- Shared parts of the wrk scripts: form encoding, per-thread bookkeeping
-- and done(), which prints one machine-readable result line.
--
-- A script loads this file with
--   local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
--   local common = dofile(dir .. "common.lua")
-- and assigns common.setup and common.done to wrk's setup and done.
-- wrk loads every script once per thread and once for the main state,
-- so this file must not keep state that the threads share.

local common = {}

-- Percent-encodes a string for application/x-www-form-urlencoded,
-- byte by byte, so UTF-8 Arabic text becomes %D8%.. sequences.
function common.urlencode(s)
   return (s:gsub("[^A-Za-z0-9_.~-]", function(c)
      if c == " " then
         return "+"
      end
      return string.format("%%%02X", string.byte(c))
   end))
end

-- Encodes an array of {name, value} pairs as a form body, in order.
function common.form_body(fields)
   local parts = {}
   for i, field in ipairs(fields) do
      parts[i] = common.urlencode(field[1]) .. "=" .. common.urlencode(field[2])
   end
   return table.concat(parts, "&")
end

-- Returns the value of environment variable name, failing when unset.
function common.env(name)
   local value = os.getenv(name)
   if value == nil or value == "" then
      error("environment variable " .. name .. " is not set")
   end
   return value
end

-- Threads in creation order. setup() runs in the main state, which later
-- runs done(), so done() can read each thread's counters through them.
local threads = {}

-- Sets the global "thread_index" (0, 1, ...) of each thread for init().
function common.setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

-- Returns the sum of global name over all threads (0 where unset).
local function thread_sum(name)
   local total = 0
   for _, thread in ipairs(threads) do
      total = total + (tonumber(thread:get(name)) or 0)
   end
   return total
end

-- Prints one line of key=value pairs for bench/run, after wrk's report.
-- Latencies are in milliseconds (wrk measures microseconds). The
-- per-thread counters "sent", "status_200", "status_303",
-- "status_other" and "tokens_short" are summed when a script sets them.
function common.done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   local line = string.format(
      "BENCH requests_per_s=%.1f p50_ms=%.2f p99_ms=%.2f requests=%d" ..
      " non_2xx_3xx=%d socket_errors=%d connect=%d read=%d write=%d" ..
      " timeout=%d",
      summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
      e.connect, e.read, e.write, e.timeout)
   for _, name in ipairs({"sent", "status_200", "status_303",
                          "status_other", "tokens_short"}) do
      if threads[1] ~= nil and threads[1]:get(name) ~= nil then
         line = line .. string.format(" %s=%d", name, thread_sum(name))
      end
   end
   io.write(line .. "\n")
end

-- Counts a response in the global "status_<expected>" when its status is
-- expected, and in "status_other" otherwise. These are globals of the
-- thread's own state, where wrk calls response().
function common.count_status(status, expected)
   if status == expected then
      local name = "status_" .. expected
      _G[name] = (_G[name] or 0) + 1
   else
      status_other = (status_other or 0) + 1
   end
end

return common
