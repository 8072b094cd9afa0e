-- Appended to every wrk run of bench/bench_serving.py: one machine-readable line at the end.
-- Latencies are in microseconds in wrk; printed in milliseconds. Any answer but a 2xx counts as
-- bad (wrk's own count leaves out redirects), and the first bad answer is shown.
report_threads = {}
bad = 0
bad_sample = ""
stale = 0 -- SCORM commits acknowledged but not stored: one of the learner's later ones got there first

function setup(thread)
  table.insert(report_threads, thread)
end

function response(status, headers, body)
  if body and string.find(body, '"stored": false', 1, true) then
    stale = stale + 1
  end
  if status < 200 or status > 299 then
    bad = bad + 1
    if bad_sample == "" then
      bad_sample = tostring(status) .. " " .. string.sub(tostring(headers["Location"] or body or ""), 1, 200)
    end
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local bad_total, stale_total, sample = 0, 0, ""
  for _, thread in ipairs(report_threads) do
    bad_total = bad_total + (thread:get("bad") or 0)
    stale_total = stale_total + (thread:get("stale") or 0)
    local s = thread:get("bad_sample")
    if sample == "" and s then sample = s end
  end
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50=%.2f p95=%.2f p99=%.2f max=%.2f non2xx=%d "
      .. "connect=%d read=%d write=%d timeout=%d stale=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad_total, errors.connect, errors.read, errors.write, errors.timeout,
    stale_total))
  if sample ~= "" then
    io.write("BAD " .. sample:gsub("\n", " ") .. "\n")
  end
end
