-- POSTs the tools/call body to the plain Undertow server (which answers a fixed JSON reply).
package.path = package.path .. ";" .. os.getenv("BENCH_WRK_DIR") .. "/?.lua"
local report = require("report")
setup = report.setup
done = report.done
bad = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}'

function response(status, _, body)
  if status ~= 200 or not body:find('"result"', 1, true) then bad = bad + 1 end
end
