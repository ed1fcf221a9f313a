-- wrk script for plain GET runs (the static file, the home page): wrk's
-- own requests, with common.lua's done() for the result line.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

setup = common.setup
done = common.done
