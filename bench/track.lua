-- wrk script: POST /en/track for one existing case, the resident's
-- status lookup. The request is the same every time, so it is built
-- once. Environment:
--   BENCH_CASE_NUMBER, BENCH_CASE_MOBILE  the case and its mobile number
--   BENCH_CSRF_COOKIE, BENCH_CSRF_FIELD   a tw_csrf cookie and its field

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

setup = common.setup
done = common.done

function init(args)
   wrk.method = "POST"
   wrk.path = "/en/track"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   wrk.headers["Cookie"] = "tw_csrf=" .. common.env("BENCH_CSRF_COOKIE")
   wrk.body = common.form_body({
      {"csrf", common.env("BENCH_CSRF_FIELD")},
      {"number", common.env("BENCH_CASE_NUMBER")},
      {"mobile", common.env("BENCH_CASE_MOBILE")},
   })
end
