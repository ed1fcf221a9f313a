-- wrk script: POST /ar/complaints, each request filing a new case.
--
-- Every request carries its own one-time form token, because the portal
-- redirects a token it has seen to the case filed with it and files no
-- new case. bench/tokens.py writes the tokens, one a line, and each
-- wrk thread takes a disjoint slice of that file. Environment:
--   BENCH_TOKEN_FILE  the token file
--   BENCH_TOKEN_COUNT the number of tokens in it
--   BENCH_THREADS     wrk's -t, the number of slices
--   BENCH_CSRF_COOKIE the tw_csrf cookie value sent with every request
--   BENCH_CSRF_FIELD  the matching csrf form field
--   BENCH_MOBILE_BASE a number added to the token's line number to make
--                     the mobile number, so that runs use different ones
-- A thread that runs out of tokens sends an empty token, which the
-- server rejects with 403, so a short supply shows as errors and in
-- "tokens_short" and never as silent duplicates.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

setup = common.setup
done = common.done

local tokens = {}
local next_token = 1
local first_line
local mobile_base
local cookie_field

-- Loads this thread's slice of the token file.
function init(args)
   local count = tonumber(common.env("BENCH_TOKEN_COUNT"))
   local nthreads = tonumber(common.env("BENCH_THREADS"))
   local slice = math.floor(count / nthreads)
   local first = thread_index * slice + 1
   local last = first + slice - 1
   first_line = first
   mobile_base = tonumber(common.env("BENCH_MOBILE_BASE"))
   local n = 0
   for line in io.lines(common.env("BENCH_TOKEN_FILE")) do
      n = n + 1
      if n > last then
         break
      elseif n >= first then
         tokens[#tokens + 1] = line
      end
   end

   cookie_field = common.env("BENCH_CSRF_FIELD")
   wrk.method = "POST"
   wrk.path = "/ar/complaints"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   wrk.headers["Cookie"] = "tw_csrf=" .. common.env("BENCH_CSRF_COOKIE")

   sent = 0
   status_303 = 0
   status_other = 0
   tokens_short = 0
end

function request()
   local token = tokens[next_token]
   -- A different resident for every case: 9 and seven digits from the
   -- token's line number make a valid Omani mobile number, distinct
   -- while the tokens of all runs number fewer than ten million.
   local line = mobile_base + first_line + next_token - 1
   local mobile = string.format("9%07d", line % 10000000)
   if token == nil then
      token = ""
      tokens_short = tokens_short + 1
   else
      next_token = next_token + 1
   end
   sent = sent + 1
   local body = common.form_body({
      {"csrf", cookie_field},
      {"form_token", token},
      {"type", "complaint"},
      {"category", "pothole"},
      {"wilayat", "seeb"},
      {"location", "شارع السلطان قابوس قرب دوار البرج"},
      {"description", "حفرة كبيرة في منتصف الطريق تسبب خطرا على السيارات منذ أسبوع."},
      {"name", "سالم بن راشد الحارثي"},
      {"mobile", mobile},
   })
   return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
   common.count_status(status, 303)
end
