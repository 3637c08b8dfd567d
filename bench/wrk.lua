-- The read-API load: every thread cycles through the paths of BENCH_PATHS (one per line) with the token of
-- BENCH_TOKEN, starting at a different place so that threads do not ask the same thing at the same moment.
local paths = {}
local token = os.getenv("BENCH_TOKEN")
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local counter = 0
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("start", thread_no * 97)
end

function init(args)
  counter = start or 0
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  return wrk.format("GET", path, {["Authorization"] = "Token " .. token, ["Accept"] = "application/json"})
end
