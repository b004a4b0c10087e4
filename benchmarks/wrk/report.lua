-- Shared by the wrk scripts: counts replies that are not a success, and prints machine-readable lines.
local M = {}
local threads = {}

function M.setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function M.done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f bad=%d "
      .. "errors=%d\n", summary.requests, summary.duration,
      summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      bad, e.connect + e.read + e.write + e.status + e.timeout))
end

M.threads = threads
return M
