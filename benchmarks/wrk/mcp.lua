-- POSTs tools/call of `add` in a loop on one MCP session (BENCH_SESSION, none in stateless mode), with an
-- optional bearer token (BENCH_TOKEN). With BENCH_REVISION=2026-07-28 the requests are of that revision instead:
-- no session, the Mcp-Method and Mcp-Name headers and the per-request _meta. A reply counts as good when it is
-- HTTP 200 and carries a "result".
package.path = package.path .. ";" .. os.getenv("BENCH_WRK_DIR") .. "/?.lua"
local report = require("report")
setup = report.setup
done = report.done

local revision = os.getenv("BENCH_REVISION") or "2025-06-18"
local modern = revision == "2026-07-28"
local headers = {
  ["Content-Type"] = "application/json",
  ["Accept"] = "application/json, text/event-stream",
  ["MCP-Protocol-Version"] = revision,
}
local meta = ""
if modern then
  headers["Mcp-Method"] = "tools/call"
  headers["Mcp-Name"] = "add"
  meta = ',"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",'
      .. '"io.modelcontextprotocol/clientCapabilities":{}}'
end
local session = os.getenv("BENCH_SESSION") or ""
if session ~= "" then headers["Mcp-Session-Id"] = session end
local token = os.getenv("BENCH_TOKEN") or ""
if token ~= "" then headers["Authorization"] = "Bearer " .. token end

local n = 0
bad = 0

function request()
  n = n + 1
  return wrk.format("POST", wrk.path, headers, '{"jsonrpc":"2.0","id":' .. (id * 100000000 + n)
      .. ',"method":"tools/call","params":{"name":"add","arguments":{"a":' .. (n % 1000) .. ',"b":2}' .. meta .. '}}')
end

function response(status, _, body)
  if status ~= 200 or not body:find('"result"', 1, true) then bad = bad + 1 end
end
