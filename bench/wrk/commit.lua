-- The report line (response() and done()) is shared with every other run.
dofile(os.getenv("BENCH_REPORT"))

-- SCORM commits for bench/bench_serving.py: each wrk thread takes its share of the learners listed
-- in the file named by BENCH_LEARNERS (one "cookie path session" line each) and sends them commits
-- in turn, each learner's sequence numbers rising from 1, so no learner has two commits in flight
-- (there are many more learners than connections).
local learners_file = os.getenv("BENCH_LEARNERS")
local origin = os.getenv("BENCH_ORIGIN")
local fixed_path = os.getenv("BENCH_PATH") -- the bare app's /upsert: the same bodies, one address
local all = {}
for line in io.lines(learners_file) do
  local cookie, path, session = line:match("^(%S+) (%S+) (%S+)$")
  table.insert(all, {cookie = cookie, path = path, session = session})
end

local counter = 0
local report_setup = setup

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
  report_setup(thread)
end

local mine = {}
local next_one = 1
local sequence = {}

function init(args)
  local total = tonumber(os.getenv("BENCH_THREADS"))
  for i, learner in ipairs(all) do
    if (i - 1) % total == thread_number - 1 then
      table.insert(mine, learner)
      sequence[learner.session] = 0
    end
  end
end

function request()
  local learner = mine[next_one]
  next_one = next_one % #mine + 1
  local n = sequence[learner.session] + 1
  sequence[learner.session] = n
  local body = string.format(
    '{"session":"%s","sequence":%d,"terminate":false,"cmi":{"core":{"lesson_location":"page-%d",'
      .. '"lesson_status":"incomplete","session_time":"00:00:%02d","exit":"suspend"},'
      .. '"suspend_data":"screen-%d;answers=a,b,c,d"}}',
    learner.session, n, n, n % 60, n)
  local headers = {}
  for name, value in pairs(wrk.headers) do -- the -H headers (Host, X-Forwarded-Proto)
    headers[name] = value
  end
  headers["Content-Type"] = "application/json"
  headers["Cookie"] = learner.cookie
  headers["Origin"] = origin
  return wrk.format("POST", fixed_path or learner.path, headers, body)
end
