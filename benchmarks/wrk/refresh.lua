-- The token endpoint: refresh_token grants over a pre-minted pool (BENCH_POOL, one token a line). Refresh tokens
-- rotate, so each reply's new refresh token goes back into its thread's pool; what is left is written back to
-- the file at the end, for the next run.
package.path = package.path .. ";" .. os.getenv("BENCH_WRK_DIR") .. "/?.lua"
local report = require("report")
done_report = report.done
bad = 0

local pool_file = os.getenv("BENCH_POOL")
local client_id = os.getenv("BENCH_CLIENT_ID")
local nthreads = 0

function setup(thread)
  report.setup(thread)
  nthreads = nthreads + 1
end

function init(args)
  pool, head, tail = {}, 1, 0
  local i, parts = 0, tonumber(os.getenv("BENCH_THREADS") or "1")
  for line in io.lines(pool_file) do
    if line ~= "" and i % parts == id - 1 then
      tail = tail + 1
      pool[tail] = line
    end
    i = i + 1
  end
end

local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

function request()
  local token = "none"
  if head <= tail then
    token = pool[head]
    pool[head] = nil
    head = head + 1
  end
  return wrk.format("POST", wrk.path, headers,
      "grant_type=refresh_token&client_id=" .. client_id .. "&refresh_token=" .. token)
end

function response(status, _, body)
  local next_token = status == 200 and body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if next_token then
    tail = tail + 1
    pool[tail] = next_token
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  done_report(summary, latency, requests)
  local out = io.open(pool_file, "w")
  for _, t in ipairs(report.threads) do
    local p, h, tl = t:get("pool"), t:get("head"), t:get("tail")
    for k = h, tl do
      if p[k] then out:write(p[k], "\n") end
    end
  end
  out:close()
end
